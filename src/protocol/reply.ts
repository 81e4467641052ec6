/**
 * The reply sink every command handler writes to. Replies are RESP3-typed (map, set, double,
 * null, bool, big number, verbatim, push); each sink decides what that becomes: RESP2 or RESP3
 * bytes for a socket (RespWriter), or JS values for the in-process library (ValueWriter).
 *
 * Handlers write replies in order and never buffer them, like Redis's addReply* family. A
 * container (array/map/set/push) announces its element count, then its elements follow.
 * Strings are binary strings: one char per byte.
 */

/** An error reply. `message` is the full reply text without the leading '-', e.g. "ERR syntax error". */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  /** The first word of the reply ("ERR", "WRONGTYPE", "NOAUTH", ...). */
  get code(): string {
    const sp = this.message.indexOf(' ');
    return sp < 0 ? this.message : this.message.slice(0, sp);
  }
}

export interface Reply {
  /** The protocol the client negotiated (HELLO); some replies differ beyond encoding. */
  readonly resp: 2 | 3;
  ok(): void;
  simple(s: string): void;
  /** `message` is the full error text without '-', e.g. "ERR syntax error". */
  error(message: string): void;
  bulk(s: string): void;
  /** A bulk string given as bytes (large or mutable string values). */
  bulkBytes(b: Uint8Array, start: number, end: number): void;
  /** A bulk string holding an integer's decimal digits (GET of an int-encoded value). */
  bulkInt(n: number | bigint): void;
  int(n: number | bigint): void;
  /** RESP3 null; RESP2 null bulk ($-1). */
  nil(): void;
  /** RESP3 null; RESP2 null array (*-1), for commands whose RESP2 null is an array. */
  nilArray(): void;
  double(d: number): void;
  bool(b: boolean): void;
  bigNumber(digits: string): void;
  verbatim(text: string, format?: string): void;
  array(n: number): void;
  /** `n` is the number of key/value pairs. */
  map(n: number): void;
  set(n: number): void;
  push(n: number): void;
  /** A position to roll back to if the command fails after writing part of its reply. */
  mark(): number;
  /** Discards everything written since `mark()`, so an error reply never lands mid-reply. */
  rollback(mark: number): void;
}

/**
 * An error text made safe for a one-line reply the way Redis's addReplyErrorFormat does it:
 * CR/LF at the end are dropped and every other CR or LF becomes one space ("a\r\nb" -> "a  b").
 */
export function oneLineError(message: string): string {
  if (!message.includes('\r') && !message.includes('\n')) return message;
  return message.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
}

/**
 * Formats a double the way Redis 7.0's addReplyDouble does (printf "%.17g"), with "inf"/"-inf"
 * and "nan". Used for RESP3 doubles and for their RESP2 bulk form.
 *
 * Sorted-set replies format one score per member, so the common cases avoid V8's
 * toExponential, which falls back to bignum arithmetic for most inputs (about 0.5 µs a call):
 * integers, and fractions whose exact decimal value is short, are printed from their digits.
 */
export function formatDouble17g(d: number): string {
  // |d| < 2^53 has at most 16 digits, so %.17g prints the integer itself, as String() does.
  if (Number.isSafeInteger(d)) return d === 0 && 1 / d < 0 ? '-0' : String(d);
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  return sign + (shortFraction(a) ?? exact17(a));
}

/**
 * %.17g of a positive non-integer whose exact decimal expansion has at most 16 significant
 * digits (1.5, 0.25; not 0.1), or undefined. Such a double is x / 2^k with x odd and
 * k fraction bits, whose exact value is x * 5^k / 10^k; when that numerator is below 2^53 it is
 * computed exactly and %.17g prints all its digits (it ends in 5, so there are no zeros to trim).
 */
function shortFraction(a: number): string | undefined {
  // Scaling by a power of two is exact; 5^23 > 2^53, so more than 22 fraction bits cannot fit.
  if (a >= 2 ** 52 || !Number.isInteger(a * 2 ** 22)) return undefined;
  let x = a;
  let k = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    k++;
  }
  const n = x * 5 ** k;
  // A product that reaches 2^53 may have been rounded; one below it is exact.
  if (n >= 2 ** 53) return undefined;
  const digits = String(n);
  const e = digits.length - 1 - k;
  if (e >= 0) return `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  if (e >= -4) return `0.${'0'.repeat(-e - 1)}${digits}`;
  return `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e-${-e < 10 ? '0' : ''}${-e}`;
}

/**
 * %.17g of any positive finite double. 18 correctly rounded digits decide the rounding to 17
 * unless the 18th is a 5: then an exact tie (the value ends at that digit) is broken to even as
 * glibc does, and otherwise V8's own 17 digits are right (it breaks ties away from zero, which
 * is all that differs).
 */
function exact17(a: number): string {
  const t18 = a.toExponential(17);
  let digits = t18[0]! + t18.slice(2, 18);
  let e = Number(t18.slice(20));
  const d18 = t18.charCodeAt(18);
  let up = d18 > 53; /* '5' */
  if (d18 === 53) {
    // The value ends at the 18th digit, 10^(e-17), iff it has at most 17 - e fraction bits.
    const j = 17 - e;
    const tie =
      j > 0 ? Number.isInteger(a * 2 ** j) : isExactly(a, BigInt(t18[0]! + t18.slice(2, 19)), e - 17);
    if (tie) up = (digits.charCodeAt(16) & 1) === 1;
    else {
      const t = a.toExponential(16);
      digits = t[0]! + t.slice(2, 18);
      e = Number(t.slice(19));
    }
  }
  if (up) {
    let i = 16;
    while (i >= 0 && digits.charCodeAt(i) === 57 /* '9' */) i--;
    if (i < 0) {
      digits = `1${'0'.repeat(16)}`;
      e++;
    } else {
      digits = `${digits.slice(0, i)}${String.fromCharCode(digits.charCodeAt(i) + 1)}${'0'.repeat(16 - i)}`;
    }
  }
  let end = 17;
  while (end > 1 && digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  // %g: scientific when the exponent is < -4 or >= the precision, trailing zeros removed.
  if (e < -4 || e >= 17) {
    const abs = Math.abs(e);
    return `${digits[0]}${end > 1 ? `.${digits.slice(1, end)}` : ''}e${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (e < 0) return `0.${'0'.repeat(-e - 1)}${digits.slice(0, end)}`;
  return end > e + 1 ? `${digits.slice(0, e + 1)}.${digits.slice(e + 1, end)}` : digits.slice(0, e + 1);
}

const f64 = new DataView(new ArrayBuffer(8));

/** Whether the positive double `a` equals digits * 10^exp exactly (its binary value, no rounding). */
function isExactly(a: number, digits: bigint, exp: number): boolean {
  f64.setFloat64(0, a);
  const hi = f64.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(f64.getUint32(4));
  let k = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    k = biased - 1075;
  }
  // m * 2^k == digits * 10^exp, both sides scaled to integers.
  let left = m;
  let right = digits;
  if (k >= 0) left <<= BigInt(k);
  else right <<= BigInt(-k);
  if (exp >= 0) right *= 10n ** BigInt(exp);
  else left *= 10n ** BigInt(-exp);
  return left === right;
}
