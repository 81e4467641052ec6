/**
 * The string value type. A Redis string is stored in one of four forms, chosen the way Redis
 * chooses its encodings (object.c tryObjectEncoding):
 *  - number: an integer that fits a JS safe integer ("int" encoding; costs nothing as a Smi);
 *  - bigint: an int64 outside the safe range, still "int";
 *  - string: an immutable binary string (one char per byte): "embstr" up to 44 bytes, else "raw";
 *  - ByteString: a mutable byte buffer, what APPEND and SETRANGE produce ("raw"), so repeated
 *    appends are amortised O(1) and in-place edits do not copy the whole value.
 * Everything that needs the bytes of a string value goes through this module.
 */

/** A mutable, growable byte string (Redis's "raw" sds with free space). */
export class ByteString {
  constructor(
    public buf: Uint8Array,
    public len: number,
  ) {}

  static from(s: string, extra = 0): ByteString {
    const b = new Uint8Array(s.length + extra);
    Buffer.from(b.buffer, b.byteOffset, b.length).latin1Write(s, 0);
    return new ByteString(b, s.length);
  }

  /** Makes room for `n` bytes in total, growing like sds (double below 1 MB, +1 MB above). */
  reserve(n: number): void {
    if (n <= this.buf.length) return;
    const cap = n < 1024 * 1024 ? n * 2 : n + 1024 * 1024;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  append(s: string): void {
    this.reserve(this.len + s.length);
    const view = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    view.latin1Write(s, this.len);
    this.len += s.length;
  }

  toBinary(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).latin1Slice(0, this.len);
  }
}

export type StringValue = string | number | bigint | ByteString;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Parses an int64 with the exact rules of Redis's string2ll: optional '-', digits without
 * leading zeros (except "0"), no '+', no spaces, at most 20 chars, within int64.
 * Returns a number when safe, a bigint otherwise, or null.
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45) {
    if (n === 1) return null;
    i = 1;
    c = s.charCodeAt(1);
  }
  if (c === 48) return n === 1 ? 0 : null;
  if (c < 49 || c > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  if (v <= Number.MAX_SAFE_INTEGER) return s.charCodeAt(0) === 45 ? -v : v;
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return null;
  return big;
}

/** The stored form of a string written by SET and friends (Redis's tryObjectEncoding). */
export function encodeString(s: string): StringValue {
  const n = s.length;
  if (n === 0 || n > 20) return s;
  const c = s.charCodeAt(0);
  if ((c < 48 || c > 57) && c !== 45) return s;
  const v = parseInt64(s);
  return v === null ? s : v;
}

/** Normalises an integer result: a number when safe, else a bigint (must be within int64). */
export function intValue(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export function isStringValue(v: unknown): v is StringValue {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'bigint' || v instanceof ByteString;
}

/** The binary-string form of a string value. */
export function stringOf(v: StringValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return v.toBinary();
}

export function stringLength(v: StringValue): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof ByteString) return v.len;
  return String(v).length;
}

export function stringEncoding(v: StringValue): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return v.length <= 44 ? 'embstr' : 'raw';
  return 'raw';
}

/** A ByteString holding the value, for in-place edits (converts other forms once). */
export function toByteString(v: StringValue, extra = 0): ByteString {
  if (v instanceof ByteString) return v;
  return ByteString.from(typeof v === 'string' ? v : String(v), extra);
}
