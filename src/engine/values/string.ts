import { epoch } from './types.js';

/**
 * The string value type. A Redis string is stored in one of four forms, chosen the way Redis
 * chooses its encodings (object.c tryObjectEncoding):
 *  - number: an integer that fits a JS safe integer ("int" encoding; costs nothing as a Smi);
 *  - bigint: an int64 outside the safe range, still "int";
 *  - string: an immutable binary string (one char per byte): "embstr" up to 44 bytes, else "raw";
 *  - ByteString: a mutable byte buffer, what APPEND and SETRANGE produce ("raw"), so repeated
 *    appends are amortised O(1) and in-place edits do not copy the whole value. SETBIT,
 *    BITFIELD and the HyperLogLog commands edit its bytes in place through the byte API
 *    (getByte/setByte/resize/bytes), so a bit flip in a 512 MB bitmap is O(1).
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
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  /** Bytes the key table last counted for this value (see ValueObject.measured). */
  measured = 0;
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
  private ensure(cap: number): Uint8Array {
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
      view(this.ensure(total)).latin1Write(s, this.n);
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
      const b = this.ensure(total);
      if (offset > this.n) b.fill(0, this.n, offset);
      view(b).latin1Write(s, offset);
    }
    this.n = total;
  }

  // ---- byte API (bit commands, HyperLogLog) ----

  /** A string holding these bytes; takes ownership of `b` when it is not small. */
  static fromBytes(b: Uint8Array): ByteString {
    if (b.length <= SMALL_MAX) return new ByteString(view(b).latin1Slice(0, b.length));
    const bs = new ByteString('');
    bs.str = null;
    bs.buf = b;
    bs.n = b.length;
    return bs;
  }

  /** The byte at `i`, or 0 past the end (bit commands see a string as zero-padded). */
  getByte(i: number): number {
    if (i >= this.n) return 0;
    return this.str !== null ? this.str.charCodeAt(i) : this.buf![i]!;
  }

  /** Sets byte `i` to `v` (0..255), first growing the string with zero bytes to reach it. */
  setByte(i: number, v: number): void {
    if (i >= this.n) this.resize(i + 1);
    if (this.str !== null) {
      const s = this.str;
      this.str = s.slice(0, i) + String.fromCharCode(v) + s.slice(i + 1);
    } else {
      this.buf![i] = v;
    }
  }

  /** Truncates the string, or grows it with zero bytes, to `n` bytes. */
  resize(n: number): void {
    const cur = this.n;
    if (this.str !== null && n <= SMALL_MAX) {
      this.str = n <= cur ? this.str.slice(0, n) : this.str + '\0'.repeat(n - cur);
    } else if (n > cur) {
      // Bytes past the length may be stale after a truncation: clear what becomes visible.
      this.ensure(n).fill(0, cur, n);
    }
    this.n = n;
  }

  /**
   * The bytes [0, length) as a writable view of the buffer form (a small string converts once).
   * The view is valid until the length changes.
   */
  bytes(): Uint8Array {
    return this.ensure(this.n).subarray(0, this.n);
  }

  /** Bytes [start, end) for reading, without converting the small form (a copy then). */
  readBytes(start: number, end: number): Uint8Array {
    if (this.str !== null) return Buffer.from(this.str.slice(start, end), 'latin1');
    return this.buf!.subarray(start, end);
  }

  /** Replaces the whole content with `b`, taking ownership of it. */
  replaceWith(b: Uint8Array): void {
    this.str = null;
    this.buf = b;
    this.n = b.length;
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
