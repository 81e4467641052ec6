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
 */
export function formatDouble17g(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  // 17 significant digits and the exponent after rounding (toExponential rounds the exact value).
  const t = a.toExponential(16);
  let digits = t[0]! + t.slice(2, 18);
  let e = Number(t.slice(19));
  // JS breaks an exact tie away from zero; printf (glibc) breaks it to even.
  const t18 = a.toExponential(17);
  if (t18[18] === '5' && isExactly(a, BigInt(t18[0]! + t18.slice(2, 19)), Number(t18.slice(20)) - 17)) {
    const down = t18[0]! + t18.slice(2, 18);
    if ((down.charCodeAt(16) & 1) === 0) {
      digits = down;
      e = Number(t18.slice(20));
    }
  }
  // %g: scientific when the exponent is < -4 or >= the precision, trailing zeros removed.
  if (e < -4 || e >= 17) {
    const frac = digits.slice(1).replace(/0+$/, '');
    const abs = Math.abs(e);
    return `${sign}${digits[0]}${frac === '' ? '' : `.${frac}`}e${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits.replace(/0+$/, '')}`;
  const frac = digits.slice(e + 1).replace(/0+$/, '');
  return `${sign}${digits.slice(0, e + 1)}${frac === '' ? '' : `.${frac}`}`;
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
