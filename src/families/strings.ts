/**
 * The string family (t_string.c): GET, SET and its options, the GET-and-SET variants, MGET/MSET,
 * APPEND, ranges, counters and LCS. Replies, option rules and error texts follow Redis 7.0,
 * including its quirks (repeated EX options allowed, GETRANGE of a missing key is "").
 */

import { int64Arg, intArg, isWord, negativeAndReversed, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  LD_ZERO,
  type LongDouble,
  longDoubleFromBigInt,
  parseLongDouble,
} from '../engine/values/longdouble.js';
import {
  ByteString,
  encodeString,
  intValue,
  parseInt64,
  type StringValue,
  stringLength,
  stringOf,
  toByteString,
} from '../engine/values/string.js';
import {
  delVerb,
  isString,
  msArg,
  readString,
  replyString,
  touched,
  writableString,
  wrongType,
} from './common.js';
import { command, keyRange } from './define.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

// ---- SET / GETEX option parsing (parseExtendedStringArgumentsOrReply) ----

const NX = 1 << 0;
const XX = 1 << 1;
const GET = 1 << 2;
const KEEPTTL = 1 << 3;
const PERSIST = 1 << 4;
const EX = 1 << 5;
const PX = 1 << 6;
const EXAT = 1 << 7;
const PXAT = 1 << 8;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface SetOptions {
  flags: number;
  expire: string | null;
}

function parseSetOptions(argv: string[], from: number, forSet: boolean): SetOptions {
  let flags = 0;
  let expire: string | null = null;
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j]!;
    const hasNext = j < argv.length - 1;
    if (forSet && isWord(opt, 'nx') && !(flags & XX)) flags |= NX;
    else if (forSet && isWord(opt, 'xx') && !(flags & NX)) flags |= XX;
    else if (forSet && isWord(opt, 'get')) flags |= GET;
    else if (forSet && isWord(opt, 'keepttl') && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && isWord(opt, 'persist') && !(flags & (ANY_EXPIRE | KEEPTTL))) flags |= PERSIST;
    else if (isWord(opt, 'ex') && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j]!;
    } else if (isWord(opt, 'px') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j]!;
    } else if (isWord(opt, 'exat') && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j]!;
    } else if (isWord(opt, 'pxat') && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j]!;
    } else throw syntaxError();
  }
  return { flags, expire };
}

/** getExpireMillisecondsOrReply: the absolute expire time in ms, with Redis's range checks. */
function expireMillis(c: Client, cmdName: string, raw: string, flags: number): number {
  const v = int64Arg(raw);
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (v <= 0 || (seconds && BigInt(v) > INT64_MAX / 1000n)) throw new ReplyError(E.INVALID_EXPIRE(cmdName));
  let ms = BigInt(v) * (seconds ? 1000n : 1n);
  if ((flags & (EX | PX)) !== 0) ms += BigInt(c.inst.ks.now);
  // Redis adds in signed 64-bit arithmetic: an overflow wraps negative and is rejected.
  if (ms > INT64_MAX || ms <= 0n) throw new ReplyError(E.INVALID_EXPIRE(cmdName));
  return Number(ms);
}

function setGeneric(
  c: Client,
  cmdName: string,
  key: string,
  value: string,
  flags: number,
  expire: string | null,
  okReply: ((c: Client) => void) | null,
  abortReply: ((c: Client) => void) | null,
  argv: string[] | null = null,
): void {
  const at = expire !== null ? expireMillis(c, cmdName, expire, flags) : 0;
  const db = c.db;
  if (flags & GET) {
    const old = readString(c, key);
    if (old === undefined) c.reply.nil();
    else replyString(c.reply, old);
  }
  if (flags & (NX | XX)) {
    const found = db.find(key) >= 0;
    if (((flags & NX) !== 0 && found) || ((flags & XX) !== 0 && !found)) {
      if (!(flags & GET)) {
        if (abortReply !== null) abortReply(c);
        else c.reply.nil();
      }
      return;
    }
  }
  db.setKey(key, encodeString(value), (flags & KEEPTTL) !== 0);
  c.inst.dirty++;
  c.inst.ks.notify(NOTIFY.STRING, 'set', key, c.dbIndex);
  if (expire !== null) {
    db.setExpire(key, at);
    c.inst.ks.notify(NOTIFY.GENERIC, 'expire', key, c.dbIndex);
    // Propagated with an absolute time, so replaying the AOF later sets the same deadline.
    c.rewriteCommand(['SET', key, value, 'PXAT', msArg(at)]);
  } else if (flags & GET && argv !== null) {
    // Propagated without GET (which may be repeated), as Redis's setGenericCommand does.
    c.rewriteCommand(argv.filter((a, j) => j < 3 || a.length !== 3 || a.toLowerCase() !== 'get'));
  }
  if (!(flags & GET)) {
    if (okReply !== null) okReply(c);
    else c.reply.ok();
  }
}

const replyOne = (c: Client) => c.reply.int(1);
const replyZero = (c: Client) => c.reply.int(0);

function setCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    // The plain SET is the hottest write: skip option parsing.
    c.db.setKey(argv[1]!, encodeString(argv[2]!));
    c.inst.dirty++;
    c.inst.ks.notify(NOTIFY.STRING, 'set', argv[1]!, c.dbIndex);
    c.reply.ok();
    return;
  }
  const { flags, expire } = parseSetOptions(argv, 3, true);
  setGeneric(c, 'set', argv[1]!, argv[2]!, flags, expire, null, null, argv);
}

function setnxCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'setnx', argv[1]!, argv[2]!, NX, null, replyOne, replyZero);
}

function setexCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'setex', argv[1]!, argv[3]!, EX, argv[2]!, null, null);
}

function psetexCommand(c: Client, argv: string[]): void {
  setGeneric(c, 'psetex', argv[1]!, argv[3]!, PX, argv[2]!, null, null);
}

function getCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const e = db.lookupReadEntry(argv[1]!);
  if (e < 0) c.reply.nil();
  // A small string kept in the key slab goes to the reply as bytes, with no string made.
  else if (!db.dict.valueTo(e, c.reply)) {
    const v = db.dict.valueAt(e);
    if (!isString(v)) throw wrongType();
    replyString(c.reply, v);
  }
}

function getsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const old = readString(c, key);
  if (old === undefined) c.reply.nil();
  else replyString(c.reply, old);
  c.db.setKey(key, encodeString(argv[2]!));
  c.inst.ks.notify(NOTIFY.STRING, 'set', key, c.dbIndex);
  c.inst.dirty++;
  c.rewriteCommand(['SET', key, argv[2]!]);
}

function getdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const v = readString(c, key);
  if (v === undefined) {
    c.reply.nil();
    return;
  }
  replyString(c.reply, v);
  c.db.delete(key);
  touched(c, key, NOTIFY.GENERIC, 'del');
  c.rewriteCommand([delVerb(c, 'lazyfree-lazy-user-del'), key]);
}

function getexCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const { flags, expire } = parseSetOptions(argv, 2, false);
  const v = readString(c, key);
  if (v === undefined) {
    c.reply.nil();
    return;
  }
  const at = expire !== null ? expireMillis(c, 'getex', expire, flags) : 0;
  replyString(c.reply, v);
  // Never propagated as GETEX: as DEL/UNLINK, PEXPIREAT or PERSIST. While the AOF loads, a time
  // already past sets the TTL anyway (checkAlreadyExpired): a later command in the file may
  // still need the key, and it expires once loading is over.
  if ((flags & (EXAT | PXAT)) !== 0 && at <= c.inst.ks.now && !c.inst.ks.loading) {
    c.db.delete(key);
    touched(c, key, NOTIFY.GENERIC, 'del');
    c.rewriteCommand([delVerb(c, 'lazyfree-lazy-expire'), key]);
  } else if (expire !== null) {
    c.db.setExpire(key, at);
    touched(c, key, NOTIFY.GENERIC, 'expire');
    c.rewriteCommand(['PEXPIREAT', key, msArg(at)]);
  } else if (flags & PERSIST) {
    if (c.db.persist(key)) {
      touched(c, key, NOTIFY.GENERIC, 'persist');
      c.rewriteCommand(['PERSIST', key]);
    }
  }
}

function mgetCommand(c: Client, argv: string[]): void {
  const reply = c.reply;
  reply.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const v = c.db.lookupRead(argv[i]!);
    if (v === undefined || (typeof v === 'object' && !(v instanceof ByteString))) reply.nil();
    else replyString(reply, v as StringValue);
  }
}

function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) throw new ReplyError(E.WRONG_ARGS(nx ? 'msetnx' : 'mset'));
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (c.db.find(argv[i]!) >= 0) {
        c.reply.int(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    const key = argv[i]!;
    c.db.setKey(key, encodeString(argv[i + 1]!));
    c.inst.ks.notify(NOTIFY.STRING, 'set', key, c.dbIndex);
  }
  c.inst.dirty += (argv.length - 1) / 2;
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function checkStringLength(c: Client, size: number, append: number): void {
  if (size + append > c.inst.config.number('proto-max-bulk-len')) throw new ReplyError(E.STRING_TOO_LONG);
}

function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const tail = argv[2]!;
  const v = writableString(c, key);
  let len: number;
  if (v === undefined) {
    c.db.add(key, encodeString(tail));
    len = tail.length;
  } else {
    const cur = stringLength(v);
    checkStringLength(c, cur, tail.length);
    len = cur + tail.length;
    const bs = toByteString(v);
    bs.append(tail);
    if (bs !== v) c.db.overwrite(key, bs);
  }
  touched(c, key, NOTIFY.STRING, 'append');
  c.reply.int(len);
}

function strlenCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]!);
  c.reply.int(v === undefined ? 0 : stringLength(v));
}

function getrangeCommand(c: Client, argv: string[]): void {
  let start = intArg(argv[2]!);
  let end = intArg(argv[3]!);
  const v = readString(c, argv[1]!);
  if (v === undefined) {
    c.reply.bulk('');
    return;
  }
  const len = stringLength(v);
  if (negativeAndReversed(argv[2]!, argv[3]!, start, end)) {
    c.reply.bulk('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) {
    c.reply.bulk('');
    return;
  }
  if (v instanceof ByteString) v.replyRange(c.reply, start, end + 1);
  else c.reply.bulk(stringOf(v).slice(start, end + 1));
}

function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const offset = intArg(argv[2]!);
  const value = argv[3]!;
  if (offset < 0) throw new ReplyError(E.OFFSET_RANGE);
  const v = writableString(c, key);
  let bs: ByteString;
  if (v === undefined) {
    if (value.length === 0) {
      c.reply.int(0);
      return;
    }
    checkStringLength(c, offset, value.length);
    bs = new ByteString('');
    c.db.add(key, bs);
  } else {
    const olen = stringLength(v);
    if (value.length === 0) {
      c.reply.int(olen);
      return;
    }
    checkStringLength(c, offset, value.length);
    bs = toByteString(v);
    if (bs !== v) c.db.overwrite(key, bs);
  }
  bs.setRange(offset, value);
  touched(c, key, NOTIFY.STRING, 'setrange');
  c.reply.int(bs.length);
}

/** incrDecrCommand: int64 arithmetic with Redis's overflow check; the TTL is kept. */
function incrBy(c: Client, key: string, incr: number | bigint): void {
  const db = c.db;
  // lookupKeyWrite: the increment counts as an access (LRU/LFU).
  const cur = db.get(key);
  let result: number | bigint;
  if (cur === undefined) {
    result = incr;
    db.add(key, incr);
  } else {
    let n: number | bigint | null;
    if (typeof cur === 'number') n = cur;
    else if (typeof cur === 'string') n = parseInt64(cur);
    else if (typeof cur === 'bigint') n = cur;
    else if (cur instanceof ByteString) n = parseInt64(cur.toBinary());
    else throw new ReplyError(E.WRONGTYPE);
    if (n === null) throw new ReplyError(E.NOT_INTEGER);
    if (typeof n === 'number' && typeof incr === 'number') {
      result = n + incr;
      if (!Number.isSafeInteger(result)) result = addInt64(BigInt(n), BigInt(incr));
    } else {
      result = addInt64(BigInt(n), BigInt(incr));
    }
    db.overwrite(key, result);
  }
  touched(c, key, NOTIFY.STRING, 'incrby');
  c.reply.int(result);
}

function addInt64(a: bigint, b: bigint): number | bigint {
  const r = a + b;
  if (r > INT64_MAX || r < INT64_MIN) throw new ReplyError(E.OVERFLOW);
  return intValue(r);
}

function incrCommand(c: Client, argv: string[]): void {
  incrBy(c, argv[1]!, 1);
}
function decrCommand(c: Client, argv: string[]): void {
  incrBy(c, argv[1]!, -1);
}
function incrbyCommand(c: Client, argv: string[]): void {
  incrBy(c, argv[1]!, int64Arg(argv[2]!));
}
function decrbyCommand(c: Client, argv: string[]): void {
  const v = int64Arg(argv[2]!);
  if (v === INT64_MIN) throw new ReplyError('ERR decrement would overflow');
  incrBy(c, argv[1]!, typeof v === 'number' ? -v : intValue(-v));
}

/** INCRBYFLOAT computes in x87 long double and prints %.17Lf, as Redis does on x86-64. */
function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const cur = writableString(c, key);
  let value: LongDouble | null = LD_ZERO;
  if (typeof cur === 'number' || typeof cur === 'bigint') value = longDoubleFromBigInt(BigInt(cur));
  else if (cur !== undefined) value = parseLongDouble(stringOf(cur));
  const incr = value === null ? null : parseLongDouble(argv[2]!);
  if (value === null || incr === null) throw new ReplyError(E.NOT_FLOAT);
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) throw new ReplyError(E.INCR_NAN_INF);
  const text = formatLongDoubleHuman(sum);
  if (cur === undefined) c.db.add(key, text);
  else c.db.overwrite(key, text);
  touched(c, key, NOTIFY.STRING, 'incrbyfloat');
  c.reply.bulk(text);
  // Propagated as the result, so float formatting never makes a replay differ.
  c.rewriteCommand(['SET', key, text, 'KEEPTTL']);
}

// ---- LCS ----

function lcsCommand(c: Client, argv: string[]): void {
  const va = c.db.lookupRead(argv[1]!);
  const vb = c.db.lookupRead(argv[2]!);
  const isStr = (v: unknown) => v === undefined || typeof v !== 'object' || v instanceof ByteString;
  if (!isStr(va) || !isStr(vb)) throw new ReplyError('ERR The specified keys must contain string values');
  const a = va === undefined ? '' : stringOf(va as StringValue);
  const b = vb === undefined ? '' : stringOf(vb as StringValue);
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = argv.length - 1 - j;
    if (isWord(opt, 'idx')) getIdx = true;
    else if (isWord(opt, 'len')) getLen = true;
    else if (isWord(opt, 'withmatchlen')) withMatchLen = true;
    else if (isWord(opt, 'minmatchlen') && more > 0) {
      minMatchLen = intArg(argv[++j]!);
      if (minMatchLen < 0) minMatchLen = 0;
    } else throw syntaxError();
  }
  if (getIdx && getLen)
    throw new ReplyError('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.inst.config.number('proto-max-bulk-len')) {
    throw new ReplyError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  const w = blen + 1;
  const table = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) table[i * w + j] = table[(i - 1) * w + j - 1]! + 1;
      else {
        const l1 = table[(i - 1) * w + j]!;
        const l2 = table[i * w + j - 1]!;
        table[i * w + j] = Math.max(l1, l2);
      }
    }
  }
  const total = table[alen * w + blen]!;
  const computeLcs = getIdx || !getLen;
  const chars: number[] = computeLcs ? new Array(total) : [];
  const ranges: number[][] = [];
  let idx = total;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[idx - 1] = a.charCodeAt(i - 1);
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = table[(i - 1) * w + j]!;
      const l2 = table[i * w + j - 1]!;
      if (l1 > l2) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        ranges.push(withMatchLen ? [aStart, aEnd, bStart, bEnd, matchLen] : [aStart, aEnd, bStart, bEnd]);
      }
      aStart = alen;
    }
  }
  const reply = c.reply;
  if (getIdx) {
    reply.map(2);
    reply.bulk('matches');
    reply.array(ranges.length);
    for (const r of ranges) {
      reply.array(r.length === 5 ? 3 : 2);
      reply.array(2);
      reply.int(r[0]!);
      reply.int(r[1]!);
      reply.array(2);
      reply.int(r[2]!);
      reply.int(r[3]!);
      if (r.length === 5) reply.int(r[4]!);
    }
    reply.bulk('len');
    reply.int(total);
  } else if (getLen) {
    reply.int(total);
  } else {
    reply.bulk(Buffer.from(chars).latin1Slice());
  }
}

// ---- registration ----

const S = { group: 'string', acl: 'string' } as const;

export const stringCommands: CommandSpec[] = [
  command(
    'get',
    2,
    'readonly fast',
    [1, 1, 1],
    { ...S, since: '1.0.0', summary: 'Get the value of a key', complexity: 'O(1)', syntax: 'key' },
    getCommand,
  ),
  command(
    'set',
    -3,
    'write denyoom',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [
        {
          ...keyRange('RW access update variable_flags', 1),
          notes: 'RW and ACCESS due to the optional `GET` argument',
        },
      ],
      summary: 'Set the string value of a key',
      complexity: 'O(1)',
      syntax:
        'key value [NX | XX]{condition @2.6.12} [GET]{@6.2.0} [EX seconds{@2.6.12} | PX milliseconds{@2.6.12} | EXAT unix-time-seconds{@6.2.0} | PXAT unix-time-milliseconds{@6.2.0} | KEEPTTL{@6.0.0}]{expiration}',
      history: [
        ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
        ['6.0.0', 'Added the `KEEPTTL` option.'],
        ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
        ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
      ],
    },
    setCommand,
  ),
  command(
    'setnx',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('OW insert', 1)],
      summary: 'Set the value of a key, only if the key does not exist',
      complexity: 'O(1)',
      syntax: 'key value',
    },
    setnxCommand,
  ),
  command(
    'setex',
    4,
    'write denyoom',
    [1, 1, 1],
    {
      ...S,
      since: '2.0.0',
      keySpecs: [keyRange('OW update', 1)],
      summary: 'Set the value and expiration of a key',
      complexity: 'O(1)',
      syntax: 'key seconds value',
    },
    setexCommand,
  ),
  command(
    'psetex',
    4,
    'write denyoom',
    [1, 1, 1],
    {
      ...S,
      since: '2.6.0',
      keySpecs: [keyRange('OW update', 1)],
      summary: 'Set the value and expiration in milliseconds of a key',
      complexity: 'O(1)',
      syntax: 'key milliseconds value',
    },
    psetexCommand,
  ),
  command(
    'getset',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Set the string value of a key and return its old value',
      complexity: 'O(1)',
      syntax: 'key value',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`SET` with the `!GET` argument',
    },
    getsetCommand,
  ),
  command(
    'getdel',
    2,
    'write fast',
    [1, 1, 1],
    {
      ...S,
      since: '6.2.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Get the value of a key and delete the key',
      complexity: 'O(1)',
      syntax: 'key',
    },
    getdelCommand,
  ),
  command(
    'getex',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...S,
      since: '6.2.0',
      keySpecs: [{ ...keyRange('RW access update', 1), notes: 'RW and UPDATE because it changes the TTL' }],
      summary: 'Get the value of a key and optionally set its expiration',
      complexity: 'O(1)',
      syntax:
        'key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]{expiration}',
    },
    getexCommand,
  ),
  command(
    'mget',
    -2,
    'readonly fast',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Get the values of all the given keys',
      complexity: 'O(N) where N is the number of keys to retrieve.',
      syntax: 'key [key ...]',
      tips: ['request_policy:multi_shard'],
    },
    mgetCommand,
  ),
  command(
    'mset',
    -3,
    'write denyoom',
    [1, -1, 2],
    {
      ...S,
      since: '1.0.1',
      keySpecs: [keyRange('OW update', 1, -1, 2)],
      summary: 'Set multiple keys to multiple values',
      complexity: 'O(N) where N is the number of keys to set.',
      syntax: 'key value [key value ...]',
      tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    },
    (c, argv) => msetGeneric(c, argv, false),
  ),
  command(
    'msetnx',
    -3,
    'write denyoom',
    [1, -1, 2],
    {
      ...S,
      since: '1.0.1',
      keySpecs: [keyRange('OW insert', 1, -1, 2)],
      summary: 'Set multiple keys to multiple values, only if none of the keys exist',
      complexity: 'O(N) where N is the number of keys to set.',
      syntax: 'key value [key value ...]',
      tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    },
    (c, argv) => msetGeneric(c, argv, true),
  ),
  command(
    'append',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '2.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Append a value to a key',
      complexity:
        'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
      syntax: 'key value',
    },
    appendCommand,
  ),
  command(
    'strlen',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '2.2.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the length of the value stored in a key',
      complexity: 'O(1)',
      syntax: 'key',
    },
    strlenCommand,
  ),
  command(
    'getrange',
    4,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '2.4.0',
      summary: 'Get a substring of the string stored at a key',
      complexity:
        'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
      syntax: 'key start end',
    },
    getrangeCommand,
  ),
  command(
    'substr',
    4,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Get a substring of the string stored at a key',
      complexity:
        'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
      syntax: 'key start end',
      doc_flags: ['deprecated'],
      deprecatedSince: '2.0.0',
      replacedBy: '`GETRANGE`',
    },
    getrangeCommand,
  ),
  command(
    'setrange',
    4,
    'write denyoom',
    [1, 1, 1],
    {
      ...S,
      since: '2.2.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Overwrite part of a string at key starting at the specified offset',
      complexity:
        'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
      syntax: 'key offset value',
    },
    setrangeCommand,
  ),
  command(
    'incr',
    2,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Increment the integer value of a key by one',
      complexity: 'O(1)',
      syntax: 'key',
    },
    incrCommand,
  ),
  command(
    'decr',
    2,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Decrement the integer value of a key by one',
      complexity: 'O(1)',
      syntax: 'key',
    },
    decrCommand,
  ),
  command(
    'incrby',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Increment the integer value of a key by the given amount',
      complexity: 'O(1)',
      syntax: 'key increment',
    },
    incrbyCommand,
  ),
  command(
    'decrby',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Decrement the integer value of a key by the given number',
      complexity: 'O(1)',
      syntax: 'key decrement',
    },
    decrbyCommand,
  ),
  command(
    'incrbyfloat',
    3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '2.6.0',
      summary: 'Increment the float value of a key by the given amount',
      complexity: 'O(1)',
      syntax: 'key increment{:double}',
    },
    incrbyfloatCommand,
  ),
  command(
    'lcs',
    -3,
    'readonly',
    [1, 2, 1],
    {
      ...S,
      since: '7.0.0',
      summary: 'Find longest common substring',
      complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
      syntax: 'key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len{len}] [WITHMATCHLEN]',
    },
    lcsCommand,
  ),
];
