/**
 * The bitmap family (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
 * BITFIELD_RO over string values, as Redis 7.0 answers them: bit 0 is the most significant bit
 * of the first byte, a string reads as zero-padded on the right, offsets are limited by
 * proto-max-bulk-len, int-encoded values read as their decimal digits, and the argument
 * checks run in Redis's order (so the same bad call fails with the same error). Writes edit a
 * ByteString in place, so a SETBIT on a large bitmap is O(1).
 */

import { intArg, isWord, negativeAndReversed, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { cstr, E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import {
  ByteString,
  intValue,
  parseInt64,
  type StringValue,
  stringLength,
  toByteString,
} from '../engine/values/string.js';
import { readString, touched, writableString } from './common.js';
import { command, keyRange } from './define.js';

const BIT_OFFSET_ERR = 'ERR bit offset is not an integer or out of range';
const BIT_VALUE_ERR = 'ERR bit is not an integer or out of range';
const BITPOS_BIT_ERR = 'ERR The bit argument must be 1 or 0.';
const BITOP_NOT_ERR = 'ERR BITOP NOT must be called with a single source key.';
const BITFIELD_TYPE_ERR =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const BITFIELD_OVERFLOW_ERR = 'ERR Invalid OVERFLOW type specified';
const BITFIELD_RO_ERR = 'ERR BITFIELD_RO only supports the GET subcommand';

// ---- byte access ----

/** A string value as something byteAt can read: int-encoded values become their digits. */
function byteSource(v: StringValue): string | ByteString {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
}

/** Byte `i` of a string, 0 past its end. */
function byteAt(s: string | ByteString, i: number): number {
  if (typeof s === 'string') return i < s.length ? s.charCodeAt(i) : 0;
  return s.getByte(i);
}

/** Bytes [start, end) of a string value, for scans (no copy for a ByteString's buffer). */
function rangeBytes(v: StringValue, start: number, end: number): Uint8Array {
  if (v instanceof ByteString) return v.readBytes(start, end);
  const s = typeof v === 'string' ? v : String(v);
  return Buffer.from(start === 0 && end === s.length ? s : s.slice(start, end), 'latin1');
}

const POP8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POP8[i] = (i & 1) + POP8[i >>> 1]!;

/** redisPopcount: set bits in `b`, a 32-bit word at a time where aligned. */
function popcount(b: Uint8Array): number {
  const len = b.length;
  let n = 0;
  let i = 0;
  while (i < len && ((b.byteOffset + i) & 3) !== 0) n += POP8[b[i++]!]!;
  const words = Math.floor((len - i) / 4);
  if (words > 0) {
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      let x = w[k]!;
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      x = (x + (x >>> 4)) & 0x0f0f0f0f;
      n += Math.imul(x, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < len) n += POP8[b[i++]!]!;
  return n;
}

/** Position (0-7, MSB first) of the first `bit` in a byte, or -1 / 8 (as redisBitpos) if none. */
function bitposByte(x: number, bit: number): number {
  for (let k = 0; k < 8; k++) if (((x >>> (7 - k)) & 1) === bit) return k;
  return bit ? -1 : 8;
}

/**
 * redisBitpos: the first `bit` in `b`; when there is none, -1 for a 1 and len*8 for a 0 (the
 * string counts as zero-padded on the right).
 */
function bitposBytes(b: Uint8Array, bit: number): number {
  const len = b.length;
  const skip = bit ? 0 : 0xff;
  let i = 0;
  while (i < len && ((b.byteOffset + i) & 3) !== 0 && b[i] === skip) i++;
  if (i < len && ((b.byteOffset + i) & 3) === 0) {
    const words = Math.floor((len - i) / 4);
    const w = new Int32Array(b.buffer, b.byteOffset + i, words);
    const skipWord = bit ? 0 : -1;
    let k = 0;
    while (k < words && w[k] === skipWord) k++;
    i += k * 4;
  }
  while (i < len && b[i] === skip) i++;
  if (i === len) return bit ? -1 : len * 8;
  return i * 8 + bitposByte(b[i]!, bit);
}

// ---- argument parsing ----

/**
 * getBitOffsetFromArgument: a bit offset >= 0 whose byte is below proto-max-bulk-len. With
 * `bits` > 0 a `#n` offset means n * bits (multiplied in int64, wrapping, as Redis does).
 */
function bitOffsetArg(c: Client, arg: string, bits: number): number {
  const hash = bits > 0 && arg.charCodeAt(0) === 35;
  const v = parseInt64(hash ? arg.slice(1) : arg);
  if (v === null) throw new ReplyError(BIT_OFFSET_ERR);
  const limit = c.inst.config.number('proto-max-bulk-len');
  if (typeof v === 'number' && !hash) {
    if (v < 0 || Math.floor(v / 8) >= limit) throw new ReplyError(BIT_OFFSET_ERR);
    return v;
  }
  const off = hash ? BigInt.asIntN(64, BigInt(v) * BigInt(bits)) : BigInt(v);
  if (off < 0n || off >> 3n >= BigInt(limit)) throw new ReplyError(BIT_OFFSET_ERR);
  return Number(off);
}

/** getBitfieldTypeFromArgument: i1..i64 or u1..u63. */
function bitfieldTypeArg(arg: string): { sign: boolean; bits: number } {
  const c0 = arg.charCodeAt(0);
  if (c0 !== 105 && c0 !== 117) throw new ReplyError(BITFIELD_TYPE_ERR);
  const sign = c0 === 105;
  // Redis reads the width with strlen(), so it stops at a NUL byte.
  const n = parseInt64(cstr(arg.slice(1)));
  if (n === null || n < 1 || n > (sign ? 64 : 63)) throw new ReplyError(BITFIELD_TYPE_ERR);
  return { sign, bits: Number(n) };
}

/** BYTE | BIT after a range. */
function isBitUnit(arg: string): boolean {
  if (isWord(arg, 'bit')) return true;
  if (isWord(arg, 'byte')) return false;
  throw syntaxError();
}

// ---- the write target ----

let targetDirty = false;

/**
 * lookupStringForBitCommand: the key's string as a ByteString (created, or converted from
 * another form, which makes it "raw" as dbUnshareStringValue does), zero-padded so that bit
 * `maxbit` exists. `targetDirty` tells whether it was created or grew.
 */
function bitTarget(c: Client, key: string, maxbit: number): ByteString {
  const need = Math.floor(maxbit / 8) + 1;
  const v = writableString(c, key);
  targetDirty = false;
  if (v === undefined) {
    const bs = new ByteString('');
    bs.resize(need);
    c.db.add(key, bs);
    targetDirty = true;
    return bs;
  }
  const bs = toByteString(v);
  if (bs !== v) c.db.overwrite(key, bs);
  if (bs.length < need) {
    bs.resize(need);
    targetDirty = true;
  }
  return bs;
}

// ---- SETBIT / GETBIT ----

function setbitCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const offset = bitOffsetArg(c, argv[2]!, 0);
  const on = parseInt64(argv[3]!);
  if (on !== 0 && on !== 1) throw new ReplyError(BIT_VALUE_ERR);
  const bs = bitTarget(c, key, offset);
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const old = bs.getByte(byte);
  const bitval = (old >>> shift) & 1;
  if (targetDirty || bitval !== on) {
    bs.setByte(byte, (old & ~(1 << shift)) | (on << shift));
    touched(c, key, NOTIFY.STRING, 'setbit');
  }
  c.reply.int(bitval);
}

function getbitCommand(c: Client, argv: string[]): void {
  const offset = bitOffsetArg(c, argv[2]!, 0);
  const v = readString(c, argv[1]!);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const b = byteAt(byteSource(v), Math.floor(offset / 8));
  c.reply.int((b >>> (7 - (offset % 8))) & 1);
}

// ---- BITCOUNT / BITPOS ----

/** Edge masks of a BIT range, set by bitRange: bits of the first/last byte outside it. */
let firstMask = 0;
let lastMask = 0;

/** Byte offsets of a BIT range [start, end] (both already clamped, start <= end). */
function bitRange(start: number, end: number): [number, number] {
  firstMask = ~((1 << (8 - (start % 8))) - 1) & 0xff;
  lastMask = (1 << (7 - (end % 8))) - 1;
  return [Math.floor(start / 8), Math.floor(end / 8)];
}

function bitcountCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]!);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const strlen = stringLength(v);
  let start: number;
  let end: number;
  firstMask = 0;
  lastMask = 0;
  if (argv.length === 4 || argv.length === 5) {
    let totlen = strlen;
    start = intArg(argv[2]!);
    end = intArg(argv[3]!);
    if (negativeAndReversed(argv[2]!, argv[3]!, start, end)) {
      c.reply.int(0);
      return;
    }
    const isbit = argv.length === 5 && isBitUnit(argv[4]!);
    if (isbit) totlen *= 8;
    if (start < 0) start = totlen + start;
    if (end < 0) end = totlen + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isbit && start <= end) [start, end] = bitRange(start, end);
  } else if (argv.length === 2) {
    start = 0;
    end = strlen - 1;
  } else {
    throw syntaxError();
  }
  if (start > end) {
    c.reply.int(0);
    return;
  }
  let count = popcount(rangeBytes(v, start, end + 1));
  if (firstMask !== 0 || lastMask !== 0) {
    const src = byteSource(v);
    if (firstMask !== 0) count -= POP8[byteAt(src, start) & firstMask]!;
    if (lastMask !== 0) count -= POP8[byteAt(src, end) & lastMask]!;
  }
  c.reply.int(count);
}

function bitposCommand(c: Client, argv: string[]): void {
  const bit = intArg(argv[2]!);
  if (bit !== 0 && bit !== 1) throw new ReplyError(BITPOS_BIT_ERR);
  const v = readString(c, argv[1]!);
  if (v === undefined) {
    c.reply.int(bit ? -1 : 0);
    return;
  }
  const strlen = stringLength(v);
  const argc = argv.length;
  let start: number;
  let end: number;
  let endGiven = false;
  firstMask = 0;
  lastMask = 0;
  if (argc >= 4 && argc <= 6) {
    let totlen = strlen;
    start = intArg(argv[3]!);
    // The unit is parsed before the end index, so a bad unit wins over a bad end.
    const isbit = argc === 6 && isBitUnit(argv[5]!);
    if (argc >= 5) {
      end = intArg(argv[4]!);
      endGiven = true;
    } else {
      end = isbit ? totlen * 8 + 7 : totlen - 1;
    }
    if (isbit) totlen *= 8;
    if (start < 0) start = totlen + start;
    if (end < 0) end = totlen + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= totlen) end = totlen - 1;
    if (isbit && start <= end) [start, end] = bitRange(start, end);
  } else if (argc === 3) {
    start = 0;
    end = strlen - 1;
  } else {
    throw syntaxError();
  }
  if (start > end) {
    c.reply.int(-1);
    return;
  }
  const src = byteSource(v);
  let bytes = end - start + 1;
  let pos = -1;
  let done = false;
  // A partial first byte, the whole bytes, then a partial last byte, as Redis scans them.
  if (firstMask !== 0) {
    const b = byteAt(src, start);
    let tmp = bit ? b & ~firstMask & 0xff : b | firstMask;
    if (lastMask !== 0 && bytes === 1) tmp = bit ? tmp & ~lastMask & 0xff : tmp | lastMask;
    pos = bitposByte(tmp, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) done = true;
    else {
      start++;
      bytes--;
    }
  }
  if (!done) {
    const whole = bytes - (lastMask !== 0 ? 1 : 0);
    if (whole > 0) {
      pos = bitposBytes(rangeBytes(v, start, start + whole), bit);
      if (bytes === whole || (pos !== -1 && pos !== whole * 8)) done = true;
      else {
        start += whole;
        bytes -= whole;
      }
    }
    if (!done) {
      const b = byteAt(src, end);
      pos = bitposByte(bit ? b & ~lastMask & 0xff : b | lastMask, bit);
    }
  }
  // With an explicit end, looking for a 0 past the range finds nothing.
  if (endGiven && bit === 0 && pos === bytes * 8) {
    c.reply.int(-1);
    return;
  }
  if (pos !== -1) pos += start * 8;
  c.reply.int(pos);
}

// ---- BITOP ----

function bitopCommand(c: Client, argv: string[]): void {
  const opname = argv[1]!;
  let op: 'and' | 'or' | 'xor' | 'not';
  if (isWord(opname, 'and')) op = 'and';
  else if (isWord(opname, 'or')) op = 'or';
  else if (isWord(opname, 'xor')) op = 'xor';
  else if (isWord(opname, 'not')) op = 'not';
  else throw syntaxError();
  if (op === 'not' && argv.length !== 4) throw new ReplyError(BITOP_NOT_ERR);
  const dest = argv[2]!;
  const srcs: Array<Uint8Array | null> = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = readString(c, argv[j]!);
    if (v === undefined) {
      srcs.push(null);
      continue;
    }
    const b = rangeBytes(v, 0, stringLength(v));
    srcs.push(b);
    if (b.length > maxlen) maxlen = b.length;
  }
  if (maxlen > 0) {
    const res = new Uint8Array(maxlen);
    const first = srcs[0];
    if (first) res.set(first);
    if (op === 'not') {
      for (let i = 0; i < maxlen; i++) res[i] = ~res[i]! & 0xff;
    } else {
      for (let k = 1; k < srcs.length; k++) {
        const s = srcs[k];
        const n = s ? s.length : 0;
        if (op === 'and') {
          for (let i = 0; i < n; i++) res[i] = res[i]! & s![i]!;
          res.fill(0, n);
        } else if (op === 'or') {
          for (let i = 0; i < n; i++) res[i] = res[i]! | s![i]!;
        } else {
          for (let i = 0; i < n; i++) res[i] = res[i]! ^ s![i]!;
        }
      }
    }
    c.db.setKey(dest, ByteString.fromBytes(res));
    c.inst.ks.notify(NOTIFY.STRING, 'set', dest, c.dbIndex);
    c.inst.dirty++;
  } else if (c.db.delete(dest)) {
    touched(c, dest, NOTIFY.GENERIC, 'del');
  }
  c.reply.int(maxlen);
}

// ---- BITFIELD ----

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface FieldOp {
  op: number;
  sign: boolean;
  bits: number;
  offset: number;
  value: number | bigint;
  ow: number;
}

/** An unsigned field of up to 32 bits at a bit offset (MSB first), zero past the end. */
function readBits(src: string | ByteString, offset: number, bits: number): number {
  let v = 0;
  let off = offset;
  let rem = bits;
  while (rem > 0) {
    const byte = Math.floor(off / 8);
    const inByte = off - byte * 8;
    const n = Math.min(8 - inByte, rem);
    const chunk = (byteAt(src, byte) >>> (8 - inByte - n)) & ((1 << n) - 1);
    v = v * (1 << n) + chunk;
    off += n;
    rem -= n;
  }
  return v;
}

/** Writes an unsigned value (0 <= v < 2^bits, bits <= 32) at a bit offset. */
function writeBits(bs: ByteString, offset: number, bits: number, value: number): void {
  let off = offset;
  let rem = bits;
  while (rem > 0) {
    const byte = Math.floor(off / 8);
    const inByte = off - byte * 8;
    const n = Math.min(8 - inByte, rem);
    const shift = 8 - inByte - n;
    const chunk = Math.floor(value / 2 ** (rem - n)) % (1 << n);
    const mask = ((1 << n) - 1) << shift;
    bs.setByte(byte, (bs.getByte(byte) & ~mask) | (chunk << shift));
    off += n;
    rem -= n;
  }
}

function readBig(src: string | ByteString, offset: number, bits: number): bigint {
  if (bits <= 32) return BigInt(readBits(src, offset, bits));
  const hi = readBits(src, offset, bits - 32);
  const lo = readBits(src, offset + bits - 32, 32);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function writeBig(bs: ByteString, offset: number, bits: number, value: bigint): void {
  if (bits <= 32) {
    writeBits(bs, offset, bits, Number(value));
    return;
  }
  writeBits(bs, offset, bits - 32, Number(value >> 32n));
  writeBits(bs, offset + bits - 32, 32, Number(value & 0xffffffffn));
}

/** 2^63 - 1: a signed SET below `max - INT64_SPAN` wraps in Redis's overflow check. */
const INT64_SPAN = 9223372036854775807n;

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** GET: the field's value, signed or unsigned. */
function fieldGet(src: string | ByteString, op: FieldOp): number | bigint {
  if (op.bits <= 32) {
    const u = readBits(src, op.offset, op.bits);
    return op.sign && u >= 2 ** (op.bits - 1) ? u - 2 ** op.bits : u;
  }
  const u = readBig(src, op.offset, op.bits);
  return intValue(op.sign ? BigInt.asIntN(op.bits, u) : u);
}

let fieldChanged = false;

/**
 * SET / INCRBY on one field with the op's overflow policy; returns the reply (the old value
 * for SET, the new one for INCRBY) or null when OVERFLOW FAIL refused the write.
 * `fieldChanged` tells whether the stored value differs. Numbers up to 32 bits, BigInt beyond.
 */
function fieldWrite(bs: ByteString, op: FieldOp): number | bigint | null {
  const { sign, bits, value } = op;
  const incr = op.op === OP_INCRBY;
  if (bits <= 32 && typeof value === 'number' && (!incr || Math.abs(value) <= 2 ** 52)) {
    const pow = 2 ** bits;
    const max = sign ? pow / 2 - 1 : pow - 1;
    const min = sign ? -pow / 2 : 0;
    const u = readBits(bs, op.offset, bits);
    const old = sign && u > max ? u - pow : u;
    const target = incr ? old + value : value;
    // An unsigned SET of a negative value is a huge uint64 in Redis: an overflow, not an underflow.
    const ovf = target > max || (!sign && !incr && target < 0) ? 1 : target < min ? -1 : 0;
    let next = target;
    if (ovf !== 0) {
      if (op.ow === OW_FAIL) return null;
      if (op.ow === OW_SAT) next = ovf > 0 ? max : min;
      else {
        next = mod(target, pow);
        if (sign && next > max) next -= pow;
      }
    }
    writeBits(bs, op.offset, bits, next < 0 ? next + pow : next);
    fieldChanged = next !== old;
    return incr ? next : old;
  }
  const b = BigInt(bits);
  const pow = 1n << b;
  const max = sign ? pow / 2n - 1n : pow - 1n;
  const min = sign ? -pow / 2n : 0n;
  const u = readBig(bs, op.offset, bits);
  const old = sign ? BigInt.asIntN(bits, u) : u;
  const v = BigInt(value);
  const target = incr ? old + v : v;
  let ovf = target > max || (!sign && !incr && target < 0n) ? 1 : target < min ? -1 : 0;
  // Redis computes max - value in int64 for a signed SET: for a value within `max` of INT64_MIN
  // that wraps negative and reads as an overflow, so SAT stores the maximum, not the minimum.
  if (sign && !incr && bits < 64 && v < max - INT64_SPAN) ovf = 1;
  let next = target;
  if (ovf !== 0) {
    if (op.ow === OW_FAIL) return null;
    if (op.ow === OW_SAT) next = ovf > 0 ? max : min;
    else next = sign ? BigInt.asIntN(bits, target) : BigInt.asUintN(bits, target);
  }
  writeBig(bs, op.offset, bits, BigInt.asUintN(bits, next));
  fieldChanged = next !== old;
  return intValue(incr ? next : old);
}

function bitfieldGeneric(c: Client, argv: string[], readonlyCommand: boolean): void {
  const key = argv[1]!;
  const ops: FieldOp[] = [];
  let ow = OW_WRAP;
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j]!;
    let op: number;
    if (isWord(sub, 'get') && rem >= 2) op = OP_GET;
    else if (isWord(sub, 'set') && rem >= 3) op = OP_SET;
    else if (isWord(sub, 'incrby') && rem >= 3) op = OP_INCRBY;
    else if (isWord(sub, 'overflow') && rem >= 1) {
      const kind = argv[++j]!;
      if (isWord(kind, 'wrap')) ow = OW_WRAP;
      else if (isWord(kind, 'sat')) ow = OW_SAT;
      else if (isWord(kind, 'fail')) ow = OW_FAIL;
      else throw new ReplyError(BITFIELD_OVERFLOW_ERR);
      continue;
    } else throw syntaxError();
    const { sign, bits } = bitfieldTypeArg(argv[j + 1]!);
    const offset = bitOffsetArg(c, argv[j + 2]!, bits);
    let value: number | bigint = 0;
    if (op !== OP_GET) {
      readonly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      const v = parseInt64(argv[j + 3]!);
      if (v === null) throw new ReplyError(E.NOT_INTEGER);
      value = v;
    }
    ops.push({ op, sign, bits, offset, value, ow });
    j += op === OP_GET ? 2 : 3;
  }
  let src: string | ByteString | null = null;
  let bs: ByteString | null = null;
  let dirty = false;
  if (readonly) {
    const v = readString(c, key);
    if (v !== undefined) src = byteSource(v);
  } else {
    if (readonlyCommand) throw new ReplyError(BITFIELD_RO_ERR);
    bs = bitTarget(c, key, highest);
    dirty = targetDirty;
    src = bs;
  }
  const reply = c.reply;
  reply.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    if (op.op === OP_GET) {
      reply.int(src === null ? 0 : fieldGet(src, op));
      continue;
    }
    const r = fieldWrite(bs!, op);
    if (r === null) {
      reply.nil();
      continue;
    }
    reply.int(r);
    if (dirty || fieldChanged) changes++;
  }
  if (changes > 0) touched(c, key, NOTIFY.STRING, 'setbit', changes);
}

// ---- registration ----

const B = { group: 'bitmap', acl: 'bitmap' } as const;

export const bitmapCommands: CommandSpec[] = [
  command(
    'setbit',
    4,
    'write denyoom',
    [1, 1, 1],
    {
      ...B,
      since: '2.2.0',
      keySpecs: [keyRange('RW access update', 1)],
      summary: 'Sets or clears the bit at offset in the string value stored at key',
      complexity: 'O(1)',
      syntax: 'key offset value{:integer}',
    },
    setbitCommand,
  ),
  command(
    'getbit',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...B,
      since: '2.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Returns the bit value at offset in the string value stored at key',
      complexity: 'O(1)',
      syntax: 'key offset',
    },
    getbitCommand,
  ),
  command(
    'bitcount',
    -2,
    'readonly',
    [1, 1, 1],
    {
      ...B,
      since: '2.6.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Count set bits in a string',
      complexity: 'O(N)',
      syntax: 'key [start end [BYTE | BIT]{index_unit @7.0.0}]{index}',
      history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    },
    bitcountCommand,
  ),
  command(
    'bitpos',
    -3,
    'readonly',
    [1, 1, 1],
    {
      ...B,
      since: '2.8.7',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Find first bit set or clear in a string',
      complexity: 'O(N)',
      syntax: 'key bit{:integer} [start [end [BYTE | BIT]{index_unit @7.0.0}]{end_index}]{index}',
      history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    },
    bitposCommand,
  ),
  command(
    'bitop',
    -4,
    'write denyoom',
    [2, -1, 1],
    {
      ...B,
      since: '2.6.0',
      keySpecs: [keyRange('OW update', 2), keyRange('RO access', 3, -1)],
      summary: 'Perform bitwise operations between strings',
      complexity: 'O(N)',
      syntax: 'operation destkey{:key} key [key ...]',
    },
    bitopCommand,
  ),
  command(
    'bitfield',
    -2,
    'write denyoom',
    [1, 1, 1],
    {
      ...B,
      since: '3.2.0',
      keySpecs: [
        {
          ...keyRange('RW access update variable_flags', 1),
          notes: 'This command allows both access and modification of the key',
        },
      ],
      summary: 'Perform arbitrary bitfield integer operations on strings',
      complexity: 'O(1) for each subcommand specified',
      syntax:
        'key [GET encoding offset | ([OVERFLOW (WRAP | SAT | FAIL)] (SET encoding offset value{:integer} | INCRBY encoding offset increment){write_operation}){write}]{operation ...}',
    },
    (c, argv) => bitfieldGeneric(c, argv, false),
  ),
  command(
    'bitfield_ro',
    -2,
    'readonly fast',
    [1, 1, 1],
    {
      ...B,
      since: '6.0.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
      complexity: 'O(1) for each subcommand specified',
      syntax: 'key [GET encoding offset [GET encoding offset ...]]',
    },
    (c, argv) => bitfieldGeneric(c, argv, true),
  ),
];
