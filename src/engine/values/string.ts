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

/** Up to this many bytes a modified string stays a JS string (cheaper than a byte buffer). */
const SMALL_MAX = 128;

/**
 * A string that was modified in place (APPEND, SETRANGE): Redis's "raw" sds with free space.
 * Small ones keep their bytes in a JS string (an append copies at most SMALL_MAX bytes); past
 * that they move to a growable byte buffer, so repeated appends are amortised O(1) and SETRANGE
 * edits in place instead of copying the whole value.
 */
export class ByteString {
  get type(): 'string' {
    return 'string';
  }
  /** A modified string is always "raw" in Redis. */
  get encoding(): string {
    return 'raw';
  }
  private str: string | null;
  private buf: Uint8Array | null = null;
  private n: number;

  constructor(s: string) {
    this.str = s;
    this.n = s.length;
  }

  get length(): number {
    return this.n;
  }

  /** Switches to the buffer form with room for `cap` bytes. */
  private bytes(cap: number): Uint8Array {
    let b = this.buf;
    if (b === null) {
      b = new Uint8Array(Math.max(cap, this.n * 2));
      view(b).latin1Write(this.str!, 0);
      this.str = null;
      this.buf = b;
    } else if (cap > b.length) {
      // sds growth: double below 1 MB, then +1 MB at a time.
      const next = new Uint8Array(cap < 1024 * 1024 ? cap * 2 : cap + 1024 * 1024);
      next.set(b.subarray(0, this.n));
      this.buf = b = next;
    }
    return b;
  }

  append(s: string): void {
    const total = this.n + s.length;
    if (this.str !== null && total <= SMALL_MAX) {
      this.str += s;
    } else {
      view(this.bytes(total)).latin1Write(s, this.n);
    }
    this.n = total;
  }

  /** SETRANGE: writes `s` at `offset`, zero-padding any gap. */
  setRange(offset: number, s: string): void {
    const total = Math.max(this.n, offset + s.length);
    if (this.str !== null && total <= SMALL_MAX) {
      const cur = offset > this.n ? this.str + '\0'.repeat(offset - this.n) : this.str;
      this.str = cur.slice(0, offset) + s + cur.slice(offset + s.length);
    } else {
      const b = this.bytes(total);
      if (offset > this.n) b.fill(0, this.n, offset);
      view(b).latin1Write(s, offset);
    }
    this.n = total;
  }

  toBinary(): string {
    return this.str !== null ? this.str : view(this.buf!).latin1Slice(0, this.n);
  }

  /** Bytes [start, end) as a binary string. */
  slice(start: number, end: number): string {
    return this.str !== null ? this.str.slice(start, end) : view(this.buf!).latin1Slice(start, end);
  }

  /** Writes bytes [start, end) as a bulk reply without converting a large value. */
  replyRange(
    reply: { bulk(s: string): void; bulkBytes(b: Uint8Array, start: number, end: number): void },
    start = 0,
    end = this.n,
  ): void {
    if (this.str !== null) reply.bulk(start === 0 && end === this.n ? this.str : this.str.slice(start, end));
    else reply.bulkBytes(this.buf!, start, end);
  }

  clone(): ByteString {
    const c = new ByteString(this.str ?? '');
    if (this.buf !== null) {
      c.str = null;
      c.buf = this.buf.slice(0, Math.max(this.n, 1));
      c.n = this.n;
    }
    return c;
  }
}

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.length);
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
  if (v instanceof ByteString) return v.length;
  return String(v).length;
}

export function stringEncoding(v: StringValue): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return v.length <= 44 ? 'embstr' : 'raw';
  return 'raw';
}

/** A ByteString holding the value, for in-place edits (converts other forms once). */
export function toByteString(v: StringValue): ByteString {
  if (v instanceof ByteString) return v;
  return new ByteString(typeof v === 'string' ? v : String(v));
}
