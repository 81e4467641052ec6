/**
 * RespWriter: encodes replies as RESP2 or RESP3 bytes into one growable output buffer per
 * client, so every reply produced by one socket read leaves in a single write. RESP3 types are
 * downgraded for RESP2 clients exactly as Redis does (map -> flat array, set -> array,
 * double -> bulk, bool -> integer, null -> $-1 or *-1, verbatim/big number -> bulk).
 */

import { formatDouble17g, oneLineError, type Reply } from './reply.js';

const INITIAL_SIZE = 16 * 1024;
/** After a flush, a buffer grown past this is dropped so one huge reply does not pin memory. */
const KEEP_SIZE = 256 * 1024;

const CRLF = 0x0a0d; // "\r\n" as a little-endian uint16

/** Powers of ten up to 10^9: the digit counts of header(). */
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

export class RespWriter implements Reply {
  resp: 2 | 3 = 2;
  buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_SIZE);
  len = 0;

  /** Bytes waiting in this writer (not yet handed to the socket). */
  get pending(): number {
    return this.len;
  }

  /**
   * Hands the encoded bytes over. The caller passes them to the socket and then says with
   * `release(reusable)` whether the socket is done with them (a synchronous write) so the
   * buffer can be reused, or still holds them (then a fresh buffer is started).
   */
  take(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  release(reusable: boolean): void {
    this.len = 0;
    if (!reusable || this.buf.length > KEEP_SIZE) this.buf = Buffer.allocUnsafeSlow(INITIAL_SIZE);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + need) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends bytes that are already RESP (a pre-encoded message frame). */
  rawBytes(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Writes a raw ASCII/latin1 string (protocol text). */
  raw(s: string): void {
    const n = s.length;
    if (this.len + n > this.buf.length) this.grow(n);
    this.len += this.buf.latin1Write(s, this.len, n);
  }

  private crlf(): void {
    this.buf.writeUInt16LE(CRLF, this.len);
    this.len += 2;
  }

  /** Writes a prefix byte, a non-negative or negative integer, and CRLF. Caller ensured room. */
  private header(prefix: number, n: number): void {
    const buf = this.buf;
    let p = this.len;
    buf[p++] = prefix;
    if (n < 0) {
      buf[p++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[p++] = 48 + n;
    } else if (n < 100) {
      buf[p++] = 48 + ((n / 10) | 0);
      buf[p++] = 48 + (n % 10);
    } else if (n <= 0x7fffffff) {
      // Int32 arithmetic throughout: `%` and Math.floor on a double call out of line (fmod).
      let digits = 3;
      while (digits < 10 && n >= POW10[digits]!) digits++;
      let q = p + digits;
      p = q;
      let v = n | 0;
      while (v !== 0) {
        const d = (v / 10) | 0;
        buf[--q] = 48 + v - d * 10;
        v = d;
      }
    } else {
      p += buf.latin1Write(String(n), p);
    }
    buf[p++] = 13;
    buf[p++] = 10;
    this.len = p;
  }

  ok(): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    const b = this.buf;
    const p = this.len;
    b[p] = 43;
    b[p + 1] = 79;
    b[p + 2] = 75;
    b[p + 3] = 13;
    b[p + 4] = 10;
    this.len = p + 5;
  }

  simple(s: string): void {
    this.raw('+');
    this.raw(s);
    this.raw('\r\n');
  }

  error(message: string): void {
    // An error reply must stay on one line, whatever text reached it.
    this.raw('-');
    this.raw(oneLineError(message));
    this.raw('\r\n');
  }

  bulk(s: string): void {
    const n = s.length;
    if (this.len + n + 24 > this.buf.length) this.grow(n + 24);
    this.header(36, n);
    if (n < 16) {
      const buf = this.buf;
      let p = this.len;
      for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
      this.len = p;
    } else {
      this.len += this.buf.latin1Write(s, this.len, n);
    }
    this.crlf();
  }

  bulkBytes(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.len + n + 24 > this.buf.length) this.grow(n + 24);
    this.header(36, n);
    if (n < 32) {
      // A subarray view costs more than copying a few bytes.
      const buf = this.buf;
      let p = this.len;
      for (let i = start; i < end; i++) buf[p++] = b[i]!;
      this.len = p;
    } else {
      this.buf.set(b.subarray(start, end), this.len);
      this.len += n;
    }
    this.crlf();
  }

  bulkInt(n: number | bigint): void {
    this.bulk(typeof n === 'number' ? intString(n) : n.toString());
  }

  int(n: number | bigint): void {
    if (typeof n === 'number' && Number.isSafeInteger(n)) {
      if (this.len + 24 > this.buf.length) this.grow(24);
      this.header(58, n);
    } else {
      this.raw(`:${n.toString()}\r\n`);
    }
  }

  nil(): void {
    this.nullOf(36 /* '$' */);
  }

  nilArray(): void {
    this.nullOf(42 /* '*' */);
  }

  /** `$-1` / `*-1` (RESP2) or `_` (RESP3), stored byte by byte: a miss is a common reply. */
  private nullOf(prefix: number): void {
    if (this.len + 5 > this.buf.length) this.grow(5);
    const b = this.buf;
    let p = this.len;
    if (this.resp === 2) {
      b[p++] = prefix;
      b[p++] = 45;
      b[p++] = 49;
    } else b[p++] = 95;
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  double(d: number): void {
    const s = formatDouble17g(d);
    if (this.resp === 2) this.bulk(s);
    else this.raw(`,${s}\r\n`);
  }

  bool(b: boolean): void {
    if (this.resp === 2) this.int(b ? 1 : 0);
    else this.raw(b ? '#t\r\n' : '#f\r\n');
  }

  bigNumber(digits: string): void {
    if (this.resp === 2) this.bulk(digits);
    else this.raw(`(${digits}\r\n`);
  }

  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 2) {
      this.bulk(text);
      return;
    }
    const n = text.length + 4;
    if (this.len + n + 24 > this.buf.length) this.grow(n + 24);
    this.header(61, n);
    this.raw(`${format}:`);
    this.len += this.buf.latin1Write(text, this.len);
    this.crlf();
  }

  array(n: number): void {
    if (this.len + 24 > this.buf.length) this.grow(24);
    this.header(42, n);
  }

  map(n: number): void {
    if (this.len + 24 > this.buf.length) this.grow(24);
    if (this.resp === 2) this.header(42, n * 2);
    else this.header(37, n);
  }

  set(n: number): void {
    if (this.len + 24 > this.buf.length) this.grow(24);
    this.header(this.resp === 2 ? 42 : 126, n);
  }

  mark(): number {
    return this.len;
  }

  rollback(mark: number): void {
    if (mark <= this.len) this.len = mark;
  }

  push(n: number): void {
    if (this.len + 24 > this.buf.length) this.grow(24);
    this.header(this.resp === 2 ? 42 : 62, n);
  }
}

/** Decimal digits of an integer; a cache covers the small values replies use most. */
const SMALL_INTS: string[] = [];
for (let i = 0; i < 1024; i++) SMALL_INTS.push(String(i));

export function intString(n: number): string {
  return n >= 0 && n < 1024 ? SMALL_INTS[n]! : String(n);
}
