/**
 * CRC-64/Jones as Redis computes it (crc64.c / crcspeed.c): polynomial 0xad93d23594c935a9,
 * reflected input and output, initial value 0, no final xor. It guards RDB files (the 8 bytes
 * after the EOF opcode) and DUMP payloads, stored little-endian in both.
 *
 * JS has no fast 64-bit integers, so the CRC is kept as two uint32 halves and advanced eight
 * bytes at a time with slicing-by-8 tables (16 lookups per 8 bytes, no BigInt on the hot path).
 */

/** The reflected form of Jones's polynomial, split in halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/** Table k (0..7), entry b: at [k * 256 + b]. */
const T_LO = new Uint32Array(8 * 256);
const T_HI = new Uint32Array(8 * 256);

(function buildTables(): void {
  for (let b = 0; b < 256; b++) {
    let lo = b;
    let hi = 0;
    for (let i = 0; i < 8; i++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry !== 0) {
        lo = (lo ^ POLY_LO) >>> 0;
        hi = (hi ^ POLY_HI) >>> 0;
      }
    }
    T_LO[b] = lo;
    T_HI[b] = hi;
  }
  // Table k advances a byte followed by k zero bytes: T[k][b] = T[0][T[k-1][b] & 0xff] ^ (T[k-1][b] >> 8).
  for (let k = 1; k < 8; k++) {
    for (let b = 0; b < 256; b++) {
      const plo = T_LO[(k - 1) * 256 + b]!;
      const phi = T_HI[(k - 1) * 256 + b]!;
      const i = plo & 0xff;
      T_LO[k * 256 + b] = (T_LO[i]! ^ ((plo >>> 8) | (phi << 24))) >>> 0;
      T_HI[k * 256 + b] = (T_HI[i]! ^ (phi >>> 8)) >>> 0;
    }
  }
})();

/** A running CRC-64 value as two uint32 halves. */
export interface Crc64State {
  hi: number;
  lo: number;
}

export function crc64Init(): Crc64State {
  return { hi: 0, lo: 0 };
}

/** Folds bytes [start, end) of `data` into `state`. */
export function crc64Update(state: Crc64State, data: Uint8Array, start = 0, end = data.length): void {
  let lo = state.lo;
  let hi = state.hi;
  let p = start;
  const tl = T_LO;
  const th = T_HI;
  // Eight bytes at a time: xor them into the CRC (little-endian), then one lookup per byte.
  const end8 = end - 7;
  while (p < end8) {
    const a = (lo ^ (data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24))) >>> 0;
    const b = (hi ^ (data[p + 4]! | (data[p + 5]! << 8) | (data[p + 6]! << 16) | (data[p + 7]! << 24))) >>> 0;
    const i7 = 7 * 256 + (a & 0xff);
    const i6 = 6 * 256 + ((a >>> 8) & 0xff);
    const i5 = 5 * 256 + ((a >>> 16) & 0xff);
    const i4 = 4 * 256 + (a >>> 24);
    const i3 = 3 * 256 + (b & 0xff);
    const i2 = 2 * 256 + ((b >>> 8) & 0xff);
    const i1 = 256 + ((b >>> 16) & 0xff);
    const i0 = b >>> 24;
    lo = tl[i7]! ^ tl[i6]! ^ tl[i5]! ^ tl[i4]! ^ tl[i3]! ^ tl[i2]! ^ tl[i1]! ^ tl[i0]!;
    hi = th[i7]! ^ th[i6]! ^ th[i5]! ^ th[i4]! ^ th[i3]! ^ th[i2]! ^ th[i1]! ^ th[i0]!;
    p += 8;
  }
  for (; p < end; p++) {
    const i = (lo ^ data[p]!) & 0xff;
    lo = tl[i]! ^ ((lo >>> 8) | (hi << 24));
    hi = th[i]! ^ (hi >>> 8);
  }
  state.lo = lo >>> 0;
  state.hi = hi >>> 0;
}

/** The CRC-64 of `data` (from a zero start), as a bigint. */
export function crc64(data: Uint8Array, start = 0, end = data.length): bigint {
  const s = crc64Init();
  crc64Update(s, data, start, end);
  return crc64Value(s);
}

export function crc64Value(s: Crc64State): bigint {
  return (BigInt(s.hi) << 32n) | BigInt(s.lo);
}

/** Writes the CRC little-endian (as Redis stores it) at `out[pos..pos+8)`. */
export function writeCrc64LE(s: Crc64State, out: Uint8Array, pos: number): void {
  const lo = s.lo;
  const hi = s.hi;
  out[pos] = lo & 0xff;
  out[pos + 1] = (lo >>> 8) & 0xff;
  out[pos + 2] = (lo >>> 16) & 0xff;
  out[pos + 3] = lo >>> 24;
  out[pos + 4] = hi & 0xff;
  out[pos + 5] = (hi >>> 8) & 0xff;
  out[pos + 6] = (hi >>> 16) & 0xff;
  out[pos + 7] = hi >>> 24;
}

/** Whether the 8 little-endian bytes at `buf[pos..pos+8)` hold the CRC `s`. */
export function crc64EqualsLE(s: Crc64State, buf: Uint8Array, pos: number): boolean {
  const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
  const hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
  return lo === s.lo && hi === s.hi;
}
