/**
 * The blocking commands (t_list.c, t_zset.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP,
 * BZPOPMIN, BZPOPMAX, BZMPOP. Each first
 * tries its non-blocking form; if every key is missing it parks the client in the
 * BlockingRegistry (commands/blocking.ts) with a retry that performs the same pop once a list
 * appears, or replies a null array at the timeout. Inside MULTI (and for clients that cannot
 * block, such as the library's own) a would-block answers at once, as Redis does.
 */

import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { ListValue } from '../engine/values/list.js';
import { isFiniteLongDouble, type LongDouble, parseLongDouble } from '../engine/values/longdouble.js';
import { ZSetValue } from '../engine/values/zset.js';
import { writableList } from './common.js';
import { command, genericGetKeys, keyNum, keyRange } from './define.js';
import { listElementsRemoved, listEndArg, lmoveGeneric, mpopArgs, popRangeWithKey } from './lists.js';
import { parseZmpopArgs, writableZSet, zpopAndReply } from './zsets.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * `(long long) ceill(ld * 1000.0)` as x86-64 computes it: the product rounded to a 64-bit
 * mantissa (half-even), the ceiling, and the conversion, which turns anything outside int64
 * (and inf) into INT64_MIN.
 */
function ceilMillis(ld: LongDouble): bigint {
  if (!isFiniteLongDouble(ld)) return INT64_MIN;
  let mant = ld.mant * 1000n;
  let exp = ld.exp;
  const extra = mant.toString(2).length - 64;
  if (extra > 0) {
    const shift = BigInt(extra);
    const kept = mant >> shift;
    const rest = mant - (kept << shift);
    const half = 1n << (shift - 1n);
    mant = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
    exp += extra;
  }
  let whole: bigint;
  if (exp >= 0) whole = mant << BigInt(exp);
  else {
    const shift = BigInt(-exp);
    whole = mant >> shift;
    // Ceiling: a positive fraction rounds up; a negative one truncates toward zero.
    if (!ld.neg && whole << shift !== mant) whole++;
  }
  if (ld.neg) whole = -whole;
  return whole > INT64_MAX || whole < INT64_MIN ? INT64_MIN : whole;
}

/**
 * getTimeoutFromObjectOrReply (seconds, as a long double) of Redis 7.0.15: returns milliseconds
 * to wait, 0 for forever. The value is `ceill(seconds * 1000)`, so 0.0001 waits 1 ms (and
 * -0.0001 is 0: forever); a value beyond int64 is "negative" (x86's conversion). A deadline
 * past int64 overflows in Redis into a timeout that never fires: forever here too.
 */
export function timeoutArg(c: Client, s: string): number {
  const ld = parseLongDouble(s);
  if (ld === null) throw new ReplyError('ERR timeout is not a float or out of range');
  const ms = ceilMillis(ld);
  if (ms < 0n) throw new ReplyError('ERR timeout is negative');
  if (ms > INT64_MAX - BigInt(c.inst.ks.now)) return 0;
  return Number(ms);
}

/**
 * Parks `c` on `keys`; `serve(key)` serves it from the key that became ready, or returns false
 * while it cannot be served yet.
 */
export function blockOn(c: Client, keys: string[], timeoutMs: number, serve: (key: string) => boolean): void {
  c.inst.blocking.block(c, {
    db: c.dbIndex,
    keys,
    timeoutMs,
    retry: (key) => {
      try {
        const served = serve(key);
        // Served outside call(): propagate the pop's deterministic form here.
        if (served && c.propagateAs !== null) c.inst.propagation.add(c.dbIndex, c.propagateAs);
        c.propagateAs = null;
        return served;
      } catch (err) {
        // A wrong-typed destination (BLMOVE) ends the wait with the error, as Redis does.
        if (!(err instanceof ReplyError)) throw err;
        c.reply.error(err.message);
        return true;
      }
    },
    onTimeout: () => c.reply.nilArray(),
  });
}

/**
 * The list a waiter can be served from when `key` is signalled ready. Like Redis 7.0's
 * handleClientsBlockedOnKeys, a waiter is served from the ready key itself (not the first
 * non-empty key in argument order), and a key that now holds another type leaves list waiters
 * blocked rather than failing them with WRONGTYPE.
 */
function readyList(c: Client, key: string): ListValue | undefined {
  const v = c.db.get(key);
  return v instanceof ListValue && v.length !== 0 ? v : undefined;
}

/** Pops one element of `list` (under `key`), replying [key, element]. */
function popOne(c: Client, key: string, list: ListValue, head: boolean): void {
  const value = (head ? list.popFront() : list.popBack())!;
  c.reply.array(2);
  c.reply.bulk(key);
  c.reply.bulk(value);
  listElementsRemoved(c, key, head, list, 1);
  c.rewriteCommand([head ? 'LPOP' : 'RPOP', key]);
}

/** Pops one element from the first non-empty list among `keys`, replying [key, element]. */
function popFirst(c: Client, keys: readonly string[], head: boolean): boolean {
  for (const key of keys) {
    const list = writableList(c, key);
    if (list === undefined || list.length === 0) continue;
    popOne(c, key, list, head);
    return true;
  }
  return false;
}

function bpopCommand(c: Client, argv: string[], head: boolean): void {
  const timeout = timeoutArg(c, argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  if (popFirst(c, keys, head)) return;
  if (c.denyBlocking) {
    c.reply.nilArray();
    return;
  }
  blockOn(c, keys, timeout, (key) => {
    const list = readyList(c, key);
    if (list === undefined) return false;
    popOne(c, key, list, head);
    return true;
  });
}

function blmoveGeneric(
  c: Client,
  src: string,
  dst: string,
  fromHead: boolean,
  toHead: boolean,
  raw: string,
): void {
  const timeout = timeoutArg(c, raw);
  const asLmove = ['LMOVE', src, dst, fromHead ? 'LEFT' : 'RIGHT', toHead ? 'LEFT' : 'RIGHT'];
  if (writableList(c, src) !== undefined) {
    lmoveGeneric(c, src, dst, fromHead, toHead);
    c.rewriteCommand(asLmove);
    return;
  }
  if (c.denyBlocking) {
    c.reply.nil();
    return;
  }
  blockOn(c, [src], timeout, () => {
    if (readyList(c, src) === undefined) return false;
    lmoveGeneric(c, src, dst, fromHead, toHead);
    c.rewriteCommand(asLmove);
    return true;
  });
}

function blmoveCommand(c: Client, argv: string[]): void {
  const fromHead = listEndArg(argv[3]!);
  const toHead = listEndArg(argv[4]!);
  blmoveGeneric(c, argv[1]!, argv[2]!, fromHead, toHead, argv[5]!);
}

function brpoplpushCommand(c: Client, argv: string[]): void {
  blmoveGeneric(c, argv[1]!, argv[2]!, false, true, argv[3]!);
}

function blmpopCommand(c: Client, argv: string[]): void {
  const timeout = timeoutArg(c, argv[1]!);
  const { keys, head, count } = mpopArgs(argv, 2);
  const popFrom = (key: string, list: ListValue): void => {
    const n = Math.min(count, list.length);
    popRangeWithKey(c, key, list, head, count);
    c.rewriteCommand([head ? 'LPOP' : 'RPOP', key, String(n)]);
  };
  for (const key of keys) {
    const list = writableList(c, key);
    if (list === undefined || list.length === 0) continue;
    popFrom(key, list);
    return;
  }
  if (c.denyBlocking) {
    c.reply.nilArray();
    return;
  }
  blockOn(c, keys, timeout, (key) => {
    const list = readyList(c, key);
    if (list === undefined) return false;
    popFrom(key, list);
    return true;
  });
}

/** Pops from `z` under `key` and replies (genericZpopCommand's blocking use). */
function zpopFrom(c: Client, key: string, z: ZSetValue, max: boolean, count: number, nested: boolean): void {
  const n = Math.min(count === -1 ? 1 : count, z.size);
  zpopAndReply(c, key, z, max, count === -1 ? 1 : count, nested ? 'keyed-nested' : 'keyed-flat');
  // Propagated as ZPOPMIN/ZPOPMAX, as Redis does.
  const op = max ? 'ZPOPMAX' : 'ZPOPMIN';
  c.rewriteCommand(count === -1 ? [op, key] : [op, key, String(n)]);
}

/** Pops from the first non-empty sorted set among `keys`. */
function zpopFirst(
  c: Client,
  keys: readonly string[],
  max: boolean,
  count: number,
  nested: boolean,
): boolean {
  for (const key of keys) {
    const z = writableZSet(c, key);
    if (z === undefined || z.size === 0) continue;
    zpopFrom(c, key, z, max, count, nested);
    return true;
  }
  return false;
}

/** Like readyList: a sorted-set waiter is served from the ready key, and only from a sorted set. */
function zpopReady(c: Client, key: string, max: boolean, count: number, nested: boolean): boolean {
  const v = c.db.get(key);
  if (!(v instanceof ZSetValue) || v.size === 0) return false;
  zpopFrom(c, key, v, max, count, nested);
  return true;
}

function bzpopCommand(c: Client, argv: string[], max: boolean): void {
  const timeout = timeoutArg(c, argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  if (zpopFirst(c, keys, max, -1, false)) return;
  if (c.denyBlocking) {
    c.reply.nilArray();
    return;
  }
  blockOn(c, keys, timeout, (key) => zpopReady(c, key, max, -1, false));
}

function bzmpopCommand(c: Client, argv: string[]): void {
  const timeout = timeoutArg(c, argv[1]!);
  const { keys, max, count } = parseZmpopArgs(argv, 2);
  if (zpopFirst(c, keys, max, count, true)) return;
  if (c.denyBlocking) {
    c.reply.nilArray();
    return;
  }
  blockOn(c, keys, timeout, (key) => zpopReady(c, key, max, count, true));
}

const Z = { group: 'sorted-set', acl: 'sortedset' } as const;
const L = { group: 'list', acl: 'list' } as const;

export const blockingCommands: CommandSpec[] = [
  command(
    'bzpopmin',
    -3,
    'write noscript blocking fast',
    [1, -2, 1],
    {
      ...Z,
      since: '5.0.0',
      summary:
        'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
      complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
      syntax: 'key [key ...] timeout{:double}',
      history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
      keySpecs: [keyRange('RW access delete', 1, -2)],
    },
    (c, a) => bzpopCommand(c, a, false),
  ),
  command(
    'bzpopmax',
    -3,
    'write noscript blocking fast',
    [1, -2, 1],
    {
      ...Z,
      since: '5.0.0',
      summary:
        'Remove and return the member with the highest score from one or more sorted sets, or block until one is available',
      complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
      syntax: 'key [key ...] timeout{:double}',
      history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
      keySpecs: [keyRange('RW access delete', 1, -2)],
    },
    (c, a) => bzpopCommand(c, a, true),
  ),
  command(
    'bzmpop',
    -5,
    'write blocking movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '7.0.0',
      summary: 'Remove and return members with scores in a sorted set or block until one is available',
      complexity:
        'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
      syntax: 'timeout{:double} numkeys key [key ...] (MIN | MAX){where} [COUNT count]',
      keySpecs: [keyNum('RW access delete', 2)],
      getKeys: genericGetKeys(0, 2, 3),
    },
    bzmpopCommand,
  ),
  command(
    'blpop',
    -3,
    'write noscript blocking',
    [1, -2, 1],
    {
      ...L,
      since: '2.0.0',
      summary: 'Remove and get the first element in a list, or block until one is available',
      complexity: 'O(N) where N is the number of provided keys.',
      syntax: 'key [key ...] timeout{:double}',
      history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
      keySpecs: [keyRange('RW access delete', 1, -2)],
    },
    (c, a) => bpopCommand(c, a, true),
  ),
  command(
    'brpop',
    -3,
    'write noscript blocking',
    [1, -2, 1],
    {
      ...L,
      since: '2.0.0',
      summary: 'Remove and get the last element in a list, or block until one is available',
      complexity: 'O(N) where N is the number of provided keys.',
      syntax: 'key [key ...] timeout{:double}',
      history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
      keySpecs: [keyRange('RW access delete', 1, -2)],
    },
    (c, a) => bpopCommand(c, a, false),
  ),
  command(
    'blmove',
    6,
    'write denyoom noscript blocking',
    [1, 2, 1],
    {
      ...L,
      since: '6.2.0',
      summary:
        'Pop an element from a list, push it to another list and return it; or block until one is available',
      complexity: 'O(1)',
      syntax: 'source destination (LEFT | RIGHT){wherefrom} (LEFT | RIGHT){whereto} timeout{:double}',
      keySpecs: [keyRange('RW access delete', 1, 0), keyRange('RW insert', 2, 0)],
    },
    blmoveCommand,
  ),
  command(
    'brpoplpush',
    4,
    'write denyoom noscript blocking',
    [1, 2, 1],
    {
      ...L,
      since: '2.2.0',
      summary:
        'Pop an element from a list, push it to another list and return it; or block until one is available',
      complexity: 'O(1)',
      syntax: 'source destination timeout{:double}',
      history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
      keySpecs: [keyRange('RW access delete', 1, 0), keyRange('RW insert', 2, 0)],
    },
    brpoplpushCommand,
  ),
  command(
    'blmpop',
    -5,
    'write blocking movablekeys',
    [0, 0, 0],
    {
      ...L,
      since: '7.0.0',
      summary: 'Pop elements from a list, or block until one is available',
      complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
      syntax: 'timeout{:double} numkeys key [key ...] (LEFT | RIGHT){where} [COUNT count]',
      keySpecs: [keyNum('RW access delete', 2)],
      getKeys: genericGetKeys(0, 2, 3),
    },
    blmpopCommand,
  ),
];
