/**
 * The blocking list commands (t_list.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first
 * tries its non-blocking form; if every key is missing it parks the client in the
 * BlockingRegistry (commands/blocking.ts) with a retry that performs the same pop once a list
 * appears, or replies a null array at the timeout. Inside MULTI (and for clients that cannot
 * block, such as the library's own) a would-block answers at once, as Redis does.
 */

import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { isFiniteLongDouble, longDoubleToNumber, parseLongDouble } from '../engine/values/longdouble.js';
import { writableList } from './common.js';
import { command, genericGetKeys, keyNum, keyRange } from './define.js';
import { listElementsRemoved, listEndArg, lmoveGeneric, mpopArgs, popRangeWithKey } from './lists.js';

const INT64_LIMIT = 2 ** 63;

/**
 * getTimeoutFromObjectOrReply (seconds, as a long double): returns milliseconds to wait, 0 for
 * forever. Like Redis, the value is truncated to whole milliseconds after `* 1000`, and a value
 * too large for int64 wraps negative (x86's conversion), so it is "negative".
 */
export function timeoutArg(c: Client, s: string): number {
  const ld = parseLongDouble(s);
  if (ld === null) throw new ReplyError('ERR timeout is not a float or out of range');
  const scaled = isFiniteLongDouble(ld) ? longDoubleToNumber(ld) * 1000 : Number.NaN;
  const ms = Number.isFinite(scaled) && Math.abs(scaled) < INT64_LIMIT ? Math.trunc(scaled) : -1;
  if (ms < 0) throw new ReplyError('ERR timeout is negative');
  if (ms > 0 && ms > INT64_LIMIT - 1 - c.inst.ks.now) throw new ReplyError('ERR timeout is out of range');
  return ms;
}

/** Parks `c` on `keys`; `serve` returns false while nothing can be served yet. */
export function blockOn(c: Client, keys: string[], timeoutMs: number, serve: () => boolean): void {
  c.inst.blocking.block(c, {
    db: c.dbIndex,
    keys,
    timeoutMs,
    retry: () => {
      try {
        const served = serve();
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

/** Pops one element from the first non-empty list among `keys`, replying [key, element]. */
function popFirst(c: Client, keys: readonly string[], head: boolean): boolean {
  for (const key of keys) {
    const list = writableList(c, key);
    if (list === undefined || list.length === 0) continue;
    const value = (head ? list.popFront() : list.popBack())!;
    c.reply.array(2);
    c.reply.bulk(key);
    c.reply.bulk(value);
    listElementsRemoved(c, key, head, list, 1);
    c.rewriteCommand([head ? 'LPOP' : 'RPOP', key]);
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
  blockOn(c, keys, timeout, () => popFirst(c, keys, head));
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
    const from = writableList(c, src);
    if (from === undefined || from.length === 0) return false;
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
  const serve = (): boolean => {
    for (const key of keys) {
      const list = writableList(c, key);
      if (list === undefined || list.length === 0) continue;
      const n = Math.min(count, list.length);
      popRangeWithKey(c, key, list, head, count);
      c.rewriteCommand([head ? 'LPOP' : 'RPOP', key, String(n)]);
      return true;
    }
    return false;
  };
  if (serve()) return;
  if (c.denyBlocking) {
    c.reply.nilArray();
    return;
  }
  blockOn(c, keys, timeout, serve);
}

const L = { group: 'list', acl: 'list' } as const;

export const blockingCommands: CommandSpec[] = [
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
