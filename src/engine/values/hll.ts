/**
 * HyperLogLog over string values, bit-compatible with Redis 7.0 (hyperloglog.c): the same
 * 64-bit MurmurHash64A (seed 0xadc83b19), the same register layout and byte-for-byte the same
 * representations, so a value written here and read with GET loads into redis-server (and back)
 * with the same PFCOUNT:
 *  - a 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), 3 zero bytes, and the cached
 *    cardinality as a little-endian uint64 whose top bit marks the cache invalid;
 *  - dense: 16384 registers of 6 bits, least significant bits first (12304 bytes in all);
 *  - sparse: run-length opcodes ZERO (00xxxxxx, 1-64 zero registers), XZERO (01xxxxxx
 *    xxxxxxxx, 1-16384 zero registers) and VAL (1vvvvvxx, 1-4 registers of value 1-32),
 *    edited in place with Redis's exact split and merge steps (so the bytes match), and
 *    promoted to dense past `hll-sparse-max-bytes` or for a register value above 32.
 * The estimator is Otmar Ertl's improved one (hllSigma/hllTau) as Redis 7.0 computes it, in
 * the same double arithmetic. Everything here works on a ByteString's bytes; the commands
 * (lookups, errors, notifications) live in families/hyperloglog.ts.
 */

import { ByteString, type StringValue } from './string.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.7213475204444817; // 0.5 / ln(2), Redis's 0.721347520444481703680

// ---- MurmurHash64A in 32-bit halves ----

const SEED = 0xadc83b19;
// m = 0xc6a4a7935bd1e995
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO0 = M_LO & 0xffff;
const M_LO1 = M_LO >>> 16;

/** The result of murmur64: high and low 32 bits (module state, so no allocation). */
let rHi = 0;
let rLo = 0;

/**
 * The high 32 bits of the 64-bit product lo * M_LO, exactly, from 16-bit partial products
 * (each below 2^32). The low 32 bits are Math.imul(lo, M_LO); a 64-bit product by m is then
 * hi = mulHi(lo) + lo * M_HI + hi * M_LO (mod 2^32). Kept pure so it inlines into the loop.
 */
function mulHi(lo: number): number {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const p00 = a0 * M_LO0;
  const p01 = a0 * M_LO1;
  const p10 = a1 * M_LO0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return a1 * M_LO1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

/** MurmurHash64A of the bytes of a binary string (one char per byte), into rHi/rLo. */
export function murmur64(s: string, seed = SEED): void {
  const len = s.length;
  // h = seed ^ (len * m)
  let hh = (mulHi(len) + Math.imul(len, M_HI)) >>> 0;
  let hl = (Math.imul(len, M_LO) ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let kl =
      (s.charCodeAt(i) |
        (s.charCodeAt(i + 1) << 8) |
        (s.charCodeAt(i + 2) << 16) |
        (s.charCodeAt(i + 3) << 24)) >>>
      0;
    let kh =
      (s.charCodeAt(i + 4) |
        (s.charCodeAt(i + 5) << 8) |
        (s.charCodeAt(i + 6) << 16) |
        (s.charCodeAt(i + 7) << 24)) >>>
      0;
    // k *= m; k ^= k >> 47; k *= m
    let th = (mulHi(kl) + Math.imul(kl, M_HI) + Math.imul(kh, M_LO)) >>> 0;
    kl = Math.imul(kl, M_LO) >>> 0;
    kh = th;
    kl = (kl ^ (kh >>> 15)) >>> 0;
    th = (mulHi(kl) + Math.imul(kl, M_HI) + Math.imul(kh, M_LO)) >>> 0;
    kl = Math.imul(kl, M_LO) >>> 0;
    // h ^= k; h *= m
    hh = (hh ^ th) >>> 0;
    hl = (hl ^ kl) >>> 0;
    th = (mulHi(hl) + Math.imul(hl, M_HI) + Math.imul(hh, M_LO)) >>> 0;
    hl = Math.imul(hl, M_LO) >>> 0;
    hh = th;
  }
  const rest = len & 7;
  if (rest !== 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = s.charCodeAt(blocks + j);
      if (j >= 4) hh = (hh ^ (b << ((j - 4) * 8))) >>> 0;
      else hl = (hl ^ (b << (j * 8))) >>> 0;
    }
    const th = (mulHi(hl) + Math.imul(hl, M_HI) + Math.imul(hh, M_LO)) >>> 0;
    hl = Math.imul(hl, M_LO) >>> 0;
    hh = th;
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  hl = (hl ^ (hh >>> 15)) >>> 0;
  const th = (mulHi(hl) + Math.imul(hl, M_HI) + Math.imul(hh, M_LO)) >>> 0;
  hl = Math.imul(hl, M_LO) >>> 0;
  rHi = th;
  rLo = (hl ^ (th >>> 15)) >>> 0;
}

/** MurmurHash64A of a binary string as a bigint (for tests; the hot path uses murmur64). */
export function hash64(s: string, seed = SEED): bigint {
  murmur64(s, seed);
  return (BigInt(rHi) << 32n) | BigInt(rLo);
}

/** The register an element maps to, set by patLen. */
let patIndex = 0;

/**
 * hllPatLen: the length of the 000..1 run in the hash bits above the register index (1 to
 * Q+1); the register index goes to `patIndex`.
 */
function patLen(ele: string): number {
  murmur64(ele);
  patIndex = rLo & HLL_P_MASK;
  // hash >> P, with bit Q set so the run ends.
  const lo = ((rLo >>> HLL_P) | (rHi << (32 - HLL_P))) >>> 0;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  const hi = (rHi >>> HLL_P) | (1 << (HLL_Q - 32));
  return 64 - Math.clz32(hi & -hi);
}

/** The register index and run length of an element (for tests and PFDEBUG-style checks). */
export function elementRegister(ele: string): { index: number; count: number } {
  const count = patLen(ele);
  return { index: patIndex, count };
}

// ---- dense registers ----

export function denseGet(b: Uint8Array, regnum: number): number {
  const bit = regnum * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  // A register starting at bit 0 or 2 of a byte lies in that byte alone (this also keeps the
  // last register from touching the byte past the end, Redis's sds terminator).
  if (fb <= 2) return (b[byte]! >>> fb) & HLL_REGISTER_MAX;
  return ((b[byte]! >>> fb) | (b[byte + 1]! << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSet(b: Uint8Array, regnum: number, val: number): void {
  const bit = regnum * HLL_BITS;
  const byte = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  b[byte] = (b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  if (fb > 2) {
    const fb8 = 8 - fb;
    b[byte + 1] = (b[byte + 1]! & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
  }
}

/** hllDenseSet: raises a register to `count`; true if it changed. */
function denseRaise(b: Uint8Array, index: number, count: number): boolean {
  if (count <= denseGet(b, index)) return false;
  denseSet(b, index, count);
  return true;
}

// ---- the header ----

export function invalidateCache(b: Uint8Array): void {
  b[15] = b[15]! | 0x80;
}

export function isCacheValid(b: Uint8Array): boolean {
  return (b[15]! & 0x80) === 0;
}

/** The cached cardinality (a uint64; a bigint only past 2^53). */
export function readCache(b: Uint8Array): number | bigint {
  const lo = (b[8]! | (b[9]! << 8) | (b[10]! << 16) | (b[11]! << 24)) >>> 0;
  const hi = (b[12]! | (b[13]! << 8) | (b[14]! << 16) | (b[15]! << 24)) >>> 0;
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeCache(b: Uint8Array, card: number | bigint): void {
  let hi: number;
  let lo: number;
  if (typeof card === 'number') {
    hi = Math.floor(card / 0x100000000);
    lo = card >>> 0;
  } else {
    hi = Number((card >> 32n) & 0xffffffffn);
    lo = Number(card & 0xffffffffn);
  }
  for (let i = 0; i < 4; i++) {
    b[8 + i] = (lo >>> (8 * i)) & 0xff;
    b[12 + i] = (hi >>> (8 * i)) & 0xff;
  }
}

// ---- creation and validation ----

/** createHLLObject: an empty sparse HLL (XZERO opcodes covering every register). */
export function createHll(): ByteString {
  const xzeros = Math.ceil(HLL_REGISTERS / SPARSE_XZERO_MAX_LEN);
  const b = new Uint8Array(HLL_HDR_SIZE + xzeros * 2);
  b.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]); // "HYLL"
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0; ) {
    const n = Math.min(left, SPARSE_XZERO_MAX_LEN);
    b[p++] = ((n - 1) >>> 8) | 0x40;
    b[p++] = (n - 1) & 0xff;
    left -= n;
  }
  return ByteString.fromBytes(b);
}

function byteAt(v: string | ByteString, i: number): number {
  return typeof v === 'string' ? v.charCodeAt(i) : v.getByte(i);
}

/**
 * isHLLObjectOrReply's test of a string value: not int-encoded, at least a header long, the
 * HYLL magic, a known encoding, and the exact size when dense.
 */
export function isHll(v: StringValue): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return false;
  const len = v.length;
  if (len < HLL_HDR_SIZE) return false;
  if (byteAt(v, 0) !== 0x48 || byteAt(v, 1) !== 0x59 || byteAt(v, 2) !== 0x4c || byteAt(v, 3) !== 0x4c) {
    return false;
  }
  const enc = byteAt(v, 4);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

// ---- sparse representation ----

/**
 * Reads the sparse opcodes of `b` into byte-per-register `regs` (keeping the maximum when
 * `max`); false unless they cover exactly every register. Any opcode running past the last
 * register makes the value invalid: the bounds checks of the CVE-2025-32023 fix, which the
 * reference redis-server 7.0.15 build (Debian 7.0.15-1~deb12u10) carries.
 */
function sparseToRegisters(b: Uint8Array, regs: Uint8Array, max: boolean): boolean {
  const end = b.length;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p]!;
    if ((op & 0xc0) === 0) {
      idx += (op & 0x3f) + 1;
      if (idx > HLL_REGISTERS) return false;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      idx += (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      if (idx > HLL_REGISTERS) return false;
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const val = ((op >>> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) return false;
      while (runlen-- > 0) {
        if (!max || val > regs[idx]!) regs[idx] = val;
        idx++;
      }
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/** hllSparseToDense: converts in place (the header, cached cardinality included, is kept). */
export function sparseToDense(bs: ByteString): boolean {
  const b = bs.bytes();
  if (b[4] === HLL_DENSE) return true;
  const regs = new Uint8Array(HLL_REGISTERS);
  if (!sparseToRegisters(b, regs, false)) return false;
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(b.subarray(0, HLL_HDR_SIZE));
  dense[4] = HLL_DENSE;
  for (let i = 0; i < HLL_REGISTERS; i++) if (regs[i] !== 0) denseSet(dense, i, regs[i]!);
  bs.replaceWith(dense);
  return true;
}

const seq = new Uint8Array(5);

function valOp(val: number, len: number): number {
  return ((val - 1) << 2) | (len - 1) | 0x80;
}

/**
 * hllSparseSet: raises register `index` to `count`, splitting the opcode that covers it and
 * merging equal neighbours afterwards, exactly as Redis does; promotes to dense when the value
 * does not fit a VAL opcode or the result would outgrow `maxBytes`. Returns 1 if a register
 * changed, 0 if not, -1 if the representation is corrupt.
 */
function sparseSet(bs: ByteString, index: number, count: number, maxBytes: number): -1 | 0 | 1 {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(bs, index, count);
  const len = bs.length;
  // Room for the worst split (XZERO -> XZERO VAL XZERO, 3 more bytes), plus one: a truncated
  // XZERO at the very end reads (and a split rewrites) the byte past it, Redis's sds terminator.
  bs.resize(len + 4);
  const b = bs.bytes();
  let end = len;
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | b[p + 1]!) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) {
    bs.resize(len);
    return -1;
  }
  const op = b[p]!;
  const isXzero = (op & 0xc0) === 0x40;
  const next = isXzero ? p + 2 : p + 1;
  const isZero = (op & 0xc0) === 0;
  const isVal = (op & 0x80) !== 0;
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]!) + 1 : (op & 3) + 1;

  let simple = false;
  if (isVal) {
    const old = ((op >>> 2) & 0x1f) + 1;
    if (old >= count) {
      bs.resize(len);
      return 0;
    }
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      simple = true;
    }
  }
  if (!simple && isZero && runlen === 1) {
    b[p] = valOp(count, 1);
    simple = true;
  }
  if (!simple) {
    // The general case: replace the opcode by up to 5 bytes.
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) n = zeroRun(index - first, n);
      seq[n++] = valOp(count, 1);
      if (index !== last) n = zeroRun(last - index, n);
    } else {
      const cur = ((op >>> 2) & 0x1f) + 1;
      if (index !== first) seq[n++] = valOp(cur, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) seq[n++] = valOp(cur, last - index);
    }
    const oldlen = isXzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && len + delta > maxBytes) {
      bs.resize(len);
      return promote(bs, index, count);
    }
    if (delta !== 0 && next < end) b.copyWithin(next + delta, next, end);
    end += delta;
    b.set(seq.subarray(0, n), p);
  }
  // Merge runs of equal VAL opcodes, scanning up to 5 opcodes from the previous one.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const o = b[p]!;
    if ((o & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((o & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1]! & 0x80) {
      const v1 = ((o >>> 2) & 0x1f) + 1;
      const o2 = b[p + 1]!;
      if (v1 === ((o2 >>> 2) & 0x1f) + 1) {
        const merged = (o & 3) + (o2 & 3) + 2;
        if (merged <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, merged);
          b.copyWithin(p, p + 1, end);
          end--;
          continue;
        }
      }
    }
    p++;
  }
  b[15] = b[15]! | 0x80;
  bs.resize(end);
  return 1;
}

/** Writes a ZERO or XZERO opcode for `len` zero registers into `seq` at `n`. */
function zeroRun(len: number, n: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    seq[n] = ((len - 1) >>> 8) | 0x40;
    seq[n + 1] = (len - 1) & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

function promote(bs: ByteString, index: number, count: number): -1 | 1 {
  if (!sparseToDense(bs)) return -1;
  denseRaise(bs.bytes(), index, count);
  return 1;
}

// ---- adding, merging, counting ----

/**
 * hllAdd: adds one element (a binary string) to a valid HLL. Returns 1 if a register changed,
 * 0 if not, -1 if the value is corrupt.
 */
export function hllAdd(bs: ByteString, ele: string, sparseMaxBytes: number): -1 | 0 | 1 {
  const count = patLen(ele);
  return hllSet(bs, patIndex, count, sparseMaxBytes);
}

/** Raises one register in whichever encoding the value has. */
export function hllSet(bs: ByteString, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  const enc = bs.getByte(4);
  if (enc === HLL_DENSE) return denseRaise(bs.bytes(), index, count) ? 1 : 0;
  if (enc === HLL_SPARSE) return sparseSet(bs, index, count, sparseMaxBytes);
  return -1;
}

/**
 * hllMerge: max[i] = MAX(max[i], register i) over a valid HLL's bytes; false if a sparse
 * value does not cover exactly every register.
 */
export function hllMerge(max: Uint8Array, b: Uint8Array): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  return sparseToRegisters(b, max, true);
}

/** hllSigma (Ertl, arXiv:1702.01284). */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** hllTau (Ertl, arXiv:1702.01284). Redis's pow(1 - x, 2) compiles to a product. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const histo = new Float64Array(64);

/**
 * The estimate from a register histogram (hllCount's second half), as the uint64 Redis gets
 * from llroundl: a number, or a bigint past 2^53 (2^63 where llroundl overflows).
 */
function estimate(h: Float64Array): number | bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - h[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += h[j]!;
    z *= 0.5;
  }
  z += m * sigma(h[0]! / m);
  const e = (ALPHA_INF * m * m) / z;
  // llroundl: half away from zero; out of range (or NaN) it yields LLONG_MIN.
  if (!(e < 2 ** 63)) return 9223372036854775808n;
  const r = Math.round(e);
  return r <= Number.MAX_SAFE_INTEGER ? r : BigInt(r);
}

/**
 * hllCount of a valid HLL's bytes. `invalid.value` is set when a sparse value does not cover
 * every register (the count is then meaningless, as in Redis).
 */
export function hllCount(b: Uint8Array, invalid?: { value: boolean }): number | bigint {
  const h = histo;
  h.fill(0);
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) h[denseGet(b, i)]!++;
  } else {
    const end = b.length;
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < end) {
      const op = b[p]!;
      let run: number;
      if ((op & 0xc0) === 0) run = (op & 0x3f) + 1;
      else if ((op & 0xc0) === 0x40) run = (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
      else run = (op & 3) + 1;
      // An opcode past the last register: invalid (the CVE-2025-32023 bounds check).
      if (idx + run > HLL_REGISTERS) {
        idx = -1;
        break;
      }
      idx += run;
      if ((op & 0xc0) === 0) {
        h[0] = h[0]! + run;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        h[0] = h[0]! + run;
        p += 2;
      } else {
        const r = ((op >>> 2) & 0x1f) + 1;
        h[r] = h[r]! + run;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS && invalid !== undefined) invalid.value = true;
  }
  return estimate(h);
}

/** hllCount of byte-per-register values (the HLL_RAW path of a multi-key PFCOUNT). */
export function hllCountRegisters(regs: Uint8Array): number | bigint {
  const h = histo;
  h.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) h[regs[i]! & 63]!++;
  return estimate(h);
}
