/**
 * Incremental request parser: RESP multibulk (`*N\r\n$len\r\n...`) and inline commands, fed
 * socket chunks of any size and split at any byte. It follows Redis's processMultibulkBuffer /
 * processInlineBuffer (networking.c) including their leniency: the two bytes after a bulk are
 * skipped unchecked, and a header line ends at '\r'. Arguments come out as binary strings (one
 * char per byte, latin1), the engine's byte representation.
 *
 * The parser is pull-based (`next()`), so the connection can stop taking commands mid-chunk
 * (a blocked client, a paused server) and resume later without losing anything.
 * Large bulks (>= 32 KB) are gathered in a buffer of their exact size so a 100 MB value costs
 * one copy, not one per chunk.
 */

import { latin1String } from '../bytes/latin1.js';
import { splitArgs } from './splitargs.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline command / header line without a newline. */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: from this size a bulk gets its own buffer. */
const BIG_ARG = 32 * 1024;
/** The longest string V8 can hold; a longer bulk cannot become an argument. */
const MAX_STRING = (1 << 29) - 24;
const INT_MAX = 2147483647;

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** The reply text sent before the connection closes (without the leading '-'). */
  get reply(): string {
    return `ERR Protocol error: ${this.message}`;
  }
}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** Multibulk count limit; Redis 7.0 allows up to INT_MAX once authenticated. */
  maxMultibulk?: number;
}

const EMPTY = Buffer.alloc(0);

export class RequestParser {
  /** The unparsed bytes start at `pos` in `buf` (a socket chunk or a view into `acc`). */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Storage of our own holding `buf` while a frame spans several chunks. */
  private acc: Buffer | null = null;
  /** Arguments still expected in the current multibulk, or -1 between commands. */
  private remaining = -1;
  private argv: string[] = [];
  private argi = 0;
  /** Length of the bulk whose `$` header was read, or -1. */
  private bulkLen = -1;
  /**
   * The last command name read: a pipeline repeats it, and reusing the string spares a native
   * slice, an allocation and, in the command table, hashing it again.
   */
  private lastName = '';
  /**
   * The last first argument read (usually a key): a pipeline on one key (a queue, a counter, a
   * big hash) repeats it, and reusing it also makes the table's key comparison a pointer check.
   */
  private lastKey = '';
  /**
   * Only every 8th different first argument is remembered: with random keys the store (a
   * write barrier, a string kept alive) would cost more than the few comparisons it saves.
   */
  private keyMisses = 0;
  /**
   * Buffer gathering a big bulk, how much of it is filled, and the size it must reach (the
   * bulk plus its CRLF). It grows as data arrives instead of being allocated from the header
   * alone, so a client announcing 512 MB and sending nothing costs nothing.
   */
  private big: Buffer | null = null;
  private bigFill = 0;
  private bigWant = 0;

  /**
   * The client has not authenticated while the default user needs a password (Redis's
   * authRequired()): requests are limited to 10 arguments of at most 16384 bytes each, so an
   * unauthenticated stranger cannot make the server allocate for a huge command. The connection
   * refreshes it before each command.
   */
  authRequired = false;

  constructor(public limits: ParserLimits) {}

  /** The first `max` bytes not yet parsed (the query-buffer-limit log line shows them). */
  pendingHead(max: number): Buffer {
    if (this.big !== null) return this.big.subarray(0, Math.min(this.bigFill, max));
    return this.buf.subarray(this.pos, Math.min(this.buf.length, this.pos + max));
  }

  /** Bytes received but not yet turned into a command (CLIENT LIST's qbuf). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + this.bigFill;
  }

  /** Appends a chunk read from the socket. */
  push(chunk: Buffer): void {
    // A big bulk already complete but not yet taken by next() must not swallow this chunk.
    if (this.big !== null && this.bigFill < this.bigWant) {
      this.fillBig(chunk, 0);
      return;
    }
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.buf = chunk;
      this.pos = 0;
      this.acc = null;
      return;
    }
    // A partial frame is waiting: gather it in a buffer of our own with room to spare, so a
    // client trickling a long line costs O(n) copying in total, not O(n) per chunk.
    const acc = this.acc;
    if (acc !== null) {
      const dataEnd = this.buf.byteOffset - acc.byteOffset + this.buf.length;
      if (acc.length - dataEnd >= chunk.length) {
        chunk.copy(acc, dataEnd);
        const start = this.buf.byteOffset - acc.byteOffset + this.pos;
        this.buf = acc.subarray(start, dataEnd + chunk.length);
        this.pos = 0;
        return;
      }
    }
    const need = rest + chunk.length;
    const next = Buffer.allocUnsafe(Math.max(need * 2, 4096));
    this.buf.copy(next, 0, this.pos);
    chunk.copy(next, rest);
    this.acc = next;
    this.buf = next.subarray(0, need);
    this.pos = 0;
  }

  /**
   * Makes the unparsed bytes the parser's own. A connection whose socket reads into one shared
   * buffer calls this before returning from the read, as the next read overwrites that buffer;
   * with everything parsed (the usual case) there is nothing to copy.
   */
  detach(): void {
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.buf = EMPTY;
      this.pos = 0;
      return;
    }
    // A view into `acc` is ours already.
    if (this.acc !== null) return;
    const own = Buffer.allocUnsafe(Math.max(rest * 2, 4096));
    this.buf.copy(own, 0, this.pos);
    this.acc = own;
    this.buf = own.subarray(0, rest);
    this.pos = 0;
  }

  /** Copies bytes into the big-bulk buffer; whatever follows the bulk becomes the new buffer. */
  private fillBig(chunk: Buffer, from: number): void {
    const want = this.bigWant - this.bigFill;
    const have = chunk.length - from;
    const take = Math.min(have, want);
    let big = this.big!;
    if (this.bigFill + take > big.length) {
      // Double, but never past the announced size.
      const next = Buffer.allocUnsafe(Math.min(this.bigWant, Math.max(big.length * 2, this.bigFill + take)));
      big.copy(next, 0, 0, this.bigFill);
      this.big = big = next;
    }
    chunk.copy(big, this.bigFill, from, from + take);
    this.bigFill += take;
    // Either way `buf` stops being a view into `acc`, which push() would otherwise take for the
    // home of the pending bytes and append the next chunk at a stale offset.
    this.acc = null;
    if (have < want) {
      this.buf = EMPTY;
      this.pos = 0;
      return;
    }
    this.buf = chunk;
    this.pos = from + want;
  }

  /**
   * Returns the next complete command, an empty array for an empty one (which the caller
   * ignores, as Redis does), or null when more bytes are needed. Throws ProtocolError.
   */
  next(): string[] | null {
    if (this.big !== null) {
      if (this.bigFill < this.bigWant) return null;
      const big = this.big;
      this.big = null;
      this.bigFill = 0;
      this.bulkLen = -1;
      // The big buffer holds the bulk plus its two trailing bytes.
      this.argv[this.argi++] = big.latin1Slice(0, this.bigWant - 2);
      if (--this.remaining === 0) return this.finish();
    }
    const buf = this.buf;
    if (this.remaining < 0) {
      if (this.pos >= buf.length) return null;
      if (buf[this.pos] !== 42 /* '*' */) return this.inline();
      // multibulk header
      const cr = findLineEnd(buf, this.pos, 13);
      if (cr < 0) {
        if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('too big mbulk count string');
        return null;
      }
      if (cr + 1 >= buf.length) return null; // need the '\n'
      const count = parseLength(buf, this.pos + 1, cr);
      if (Number.isNaN(count) || count > (this.limits.maxMultibulk ?? INT_MAX)) {
        throw new ProtocolError('invalid multibulk length');
      }
      if (count > 10 && this.authRequired) throw new ProtocolError('unauthenticated multibulk length');
      this.pos = cr + 2;
      if (count <= 0) return [];
      this.remaining = count;
      // Redis caps the preallocation at 1024 so a hostile count costs nothing up front.
      this.argv = new Array(Math.min(count, 1024));
      this.argi = 0;
      this.bulkLen = -1;
    }
    return this.multibulk();
  }

  private multibulk(): string[] | null {
    const buf = this.buf;
    const end = buf.length;
    while (this.remaining > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= end) return null;
        // The usual header, `$` and 1 to 9 digits without a leading zero then CRLF, is read in one
        // pass; anything else (including what is an error) takes the general path below.
        let cr = -1;
        let len = 0;
        if (buf[this.pos] === 36 /* '$' */) {
          let i = this.pos + 1;
          const stop = Math.min(end, i + 10);
          let c = i < stop ? buf[i]! : 0;
          if (c >= 49 && c <= 57) {
            for (; i < stop; i++) {
              c = buf[i]!;
              if (c < 48 || c > 57) break;
              len = len * 10 + (c - 48);
            }
            if (c === 13 && i < stop) cr = i;
          }
        }
        if (cr < 0) {
          cr = findLineEnd(buf, this.pos, 13);
          if (cr < 0) {
            if (end - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('too big bulk count string');
            return null;
          }
          if (cr + 1 >= end) return null;
          if (buf[this.pos] !== 36 /* '$' */) {
            throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
          }
          len = parseLength(buf, this.pos + 1, cr);
        } else if (cr + 1 >= end) return null;
        if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkLen) {
          throw new ProtocolError('invalid bulk length');
        }
        if (len > 16384 && this.authRequired) throw new ProtocolError('unauthenticated bulk length');
        if (len > MAX_STRING)
          throw new ProtocolError('bulk length exceeds the largest string mnemo can hold');
        this.pos = cr + 2;
        this.bulkLen = len;
        if (len >= BIG_ARG && end - this.pos < len + 2) {
          this.bigWant = len + 2;
          this.big = Buffer.allocUnsafe(Math.min(this.bigWant, 1 << 20));
          this.bigFill = 0;
          this.fillBig(buf, this.pos);
          return this.next();
        }
      }
      const len = this.bulkLen;
      if (end - this.pos < len + 2) return null;
      const argi = this.argi;
      if (argi === 0 && len === this.lastName.length && sameBytes(buf, this.pos, this.lastName))
        this.argv[this.argi++] = this.lastName;
      else if (argi === 1 && len === this.lastKey.length && sameBytes(buf, this.pos, this.lastKey))
        this.argv[this.argi++] = this.lastKey;
      else {
        const arg = latin1String(buf, this.pos, len);
        if (argi === 0 && len <= 32) this.lastName = arg;
        else if (argi === 1 && len <= 64 && (++this.keyMisses & 7) === 0) this.lastKey = arg;
        this.argv[this.argi++] = arg;
      }
      this.pos += len + 2;
      this.bulkLen = -1;
      this.remaining--;
    }
    return this.finish();
  }

  private finish(): string[] {
    const argv = this.argv;
    if (argv.length !== this.argi) argv.length = this.argi;
    this.argv = [];
    this.argi = 0;
    this.remaining = -1;
    this.bulkLen = -1;
    if (this.pos >= this.buf.length) {
      // Drop the reference so a consumed socket chunk can be collected.
      this.buf = EMPTY;
      this.pos = 0;
    }
    return argv;
  }

  private inline(): string[] | null {
    const buf = this.buf;
    const nl = findLineEnd(buf, this.pos, 10);
    if (nl < 0) {
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && buf[lineEnd - 1] === 13) lineEnd--;
    const line = buf.latin1Slice(this.pos, lineEnd);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) throw new ProtocolError('unbalanced quotes in request');
    if (this.pos >= buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    return argv;
  }
}

/**
 * Whether `buf` holds the chars of the one-byte string `s` at `at`. From the end: keys that
 * differ (`key:1234`, `key:1235`) usually differ there, so a miss costs one comparison.
 */
function sameBytes(buf: Buffer, at: number, s: string): boolean {
  for (let i = s.length - 1; i >= 0; i--) if (buf[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * Where the line starting at `from` ends (the index of `byte`), or -1. Redis looks for line ends
 * with strchr, which stops at a NUL byte: a header or inline line with a NUL before its
 * terminator never completes, and ends as a "too big ..." error once 64 KB are pending.
 */
function findLineEnd(buf: Buffer, from: number, byte: number): number {
  // Header lines are a few bytes: scanning them here costs less than a call into native indexOf.
  const stop = Math.min(buf.length, from + 32);
  for (let i = from; i < stop; i++) {
    const c = buf[i]!;
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  if (stop === buf.length) return -1;
  const end = buf.indexOf(byte, stop);
  for (let i = stop; i < end; i++) if (buf[i] === 0) return -1;
  return end;
}

/**
 * Parses a decimal integer the way Redis's string2ll does (optional '-', no '+', no leading
 * zeros, no spaces, int64 range). Returns NaN when invalid; values beyond 2^53 lose precision,
 * which is harmless here because every limit they are compared with is far smaller.
 */
function parseLength(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 20) return Number.NaN;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return Number.NaN;
  }
  const first = buf[i]!;
  if (first === 48) return !neg && i + 1 === end ? 0 : Number.NaN;
  if (first < 49 || first > 57) return Number.NaN;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return Number.NaN;
    v = v * 10 + (c - 48);
  }
  if (v >= 2 ** 63) return Number.NaN;
  return neg ? -v : v;
}
