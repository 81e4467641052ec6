/**
 * The hash family (t_hash.c): HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HEXISTS HLEN
 * HSTRLEN HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, with Redis 7.0's argument order of checks,
 * replies (HGETALL is a map in RESP3, HRANDFIELD WITHVALUES pairs in RESP3), error texts,
 * keyspace events and dirty counts. Encoding conversions follow t_hash.c through HashValue; a hash
 * emptied by HDEL is deleted.
 */

import { int64Arg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { globMatch } from '../engine/glob.js';
import { HashValue } from '../engine/values/hash.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  LD_ZERO,
  parseLongDouble,
} from '../engine/values/longdouble.js';
import { parseInt64 } from '../engine/values/string.js';
import { readAs, touched, writableAs } from './common.js';
import { command, keyRange } from './define.js';
import { scanCursorArg, scanOptions } from './keys.js';

const HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const HASH_NOT_FLOAT = 'ERR hash value is not a float';
const NAN_OR_INFINITY = 'ERR value is NaN or Infinity';
const COUNT_RANGE =
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const VALUE_RANGE = 'ERR value is out of range';

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
/** LONG_MAX / 2: the largest |count| HRANDFIELD accepts with WITHVALUES. */
const HALF_LONG_MAX = 4611686018427387903n;

function readHash(c: Client, key: string): HashValue | undefined {
  return readAs<HashValue>(c, key, 'hash');
}

function writableHash(c: Client, key: string): HashValue | undefined {
  return writableAs<HashValue>(c, key, 'hash');
}

/** hashTypeLookupWriteOrCreate: the hash at `key`, added empty when missing. */
function hashForWrite(c: Client, key: string): HashValue {
  let h = writableHash(c, key);
  if (h === undefined) {
    h = new HashValue();
    c.db.add(key, h);
  }
  return h;
}

function maxEntries(c: Client): number {
  return c.inst.thresholds.hashEntries.num;
}

function maxValue(c: Client): number {
  return c.inst.thresholds.hashValue.num;
}

/** HSET and HMSET: the same command with a different reply. */
function hsetGeneric(c: Client, argv: string[], name: 'hset' | 'hmset'): void {
  if (argv.length % 2 === 1) throw new ReplyError(E.WRONG_ARGS(name));
  const key = argv[1]!;
  const h = hashForWrite(c, key);
  const created = h.setPairs(argv, 2, maxEntries(c), maxValue(c));
  if (name === 'hset') c.reply.int(created);
  else c.reply.ok();
  touched(c, key, NOTIFY.HASH, 'hset', (argv.length - 2) / 2);
}

function hsetnxCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const h = hashForWrite(c, key);
  if (h.has(argv[2]!)) {
    c.reply.int(0);
    return;
  }
  h.set(argv[2]!, argv[3]!, maxEntries(c), maxValue(c));
  c.reply.int(1);
  touched(c, key, NOTIFY.HASH, 'hset');
}

function hgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]!);
  if (h === undefined || !h.replyValue(argv[2]!, c.reply)) c.reply.nil();
}

function hmgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]!);
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    if (h === undefined || !h.replyValue(argv[j]!, c.reply)) c.reply.nil();
  }
}

function hdelCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const h = writableHash(c, key);
  if (h === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (h.delete(argv[j]!)) {
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    touched(c, key, NOTIFY.HASH, 'hdel', deleted);
    if (keyRemoved) c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  c.reply.int(deleted);
}

function hlenCommand(c: Client, argv: string[]): void {
  c.reply.int(readHash(c, argv[1]!)?.size ?? 0);
}

function hstrlenCommand(c: Client, argv: string[]): void {
  c.reply.int(readHash(c, argv[1]!)?.get(argv[2]!)?.length ?? 0);
}

function hexistsCommand(c: Client, argv: string[]): void {
  c.reply.int(readHash(c, argv[1]!)?.has(argv[2]!) ? 1 : 0);
}

const KEYS = 1;
const VALUES = 2;

/** HGETALL / HKEYS / HVALS (genericHgetallCommand): a map for fields with values, else an array. */
function hgetallGeneric(c: Client, argv: string[], what: number): void {
  const h = readHash(c, argv[1]!);
  const size = h?.size ?? 0;
  if (what === (KEYS | VALUES)) c.reply.map(size);
  else c.reply.array(size);
  h?.forEach((f, v) => {
    if (what & KEYS) c.reply.bulk(f);
    if (what & VALUES) c.reply.bulk(v);
  });
}

function hincrbyCommand(c: Client, argv: string[]): void {
  const incr = int64Arg(argv[3]!);
  const key = argv[1]!;
  const field = argv[2]!;
  const h = hashForWrite(c, key);
  const cur = h.get(field);
  let old: number | bigint = 0;
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === null) throw new ReplyError(HASH_NOT_INTEGER);
    old = v;
  }
  let sum: number | bigint;
  if (typeof old === 'number' && typeof incr === 'number' && Number.isSafeInteger(old + incr)) {
    sum = old + incr;
  } else {
    const big = BigInt(old) + BigInt(incr);
    if (big > INT64_MAX || big < INT64_MIN) throw new ReplyError(E.OVERFLOW);
    sum = big;
  }
  h.set(field, String(sum), maxEntries(c), maxValue(c));
  c.reply.int(sum);
  touched(c, key, NOTIFY.HASH, 'hincrby');
}

/** HINCRBYFLOAT computes in x87 long double and prints %.17Lf, as Redis does on x86-64. */
function hincrbyfloatCommand(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) throw new ReplyError(E.NOT_FLOAT);
  if (!isFiniteLongDouble(incr)) throw new ReplyError(NAN_OR_INFINITY);
  const key = argv[1]!;
  const field = argv[2]!;
  const h = hashForWrite(c, key);
  const cur = h.get(field);
  let value = LD_ZERO;
  if (cur !== undefined) {
    const v = parseLongDouble(cur);
    if (v === null) throw new ReplyError(HASH_NOT_FLOAT);
    value = v;
  }
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) throw new ReplyError(E.INCR_NAN_INF);
  const text = formatLongDoubleHuman(sum);
  h.set(field, text, maxEntries(c), maxValue(c));
  c.reply.bulk(text);
  touched(c, key, NOTIFY.HASH, 'hincrbyfloat');
  // Propagated as the result, so float formatting never makes a replay differ.
  c.rewriteCommand(['HSET', key, field, text]);
}

// ---- HRANDFIELD ----

function hrandfieldCommand(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const l = int64Arg(argv[2]!);
    if (l === INT64_MIN) throw new ReplyError(COUNT_RANGE);
    if (argv.length > 4 || (argv.length === 4 && !isWord(argv[3]!, 'withvalues'))) throw syntaxError();
    const withValues = argv.length === 4;
    if (withValues && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) throw new ReplyError(VALUE_RANGE);
    hrandfieldWithCount(c, argv[1]!, l, withValues);
    return;
  }
  const h = readHash(c, argv[1]!);
  if (h === undefined) {
    c.reply.nil();
    return;
  }
  c.reply.bulk(h.pairs().fieldAt(Math.floor(Math.random() * h.size)));
}

/** One reply element: a field, a field and its value, or (RESP3) a [field, value] pair. */
function replyPair(c: Client, field: string, value: string, withValues: boolean): void {
  if (withValues && c.reply.resp === 3) c.reply.array(2);
  c.reply.bulk(field);
  if (withValues) c.reply.bulk(value);
}

/**
 * hrandfieldWithCountCommand's four cases: a negative count samples with repeats; a count at
 * least the size returns the whole hash in storage order; a count above a third of the size
 * removes random fields from a copy; a smaller count picks distinct random fields. The replies'
 * sizes and uniqueness are Redis's; which fields come out is random in both.
 */
function hrandfieldWithCount(c: Client, key: string, l: number | bigint, withValues: boolean): void {
  const h = readHash(c, key);
  if (h === undefined) {
    c.reply.array(0);
    return;
  }
  const uniq = l >= 0;
  // Counts beyond 2^53 only matter for the repeat case, which would not finish either way.
  const count = Math.abs(Number(l));
  if (count === 0) {
    c.reply.array(0);
    return;
  }
  const size = h.size;
  const pairs = h.pairs();
  const flat = withValues && c.reply.resp === 2;
  // Case 1: repeats allowed (or a single field): sample the whole hash every time.
  if (!uniq || count === 1) {
    c.reply.array(flat ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const e = Math.floor(Math.random() * size);
      replyPair(c, pairs.fieldAt(e), pairs.valueAt(e), withValues);
    }
    return;
  }
  const n = Math.min(count, size);
  c.reply.array(flat ? n * 2 : n);
  // Case 2: everything, in the hash's own order.
  if (count >= size) {
    for (let e = 0; e < size; e++) replyPair(c, pairs.fieldAt(e), pairs.valueAt(e), withValues);
    return;
  }
  // Case 3: the count is close to the size: drop random entries until `count` remain.
  if (count * 3 > size) {
    const keep: number[] = new Array(size);
    for (let e = 0; e < size; e++) keep[e] = e;
    for (let left = size; left > count; left--) {
      const r = Math.floor(Math.random() * left);
      keep[r] = keep[left - 1]!;
    }
    for (let i = 0; i < count; i++)
      replyPair(c, pairs.fieldAt(keep[i]!), pairs.valueAt(keep[i]!), withValues);
    return;
  }
  // Case 4: few of many. A listpack is sampled in one ordered pass (lpRandomPairsUnique); a
  // table draws random entries until enough distinct ones came up.
  if (h.isListpack) {
    let need = count;
    for (let e = 0; e < size && need > 0; e++) {
      if (Math.random() * (size - e) < need) {
        replyPair(c, pairs.fieldAt(e), pairs.valueAt(e), withValues);
        need--;
      }
    }
    return;
  }
  const seen = new Set<number>();
  while (seen.size < count) {
    const e = Math.floor(Math.random() * size);
    if (seen.has(e)) continue;
    seen.add(e);
    replyPair(c, pairs.fieldAt(e), pairs.valueAt(e), withValues);
  }
}

// ---- HSCAN ----

function hscanCommand(c: Client, argv: string[]): void {
  let cursor = scanCursorArg(argv[2]!);
  const h = readHash(c, argv[1]!);
  if (h === undefined) {
    c.reply.array(2);
    c.reply.bulk('0');
    c.reply.array(0);
    return;
  }
  const { count, pattern } = scanOptions(argv, 3, false);
  const found: string[] = [];
  const collect = (f: string, v: string) => {
    found.push(f, v);
  };
  if (h.isListpack) {
    cursor = h.scanStep(0, collect);
  } else {
    // Redis counts fields and values against COUNT * 2, and gives up after ten times that
    // many buckets on a sparse table.
    const want = count * 2;
    let iterations = want * 10;
    do {
      cursor = h.scanStep(cursor, collect);
    } while (cursor !== 0 && iterations-- > 0 && found.length < want);
  }
  let out = found;
  if (pattern !== null) {
    out = [];
    for (let i = 0; i < found.length; i += 2) {
      if (globMatch(pattern, found[i]!)) out.push(found[i]!, found[i + 1]!);
    }
  }
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.array(out.length);
  for (const s of out) c.reply.bulk(s);
}

// ---- registration ----

const H = { group: 'hash', acl: 'hash' } as const;

export const hashCommands: CommandSpec[] = [
  command(
    'hset',
    -4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Set the string value of a hash field',
      complexity:
        'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
      syntax: 'key field value [field value ...]',
      history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    },
    (c, argv) => hsetGeneric(c, argv, 'hset'),
  ),
  command(
    'hsetnx',
    4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Set the value of a hash field, only if the field does not exist',
      complexity: 'O(1)',
      syntax: 'key field value',
    },
    hsetnxCommand,
  ),
  command(
    'hget',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Get the value of a hash field',
      complexity: 'O(1)',
      syntax: 'key field',
    },
    hgetCommand,
  ),
  command(
    'hmget',
    -3,
    'readonly fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Get the values of all the given hash fields',
      complexity: 'O(N) where N is the number of fields being requested.',
      syntax: 'key field [field ...]',
    },
    hmgetCommand,
  ),
  command(
    'hmset',
    -4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Set multiple hash fields to multiple values',
      complexity: 'O(N) where N is the number of fields being set.',
      syntax: 'key field value [field value ...]',
      doc_flags: ['deprecated'],
      deprecatedSince: '4.0.0',
      replacedBy: '`HSET` with multiple field-value pairs',
    },
    (c, argv) => hsetGeneric(c, argv, 'hmset'),
  ),
  command(
    'hgetall',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Get all the fields and values in a hash',
      complexity: 'O(N) where N is the size of the hash.',
      syntax: 'key',
      tips: ['nondeterministic_output_order'],
    },
    (c, argv) => hgetallGeneric(c, argv, KEYS | VALUES),
  ),
  command(
    'hdel',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Delete one or more hash fields',
      complexity: 'O(N) where N is the number of fields to be removed.',
      syntax: 'key field [field ...]',
      history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    },
    hdelCommand,
  ),
  command(
    'hexists',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Determine if a hash field exists',
      complexity: 'O(1)',
      syntax: 'key field',
    },
    hexistsCommand,
  ),
  command(
    'hlen',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the number of fields in a hash',
      complexity: 'O(1)',
      syntax: 'key',
    },
    hlenCommand,
  ),
  command(
    'hkeys',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Get all the fields in a hash',
      complexity: 'O(N) where N is the size of the hash.',
      syntax: 'key',
      tips: ['nondeterministic_output_order'],
    },
    (c, argv) => hgetallGeneric(c, argv, KEYS),
  ),
  command(
    'hvals',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Get all the values in a hash',
      complexity: 'O(N) where N is the size of the hash.',
      syntax: 'key',
      tips: ['nondeterministic_output_order'],
    },
    (c, argv) => hgetallGeneric(c, argv, VALUES),
  ),
  command(
    'hincrby',
    4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.0.0',
      summary: 'Increment the integer value of a hash field by the given number',
      complexity: 'O(1)',
      syntax: 'key field increment',
    },
    hincrbyCommand,
  ),
  command(
    'hincrbyfloat',
    4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.6.0',
      summary: 'Increment the float value of a hash field by the given amount',
      complexity: 'O(1)',
      syntax: 'key field increment{:double}',
    },
    hincrbyfloatCommand,
  ),
  command(
    'hstrlen',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...H,
      since: '3.2.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the length of the value of a hash field',
      complexity: 'O(1)',
      syntax: 'key field',
    },
    hstrlenCommand,
  ),
  command(
    'hrandfield',
    -2,
    'readonly',
    [1, 1, 1],
    {
      ...H,
      since: '6.2.0',
      summary: 'Get one or multiple random fields from a hash',
      complexity: 'O(N) where N is the number of fields returned',
      syntax: 'key [count [WITHVALUES]]{options}',
      tips: ['nondeterministic_output'],
    },
    hrandfieldCommand,
  ),
  command(
    'hscan',
    -3,
    'readonly',
    [1, 1, 1],
    {
      ...H,
      since: '2.8.0',
      summary: 'Incrementally iterate hash fields and associated values',
      complexity:
        'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
      syntax: 'key cursor [MATCH pattern] [COUNT count]',
      tips: ['nondeterministic_output'],
    },
    hscanCommand,
  ),
];
