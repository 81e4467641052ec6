/**
 * The RDB reader: Redis RDB files (versions 1 to 10, everything Redis 7.0 writes or loads) and
 * DUMP payloads to mnemo values, with the encodings rdbLoadObject would give them under the
 * configured limits (an intset stays an intset within set-max-intset-entries, a listpack hash
 * or zset stays a listpack within its entry limit, a hashtable hash or skiplist zset becomes a
 * listpack when small enough, ...). Pure: no I/O.
 *
 * RdbReader is incremental: push() chunks as they arrive and get back the records completed so
 * far; end() says the input is over. A record is parsed only once all of its bytes are in, so
 * memory is the partial record plus the values built, never the whole file; a failed attempt at
 * a large record waits for twice the bytes before retrying, which keeps re-parsing linear.
 * readRdb() walks a whole buffer lazily.
 *
 * The CRC-64 is checked at the end (unless stored as zero, or verification is off). Errors are
 * RdbError with a code and the byte offset where the problem was found.
 *
 * Not supported, rejected with a clear error: streams (naming the key), module values and
 * module aux data. Function libraries are handed to the caller as records (mnemo has no
 * functions; the caller decides).
 */

import { HashValue } from '../../engine/values/hash.js';
import { ListValue } from '../../engine/values/list.js';
import { SetValue } from '../../engine/values/set.js';
import { ByteString, encodeString, parseInt64 } from '../../engine/values/string.js';
import type { Value } from '../../engine/values/types.js';
import { ZSetValue } from '../../engine/values/zset.js';
import { type Crc64State, crc64EqualsLE, crc64Init, crc64Update, crc64Value } from './crc64.js';
import {
  QUICKLIST_NODE_CONTAINER_PACKED,
  QUICKLIST_NODE_CONTAINER_PLAIN,
  RDB_ENC_INT8,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_LZF,
  RDB_OPCODE_AUX,
  RDB_OPCODE_EOF,
  RDB_OPCODE_EXPIRETIME,
  RDB_OPCODE_EXPIRETIME_MS,
  RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION,
  RDB_OPCODE_FUNCTION2,
  RDB_OPCODE_IDLE,
  RDB_OPCODE_MODULE_AUX,
  RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_ZIPLIST,
  RDB_TYPE_HASH_ZIPMAP,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_LIST_ZIPLIST,
  RDB_TYPE_MODULE,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_TYPE_ZSET_ZIPLIST,
  RDB_VERSION,
} from './encoder.js';
import { lzfDecompress } from './lzf.js';

/** V8's longest string (buffer.constants.MAX_STRING_LENGTH on 64-bit). */
const MAX_STRING_LENGTH = 2 ** 29 - 24;

export type RdbErrorCode =
  /** Not an RDB file ("REDIS" missing). */
  | 'signature'
  /** An RDB version this reader (like Redis 7.0) cannot handle. */
  | 'version'
  /** The input ended inside the file. */
  | 'truncated'
  /** Malformed content. */
  | 'corrupt'
  /** The stored CRC-64 does not match the content. */
  | 'checksum'
  /** Valid Redis data that mnemo cannot hold (streams, modules). */
  | 'unsupported'
  /** A DUMP payload whose footer (version or CRC) is wrong. */
  | 'payload';

export class RdbError extends Error {
  /** The message without the offset (Redis's own wording where Redis has one). */
  readonly reason: string;

  constructor(
    reason: string,
    readonly code: RdbErrorCode,
    /** Byte offset in the file (or payload) where the problem was found; -1 when unknown. */
    readonly offset: number,
  ) {
    super(offset >= 0 ? `${reason} (at offset ${offset})` : reason);
    this.name = 'RdbError';
    this.reason = reason;
  }
}

/** The config limits that decide the encodings of loaded values (Redis's defaults if unset). */
export interface RdbLoadLimits {
  setMaxIntsetEntries?: number;
  hashMaxListpackEntries?: number;
  hashMaxListpackValue?: number;
  zsetMaxListpackEntries?: number;
  zsetMaxListpackValue?: number;
}

export interface RdbReaderOptions extends RdbLoadLimits {
  /** rdbchecksum: verify the CRC-64 at the end (default true; a stored zero is never checked). */
  verifyChecksum?: boolean;
}

export type RdbRecord =
  | { kind: 'aux'; key: string; value: string }
  | { kind: 'selectdb'; db: number }
  | { kind: 'resizedb'; db: number; size: number; expires: number }
  /** A function library's code (FUNCTION2; the 7.0 RC format is translated as Redis does). */
  | { kind: 'function'; code: string }
  | {
      kind: 'entry';
      db: number;
      key: string;
      value: Value;
      /** Absolute expire time in Unix ms (keys already expired are still reported). */
      expireMs: number | undefined;
      /** LRU idle seconds, when the file has them (LRU maxmemory policies). */
      lruIdle: number | undefined;
      /** LFU counter, when the file has it (LFU maxmemory policies). */
      lfuFreq: number | undefined;
    }
  /**
   * The end of the file. `checksum`: 'verified'; 'disabled' (stored as zero: saved with
   * rdbchecksum no); 'unchecked' (verifyChecksum false); 'none' (RDB version < 5 has none).
   */
  | { kind: 'eof'; checksum: 'verified' | 'disabled' | 'unchecked' | 'none' };

interface Limits {
  setMaxIntsetEntries: number;
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
}

function limitsOf(o: RdbLoadLimits): Limits {
  return {
    setMaxIntsetEntries: o.setMaxIntsetEntries ?? 512,
    hashMaxListpackEntries: o.hashMaxListpackEntries ?? 512,
    hashMaxListpackValue: o.hashMaxListpackValue ?? 64,
    zsetMaxListpackEntries: o.zsetMaxListpackEntries ?? 128,
    zsetMaxListpackValue: o.zsetMaxListpackValue ?? 64,
  };
}

/** Longest string V8 can hold; longer values load as ByteStrings. */
const MAX_JS_STRING = MAX_STRING_LENGTH;
/** listpack.c LISTPACK_MAX_SAFETY_SIZE. */
const LISTPACK_MAX_SAFETY_SIZE = 1 << 30;

// ---------------------------------------------------------------------------------------------
// Reading bytes.

/** Thrown (one shared object) when a record runs past the bytes available so far. */
const NEED_MORE = { need: 0 };

/** A value turned out empty (Redis skips such keys with a warning). */
const EMPTY_KEY = { empty: true };

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

class Cursor {
  pos = 0;
  readonly end: number;
  /** Set by len(): whether the length byte was a special string encoding. */
  encoded = false;

  constructor(
    readonly buf: Buffer,
    /** Absolute offset of buf[0]. */
    readonly base: number,
    /** No more bytes will come: running out is truncation, not a wait. */
    readonly final: boolean,
    end = buf.length,
  ) {
    this.end = end;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  corrupt(message: string, at = this.pos): never {
    throw new RdbError(message, 'corrupt', this.base + at);
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.short(n);
  }

  private short(n: number): never {
    if (this.final) throw new RdbError('Unexpected EOF reading RDB file', 'truncated', this.base + this.end);
    NEED_MORE.need = this.pos + n;
    throw NEED_MORE;
  }

  u8(): number {
    if (this.pos >= this.end) this.short(1);
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** rdbLoadLenByRef: sets `encoded` for the special string encodings. */
  len(): number {
    const first = this.u8();
    const type = first >>> 6;
    this.encoded = false;
    if (type === 3) {
      this.encoded = true;
      return first & 0x3f;
    }
    if (type === 0) return first & 0x3f;
    if (type === 1) return ((first & 0x3f) << 8) | this.u8();
    if (first === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (first === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`Length ${v} too large`, this.pos - 9);
      return Number(v);
    }
    return this.corrupt(`Unknown length encoding ${type} in rdbLoadLen()`, this.pos - 1);
  }

  /** A length that must not be a string encoding (counts, db numbers). */
  plainLen(): number {
    const n = this.len();
    if (this.encoded) this.corrupt('Unexpected string encoding where a length was expected', this.pos - 1);
    return n;
  }

  private encodedInt(enc: number): number {
    if (enc === RDB_ENC_INT8) {
      this.need(1);
      return this.buf.readInt8(this.pos++);
    }
    if (enc === RDB_ENC_INT16) {
      this.need(2);
      const v = this.buf.readInt16LE(this.pos);
      this.pos += 2;
      return v;
    }
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  private lzf(): Buffer {
    const at = this.pos - 1;
    const clen = this.plainLen();
    const len = this.plainLen();
    const src = this.bytes(clen);
    const out = Buffer.allocUnsafe(len);
    if (lzfDecompress(src, out) !== len) this.corrupt('Invalid LZF compressed string', at);
    return out;
  }

  /** A string's bytes (rdbGenericLoadStringObject with RDB_LOAD_PLAIN); may be a view. */
  blob(): Buffer {
    const n = this.len();
    if (!this.encoded) return this.bytes(n);
    if (n === RDB_ENC_LZF) return this.lzf();
    if (n <= RDB_ENC_INT32) return Buffer.from(String(this.encodedInt(n)), 'latin1');
    return this.corrupt(`Unknown RDB string encoding type ${n}`, this.pos - 1);
  }

  /** A string as a binary (latin1) JS string. */
  str(): string {
    const n = this.len();
    if (!this.encoded) {
      this.need(n);
      const s = this.buf.latin1Slice(this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    if (n === RDB_ENC_LZF) {
      const b = this.lzf();
      return b.latin1Slice(0, b.length);
    }
    if (n <= RDB_ENC_INT32) return String(this.encodedInt(n));
    return this.corrupt(`Unknown RDB string encoding type ${n}`, this.pos - 1);
  }

  /** A string value as mnemo stores it (tryObjectEncoding: integers become ints). */
  stringValue(): Value {
    const n = this.len();
    if (this.encoded) {
      if (n <= RDB_ENC_INT32) return this.encodedInt(n);
      if (n !== RDB_ENC_LZF) return this.corrupt(`Unknown RDB string encoding type ${n}`, this.pos - 1);
      const b = this.lzf();
      return b.length > MAX_JS_STRING ? ByteString.fromBytes(b) : encodeString(b.latin1Slice(0, b.length));
    }
    this.need(n);
    const start = this.pos;
    this.pos += n;
    if (n > MAX_JS_STRING) return ByteString.fromBytes(Buffer.from(this.buf.subarray(start, start + n)));
    return encodeString(this.buf.latin1Slice(start, start + n));
  }

  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue: the old textual form. */
  textDouble(): number {
    const n = this.u8();
    if (n === 255) return Number.NEGATIVE_INFINITY;
    if (n === 254) return Number.POSITIVE_INFINITY;
    if (n === 253) return Number.NaN;
    const s = this.bytes(n).latin1Slice(0, n);
    const d = strtod(s);
    if (d === null) this.corrupt(`Invalid double value '${s}'`, this.pos - n - 1);
    return d;
  }
}

/** Parses a double as strtod would accept a whole string (inf/nan spellings included). */
function strtod(s: string): number | null {
  const t = s.trim().toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.startsWith('-') || t.startsWith('+') ? t.slice(1) : t;
  if (body === 'inf' || body === 'infinity') return sign * Number.POSITIVE_INFINITY;
  if (body === 'nan') return Number.NaN;
  if (t === '') return null;
  const d = Number(t);
  return Number.isNaN(d) ? null : d;
}

// ---------------------------------------------------------------------------------------------
// Packed encodings: listpack, ziplist, intset, zipmap. Each parser checks the structure (as
// Redis's deep integrity validation does) and reports problems against the blob's offset.

/** Decodes every listpack entry as a string (lpGet + ll2string for integers). */
function listpackEntries(lp: Uint8Array, at: number, what: string): string[] {
  const b = asBuffer(lp);
  const bad = (why: string): never => {
    throw new RdbError(`${what} listpack integrity check failed: ${why}`, 'corrupt', at);
  };
  const size = b.length;
  if (size < 7) bad('too short');
  if (b.readUInt32LE(0) !== size) bad('total bytes do not match the blob');
  if (b[size - 1] !== 0xff) bad('no terminator');
  const numele = b.readUInt16LE(4);
  const out: string[] = [];
  let p = 6;
  while (b[p] !== 0xff) {
    const c = b[p]!;
    let enc: number; // bytes of encoding + data
    let s: string;
    if (c < 0x80) {
      enc = 1;
      s = String(c);
    } else if ((c & 0xc0) === 0x80) {
      const n = c & 0x3f;
      enc = 1 + n;
      if (p + enc >= size) bad('entry overflows');
      s = b.latin1Slice(p + 1, p + 1 + n);
    } else if ((c & 0xe0) === 0xc0) {
      enc = 2;
      if (p + enc >= size) bad('entry overflows');
      let v = ((c & 0x1f) << 8) | b[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      s = String(v);
    } else if ((c & 0xf0) === 0xe0) {
      if (p + 2 >= size) bad('entry overflows');
      const n = ((c & 0x0f) << 8) | b[p + 1]!;
      enc = 2 + n;
      if (p + enc >= size) bad('entry overflows');
      s = b.latin1Slice(p + 2, p + 2 + n);
    } else if (c === 0xf1) {
      enc = 3;
      if (p + enc >= size) bad('entry overflows');
      s = String(b.readInt16LE(p + 1));
    } else if (c === 0xf2) {
      enc = 4;
      if (p + enc >= size) bad('entry overflows');
      s = String(b.readIntLE(p + 1, 3));
    } else if (c === 0xf3) {
      enc = 5;
      if (p + enc >= size) bad('entry overflows');
      s = String(b.readInt32LE(p + 1));
    } else if (c === 0xf4) {
      enc = 9;
      if (p + enc >= size) bad('entry overflows');
      s = String(b.readBigInt64LE(p + 1));
    } else if (c === 0xf0) {
      if (p + 5 >= size) bad('entry overflows');
      const n = b.readUInt32LE(p + 1);
      enc = 5 + n;
      if (p + enc >= size) bad('entry overflows');
      s = b.latin1Slice(p + 5, p + 5 + n);
    } else {
      return bad(`invalid encoding byte 0x${c.toString(16)}`);
    }
    p += enc;
    // The backlen: the entry's size, 7 bits per byte, read from its last byte backwards.
    const blen = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
    if (p + blen >= size) bad('entry overflows');
    let v = 0;
    let mul = 1;
    for (let k = blen - 1; k >= 0; k--) {
      v += (b[p + k]! & 127) * mul;
      mul *= 128;
    }
    if (v !== enc) bad('backlen does not match the entry');
    p += blen;
    out.push(s);
  }
  if (p !== size - 1) bad('terminator before the end');
  if (numele !== 0xffff && numele !== out.length) bad('entry count does not match the header');
  return out;
}

/** Decodes every ziplist entry as a string. */
function ziplistEntries(zl: Uint8Array, at: number, what: string): string[] {
  const b = asBuffer(zl);
  const bad = (why: string): never => {
    throw new RdbError(`${what} ziplist integrity check failed: ${why}`, 'corrupt', at);
  };
  const size = b.length;
  if (size < 11) bad('too short');
  if (b.readUInt32LE(0) !== size) bad('total bytes do not match the blob');
  if (b.readUInt32LE(4) > size - 1) bad('tail offset out of range');
  if (b[size - 1] !== 0xff) bad('no terminator');
  const count = b.readUInt16LE(8);
  const out: string[] = [];
  let p = 10;
  let prevLen = 0;
  while (b[p] !== 0xff) {
    const start = p;
    let stored: number;
    if (b[p]! < 254) {
      stored = b[p]!;
      p += 1;
    } else {
      if (p + 5 >= size) bad('entry overflows');
      stored = b.readUInt32LE(p + 1);
      p += 5;
    }
    if (stored !== prevLen) bad('prevlen does not match the previous entry');
    if (p >= size - 1) bad('entry overflows');
    const c = b[p]!;
    let s: string;
    const need = (n: number): void => {
      if (p + n >= size) bad('entry overflows');
    };
    switch (c >>> 6) {
      case 0: {
        const n = c & 0x3f;
        need(1 + n);
        s = b.latin1Slice(p + 1, p + 1 + n);
        p += 1 + n;
        break;
      }
      case 1: {
        need(2);
        const n = ((c & 0x3f) << 8) | b[p + 1]!;
        need(2 + n);
        s = b.latin1Slice(p + 2, p + 2 + n);
        p += 2 + n;
        break;
      }
      case 2: {
        need(5);
        const n = b.readUInt32BE(p + 1);
        need(5 + n);
        s = b.latin1Slice(p + 5, p + 5 + n);
        p += 5 + n;
        break;
      }
      default:
        if (c === 0xc0) {
          need(3);
          s = String(b.readInt16LE(p + 1));
          p += 3;
        } else if (c === 0xd0) {
          need(5);
          s = String(b.readInt32LE(p + 1));
          p += 5;
        } else if (c === 0xe0) {
          need(9);
          s = String(b.readBigInt64LE(p + 1));
          p += 9;
        } else if (c === 0xf0) {
          need(4);
          s = String(b.readIntLE(p + 1, 3));
          p += 4;
        } else if (c === 0xfe) {
          need(2);
          s = String(b.readInt8(p + 1));
          p += 2;
        } else if (c >= 0xf1 && c <= 0xfd) {
          s = String((c & 0x0f) - 1);
          p += 1;
        } else {
          return bad(`invalid encoding byte 0x${c.toString(16)}`);
        }
    }
    prevLen = p - start;
    out.push(s);
  }
  if (p !== size - 1) bad('terminator before the end');
  if (count !== 0xffff && count !== out.length) bad('entry count does not match the header');
  return out;
}

/** The members of an intset blob, ascending, as decimal strings. */
function intsetMembers(is: Uint8Array, at: number): string[] {
  const b = asBuffer(is);
  const bad = (why: string): never => {
    throw new RdbError(`Intset integrity check failed: ${why}`, 'corrupt', at);
  };
  if (b.length < 8) bad('too short');
  const width = b.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) bad(`invalid encoding ${width}`);
  const count = b.readUInt32LE(4);
  if (8 + count * width !== b.length) bad('length does not match the blob');
  const out = new Array<string>(count);
  let prev: number | bigint | null = null;
  for (let i = 0; i < count; i++) {
    const p = 8 + i * width;
    const v: number | bigint =
      width === 2 ? b.readInt16LE(p) : width === 4 ? b.readInt32LE(p) : b.readBigInt64LE(p);
    if (prev !== null && !(v > prev)) bad('members not in strictly ascending order');
    prev = v;
    out[i] = String(v);
  }
  return out;
}

/** The field/value pairs of a zipmap (Redis 2.4 and older). */
function zipmapPairs(zm: Uint8Array, at: number): string[] {
  const b = asBuffer(zm);
  const bad = (why: string): never => {
    throw new RdbError(`Zipmap integrity check failed: ${why}`, 'corrupt', at);
  };
  const size = b.length;
  if (size < 2) bad('too short');
  let p = 1;
  const out: string[] = [];
  const readLen = (): number => {
    if (p >= size) bad('entry overflows');
    const c = b[p]!;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c === 254) {
      if (p + 5 > size) bad('entry overflows');
      const n = b.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    return bad('unexpected end marker');
  };
  while (p < size && b[p] !== 0xff) {
    const flen = readLen();
    if (p + flen > size) bad('entry overflows');
    const field = b.latin1Slice(p, p + flen);
    p += flen;
    const vlen = readLen();
    if (p >= size) bad('entry overflows');
    const free = b[p++]!;
    if (p + vlen + free > size) bad('entry overflows');
    const value = b.latin1Slice(p, p + vlen);
    p += vlen + free;
    out.push(field, value);
  }
  if (p !== size - 1) bad('no terminator at the end');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building mnemo values the way rdbLoadObject builds Redis objects.

function corruptAt(message: string, at: number): never {
  throw new RdbError(message, 'corrupt', at);
}

/** A set: intset while every member is an integer and there are at most `max` of them. */
function buildSet(members: readonly string[], lim: Limits, at: number, fromIntset: boolean): SetValue {
  let intset: boolean;
  if (fromIntset) {
    intset = members.length <= lim.setMaxIntsetEntries;
  } else {
    const max = Math.min(lim.setMaxIntsetEntries, 1 << 30);
    intset = members.length <= max;
    if (intset) for (const m of members) if (parseInt64(m) === null) intset = false;
  }
  const set = new SetValue(intset);
  for (const m of members) set.add(m, Number.POSITIVE_INFINITY);
  set.intset = intset;
  if (set.size !== members.length) corruptAt('Duplicate set members detected', at);
  return set;
}

/** A listpack-encoded hash from pairs (no per-value limit, as Redis loads packed hashes). */
function packedHash(pairs: string[], at: number): HashValue {
  if (pairs.length % 2 !== 0) corruptAt('Hash listpack integrity check failed: odd number of entries', at);
  const seen = new Set<string>();
  for (let i = 0; i < pairs.length; i += 2) seen.add(pairs[i]!);
  if (seen.size * 2 !== pairs.length) corruptAt('Hash with dup elements', at);
  const h = new HashValue();
  if (pairs.length > 0) h.setPairs(pairs, 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  return h;
}

/** A hashtable-encoded hash from pairs. */
function tableHash(pairs: string[], at: number): HashValue {
  const h = new HashValue();
  for (let i = 0; i < pairs.length; i += 2) {
    // Limits of 0 convert on the first write; every later write goes to the table.
    if (!h.set(pairs[i]!, pairs[i + 1]!, 0, 0)) corruptAt('Duplicate hash fields detected', at);
  }
  return h;
}

/** The hash for packed pairs (zipmap/ziplist/listpack): a table past the entries limit. */
function hashFromPacked(pairs: string[], lim: Limits, at: number, checkValues: boolean): HashValue | null {
  if (pairs.length % 2 !== 0) corruptAt('Hash integrity check failed: odd number of entries', at);
  if (pairs.length === 0) return null;
  let table = pairs.length / 2 > lim.hashMaxListpackEntries;
  if (!table && checkValues) {
    // Only the zipmap conversion looks at lengths (rdb.c: "we only check the length").
    for (const s of pairs) if (s.length > lim.hashMaxListpackValue) table = true;
  }
  if (!table) return packedHash(pairs, at);
  packedHash(pairs, at); // duplicate check, as the listpack validation would do first
  return tableHash(pairs, at);
}

function compareEntries(sa: number, ma: string, sb: number, mb: string): number {
  if (sa < sb) return -1;
  if (sa > sb) return 1;
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

/** A zset from (member, score) pairs in any order; duplicates and NaN scores are corrupt. */
function buildZSet(members: string[], scores: number[], listpack: boolean, at: number): ZSetValue {
  const n = members.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i]!)) corruptAt('Zset with NAN score detected', at);
  let ascending = true;
  for (let i = 1; i < n && ascending; i++)
    if (compareEntries(scores[i - 1]!, members[i - 1]!, scores[i]!, members[i]!) >= 0) ascending = false;
  if (!ascending) {
    let descending = true;
    for (let i = 1; i < n && descending; i++)
      if (compareEntries(scores[i - 1]!, members[i - 1]!, scores[i]!, members[i]!) <= 0) descending = false;
    if (descending) {
      members.reverse();
      scores.reverse();
    } else {
      const order = members.map((_, i) => i);
      order.sort((a, b) => compareEntries(scores[a]!, members[a]!, scores[b]!, members[b]!));
      const m2 = order.map((i) => members[i]!);
      const s2 = order.map((i) => scores[i]!);
      members = m2;
      scores = s2;
    }
  }
  const z = ZSetValue.fromSorted(listpack, { members, scores });
  if (z.size !== n) corruptAt('Duplicate zset fields detected', at);
  return z;
}

/** A zset from packed pairs (ziplist/listpack): a skiplist past the entries limit. */
function zsetFromPacked(pairs: string[], lim: Limits, at: number): ZSetValue | null {
  if (pairs.length % 2 !== 0) corruptAt('Zset integrity check failed: odd number of entries', at);
  if (pairs.length === 0) return null;
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    members.push(pairs[i]!);
    const d = strtod(pairs[i + 1]!);
    if (d === null) corruptAt(`Zset listpack holds an invalid score '${pairs[i + 1]}'`, at);
    scores.push(d);
  }
  return buildZSet(members, scores, members.length <= lim.zsetMaxListpackEntries, at);
}

function listFrom(elements: readonly string[], list = new ListValue()): ListValue {
  for (const e of elements) list.pushBack(e);
  return list;
}

/** The printable name of a module type id (moduleTypeNameByID). */
function moduleName(id: bigint): string {
  const cset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let v = id >> 10n;
  let name = '';
  for (let j = 0; j < 9; j++) {
    name = cset[Number(v & 63n)]! + name;
    v >>= 6n;
  }
  return name;
}

/** A 64-bit length (module ids), exactly. */
function bigLen(cur: Cursor): bigint {
  const first = cur.u8();
  if (first === 0x81) {
    const b = cur.bytes(8);
    return b.readBigUInt64BE(0);
  }
  cur.pos--;
  return BigInt(cur.plainLen());
}

function describeKey(key: string): string {
  return JSON.stringify(key);
}

/**
 * Reads one value of RDB type `type` (rdbLoadObject). Returns EMPTY_KEY (thrown) for an empty
 * collection. `key`/`db` only name the key in errors.
 */
function readObject(cur: Cursor, type: number, lim: Limits, key: string, db: number): Value {
  const at = cur.pos;
  switch (type) {
    case RDB_TYPE_STRING:
      return cur.stringValue();

    case RDB_TYPE_LIST: {
      const n = cur.plainLen();
      if (n === 0) throw EMPTY_KEY;
      const list = new ListValue();
      for (let i = 0; i < n; i++) list.pushBack(cur.str());
      return list;
    }

    case RDB_TYPE_SET: {
      const n = cur.plainLen();
      if (n === 0) throw EMPTY_KEY;
      const members = new Array<string>(n);
      for (let i = 0; i < n; i++) members[i] = cur.str();
      return buildSet(members, lim, cur.base + at, false);
    }

    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2: {
      const n = cur.plainLen();
      if (n === 0) throw EMPTY_KEY;
      const members = new Array<string>(n);
      const scores = new Array<number>(n);
      let maxLen = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const m = cur.str();
        members[i] = m;
        scores[i] = type === RDB_TYPE_ZSET_2 ? cur.binaryDouble() : cur.textDouble();
        if (m.length > maxLen) maxLen = m.length;
        total += m.length;
      }
      const listpack =
        n <= lim.zsetMaxListpackEntries &&
        maxLen <= lim.zsetMaxListpackValue &&
        total <= LISTPACK_MAX_SAFETY_SIZE;
      return buildZSet(members, scores, listpack, cur.base + at);
    }

    case RDB_TYPE_HASH: {
      const n = cur.plainLen();
      if (n === 0) throw EMPTY_KEY;
      const pairs = new Array<string>(n * 2);
      let table = n > lim.hashMaxListpackEntries;
      let bytes = 0;
      for (let i = 0; i < n * 2; i += 2) {
        const f = cur.str();
        const v = cur.str();
        pairs[i] = f;
        pairs[i + 1] = v;
        if (!table) {
          bytes += f.length + v.length;
          if (f.length > lim.hashMaxListpackValue || v.length > lim.hashMaxListpackValue) table = true;
          else if (bytes > LISTPACK_MAX_SAFETY_SIZE) table = true;
        }
      }
      return table ? tableHash(pairs, cur.base + at) : packedHash(pairs, cur.base + at);
    }

    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2: {
      const nodes = cur.plainLen();
      if (nodes === 0) throw EMPTY_KEY;
      const list = new ListValue();
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_CONTAINER_PACKED;
        if (type === RDB_TYPE_LIST_QUICKLIST_2) {
          container = cur.plainLen();
          if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN)
            cur.corrupt('Quicklist integrity check failed.', cur.pos - 1);
        }
        const nodeAt = cur.base + cur.pos;
        const blob = cur.blob();
        if (blob.length === 0) cur.corrupt('Quicklist integrity check failed: empty node', nodeAt - cur.base);
        if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
          list.pushBack(blob.latin1Slice(0, blob.length));
          continue;
        }
        const elements =
          type === RDB_TYPE_LIST_QUICKLIST_2
            ? listpackEntries(blob, nodeAt, 'List')
            : ziplistEntries(blob, nodeAt, 'List');
        listFrom(elements, list);
      }
      if (list.length === 0) throw EMPTY_KEY;
      return list;
    }

    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_LIST_ZIPLIST:
    case RDB_TYPE_SET_INTSET:
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK:
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_SET_LISTPACK: {
      const blobAt = cur.base + cur.pos;
      const blob = cur.blob();
      let v: Value | null;
      switch (type) {
        case RDB_TYPE_HASH_ZIPMAP:
          v = hashFromPacked(zipmapPairs(blob, blobAt), lim, blobAt, true);
          break;
        case RDB_TYPE_LIST_ZIPLIST: {
          const elements = ziplistEntries(blob, blobAt, 'List');
          v = elements.length === 0 ? null : listFrom(elements);
          break;
        }
        case RDB_TYPE_SET_INTSET: {
          const members = intsetMembers(blob, blobAt);
          v = members.length === 0 ? null : buildSet(members, lim, blobAt, true);
          break;
        }
        case RDB_TYPE_SET_LISTPACK: {
          const members = listpackEntries(blob, blobAt, 'Set');
          v = members.length === 0 ? null : buildSet(members, lim, blobAt, false);
          break;
        }
        case RDB_TYPE_ZSET_ZIPLIST:
          v = zsetFromPacked(ziplistEntries(blob, blobAt, 'Zset'), lim, blobAt);
          break;
        case RDB_TYPE_ZSET_LISTPACK:
          v = zsetFromPacked(listpackEntries(blob, blobAt, 'Zset'), lim, blobAt);
          break;
        case RDB_TYPE_HASH_ZIPLIST:
          v = hashFromPacked(ziplistEntries(blob, blobAt, 'Hash'), lim, blobAt, false);
          break;
        default:
          v = hashFromPacked(listpackEntries(blob, blobAt, 'Hash'), lim, blobAt, false);
      }
      if (v === null) throw EMPTY_KEY;
      return v;
    }

    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
      throw new RdbError(
        `Key ${describeKey(key)} in DB ${db} is a stream: mnemo does not support streams yet`,
        'unsupported',
        cur.base + at,
      );

    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2: {
      const id = bigLen(cur);
      throw new RdbError(
        `The RDB file contains module data I can't load: no matching module type '${moduleName(id)}' ` +
          `(key ${describeKey(key)} in DB ${db}; mnemo has no modules)`,
        'unsupported',
        cur.base + at,
      );
    }

    default:
      return cur.corrupt(`Unknown RDB encoding type ${type}`, at - 1);
  }
}

// ---------------------------------------------------------------------------------------------
// The file reader.

const HEADER_SIZE = 9;

export class RdbReader {
  private readonly lim: Limits;
  private readonly verify: boolean;
  private readonly crc: Crc64State = crc64Init();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Do not attempt a parse before this many bytes are pending. */
  private want = 0;
  /** Absolute offset of the first pending byte. */
  private consumed = 0;
  private state: 'header' | 'body' | 'done' | 'failed' = 'header';
  private trailing: Uint8Array[] = [];
  /** RDB version from the header (0 until it is read). */
  version = 0;
  /** The database the next keys belong to. */
  db = 0;
  /** Keys skipped because their value was empty (Redis skips them too). */
  emptyKeysSkipped = 0;
  private expireMs: number | undefined = undefined;
  private lruIdle: number | undefined = undefined;
  private lfuFreq: number | undefined = undefined;

  constructor(options: RdbReaderOptions = {}) {
    this.lim = limitsOf(options);
    this.verify = options.verifyChecksum ?? true;
  }

  /** True once the EOF opcode and the checksum have been read. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Bytes consumed so far (the offset of the next unparsed byte). */
  get offset(): number {
    return this.consumed;
  }

  /** Feeds the next chunk; returns the records it completed. */
  push(chunk: Uint8Array): RdbRecord[] {
    if (this.state === 'failed') throw new Error('RdbReader: push() after an error');
    // The caller may reuse its chunk once push() returns (a read buffer): anything kept past
    // this call is a copy.
    if (this.state === 'done') {
      if (chunk.length > 0) this.trailing.push(Buffer.from(chunk));
      return [];
    }
    if (chunk.length === 0) return [];
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.want) {
      this.pending.push(Buffer.from(chunk));
      return [];
    }
    this.pending.push(chunk);
    return this.drain(false);
  }

  /** Says the input is over: parses what is left; throws if the file is incomplete. */
  end(): RdbRecord[] {
    if (this.state === 'failed') throw new Error('RdbReader: end() after an error');
    if (this.state === 'done') return [];
    const out = this.drain(true);
    if (!this.done) {
      this.state = 'failed';
      throw new RdbError('Unexpected EOF reading RDB file', 'truncated', this.consumed + this.pendingBytes);
    }
    return out;
  }

  /** Bytes after the end of the RDB data (an AOF tail after an RDB preamble), once done. */
  remainder(): Uint8Array {
    if (this.trailing.length === 1) return this.trailing[0]!;
    return Buffer.concat(this.trailing);
  }

  /** Parses a whole buffer lazily; the generator form of push(buf) + end(). */
  *records(buf: Uint8Array): Generator<RdbRecord> {
    if (this.state !== 'header' || this.pendingBytes !== 0)
      throw new Error('RdbReader: records() on a used reader');
    const cur = new Cursor(asBuffer(buf), 0, true);
    try {
      while (!this.done) {
        const r = this.step(cur);
        if (r !== null) yield r;
      }
    } catch (e) {
      this.state = 'failed';
      throw this.wrap(e, cur);
    }
    this.consumed = cur.pos;
    if (cur.pos < buf.length) this.trailing.push(buf.subarray(cur.pos));
  }

  private drain(final: boolean): RdbRecord[] {
    // A single pending chunk may be the caller's (borrowed for this call); a concatenation is ours.
    const borrowed = this.pending.length === 1;
    const buf = asBuffer(borrowed ? this.pending[0]! : Buffer.concat(this.pending));
    const cur = new Cursor(buf, this.consumed, final);
    const out: RdbRecord[] = [];
    let start = 0;
    try {
      while (this.state !== 'done') {
        start = cur.pos;
        const r = this.step(cur);
        if (r !== null) out.push(r);
      }
      start = cur.pos;
    } catch (e) {
      if (e !== NEED_MORE) {
        this.state = 'failed';
        throw this.wrap(e, cur);
      }
      cur.pos = start;
      // Wait for what this record needs at least, and for twice what we had, so a big record
      // is re-parsed a bounded number of times.
      this.want = Math.max(NEED_MORE.need - start, 2 * (buf.length - start));
    }
    const rest = buf.subarray(start);
    this.consumed += start;
    if (this.state === 'done') {
      this.pending = [];
      this.pendingBytes = 0;
      if (rest.length > 0) this.trailing.push(Buffer.from(rest));
    } else {
      // Copy a borrowed remainder, and a small one so it does not pin a large buffer.
      const keep = rest.length > 0 && (borrowed || rest.length < buf.length / 4) ? Buffer.from(rest) : rest;
      this.pending = keep.length > 0 ? [keep] : [];
      this.pendingBytes = keep.length;
    }
    return out;
  }

  private wrap(e: unknown, cur: Cursor): unknown {
    if (e === EMPTY_KEY) return new RdbError('Empty value outside a key', 'corrupt', cur.offset);
    return e;
  }

  private fold(buf: Uint8Array, start: number, end: number): void {
    if (this.verify && end > start) crc64Update(this.crc, buf, start, end);
  }

  /** Parses one opcode and what it carries; returns a record or null (state only). */
  private step(cur: Cursor): RdbRecord | null {
    const start = cur.pos;
    if (this.state === 'header') {
      cur.need(HEADER_SIZE);
      const magic = cur.buf.latin1Slice(cur.pos, cur.pos + HEADER_SIZE);
      if (!magic.startsWith('REDIS'))
        throw new RdbError('Wrong signature trying to load DB from file', 'signature', cur.offset);
      const m = /^\s*[+-]?\d+/.exec(magic.slice(5));
      const ver = m === null ? 0 : Number.parseInt(m[0], 10);
      if (ver < 1 || ver > RDB_VERSION)
        throw new RdbError(`Can't handle RDB format version ${ver}`, 'version', cur.offset + 5);
      cur.pos += HEADER_SIZE;
      this.version = ver;
      this.state = 'body';
      this.fold(cur.buf, start, cur.pos);
      return null;
    }

    const type = cur.u8();
    let rec: RdbRecord | null = null;
    switch (type) {
      case RDB_OPCODE_EXPIRETIME: {
        const b = cur.bytes(4);
        this.expireMs = b.readInt32LE(0) * 1000;
        break;
      }
      case RDB_OPCODE_EXPIRETIME_MS: {
        const b = cur.bytes(8);
        this.expireMs = Number(b.readBigInt64LE(0));
        break;
      }
      case RDB_OPCODE_FREQ:
        this.lfuFreq = cur.u8();
        break;
      case RDB_OPCODE_IDLE:
        this.lruIdle = cur.plainLen();
        break;
      case RDB_OPCODE_EOF: {
        // All of it must be here before the opcode is folded in: a retry would fold it twice.
        if (this.version >= 5) cur.need(8);
        this.fold(cur.buf, start, cur.pos);
        let checksum: 'verified' | 'disabled' | 'unchecked' | 'none' = 'none';
        if (this.version >= 5) {
          const at = cur.pos;
          const b = cur.bytes(8);
          if (b.every((x) => x === 0)) checksum = 'disabled';
          else if (!this.verify) checksum = 'unchecked';
          else if (!crc64EqualsLE(this.crc, b, 0)) {
            const got = b.readBigUInt64LE(0).toString(16);
            const expected = crc64Value(this.crc).toString(16);
            throw new RdbError(
              `Wrong RDB checksum expected: (${expected}) but got (${got}). Aborting now.`,
              'checksum',
              cur.base + at,
            );
          } else checksum = 'verified';
        }
        this.state = 'done';
        return { kind: 'eof', checksum };
      }
      case RDB_OPCODE_SELECTDB: {
        const db = cur.plainLen();
        this.db = db;
        rec = { kind: 'selectdb', db };
        break;
      }
      case RDB_OPCODE_RESIZEDB: {
        const size = cur.plainLen();
        const expires = cur.plainLen();
        rec = { kind: 'resizedb', db: this.db, size, expires };
        break;
      }
      case RDB_OPCODE_AUX: {
        const key = cur.str();
        const value = cur.str();
        rec = { kind: 'aux', key, value };
        break;
      }
      case RDB_OPCODE_MODULE_AUX: {
        const id = bigLen(cur);
        throw new RdbError(
          `The RDB file contains AUX module data I can't load: no matching module '${moduleName(id)}' (mnemo has no modules)`,
          'unsupported',
          cur.base + start,
        );
      }
      case RDB_OPCODE_FUNCTION: {
        // The 7.0 RC format: name, engine, optional description, code; rewritten as Redis does.
        const name = cur.str();
        const engine = cur.str();
        if (cur.plainLen() !== 0) cur.str();
        const blob = cur.str();
        rec = { kind: 'function', code: `#!${engine} name=${name}\n${blob}` };
        break;
      }
      case RDB_OPCODE_FUNCTION2:
        rec = { kind: 'function', code: cur.str() };
        break;
      default: {
        const key = cur.str();
        let value: Value | null = null;
        try {
          value = readObject(cur, type, this.lim, key, this.db);
        } catch (e) {
          if (e !== EMPTY_KEY) throw e;
        }
        if (value === null) {
          this.emptyKeysSkipped++;
        } else {
          rec = {
            kind: 'entry',
            db: this.db,
            key,
            value,
            expireMs: this.expireMs,
            lruIdle: this.lruIdle,
            lfuFreq: this.lfuFreq,
          };
        }
        this.expireMs = undefined;
        this.lruIdle = undefined;
        this.lfuFreq = undefined;
      }
    }
    this.fold(cur.buf, start, cur.pos);
    return rec;
  }
}

/** Reads a whole RDB file held in memory, lazily, record by record. */
export function readRdb(buf: Uint8Array, options: RdbReaderOptions = {}): Generator<RdbRecord> {
  return new RdbReader(options).records(buf);
}

/** Whether a byte is an RDB object type (rdbIsObjectType, plus 7.2's set listpack). */
function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 20);
}

export interface DumpPayloadOptions extends RdbLoadLimits {
  /** Verify the CRC-64 (Redis skips it only with skip_checksum_validation; default true). */
  verifyChecksum?: boolean;
}

/**
 * Decodes a DUMP payload (what RESTORE takes). Errors carry the reply Redis gives: code
 * 'payload' -> "DUMP payload version or checksum are wrong"; 'corrupt' (including an empty
 * value) -> "Bad data format"; 'unsupported' for streams and modules, which Redis would accept.
 */
export function decodeDumpPayload(payload: Uint8Array, options: DumpPayloadOptions = {}): Value {
  const len = payload.length;
  const wrong = (): never => {
    throw new RdbError('DUMP payload version or checksum are wrong', 'payload', -1);
  };
  if (len < 10) wrong();
  const ver = payload[len - 10]! | (payload[len - 9]! << 8);
  if (ver > RDB_VERSION) wrong();
  if (options.verifyChecksum ?? true) {
    const crc = crc64Init();
    crc64Update(crc, payload, 0, len - 8);
    if (!crc64EqualsLE(crc, payload, len - 8)) wrong();
  }
  const cur = new Cursor(asBuffer(payload), 0, true, len - 10);
  try {
    const type = cur.u8();
    if (!isObjectType(type)) throw new RdbError('Bad data format', 'corrupt', 0);
    return readObject(cur, type, limitsOf(options), '', 0);
  } catch (e) {
    if (e instanceof RdbError && e.code === 'unsupported') throw e;
    const detail = e === EMPTY_KEY ? 'empty value' : e instanceof Error ? e.message : String(e);
    const err = new RdbError('Bad data format', 'corrupt', -1);
    (err as RdbError & { detail: string }).detail = detail;
    throw err;
  }
}
