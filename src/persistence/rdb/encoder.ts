/**
 * The RDB writer: mnemo values to Redis 7.0's RDB format (version 10), byte for byte what
 * rdb.c would write for the same data in the same encodings, so redis-check-rdb accepts our
 * files and redis-server loads them (and DUMP payloads restore with RESTORE).
 *
 * Pure: no I/O. RdbWriter appends to an internal buffer that the caller drains with take()
 * whenever it likes (after each entry, or once `pending` passes a threshold), so a large
 * dataset streams to disk without being held whole; one huge value is encoded in one piece.
 * The CRC-64 is folded in as bytes are taken, and written by eof().
 *
 * Encodings, as rdbSaveObject chooses them:
 *  - strings: rdbSaveRawString (8/16/32-bit integer forms for short integer strings, LZF when
 *    `compression` is on, the string is over 20 bytes and compressing saves 4+ bytes, else
 *    raw); int-encoded values as rdbSaveLongLongAsStringObject (integer form or decimal);
 *  - lists: QUICKLIST_2, listpack nodes split as quicklistPushTail would split them under
 *    list-max-listpack-size (plain nodes for elements of 1 GB and more);
 *  - sets: SET_INTSET (the intset blob) while the set is an intset, else SET;
 *  - hashes: HASH_LISTPACK (the listpack blob) while listpack-encoded, else HASH;
 *  - zsets: ZSET_LISTPACK while listpack-encoded, else ZSET_2 (binary doubles, highest first).
 * Listpack entries are encoded as lpAppend does (integers for strings that are int64s).
 */

import type { HashValue } from '../../engine/values/hash.js';
import type { ListValue } from '../../engine/values/list.js';
import type { SetValue } from '../../engine/values/set.js';
import { ByteString, parseInt64 } from '../../engine/values/string.js';
import type { Value } from '../../engine/values/types.js';
import type { ZSetValue } from '../../engine/values/zset.js';
import { formatDouble17g } from '../../protocol/reply.js';
import { type Crc64State, crc64Init, crc64Update, writeCrc64LE } from './crc64.js';
import { lzfCompress } from './lzf.js';

export const RDB_VERSION = 10;

export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
/** Redis 7.2 (RDB 11); read when met, never written. */
export const RDB_TYPE_SET_LISTPACK = 20;

export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** quicklist.c: the byte limits of list-max-listpack-size -1..-5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c SIZE_SAFETY_LIMIT and SIZE_ESTIMATE_OVERHEAD. */
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** quicklist.c packed_threshold: elements this large get a plain node of their own. */
const PACKED_THRESHOLD = 1 << 30;
/** quicklist.c FILL_MAX (a 16-bit signed bitfield on 64-bit builds). */
const FILL_MAX = (1 << 15) - 1;

export interface RdbWriterOptions {
  /** rdbcompression: LZF-compress strings over 20 bytes when it saves space (default true). */
  compression?: boolean;
  /** rdbchecksum: write the CRC-64 at the end, else 8 zero bytes (default true). */
  checksum?: boolean;
  /** list-max-listpack-size, which decides how lists split into quicklist nodes (default -2). */
  listMaxListpackSize?: number;
}

/** The aux fields rdbSaveInfoAuxFields writes at the start of a file. */
export interface RdbHeaderInfo {
  /** redis-ver (default "7.0.15", the version whose format this is). */
  redisVer?: string;
  /** redis-bits (default 64). */
  redisBits?: number;
  /** ctime: Unix seconds when the file was made (default now). */
  ctime?: number;
  /** used-mem: bytes in use when the file was made (default 0). */
  usedMem?: number;
  /** aof-base: 1 when the file is the base of a multi-part AOF (default false). */
  aofBase?: boolean;
  /** Replication info, written (repl-stream-db, repl-id, repl-offset) when given, as Redis does. */
  repl?: { streamDb: number; id: string; offset: number };
}

// ---------------------------------------------------------------------------------------------
// A growable byte buffer.

class Sink {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }
  bytes(b: Uint8Array, start = 0, end = b.length): void {
    const n = end - start;
    this.room(n);
    this.buf.set(start === 0 && end === b.length ? b : b.subarray(start, end), this.pos);
    this.pos += n;
  }
  latin1(s: string): void {
    this.room(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }
  u32le(v: number): void {
    this.room(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }
}

// Scratch buffers for one string's bytes and its compressed form; shrunk after a huge value.
const SCRATCH_KEEP = 1 << 20;
let scratchIn = Buffer.allocUnsafe(4096);
let scratchOut = Buffer.allocUnsafe(4096);

function scratchFor(n: number, which: 'in' | 'out'): Buffer {
  if (which === 'in') {
    if (scratchIn.length < n) scratchIn = Buffer.allocUnsafe(Math.max(n, scratchIn.length * 2));
    return scratchIn;
  }
  if (scratchOut.length < n) scratchOut = Buffer.allocUnsafe(Math.max(n, scratchOut.length * 2));
  return scratchOut;
}

function releaseScratch(): void {
  if (scratchIn.length > SCRATCH_KEEP) scratchIn = Buffer.allocUnsafe(4096);
  if (scratchOut.length > SCRATCH_KEEP) scratchOut = Buffer.allocUnsafe(4096);
}

// ---------------------------------------------------------------------------------------------
// Primitive encodings (rdbSaveLen, rdbEncodeInteger, rdbSaveRawString, ...).

function writeLen(out: Sink, len: number): void {
  if (len < 1 << 6) {
    out.byte(len);
  } else if (len < 1 << 14) {
    out.room(2);
    out.buf[out.pos++] = (len >>> 8) | 0x40;
    out.buf[out.pos++] = len & 0xff;
  } else if (len <= 0xffffffff) {
    out.room(5);
    out.buf[out.pos++] = 0x80;
    out.buf.writeUInt32BE(len, out.pos);
    out.pos += 4;
  } else {
    out.room(9);
    out.buf[out.pos++] = 0x81;
    out.buf.writeUInt32BE(Math.floor(len / 0x100000000), out.pos);
    out.buf.writeUInt32BE(len >>> 0, out.pos + 4);
    out.pos += 8;
  }
}

/** rdbEncodeInteger: the 8/16/32-bit integer string forms; false when `v` does not fit. */
function writeEncodedInt(out: Sink, v: number): boolean {
  if (v >= -128 && v <= 127) {
    out.room(2);
    out.buf[out.pos++] = 0xc0 | RDB_ENC_INT8;
    out.buf[out.pos++] = v & 0xff;
    return true;
  }
  if (v >= -32768 && v <= 32767) {
    out.room(3);
    out.buf[out.pos++] = 0xc0 | RDB_ENC_INT16;
    out.buf.writeInt16LE(v, out.pos);
    out.pos += 2;
    return true;
  }
  if (v >= -2147483648 && v <= 2147483647) {
    out.room(5);
    out.buf[out.pos++] = 0xc0 | RDB_ENC_INT32;
    out.buf.writeInt32LE(v, out.pos);
    out.pos += 4;
    return true;
  }
  return false;
}

/** rdbSaveLongLongAsStringObject. */
function writeLongLong(out: Sink, v: number | bigint): void {
  if (typeof v === 'number' && writeEncodedInt(out, v)) return;
  if (typeof v === 'bigint' && v >= -2147483648n && v <= 2147483647n && writeEncodedInt(out, Number(v)))
    return;
  const s = String(v);
  writeLen(out, s.length);
  out.latin1(s);
}

/** The bytes `b[0..len)` LZF-compressed as rdbSaveLzfStringObject would; false when not worth it. */
function writeLzf(out: Sink, b: Uint8Array, len: number): boolean {
  if (len <= 4) return false;
  const outLen = len - 4;
  const dst = scratchFor(outLen + 1, 'out');
  const clen = lzfCompress(len === b.length ? b : b.subarray(0, len), dst, outLen);
  if (clen === 0) return false;
  out.byte(0xc0 | RDB_ENC_LZF);
  writeLen(out, clen);
  writeLen(out, len);
  out.bytes(dst, 0, clen);
  return true;
}

/** rdbSaveRawString for a binary (latin1) string. */
function writeRawString(out: Sink, s: string, compress: boolean): void {
  const len = s.length;
  if (len <= 11 && len > 0) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = parseInt64(s);
      if (typeof v === 'number' && writeEncodedInt(out, v)) return;
    }
  }
  if (compress && len > 20) {
    const src = scratchFor(len, 'in');
    src.latin1Write(s, 0);
    if (writeLzf(out, src, len)) return;
  }
  writeLen(out, len);
  out.latin1(s);
}

/** rdbSaveRawString for bytes (listpacks, intsets, big string values). */
function writeRawBytes(out: Sink, b: Uint8Array, compress: boolean): void {
  const len = b.length;
  if (len <= 11 && len > 0 && ((b[0]! >= 48 && b[0]! <= 57) || b[0] === 45)) {
    const v = parseInt64(Buffer.from(b.buffer, b.byteOffset, len).latin1Slice(0, len));
    if (typeof v === 'number' && writeEncodedInt(out, v)) return;
  }
  if (compress && len > 20 && writeLzf(out, b, len)) return;
  writeLen(out, len);
  out.bytes(b);
}

function writeBinaryDouble(out: Sink, d: number): void {
  out.room(8);
  out.buf.writeDoubleLE(d, out.pos);
  out.pos += 8;
}

function writeInt64LE(out: Sink, v: number): void {
  out.room(8);
  out.buf.writeBigInt64LE(BigInt(v), out.pos);
  out.pos += 8;
}

// ---------------------------------------------------------------------------------------------
// Listpacks (listpack.c), built the way lpAppend builds them.

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;
const LP_HDR_NUMELE_UNKNOWN = 0xffff;

/** Size of the backlen field for an entry of `l` bytes (lpEncodeBacklen). */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function writeBacklen(lp: Sink, l: number): void {
  const n = backlenSize(l);
  lp.room(n);
  const b = lp.buf;
  let p = lp.pos;
  if (n === 1) {
    b[p++] = l;
  } else if (n === 2) {
    b[p++] = l >>> 7;
    b[p++] = (l & 127) | 128;
  } else if (n === 3) {
    b[p++] = l >>> 14;
    b[p++] = ((l >>> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  } else if (n === 4) {
    b[p++] = l >>> 21;
    b[p++] = ((l >>> 14) & 127) | 128;
    b[p++] = ((l >>> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  } else {
    b[p++] = Math.floor(l / 2 ** 28);
    b[p++] = ((l >>> 21) & 127) | 128;
    b[p++] = ((l >>> 14) & 127) | 128;
    b[p++] = ((l >>> 7) & 127) | 128;
    b[p++] = (l & 127) | 128;
  }
  lp.pos = p;
}

/** Bytes of the integer encoding of v (lpEncodeIntegerGetType). */
function lpIntSize(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function lpStrSize(len: number): number {
  return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
}

/** An element's integer value when lpStringToInt64 would take it, else null. */
function lpIntOf(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const c = s.charCodeAt(0);
  if ((c < 48 || c > 57) && c !== 45) return null;
  return parseInt64(s);
}

/** Size of the whole entry (encoding, data, backlen) for element s. */
function lpEntrySize(s: string): number {
  const v = lpIntOf(s);
  const enc = v !== null ? lpIntSize(v) : lpStrSize(s.length);
  return enc + backlenSize(enc);
}

class ListpackBuilder {
  readonly sink = new Sink(256);
  count = 0;

  reset(): void {
    this.sink.pos = LP_HDR_SIZE;
    this.count = 0;
  }

  constructor() {
    this.reset();
  }

  appendInt(v: number | bigint): void {
    const lp = this.sink;
    const size = lpIntSize(v);
    lp.room(size);
    const b = lp.buf;
    let p = lp.pos;
    if (typeof v === 'bigint' || size === 9) {
      b[p++] = 0xf4;
      b.writeBigInt64LE(BigInt(v), p);
      p += 8;
    } else if (size === 1) {
      b[p++] = v;
    } else if (size === 2) {
      const u = v < 0 ? (1 << 13) + v : v;
      b[p++] = (u >>> 8) | 0xc0;
      b[p++] = u & 0xff;
    } else if (size === 3) {
      b[p++] = 0xf1;
      b.writeInt16LE(v, p);
      p += 2;
    } else if (size === 4) {
      const u = v < 0 ? (1 << 24) + v : v;
      b[p++] = 0xf2;
      b[p++] = u & 0xff;
      b[p++] = (u >>> 8) & 0xff;
      b[p++] = (u >>> 16) & 0xff;
    } else {
      b[p++] = 0xf3;
      b.writeInt32LE(v, p);
      p += 4;
    }
    lp.pos = p;
    writeBacklen(lp, size);
    this.count++;
  }

  /** lpAppend: an element stored as an integer when it is one. */
  append(s: string): void {
    const v = lpIntOf(s);
    if (v !== null) {
      this.appendInt(v);
      return;
    }
    const len = s.length;
    const lp = this.sink;
    const size = lpStrSize(len);
    lp.room(size);
    const b = lp.buf;
    if (len < 64) {
      b[lp.pos++] = 0x80 | len;
    } else if (len < 4096) {
      b[lp.pos++] = 0xe0 | (len >>> 8);
      b[lp.pos++] = len & 0xff;
    } else {
      b[lp.pos++] = 0xf0;
      b.writeUInt32LE(len, lp.pos);
      lp.pos += 4;
    }
    lp.pos += b.latin1Write(s, lp.pos);
    writeBacklen(lp, size);
    this.count++;
  }

  /** Terminates the listpack and returns its bytes (a view valid until the next reset). */
  finish(): Uint8Array {
    const lp = this.sink;
    lp.byte(LP_EOF);
    lp.buf.writeUInt32LE(lp.pos, 0);
    lp.buf.writeUInt16LE(Math.min(this.count, LP_HDR_NUMELE_UNKNOWN), 4);
    return lp.buf.subarray(0, lp.pos);
  }
}

const lpb = new ListpackBuilder();

function releaseListpack(): void {
  if (lpb.sink.buf.length > SCRATCH_KEEP) lpb.sink.buf = Buffer.allocUnsafe(256);
}

/** LLONG_MAX / 2 as a double: 2^62, the bound double2ll accepts. */
const DOUBLE2LL_MAX = 2 ** 62;

/** double2ll (util.c): the integer a score is stored as in a listpack, or null. */
function scoreAsInt(d: number): number | bigint | null {
  if (!(d >= -DOUBLE2LL_MAX && d <= DOUBLE2LL_MAX) || !Number.isInteger(d)) return null;
  if (d === 0) return 0; // -0 too: (long long)-0.0 == 0
  return Number.isSafeInteger(d) ? d : BigInt(d);
}

// ---------------------------------------------------------------------------------------------
// Values.

/** The RDB type byte for a value (rdbSaveObjectType). */
export function rdbTypeOf(value: Value): number {
  if (typeof value !== 'object' || value instanceof ByteString) return RDB_TYPE_STRING;
  switch (value.type) {
    case 'list':
      return RDB_TYPE_LIST_QUICKLIST_2;
    case 'set':
      return (value as SetValue).intset ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    case 'hash':
      return (value as HashValue).isListpack ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    case 'zset':
      return (value as ZSetValue).listpack ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
  }
}

function writeString(out: Sink, v: string | number | bigint | ByteString, compress: boolean): void {
  if (typeof v === 'number' || typeof v === 'bigint') {
    writeLongLong(out, v);
  } else if (typeof v === 'string') {
    writeRawString(out, v, compress);
  } else if (v.length <= 4096) {
    writeRawString(out, v.toBinary(), compress);
  } else {
    writeRawBytes(out, v.readBytes(0, v.length), compress);
  }
}

/** Where quicklistPushTail would start new nodes: the index of each node's first element. */
function quicklistSplits(list: ListValue, fill: number): number[] {
  if (fill > FILL_MAX) fill = FILL_MAX;
  else if (fill < -5) fill = -5;
  const starts: number[] = [];
  let nodeSz = 0; // lpBytes of the current node; 0 = no current node
  let nodeCount = 0;
  let plain = false;
  const n = list.length;
  for (let i = 0; i < n; i++) {
    const s = list.at(i);
    const sz = s.length;
    let allow = false;
    if (nodeSz !== 0 && !plain && sz < PACKED_THRESHOLD) {
      const newSz = nodeSz + sz + SIZE_ESTIMATE_OVERHEAD;
      if (fill < 0 && newSz <= OPTIMIZATION_LEVEL[-fill - 1]!) allow = true;
      else if (newSz > SIZE_SAFETY_LIMIT) allow = false;
      else allow = nodeCount < fill;
    }
    if (allow) {
      nodeSz += lpEntrySize(s);
      nodeCount++;
    } else {
      starts.push(i);
      plain = sz >= PACKED_THRESHOLD;
      nodeSz = plain ? sz : LP_HDR_SIZE + 1 + lpEntrySize(s);
      nodeCount = 1;
    }
  }
  return starts;
}

function writeList(out: Sink, list: ListValue, compress: boolean, fill: number): void {
  const starts = quicklistSplits(list, fill);
  writeLen(out, starts.length);
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : list.length;
    const first = list.at(from);
    if (to - from === 1 && first.length >= PACKED_THRESHOLD) {
      writeLen(out, QUICKLIST_NODE_CONTAINER_PLAIN);
      writeRawString(out, first, compress);
      continue;
    }
    writeLen(out, QUICKLIST_NODE_CONTAINER_PACKED);
    lpb.reset();
    for (let i = from; i < to; i++) lpb.append(list.at(i));
    writeRawBytes(out, lpb.finish(), compress);
  }
}

function writeIntset(out: Sink, set: SetValue, compress: boolean): void {
  const members = set.toArray(); // ascending for an intset
  const values = members.map((m) => parseInt64(m));
  let width = 2;
  for (const v of values) {
    if (v === null) throw new Error(`intset member is not an integer: ${JSON.stringify(members)}`);
    if (typeof v === 'bigint' || v < -2147483648 || v > 2147483647) width = 8;
    else if (width < 4 && (v < -32768 || v > 32767)) width = 4;
  }
  const blob = Buffer.allocUnsafe(8 + width * values.length);
  blob.writeUInt32LE(width, 0);
  blob.writeUInt32LE(values.length, 4);
  let p = 8;
  for (const v of values) {
    if (width === 2) blob.writeInt16LE(v as number, p);
    else if (width === 4) blob.writeInt32LE(v as number, p);
    else blob.writeBigInt64LE(BigInt(v!), p);
    p += width;
  }
  writeRawBytes(out, blob, compress);
}

function writeSet(out: Sink, set: SetValue, compress: boolean): void {
  if (set.intset) {
    writeIntset(out, set, compress);
    return;
  }
  const members = set.members;
  const n = set.size;
  writeLen(out, n);
  for (let i = 0; i < n; i++) writeRawString(out, members.keyAt(i), compress);
}

function writeHash(out: Sink, hash: HashValue, compress: boolean): void {
  if (hash.isListpack) {
    lpb.reset();
    hash.forEach((f, v) => {
      lpb.append(f);
      lpb.append(v);
    });
    writeRawBytes(out, lpb.finish(), compress);
    return;
  }
  writeLen(out, hash.size);
  hash.forEach((f, v) => {
    writeRawString(out, f, compress);
    writeRawString(out, v, compress);
  });
}

function writeZSet(out: Sink, z: ZSetValue, compress: boolean): void {
  const n = z.size;
  if (z.listpack) {
    lpb.reset();
    z.index.walk(0, false, (member, score) => {
      lpb.append(member);
      const asInt = scoreAsInt(score);
      if (asInt !== null) lpb.appendInt(asInt);
      else lpb.append(formatDouble17g(score));
      return true;
    });
    writeRawBytes(out, lpb.finish(), compress);
    return;
  }
  writeLen(out, n);
  // Highest first, as rdbSaveObject walks the skiplist from the tail.
  z.index.walk(n - 1, true, (member, score) => {
    writeRawString(out, member, compress);
    writeBinaryDouble(out, score);
    return true;
  });
}

function writeValue(out: Sink, value: Value, compress: boolean, fill: number): void {
  if (typeof value !== 'object' || value instanceof ByteString) {
    writeString(out, value, compress);
    releaseScratch();
    return;
  }
  switch (value.type) {
    case 'list':
      writeList(out, value as ListValue, compress, fill);
      break;
    case 'set':
      writeSet(out, value as SetValue, compress);
      break;
    case 'hash':
      writeHash(out, value as HashValue, compress);
      break;
    case 'zset':
      writeZSet(out, value as ZSetValue, compress);
      break;
  }
  releaseListpack();
  releaseScratch();
}

// ---------------------------------------------------------------------------------------------
// The file writer.

const INITIAL_BUFFER = 64 * 1024;

export class RdbWriter {
  private out = new Sink(INITIAL_BUFFER);
  private readonly compress: boolean;
  private readonly checksum: boolean;
  private readonly fill: number;
  private readonly crc: Crc64State = crc64Init();
  /** Bytes of `out` already folded into the CRC. */
  private crcPos = 0;
  private ended = false;
  /** Total bytes taken so far. */
  private taken = 0;

  constructor(options: RdbWriterOptions = {}) {
    this.compress = options.compression ?? true;
    this.checksum = options.checksum ?? true;
    this.fill = options.listMaxListpackSize ?? -2;
  }

  /** Bytes encoded but not yet taken. */
  get pending(): number {
    return this.out.pos;
  }

  /** Bytes produced so far (taken and pending). */
  get written(): number {
    return this.taken + this.out.pos;
  }

  /** The magic "REDIS0010" followed by the aux fields Redis 7.0 writes, in its order. */
  header(info: RdbHeaderInfo = {}): void {
    this.out.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', info.redisVer ?? '7.0.15');
    this.aux('redis-bits', String(info.redisBits ?? 64));
    this.aux('ctime', String(info.ctime ?? Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(info.usedMem ?? 0));
    if (info.repl !== undefined) {
      this.aux('repl-stream-db', String(info.repl.streamDb));
      this.aux('repl-id', info.repl.id);
      this.aux('repl-offset', String(info.repl.offset));
    }
    this.aux('aof-base', info.aofBase === true ? '1' : '0');
  }

  /** One AUX field (both strings as rdbSaveRawString writes them). */
  aux(key: string, value: string): void {
    this.out.byte(RDB_OPCODE_AUX);
    writeRawString(this.out, key, this.compress);
    writeRawString(this.out, value, this.compress);
  }

  /** A function library (FUNCTION2: its code), as rdbSaveFunctions writes each. */
  functionLibrary(code: string): void {
    this.out.byte(RDB_OPCODE_FUNCTION2);
    writeRawString(this.out, code, this.compress);
  }

  selectDb(db: number): void {
    this.out.byte(RDB_OPCODE_SELECTDB);
    writeLen(this.out, db);
  }

  /** The RESIZEDB hint: keys in the database and how many of them have a TTL. */
  resizeDb(size: number, expiresSize: number): void {
    this.out.byte(RDB_OPCODE_RESIZEDB);
    writeLen(this.out, size);
    writeLen(this.out, expiresSize);
  }

  /**
   * One key (rdbSaveKeyValuePair): its expire time (Unix ms) if any, the LRU idle time in
   * seconds (written when maxmemory-policy is an LRU one) and the LFU counter (LFU policies),
   * then type, key and value. Empty collections must not be written (Redis skips them on load).
   */
  entry(key: string, value: Value, expireMs?: number, lruIdle?: number, lfuFreq?: number): void {
    const out = this.out;
    if (expireMs !== undefined) {
      out.byte(RDB_OPCODE_EXPIRETIME_MS);
      writeInt64LE(out, expireMs);
    }
    if (lruIdle !== undefined) {
      out.byte(RDB_OPCODE_IDLE);
      writeLen(out, lruIdle);
    }
    if (lfuFreq !== undefined) {
      out.byte(RDB_OPCODE_FREQ);
      out.byte(lfuFreq & 0xff);
    }
    out.byte(rdbTypeOf(value));
    writeRawString(out, key, this.compress);
    writeValue(out, value, this.compress, this.fill);
  }

  /** The EOF opcode and the checksum (zero with `checksum: false`). Nothing may follow. */
  eof(): void {
    if (this.ended) throw new Error('RdbWriter: eof() called twice');
    this.out.byte(RDB_OPCODE_EOF);
    this.foldCrc();
    const out = this.out;
    out.room(8);
    if (this.checksum) writeCrc64LE(this.crc, out.buf, out.pos);
    else out.buf.fill(0, out.pos, out.pos + 8);
    out.pos += 8;
    this.crcPos = out.pos;
    this.ended = true;
  }

  private foldCrc(): void {
    if (this.checksum && this.crcPos < this.out.pos)
      crc64Update(this.crc, this.out.buf, this.crcPos, this.out.pos);
    this.crcPos = this.out.pos;
  }

  /** Everything encoded since the last take(); the writer keeps no reference to it. */
  take(): Uint8Array {
    this.foldCrc();
    const out = this.out;
    const chunk = out.buf.subarray(0, out.pos);
    this.taken += out.pos;
    // Hand the buffer over; a fresh one (default size, so one huge value does not stay allocated).
    this.out = new Sink(INITIAL_BUFFER);
    this.crcPos = 0;
    return chunk;
  }
}

/**
 * A DUMP payload (cluster.c createDumpPayload): type byte, value, RDB version as 2 bytes
 * little-endian, CRC-64 of all that as 8 bytes little-endian. DUMP always writes the CRC.
 */
export function dumpPayload(value: Value, options: Omit<RdbWriterOptions, 'checksum'> = {}): Uint8Array {
  const out = new Sink(256);
  out.byte(rdbTypeOf(value));
  writeValue(out, value, options.compression ?? true, options.listMaxListpackSize ?? -2);
  out.room(10);
  out.buf[out.pos++] = RDB_VERSION & 0xff;
  out.buf[out.pos++] = (RDB_VERSION >>> 8) & 0xff;
  const crc = crc64Init();
  crc64Update(crc, out.buf, 0, out.pos);
  writeCrc64LE(crc, out.buf, out.pos);
  out.pos += 8;
  return out.buf.subarray(0, out.pos);
}

/** For tests: the listpack bytes lpAppend would build from these elements. */
export function buildListpack(elements: readonly string[]): Uint8Array {
  lpb.reset();
  for (const e of elements) lpb.append(e);
  return Uint8Array.from(lpb.finish());
}
