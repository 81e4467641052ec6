/**
 * x87 80-bit `long double` arithmetic for INCRBYFLOAT and HINCRBYFLOAT.
 *
 * Redis 7.0 on x86-64 computes these commands in C `long double` (64-bit mantissa with an explicit
 * integer bit, 15-bit exponent), parses operands with glibc `strtold` under the acceptance rules
 * of util.c `string2ld`, and replies with `ld2string(LD_STR_HUMAN)` (`%.17Lf`, trailing zeros and
 * '.' stripped, "-0" turned into "0"). JS doubles round differently (0.1 + 0.2 prints
 * "0.30000000000000004" with doubles but "0.3" in Redis) and cannot reach 1e4932, so this module
 * owns an exact software model of those three steps, built on BigInt:
 *
 * - parsing follows glibc 2.36's strtold bit for bit, including one quirk: when the result is
 *   subnormal, glibc forgets the first bit past the 64-bit window when it decides the rounding, so
 *   `0x1.0000000000000001p-16446` rounds to zero (and Redis rejects it) instead of the least
 *   subnormal;
 * - addition is IEEE round-half-even at 64 mantissa bits (the x87 default precision control),
 *   overflowing to infinity, with the x87 "indefinite" (negative) NaN for inf - inf;
 * - formatting is the exact decimal expansion rounded half-even at the 17th decimal, as glibc's
 *   printf does in the default rounding mode.
 *
 * Strings are binary strings (one char per byte), like the rest of the engine.
 */

/** Size of the buffers Redis uses in string2ld and ld2string (server.h). */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

export type LongDoubleKind = 'finite' | 'inf' | 'nan';

/**
 * A long double value. Finite values are `(-1)^neg * mant * 2^exp`, always canonical (only this
 * module builds them): normal numbers have `2^63 <= mant < 2^64` and `EXP_MIN <= exp <= EXP_MAX`;
 * subnormals and zeros have `mant < 2^63` and `exp === EXP_MIN`. For inf and nan only `neg` means
 * something (`mant` is 0n and `exp` is 0).
 */
export interface LongDouble {
  readonly kind: LongDoubleKind;
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

const MANT_DIG = 64;
/** Exponent of the mantissa's last bit for subnormals and the smallest normals (2^-16445). */
const EXP_MIN = -16445;
/** LDBL_MAX is (2^64 - 1) * 2^16320. */
const EXP_MAX = 16320;
/** Exponent of the leading bit of the smallest normal number, 2^-16382. */
const LEAD_MIN_NORMAL = EXP_MIN + MANT_DIG - 1;
/** A leading bit at 2^16384 or above is out of range. */
const LEAD_OVERFLOW = EXP_MAX + MANT_DIG;
/** Highest decimal exponent a finite long double reaches: LDBL_MAX ~ 1.19e4932. */
const DEC_MAX_EXP = 4932;
/** Anything below 10^-4951 is under half the least subnormal (~3.65e-4951) and rounds to zero. */
const DEC_UNDERFLOW_EXP = -4951;
/** Exponent digits stop accumulating here: with under 5 KiB of digits, such a value over- or underflows anyway. */
const EXP_CLAMP = 100_000_000;

const TEN_17 = 10n ** 17n;

function finite(neg: boolean, mant: bigint, exp: number): LongDouble {
  return { kind: 'finite', neg, mant, exp };
}

export const LD_ZERO: LongDouble = finite(false, 0n, EXP_MIN);
const LD_NEG_ZERO: LongDouble = finite(true, 0n, EXP_MIN);
const LD_INF: LongDouble = { kind: 'inf', neg: false, mant: 0n, exp: 0 };
const LD_NEG_INF: LongDouble = { kind: 'inf', neg: true, mant: 0n, exp: 0 };
const LD_NAN: LongDouble = { kind: 'nan', neg: false, mant: 0n, exp: 0 };
/** What the FPU produces for inf - inf: the sign bit of the "real indefinite" NaN is set. */
const LD_NAN_INDEFINITE: LongDouble = { kind: 'nan', neg: true, mant: 0n, exp: 0 };

function zero(neg: boolean): LongDouble {
  return neg ? LD_NEG_ZERO : LD_ZERO;
}

function inf(neg: boolean): LongDouble {
  return neg ? LD_NEG_INF : LD_INF;
}

// ---------------------------------------------------------------------------------------------
// BigInt helpers. Caches keep the hot path (small decimals) free of repeated power computations.

const pow2Cache: bigint[] = [];
function pow2(k: number): bigint {
  let p = pow2Cache[k];
  if (p === undefined) {
    p = 1n << BigInt(k);
    pow2Cache[k] = p;
  }
  return p;
}

const pow10Cache: bigint[] = [];
const pow10BitsCache: number[] = [];
function pow10(k: number): bigint {
  let p = pow10Cache[k];
  if (p === undefined) {
    p = 10n ** BigInt(k);
    pow10Cache[k] = p;
  }
  return p;
}

function pow10Bits(k: number): number {
  let b = pow10BitsCache[k];
  if (b === undefined) {
    b = bitLength(pow10(k));
    pow10BitsCache[k] = b;
  }
  return b;
}

/** Number of bits of n > 0. */
function bitLength(n: bigint): number {
  const x = Number(n);
  if (x < 4294967296) return 32 - Math.clz32(x);
  if (x < 2 ** 1000) {
    // log2 of the rounded double can be one off next to powers of two; exact compares fix it.
    let b = Math.floor(Math.log2(x)) + 1;
    while (n < pow2(b - 1)) b--;
    while (n >= pow2(b)) b++;
    return b;
  }
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + 32 - Math.clz32(hexValue(hex.charCodeAt(0)));
}

function hexValue(c: number): number {
  if (c <= 57) return c - 48;
  return (c | 32) - 87;
}

/**
 * Rounds `n * 2^e` (plus a nonzero tail below its last bit when `sticky`) half-even to `prec` bits
 * whose last bit may not go below `2^lsbMin`, the way IEEE hardware does. Returns the new mantissa
 * and the exponent of its last bit; the caller checks for overflow.
 */
function roundBits(n: bigint, e: number, sticky: boolean, prec: number, lsbMin: number): [bigint, number] {
  if (n === 0n) return [0n, lsbMin];
  const bl = bitLength(n);
  let sh = bl - prec;
  if (e + sh < lsbMin) sh = lsbMin - e;
  if (sh <= 0) return [n << BigInt(-sh), e + sh];
  if (sh > bl) return [0n, e + sh]; // under a quarter of the last place: rounds to zero
  const sb = BigInt(sh);
  let q = n >> sb;
  const rem = n - (q << sb);
  const half = pow2(sh - 1);
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) {
    q += 1n;
    if (q === pow2(prec)) return [q >> 1n, e + sh + 1];
  }
  return [q, e + sh];
}

/** `(-1)^neg * (n + sticky tail) * 2^e` as a long double, IEEE rounding, overflow to inf. */
function pack(neg: boolean, n: bigint, e: number, sticky: boolean): LongDouble {
  const [m, x] = roundBits(n, e, sticky, MANT_DIG, EXP_MIN);
  if (m === 0n) return zero(neg);
  if (x > EXP_MAX) return inf(neg);
  return finite(neg, m, x);
}

/**
 * glibc strtold's final rounding of `(n + sticky tail) * 2^e`, n > 0 (stdlib/strtod_l.c
 * round_and_return). Normal results round correctly. For subnormal results glibc shifts its 64-bit
 * window right and rounds on what is left plus the sticky flag, but the bit just past the window
 * (its "round bit") is in neither, so it is ignored here too. Returns null where string2ld fails:
 * overflow to infinity or underflow to zero (both set ERANGE).
 */
function packStrtold(neg: boolean, n: bigint, e: number, sticky: boolean): LongDouble | null {
  const bl = bitLength(n);
  const lead = e + bl - 1;
  if (lead >= LEAD_OVERFLOW) return null;
  if (lead >= LEAD_MIN_NORMAL) {
    const v = pack(neg, n, e, sticky);
    return v.kind === 'finite' ? v : null;
  }
  if (lead < LEAD_MIN_NORMAL - MANT_DIG) return null;
  let window: bigint;
  let tail = sticky;
  if (bl > MANT_DIG) {
    const drop = bl - MANT_DIG;
    window = n >> BigInt(drop);
    if (!tail && drop > 1) tail = (n & (pow2(drop - 1) - 1n)) !== 0n;
  } else {
    window = n << BigInt(MANT_DIG - bl);
  }
  const shift = LEAD_MIN_NORMAL - lead; // 1..64
  const sb = BigInt(shift);
  let q = window >> sb;
  const rem = window - (q << sb);
  const half = pow2(shift - 1);
  if (rem > half || (rem === half && (tail || (q & 1n) === 1n))) q += 1n;
  if (q === 0n) return null;
  return finite(neg, q, EXP_MIN);
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Redis 7.0 `string2ld`: the whole string must be one strtold number (no leading space, nothing
 * left over, no NUL), at most MAX_LONG_DOUBLE_CHARS - 1 bytes, not NaN, and not out of range
 * (ERANGE with an infinite or zero result). Literal "inf"/"infinity" is accepted.
 * Returns null when Redis would reply "value is not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | null {
  const len = s.length;
  if (len === 0 || len >= MAX_LONG_DOUBLE_CHARS) return null;
  let i = 0;
  let neg = false;
  let c = s.charCodeAt(0);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i = 1;
    if (len === 1) return null;
    c = s.charCodeAt(1);
  }
  if ((c >= 48 && c <= 57) || c === 46) {
    if (c === 48 && i + 1 < len && (s.charCodeAt(i + 1) | 32) === 120) return parseHex(s, i + 2, neg);
    return parseDecimal(s, i, neg);
  }
  if ((c | 32) === 105) return parseInfinity(s, i, neg);
  // "nan" and "nan(...)" parse as NaN, which string2ld rejects; anything else is not a number.
  return null;
}

function parseInfinity(s: string, i: number, neg: boolean): LongDouble | null {
  const rest = s.length - i;
  if (rest !== 3 && rest !== 8) return null;
  const word = s.slice(i).toLowerCase();
  if (word !== 'inf' && word !== 'infinity') return null;
  return inf(neg);
}

/** Reads an exponent's digits from i to the end; NaN if they are not all digits or absent. */
function parseExponent(s: string, i: number): number {
  const len = s.length;
  let negExp = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    negExp = c === 45;
    i++;
  }
  if (i >= len) return Number.NaN;
  let x = 0;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    if (x < EXP_CLAMP) x = x * 10 + (c - 48);
  }
  return negExp ? -x : x;
}

function parseDecimal(s: string, start: number, neg: boolean): LongDouble | null {
  const len = s.length;
  let i = start;
  let c = 0;
  while (i < len && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < len && c === 46) {
    i++;
    fracStart = i;
    while (i < len && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
    fracEnd = i;
  }
  const intLen = intEnd - start;
  const fracLen = fracEnd - fracStart;
  if (intLen + fracLen === 0) return null;
  let exp10 = 0;
  if (i < len) {
    if ((c | 32) !== 101) return null;
    exp10 = parseExponent(s, i + 1);
    if (Number.isNaN(exp10)) return null;
  }

  // Significant digits: `small` holds the first 15 exactly; longer runs are re-read as a BigInt.
  const total = intLen + fracLen;
  let small = 0;
  let nd = 0; // digits from the first nonzero one
  let lastNonzero = 0; // value of nd at the last nonzero digit
  let firstPos = -1;
  for (let p = 0; p < total; p++) {
    const d = s.charCodeAt(p < intLen ? start + p : fracStart + p - intLen) - 48;
    if (nd === 0) {
      if (d === 0) continue;
      firstPos = p;
    }
    nd++;
    if (nd <= 15) small = small * 10 + d;
    if (d !== 0) lastNonzero = nd;
  }
  if (nd === 0) return zero(neg);
  const trailing = nd - lastNonzero;
  nd = lastNonzero;
  const e10 = exp10 - fracLen + trailing;
  if (nd - 1 + e10 > DEC_MAX_EXP) return null;
  if (nd + e10 <= DEC_UNDERFLOW_EXP) return null;

  if (nd <= 15) {
    const kept = Math.min(lastNonzero + trailing, 15);
    if (kept > nd) small /= 10 ** (kept - nd);
    if (e10 >= 0) {
      const exact = small * 10 ** e10;
      if (e10 <= 22 && exact <= Number.MAX_SAFE_INTEGER) return packStrtold(neg, BigInt(exact), 0, false);
      return packStrtold(neg, BigInt(small) * pow10(e10), 0, false);
    }
    return divide(neg, BigInt(small), safeIntBits(small), -e10);
  }
  const firstIdx = firstPos < intLen ? start + firstPos : fracStart + firstPos - intLen;
  const lastPos = firstPos + nd - 1;
  const lastIdx = lastPos < intLen ? start + lastPos : fracStart + lastPos - intLen;
  const digits =
    firstPos < intLen && lastPos >= intLen
      ? s.slice(firstIdx, intEnd) + s.slice(fracStart, lastIdx + 1)
      : s.slice(firstIdx, lastIdx + 1);
  const big = BigInt(digits);
  if (e10 >= 0) return packStrtold(neg, big * pow10(e10), 0, false);
  return divide(neg, big, bitLength(big), -e10);
}

/** Number of bits of a safe integer > 0. */
function safeIntBits(x: number): number {
  if (x < 4294967296) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / 4294967296));
}

/**
 * strtold of `d / 10^k`: a quotient with at least 66 significant bits plus a sticky remainder is
 * all the rounding (glibc's subnormal variant included) looks at.
 */
function divide(neg: boolean, d: bigint, dBits: number, k: number): LongDouble | null {
  const den = pow10(k);
  const shift = MANT_DIG + 2 + pow10Bits(k) - dBits;
  if (shift >= 0) {
    const num = d << BigInt(shift);
    const q = num / den;
    return packStrtold(neg, q, -shift, num !== q * den);
  }
  const wide = den << BigInt(-shift);
  const q = d / wide;
  return packStrtold(neg, q, -shift, d !== q * wide);
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

function parseHex(s: string, start: number, neg: boolean): LongDouble | null {
  const len = s.length;
  let i = start;
  while (i < len && isHexDigit(s.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < len && s.charCodeAt(i) === 46) {
    i++;
    fracStart = i;
    while (i < len && isHexDigit(s.charCodeAt(i))) i++;
    fracEnd = i;
  }
  // "0x" without a hex digit is the number 0 followed by junk ("x..."): never a whole match.
  if (intEnd - start + fracEnd - fracStart === 0) return null;
  let exp2 = 0;
  if (i < len) {
    if ((s.charCodeAt(i) | 32) !== 112) return null;
    exp2 = parseExponent(s, i + 1);
    if (Number.isNaN(exp2)) return null;
  }
  const digits = s.slice(start, intEnd) + s.slice(fracStart, fracEnd);
  const n = BigInt(`0x${digits}`);
  if (n === 0n) return zero(neg);
  return packStrtold(neg, n, exp2 - 4 * (fracEnd - fracStart), false);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic and conversions

/** `a + b` as the x87 FPU computes it at extended precision in round-to-nearest mode. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind !== 'finite' || b.kind !== 'finite') {
    if (a.kind === 'nan') return a;
    if (b.kind === 'nan') return b;
    if (a.kind === 'inf') return b.kind === 'inf' && b.neg !== a.neg ? LD_NAN_INDEFINITE : a;
    return b;
  }
  if (a.mant === 0n) return b.mant === 0n ? zero(a.neg && b.neg) : b;
  if (b.mant === 0n) return a;
  const hi = a.exp >= b.exp ? a : b;
  const lo = hi === a ? b : a;
  const d = hi.exp - lo.exp;
  let nh: bigint;
  let nl: bigint;
  let e: number;
  if (d > 130) {
    // Canonical operands put hi at >= 2^(hi.exp + 63) and lo below 2^(hi.exp - 66): lo only
    // matters as a nonzero sliver with its sign, so any tiny stand-in rounds the same way.
    nh = hi.mant << 130n;
    nl = 1n;
    e = hi.exp - 130;
  } else {
    nh = hi.mant << BigInt(d);
    nl = lo.mant;
    e = lo.exp;
  }
  if (hi.neg === lo.neg) return pack(hi.neg, nh + nl, e, false);
  const diff = nh - nl;
  if (diff === 0n) return LD_ZERO;
  return diff > 0n ? pack(hi.neg, diff, e, false) : pack(lo.neg, -diff, e, false);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

/** The long double equal to a JS number (every double is exactly representable). */
export function longDoubleFromNumber(n: number): LongDouble {
  if (Number.isNaN(n)) return LD_NAN;
  if (n === Number.POSITIVE_INFINITY) return LD_INF;
  if (n === Number.NEGATIVE_INFINITY) return LD_NEG_INF;
  if (n === 0) return zero(Object.is(n, -0));
  f64[0] = n;
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (hi & 0xfffff) * 4294967296 + lo;
  const m = biased === 0 ? frac : frac + 2 ** 52;
  const e = biased === 0 ? -1074 : biased - 1075;
  const [mant, exp] = roundBits(BigInt(m), e, false, MANT_DIG, EXP_MIN);
  return finite(n < 0, mant, exp);
}

/** `(long double)n` for an integer, e.g. a hash field stored as a long long. */
export function longDoubleFromBigInt(n: bigint): LongDouble {
  if (n === 0n) return LD_ZERO;
  return n < 0n ? pack(true, -n, 0, false) : pack(false, n, 0, false);
}

/** `(double)v`: round half-even to 53 bits, subnormal doubles and overflow to Infinity included. */
export function longDoubleToNumber(v: LongDouble): number {
  if (v.kind === 'nan') return Number.NaN;
  if (v.kind === 'inf') return v.neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const [m, e] = roundBits(v.mant, v.exp, false, 53, -1074);
  if (m === 0n) return v.neg ? -0 : 0;
  if (e > 971) return v.neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const x = Number(m) * 2 ** e;
  return v.neg ? -x : x;
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite';
}

export function isNaNLongDouble(v: LongDouble): boolean {
  return v.kind === 'nan';
}

export function isInfLongDouble(v: LongDouble): boolean {
  return v.kind === 'inf';
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * Redis's `ld2string(..., LD_STR_HUMAN)`: the bytes INCRBYFLOAT and HINCRBYFLOAT store and reply.
 * Infinities print as "inf"/"-inf" and NaN as glibc does ("nan"/"-nan"), though both commands
 * reject those before formatting. When the `%.17Lf` text would not fit MAX_LONG_DOUBLE_CHARS
 * ld2string returns 0 and Redis stores and replies an empty string; that is returned here as ''.
 * The longest finite text is ~4952 chars (-LDBL_MAX), so that branch is unreachable on x87.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf';
  if (v.kind === 'nan') return v.neg ? '-nan' : 'nan';
  const { mant, exp } = v;
  if (mant === 0n) return '0';
  let intPart: string;
  let frac = '';
  if (exp >= 0) {
    intPart = (mant << BigInt(exp)).toString();
  } else {
    const f = -exp;
    // mant * 10^17 < 2^121: from 2^-122 down the value is under half of 10^-17.
    if (f >= 122) return '0';
    const x = mant * TEN_17;
    const fb = BigInt(f);
    let q = x >> fb;
    const rem = x - (q << fb);
    const half = pow2(f - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    if (q === 0n) return '0'; // "-0.00000000000000000" is stripped to "-0", then printed as "0"
    const digits = q.toString();
    if (digits.length > 17) {
      intPart = digits.slice(0, digits.length - 17);
      frac = digits.slice(digits.length - 17);
    } else {
      intPart = '0';
      frac = digits.padStart(17, '0');
    }
    let end = 17;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = end === 17 ? frac : frac.slice(0, end);
  }
  // snprintf's full length (sign, integer digits, '.', 17 decimals) plus its NUL must fit.
  if ((v.neg ? 1 : 0) + intPart.length + 18 + 1 > MAX_LONG_DOUBLE_CHARS) return '';
  const body = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  return v.neg ? `-${body}` : body;
}
