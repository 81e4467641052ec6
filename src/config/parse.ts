/**
 * Low-level text helpers with the exact semantics of the C functions Redis's configuration code
 * relies on: sdssplitargs (redis.conf argument splitting), sdscatrepr (quoting on rewrite),
 * memtoull (memory units), string2ll (strict integers), strtoll (the lenient C library parser
 * some special parameters use), strtod/string2d and printf("%f"). Redis accepts or rejects a
 * value according to these quirks, so mnemo reproduces them rather than using JS's own parsers.
 * Strings are binary strings (one char per byte), as everywhere in mnemo.
 */

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;

/** C's isspace in the "C" locale. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function _isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** ASCII-only lower-casing, as C's tolower/strcasecmp: bytes >= 0x80 are left alone. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The prefix a C function sees: a NUL byte ends a C string. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export { splitArgs } from '../protocol/splitargs.js';

import { parseInt64 } from '../engine/values/string.js';

/** Quote a string the way sdscatrepr does, so that splitArgs reads it back unchanged. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (code >= 0x20 && code <= 0x7e) out += c;
    else out += `\\x${(code & 0xff).toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['', 1n],
  ['b', 1n],
  ['k', 1000n],
  ['kb', 1024n],
  ['m', 1000000n],
  ['mb', 1048576n],
  ['g', 1000000000n],
  ['gb', 1073741824n],
]);

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case). A leading
 * '-' or '+', spaces or an unknown unit are errors (null). Like Redis, an empty digit run reads
 * as 0 ("" and "kb" are 0), an oversized number saturates and the product wraps modulo 2^64.
 */
export function memtoull(input: string): bigint | null {
  const s = cstr(input);
  if (s[0] === '-') return null;
  let u = 0;
  while (u < s.length && s.charCodeAt(u) >= 48 && s.charCodeAt(u) <= 57) u++;
  const mul = UNITS.get(asciiLower(s.slice(u)));
  if (mul === undefined || u >= 128) return null;
  let val = u === 0 ? 0n : BigInt(s.slice(0, u));
  if (val > ULLONG_MAX) val = ULLONG_MAX;
  return BigInt.asUintN(64, val * mul);
}

/** Bytes from a memory value ("1gb", "100mb", "42"), as Redis's memtoull reads it; null if invalid. */
export function parseMemory(s: string): number | null {
  const v = memtoull(s);
  return v === null ? null : Number(v);
}

/**
 * Redis's string2ll: an optional '-', then digits without a leading zero (except "0" itself),
 * nothing else (no '+', no spaces, no "-0"), within a signed 64-bit range.
 */
export function string2ll(s: string): bigint | null {
  const v = parseInt64(s);
  return v === null ? null : BigInt(v);
}

/** string2ll as a JS number (exact only within ±2^53). */
export function parseInteger(s: string): number | null {
  const v = string2ll(s);
  return v === null ? null : Number(v);
}

/**
 * The C library's strtoll: leading blanks, an optional sign, digits of `base`; `end` is where it
 * stopped (0 when it read no digits at all, like C's endptr == nptr), overflow saturates.
 * Callers check `end === s.length` the way Redis checks `*endptr == '\0'`.
 */
export function strtoll(input: string, base: 8 | 10): { value: bigint; end: number; overflow: boolean } {
  const s = cstr(input);
  let p = 0;
  while (p < s.length && isSpace(s[p])) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  const start = p;
  const maxDigit = base === 8 ? 55 : 57;
  while (p < s.length && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= maxDigit) p++;
  if (p === start) return { value: 0n, end: 0, overflow: false };
  const digits = s.slice(start, p);
  let v = BigInt(base === 8 ? `0o${digits}` : digits);
  if (neg) v = -v;
  let overflow = false;
  if (v > LLONG_MAX) {
    v = LLONG_MAX;
    overflow = true;
  } else if (v < LLONG_MIN) {
    v = LLONG_MIN;
    overflow = true;
  }
  return { value: v, end: p, overflow };
}

/**
 * Redis's string2d (strtod over the whole string): decimal and hexadecimal floats, "inf" and
 * "infinity"; no leading blank, no NaN, and an overflow or an underflow to zero is an error
 * (a literal "inf" is not). Returns null when Redis would reject the text.
 */
export function string2d(s: string): number | null {
  if (s.length === 0 || isSpace(s[0])) return null;
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  const dec = /^[+-]?(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE][+-]?\d+)?$/.exec(s);
  if (dec) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null;
    if (v === 0 && /[1-9]/.test((dec[1] ?? '') + (dec[2] ?? '') + (dec[3] ?? ''))) return null;
    return v;
  }
  const hex = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/.exec(s);
  if (hex) {
    const int = hex[2] ?? '';
    const frac = hex[3] ?? hex[4] ?? '';
    const mant = Number.parseInt(`${int}${frac}` || '0', 16);
    let v = mant * 2 ** (Number(hex[5] ?? '0') - 4 * frac.length);
    if (hex[1] === '-') v = -v;
    if (!Number.isFinite(v) || (v === 0 && mant !== 0)) return null;
    return v;
  }
  return null;
}

/**
 * printf("%f") followed by Redis's trimDoubleString: six decimals rounded exactly (half to even
 * on the binary value, as glibc does; JS's toFixed rounds ties up), then trailing zeros and a
 * trailing dot removed.
 */
export function formatDouble6(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const neg = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp: number;
  if (expBits === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let num = mant * 1000000n;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  const digits = q.toString().padStart(7, '0');
  let out = `${digits.slice(0, -6)}.${digits.slice(-6)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (neg) out = `-${out}`;
  return out;
}
