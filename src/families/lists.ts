/**
 * The list family (t_list.c): pushes, pops with counts, LRANGE, LLEN, LINDEX, LSET, LREM, LTRIM,
 * LINSERT, LPOS, LMOVE/RPOPLPUSH and LMPOP. A list that becomes empty is deleted, as in Redis.
 * The blocking variants (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) live with the
 * blocking-operations feature and reuse the exported pieces here: listEndArg, listPushTo,
 * listElementsRemoved, lmoveGeneric, mpopArgs, mpopGeneric and popRangeWithKey.
 */

import { int64Arg, intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { ListValue } from '../engine/values/list.js';
import { parseInt64 } from '../engine/values/string.js';
import { readList, touched, writableList } from './common.js';
import { command, genericGetKeys, keyNum, keyRange } from './define.js';

function pushGeneric(c: Client, argv: string[], head: boolean, xx: boolean): void {
  const key = argv[1]!;
  let list = writableList(c, key);
  if (list === undefined) {
    if (xx) {
      c.reply.int(0);
      return;
    }
    list = new ListValue();
    c.db.add(key, list);
  }
  for (let j = 2; j < argv.length; j++) {
    if (head) list.pushFront(argv[j]!);
    else list.pushBack(argv[j]!);
  }
  c.inst.dirty += argv.length - 2;
  c.reply.int(list.length);
  touched(c, key, NOTIFY.LIST, head ? 'lpush' : 'rpush', 0);
}

/** Bookkeeping after elements left a list: event, delete when empty, dirty (listElementsRemoved). */
export function listElementsRemoved(
  c: Client,
  key: string,
  head: boolean,
  list: ListValue,
  count: number,
): void {
  const ks = c.inst.ks;
  ks.notify(NOTIFY.LIST, head ? 'lpop' : 'rpop', key, c.dbIndex);
  if (list.length === 0) {
    c.db.delete(key);
    ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  ks.keyModified(c.dbIndex, key);
  c.inst.dirty += count;
}

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

function popGeneric(c: Client, argv: string[], head: boolean): void {
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    count = intArg(argv[2]!, MUST_BE_POSITIVE);
    if (count < 0) throw new ReplyError(MUST_BE_POSITIVE);
  }
  const key = argv[1]!;
  const list = writableList(c, key);
  if (list === undefined) {
    if (hasCount) c.reply.nilArray();
    else c.reply.nil();
    return;
  }
  if (hasCount && count === 0) {
    c.reply.array(0);
    return;
  }
  if (!hasCount) {
    c.reply.bulk((head ? list.popFront() : list.popBack())!);
    listElementsRemoved(c, key, head, list, 1);
    return;
  }
  const n = Math.min(count, list.length);
  c.reply.array(n);
  for (let i = 0; i < n; i++) c.reply.bulk((head ? list.popFront() : list.popBack())!);
  listElementsRemoved(c, key, head, list, n);
}

/** addListRangeReply: Redis's clamping of start/end against the length. */
export function replyListRange(c: Client, list: ListValue, start: number, end: number): void {
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    c.reply.array(0);
    return;
  }
  if (end >= len) end = len - 1;
  const reply = c.reply;
  reply.array(end - start + 1);
  for (let i = start; i <= end; i++) reply.bulk(list.at(i));
}

function lrangeCommand(c: Client, argv: string[]): void {
  const start = intArg(argv[2]!);
  const end = intArg(argv[3]!);
  const list = readList(c, argv[1]!);
  if (list === undefined) c.reply.array(0);
  else replyListRange(c, list, start, end);
}

function llenCommand(c: Client, argv: string[]): void {
  const list = readList(c, argv[1]!);
  c.reply.int(list === undefined ? 0 : list.length);
}

function lindexCommand(c: Client, argv: string[]): void {
  const list = readList(c, argv[1]!);
  if (list === undefined) {
    c.reply.nil();
    return;
  }
  let index = intArg(argv[2]!);
  if (index < 0) index = list.length + index;
  if (index < 0 || index >= list.length) c.reply.nil();
  else c.reply.bulk(list.at(index));
}

function lsetCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  // Redis looks the key up before it parses the index: a missing key wins over a bad index.
  const list = writableList(c, key);
  if (list === undefined) throw new ReplyError(E.NO_SUCH_KEY);
  let index = intArg(argv[2]!);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) throw new ReplyError(E.OUT_OF_RANGE);
  list.setAt(index, argv[3]!);
  c.reply.ok();
  touched(c, key, NOTIFY.LIST, 'lset');
}

/** Deletes a list left empty, with its `del` event. */
function deleteIfEmpty(c: Client, key: string, list: ListValue): void {
  if (list.length !== 0) return;
  c.db.delete(key);
  c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
}

function lremCommand(c: Client, argv: string[]): void {
  const count = intArg(argv[2]!);
  const key = argv[1]!;
  const list = writableList(c, key);
  if (list === undefined) {
    c.reply.int(0);
    return;
  }
  // A negative count scans from the tail. Redis negates LONG_MIN into itself, which never equals
  // the number removed, so it removes every match: the same as the huge limit Math.abs gives.
  const removed = list.removeMatches(argv[3]!, Math.abs(count), count < 0);
  if (removed > 0) touched(c, key, NOTIFY.LIST, 'lrem', removed);
  deleteIfEmpty(c, key, list);
  c.reply.int(removed);
}

function ltrimCommand(c: Client, argv: string[]): void {
  let start = intArg(argv[2]!);
  let end = intArg(argv[3]!);
  const key = argv[1]!;
  const list = writableList(c, key);
  if (list === undefined) {
    c.reply.ok();
    return;
  }
  const len = list.length;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  list.dropFront(ltrim);
  list.dropBack(rtrim);
  // Redis fires `ltrim` even when nothing was removed.
  c.inst.ks.notify(NOTIFY.LIST, 'ltrim', key, c.dbIndex);
  deleteIfEmpty(c, key, list);
  c.inst.ks.keyModified(c.dbIndex, key);
  c.inst.dirty += ltrim + rtrim;
  c.reply.ok();
}

function linsertCommand(c: Client, argv: string[]): void {
  let after: boolean;
  if (isWord(argv[2]!, 'after')) after = true;
  else if (isWord(argv[2]!, 'before')) after = false;
  else throw syntaxError();
  const key = argv[1]!;
  const list = writableList(c, key);
  if (list === undefined) {
    c.reply.int(0);
    return;
  }
  const pivot = argv[3]!;
  const len = list.length;
  let i = 0;
  while (i < len && list.at(i) !== pivot) i++;
  if (i === len) {
    c.reply.int(-1);
    return;
  }
  list.insertAt(after ? i + 1 : i, argv[4]!);
  touched(c, key, NOTIFY.LIST, 'linsert');
  c.reply.int(list.length);
}

const INT64_MIN = -9223372036854775808n;

/** getRangeLongFromObjectOrReply(min, LONG_MAX) with a message for every failure. */
function atLeastArg(s: string, min: number, message: string): number {
  const v = parseInt64(s);
  if (v === null || v < min) throw new ReplyError(message);
  return Number(v);
}

function lposCommand(c: Client, argv: string[]): void {
  const element = argv[2]!;
  let rank: number | bigint = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    const more = argv.length - 1 - j;
    if (isWord(opt, 'rank') && more > 0) {
      rank = int64Arg(argv[++j]!);
      if (rank === 0) {
        throw new ReplyError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else if (isWord(opt, 'count') && more > 0) {
      count = atLeastArg(argv[++j]!, 0, "ERR COUNT can't be negative");
    } else if (isWord(opt, 'maxlen') && more > 0) {
      maxlen = atLeastArg(argv[++j]!, 0, "ERR MAXLEN can't be negative");
    } else {
      throw syntaxError();
    }
  }
  const fromTail = rank < 0;
  // Redis 7.0 negates RANK in a C long: LONG_MIN stays negative, so every match counts from the
  // first one on and the COUNT test (which overflows) never stops the scan. 7.2 rejects it;
  // 7.0.15 answers this way, and so does mnemo.
  const minRank = rank === INT64_MIN;
  const wanted = minRank ? 1 : Math.abs(Number(rank));
  const list = readList(c, argv[1]!);
  if (list === undefined) {
    if (count !== -1) c.reply.array(0);
    else c.reply.nil();
    return;
  }
  const len = list.length;
  const limit = maxlen === 0 ? len : Math.min(maxlen, len);
  let matches = 0;
  const found: number[] = [];
  for (let index = 0; index < limit; index++) {
    const pos = fromTail ? len - index - 1 : index;
    if (list.at(pos) !== element) continue;
    matches++;
    if (matches < wanted) continue;
    found.push(pos);
    if (count === -1) break;
    if (count !== 0 && !minRank && matches - wanted + 1 >= count) break;
  }
  if (count !== -1) {
    c.reply.array(found.length);
    for (const p of found) c.reply.int(p);
  } else if (found.length > 0) {
    c.reply.int(found[0]!);
  } else {
    c.reply.nil();
  }
}

/** LEFT or RIGHT (getListPositionFromObjectOrReply): true for LEFT, the head. */
export function listEndArg(arg: string): boolean {
  if (isWord(arg, 'left')) return true;
  if (isWord(arg, 'right')) return false;
  throw syntaxError();
}

/**
 * The push side of LMOVE (lmoveHandlePush, without the reply): pushes `value` onto `dstKey`,
 * creating the list when `dst` is undefined, with the signal and the lpush/rpush event.
 */
export function listPushTo(
  c: Client,
  dstKey: string,
  dst: ListValue | undefined,
  value: string,
  toHead: boolean,
): void {
  if (dst === undefined) {
    dst = new ListValue();
    c.db.add(dstKey, dst);
  }
  c.inst.ks.keyModified(c.dbIndex, dstKey);
  if (toHead) dst.pushFront(value);
  else dst.pushBack(value);
  c.inst.ks.notify(NOTIFY.LIST, toHead ? 'lpush' : 'rpush', dstKey, c.dbIndex);
}

/**
 * LMOVE/RPOPLPUSH (lmoveGenericCommand): pops from one end of `src`, pushes to one end of `dst`
 * and replies with the element, or nil when `src` does not exist. The same key rotates the list.
 * Events in Redis's order: lpush/rpush on dst, lpop/rpop on src, del if src was emptied.
 */
export function lmoveGeneric(c: Client, src: string, dst: string, fromHead: boolean, toHead: boolean): void {
  const from = writableList(c, src);
  if (from === undefined) {
    c.reply.nil();
    return;
  }
  const to = writableList(c, dst);
  const value = (fromHead ? from.popFront() : from.popBack())!;
  listPushTo(c, dst, to, value, toHead);
  c.reply.bulk(value);
  listElementsRemoved(c, src, fromHead, from, 1);
}

/**
 * Pops up to `count` elements from one end of a non-empty list, replying [key, [elements]]
 * (listPopRangeAndReplyWithKey), with the pop bookkeeping. Redis propagates it as LPOP/RPOP key
 * <popped>.
 */
export function popRangeWithKey(c: Client, key: string, list: ListValue, head: boolean, count: number): void {
  const n = Math.min(count, list.length);
  c.reply.array(2);
  c.reply.bulk(key);
  c.reply.array(n);
  for (let i = 0; i < n; i++) c.reply.bulk((head ? list.popFront() : list.popBack())!);
  listElementsRemoved(c, key, head, list, n);
}

export interface MpopArgs {
  keys: string[];
  /** LEFT */
  head: boolean;
  count: number;
}

/** Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` from `numkeysIndex` (LMPOP: 1, BLMPOP: 2). */
export function mpopArgs(argv: string[], numkeysIndex: number): MpopArgs {
  const numkeys = atLeastArg(argv[numkeysIndex]!, 1, 'ERR numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw syntaxError();
  const head = listEndArg(argv[whereIndex]!);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isWord(argv[j]!, 'count') && j < argv.length - 1) {
      count = atLeastArg(argv[++j]!, 1, 'ERR count should be greater than 0');
    } else {
      throw syntaxError();
    }
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), head, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first non-empty list among `keys` (mpopGenericCommand): [key, [elements]], or a
 * null array when none exists. A key of another type before the first list is WRONGTYPE.
 */
export function mpopGeneric(c: Client, keys: readonly string[], head: boolean, count: number): void {
  for (const key of keys) {
    const list = writableList(c, key);
    if (list === undefined) continue;
    popRangeWithKey(c, key, list, head, count);
    return;
  }
  c.reply.nilArray();
}

function lmpopCommand(c: Client, argv: string[]): void {
  const { keys, head, count } = mpopArgs(argv, 1);
  for (const key of keys) {
    const list = writableList(c, key);
    if (list === undefined) continue;
    const n = Math.min(count, list.length);
    popRangeWithKey(c, key, list, head, count);
    // Propagated as the pop it turned out to be: [LR]POP key count.
    c.rewriteCommand([head ? 'LPOP' : 'RPOP', key, String(n)]);
    return;
  }
  c.reply.nilArray();
}

// ---- registration ----

const L = { group: 'list', acl: 'list' } as const;

export const listCommands: CommandSpec[] = [
  command(
    'lpush',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Prepend one or multiple elements to a list',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key element [element ...]',
      history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    },
    (c, a) => pushGeneric(c, a, true, false),
  ),
  command(
    'rpush',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Append one or multiple elements to a list',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key element [element ...]',
      history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    },
    (c, a) => pushGeneric(c, a, false, false),
  ),
  command(
    'lpushx',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...L,
      since: '2.2.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Prepend an element to a list, only if the list exists',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key element [element ...]',
      history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    },
    (c, a) => pushGeneric(c, a, true, true),
  ),
  command(
    'rpushx',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...L,
      since: '2.2.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Append an element to a list, only if the list exists',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key element [element ...]',
      history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    },
    (c, a) => pushGeneric(c, a, false, true),
  ),
  command(
    'lpop',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Remove and get the first elements in a list',
      complexity: 'O(N) where N is the number of elements returned',
      syntax: 'key [count]{@6.2.0}',
      history: [['6.2.0', 'Added the `count` argument.']],
    },
    (c, a) => {
      if (a.length > 3) throw new ReplyError("ERR wrong number of arguments for 'lpop' command");
      popGeneric(c, a, true);
    },
  ),
  command(
    'rpop',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Remove and get the last elements in a list',
      complexity: 'O(N) where N is the number of elements returned',
      syntax: 'key [count]{@6.2.0}',
      history: [['6.2.0', 'Added the `count` argument.']],
    },
    (c, a) => {
      if (a.length > 3) throw new ReplyError("ERR wrong number of arguments for 'rpop' command");
      popGeneric(c, a, false);
    },
  ),
  command(
    'lrange',
    4,
    'readonly',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      summary: 'Get a range of elements from a list',
      complexity:
        'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
      syntax: 'key start stop',
    },
    lrangeCommand,
  ),
  command(
    'llen',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the length of a list',
      complexity: 'O(1)',
      syntax: 'key',
    },
    llenCommand,
  ),
  command(
    'lindex',
    3,
    'readonly',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      summary: 'Get an element from a list by its index',
      complexity:
        'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
      syntax: 'key index',
    },
    lindexCommand,
  ),
  command(
    'lset',
    4,
    'write denyoom',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Set the value of an element in a list by its index',
      complexity:
        'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
      syntax: 'key index element',
    },
    lsetCommand,
  ),
  command(
    'lrem',
    4,
    'write',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove elements from a list',
      complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
      syntax: 'key count element',
    },
    lremCommand,
  ),
  command(
    'ltrim',
    4,
    'write',
    [1, 1, 1],
    {
      ...L,
      since: '1.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Trim a list to the specified range',
      complexity: 'O(N) where N is the number of elements to be removed by the operation.',
      syntax: 'key start stop',
    },
    ltrimCommand,
  ),
  command(
    'linsert',
    5,
    'write denyoom',
    [1, 1, 1],
    {
      ...L,
      since: '2.2.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Insert an element before or after another element in a list',
      complexity:
        'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
      syntax: 'key (BEFORE | AFTER){where} pivot element',
    },
    linsertCommand,
  ),
  command(
    'lpos',
    -3,
    'readonly',
    [1, 1, 1],
    {
      ...L,
      since: '6.0.6',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return the index of matching elements on a list',
      complexity:
        'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
      syntax: 'key element [RANK rank] [COUNT num-matches{:integer}] [MAXLEN len]',
    },
    lposCommand,
  ),
  command(
    'lmove',
    5,
    'write denyoom',
    [1, 2, 1],
    {
      ...L,
      since: '6.2.0',
      keySpecs: [keyRange('RW access delete', 1), keyRange('RW insert', 2)],
      summary: 'Pop an element from a list, push it to another list and return it',
      complexity: 'O(1)',
      syntax: 'source destination (LEFT | RIGHT){wherefrom} (LEFT | RIGHT){whereto}',
    },
    (c, a) => {
      const fromHead = listEndArg(a[3]!);
      const toHead = listEndArg(a[4]!);
      lmoveGeneric(c, a[1]!, a[2]!, fromHead, toHead);
    },
  ),
  command(
    'rpoplpush',
    3,
    'write denyoom',
    [1, 2, 1],
    {
      ...L,
      since: '1.2.0',
      keySpecs: [keyRange('RW access delete', 1), keyRange('RW insert', 2)],
      summary: 'Remove the last element in a list, prepend it to another list and return it',
      complexity: 'O(1)',
      syntax: 'source destination',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    },
    (c, a) => lmoveGeneric(c, a[1]!, a[2]!, false, true),
  ),
  command(
    'lmpop',
    -4,
    'write movablekeys',
    [0, 0, 0],
    {
      ...L,
      since: '7.0.0',
      keySpecs: [keyNum('RW access delete', 1)],
      summary: 'Pop elements from a list',
      complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
      syntax: 'numkeys key [key ...] (LEFT | RIGHT){where} [COUNT count]',
      getKeys: genericGetKeys(0, 1, 2),
    },
    lmpopCommand,
  ),
];
