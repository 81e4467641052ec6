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
  // %.17g: 17 significant digits, scientific when exponent < -4 or >= 17, trailing zeros cut.
  const exp = Math.floor(Math.log10(Math.abs(d)));
  let s = d.toPrecision(17);
  let e = exp;
  // toPrecision may round up into the next decade (9.99...e5 -> 1.0000e6): read the real exponent.
  const ePos = s.indexOf('e');
  if (ePos >= 0) e = Number(s.slice(ePos + 1));
  else {
    const digitsBefore = s.replace('-', '').indexOf('.');
    const intPart = digitsBefore < 0 ? s.replace('-', '').length : digitsBefore;
    if (Math.abs(d) >= 1) e = intPart - 1;
  }
  if (e < -4 || e >= 17) {
    let m = d.toExponential(16);
    const [mant, ex] = m.split('e') as [string, string];
    let mantissa = mant;
    if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
    const exNum = Number(ex);
    const sign = exNum < 0 ? '-' : '+';
    const abs = Math.abs(exNum);
    m = `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
    return m;
  }
  if (ePos >= 0) {
    // toPrecision chose exponent form but %g would not (e in [-4, 17)): use fixed notation.
    s = d.toFixed(Math.max(0, 16 - e));
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}
