/**
 * The list family (t_list.c): pushes, pops with counts, LRANGE, LLEN, LINDEX. A list that
 * becomes empty is deleted, as in Redis. The blocking variants attach to the same push path
 * (they wake on `list` key readiness) and live with the blocking-operations feature.
 */

import { intArg } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { ListValue } from '../engine/values/list.js';
import { readList, touched, writableList } from './common.js';
import { command, keyRange } from './define.js';

function pushGeneric(c: Client, argv: string[], head: boolean, xx: boolean): void {
  const key = argv[1]!;
  let list = writableList(c, key);
  if (list === undefined) {
    if (xx) {
      c.reply.int(0);
      return;
    }
    list = new ListValue(argv.length - 2);
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
];
