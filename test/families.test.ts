/**
 * The command families strings, keys, lists, sets and connection (src/families), in-process
 * through MemoryStore. Two halves:
 *  - a differential half: scripts of commands (happy paths, syntax errors, WRONGTYPE, arity,
 *    overflow, odd TTLs, encodings, LCS, ranges) run on a fresh MemoryStore and on a real
 *    redis-server 7.0 over RESP3, whose replies must be equal value for value; the arity checks
 *    are generated from the command table itself;
 *  - an in-process half with an injected ManualClock, for what a real server cannot show
 *    exactly: TTLs to the millisecond, lazy and active expiry, SCAN/RANDOMKEY over iterations,
 *    COPY/MOVE/SWAPDB with TTLs, large strings, the typed helpers, stats() and metrics(), and
 *    UTF-8 round trips.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect, isDeepStrictEqual } from 'node:util';
import { ManualClock, MemoryStore, ReplyError, type ReplyValue } from '../src/index.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { type RespValue, sendCommands } from './helpers/resp.js';
import { assertError } from './helpers/store.js';

const T0 = 1_700_000_000_000;

function newStore(clock = new ManualClock(T0)): MemoryStore {
  return new MemoryStore({ clock, activeExpire: false });
}

/** Runs a command, turning an error reply into its text (for assertions on error replies). */
function tryCommand(store: MemoryStore, name: string, ...args: Array<string | number>): ReplyValue | string {
  try {
    return store.command(name, ...args);
  } catch (err) {
    if (err instanceof ReplyError) return `ERR! ${err.message}`;
    throw err;
  }
}

function infoField(store: MemoryStore, section: string, field: string): string | undefined {
  const text = String(store.command('INFO', section));
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

// =============================================================================================
// Differential half: mnemo and Redis must give the same values.

/** A reply in one comparable form: bulk -> string, simple -> {simple}, error -> {err}, ... */
type Canon =
  | string
  | number
  | bigint
  | boolean
  | null
  | { simple: string }
  | { err: string }
  | { map: Array<[Canon, Canon]> }
  | Canon[];

function canonMnemo(v: ReplyValue): Canon {
  if (Buffer.isBuffer(v)) return v.latin1Slice();
  if (typeof v === 'string') return { simple: v };
  if (v instanceof ReplyError) return { err: v.message };
  if (Array.isArray(v)) return v.map(canonMnemo);
  if (v instanceof Map)
    return { map: [...v].map(([k, x]) => [canonMnemo(k), canonMnemo(x)] as [Canon, Canon]) };
  return v;
}

function canonRedis(v: RespValue): Canon {
  switch (v.type) {
    case 'simple':
      return { simple: v.value };
    case 'error':
      return { err: v.value };
    case 'int':
      return v.value >= -9007199254740991n && v.value <= 9007199254740991n ? Number(v.value) : v.value;
    case 'bulk':
    case 'verbatim':
      return v.value;
    case 'double':
      return v.value === 'inf' ? Infinity : v.value === '-inf' ? -Infinity : Number(v.value);
    case 'bool':
      return v.value;
    case 'bignum':
      return BigInt(v.value);
    case 'null':
    case 'nullbulk':
    case 'nullarray':
      return null;
    case 'array':
    case 'set':
    case 'push':
      return v.value.map(canonRedis);
    case 'map':
      return { map: v.value.map(([k, x]) => [canonRedis(k), canonRedis(x)] as [Canon, Canon]) };
    case 'attribute':
      return canonRedis(v.of);
  }
}

interface Step {
  cmd: string[];
  /** Normalises a reply before comparing (order of unordered collections, volatile fields). */
  norm?: (v: Canon) => Canon;
  /** Run on both sides but do not compare (setup whose reply legitimately differs). */
  skip?: boolean;
}

type Script = Array<string[] | Step>;

const sorted = (v: Canon): Canon => (Array.isArray(v) ? [...v].sort(compareCanon) : v);
/** SCAN's [cursor, keys]: sort the keys. */
const sortedScan = (v: Canon): Canon => (Array.isArray(v) && v.length === 2 ? [v[0]!, sorted(v[1]!)] : v);

function compareCanon(a: Canon, b: Canon): number {
  const x = inspect(a);
  const y = inspect(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const S = (cmd: string[], norm?: (v: Canon) => Canon): Step => (norm ? { cmd, norm } : { cmd });
/** HELLO's map with the connection id blanked (ids differ between two servers). */
const helloNorm = (v: Canon): Canon =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'map' in v
    ? { map: v.map.map(([k, x]) => [k, k === 'id' ? 0 : x] as [Canon, Canon]) }
    : v;

const SCRIPTS: Record<string, Script> = {
  'SET and its options': [
    ['SET', 'k', 'v'],
    ['GET', 'k'],
    ['GET', 'nokey'],
    ['SET', 'k', 'v2', 'GET'],
    ['SET', 'k', 'v3', 'NX'],
    ['SET', 'k', 'v3', 'XX'],
    ['GET', 'k'],
    ['SET', 'n', 'v', 'XX'],
    ['EXISTS', 'n'],
    ['SET', 'n2', 'v', 'NX', 'GET'],
    ['SET', 'n2', 'w', 'NX', 'GET'],
    ['SET', 'k', 'v', 'NX', 'XX'],
    ['SET', 'k', 'v', 'XX', 'NX'],
    ['SET', 'k', 'v', 'EX', '10', 'PX', '100'],
    ['SET', 'k', 'v', 'EX'],
    ['SET', 'k', 'v', 'EX', 'abc'],
    ['SET', 'k', 'v', 'EX', '0'],
    ['SET', 'k', 'v', 'EX', '-1'],
    ['SET', 'k', 'v', 'PX', '0'],
    ['SET', 'k', 'v', 'PX', '-5'],
    ['SET', 'k', 'v', 'EX', '9223372036854775807'],
    ['SET', 'k', 'v', 'EX', '9223372036854775'],
    ['SET', 'k', 'v', 'PX', '9223372036854775807'],
    ['SET', 'k', 'v', 'EXAT', '9223372036854775807'],
    ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
    ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
    ['SET', 'k', 'v', 'EX', '100', 'EX', '200'],
    ['TTL', 'k'],
    ['SET', 'k', 'v', 'KEEPTTL'],
    ['TTL', 'k'],
    ['SET', 'k', 'v'],
    ['TTL', 'k'],
    ['SET', 'k', 'v', 'PX', '100000'],
    ['TTL', 'k'],
    ['SET', 'k', 'v', 'FOO'],
    ['SET', 'k', 'v', 'GET', 'GET'],
    ['set', 'k', 'lower', 'get', 'ex', '50'],
    ['TTL', 'k'],
    ['RPUSH', 'list', 'a'],
    ['SET', 'list', 'v', 'GET'],
    ['TYPE', 'list'],
    ['SET', 'list', 'v'],
    ['TYPE', 'list'],
    ['SET', 'e', ''],
    ['GET', 'e'],
    ['STRLEN', 'e'],
  ],
  'SETNX, SETEX, PSETEX, GETSET, GETDEL': [
    ['SETNX', 'k', '1'],
    ['SETNX', 'k', '2'],
    ['GET', 'k'],
    ['SETEX', 'k', '100', 'x'],
    ['TTL', 'k'],
    ['SETEX', 'k', '0', 'x'],
    ['SETEX', 'k', '-10', 'x'],
    ['SETEX', 'k', 'abc', 'x'],
    ['PSETEX', 'k', '100000', 'y'],
    ['TTL', 'k'],
    ['PSETEX', 'k', '0', 'y'],
    ['GETSET', 'k', 'z'],
    ['TTL', 'k'],
    ['GETSET', 'new', 'z'],
    ['RPUSH', 'l', 'a'],
    ['GETSET', 'l', 'z'],
    ['GETDEL', 'k'],
    ['GETDEL', 'k'],
    ['GETDEL', 'l'],
    ['SET', 'n', '42'],
    ['GETDEL', 'n'],
  ],
  GETEX: [
    ['SET', 'k', 'v'],
    ['GETEX', 'k'],
    ['GETEX', 'k', 'EX', '100'],
    ['TTL', 'k'],
    ['GETEX', 'k', 'PX', '200000'],
    ['TTL', 'k'],
    ['GETEX', 'k', 'PERSIST'],
    ['TTL', 'k'],
    ['GETEX', 'k', 'EXAT', '33177117420'],
    ['EXPIRETIME', 'k'],
    ['GETEX', 'k', 'PXAT', '33177117420000'],
    ['PEXPIRETIME', 'k'],
    ['GETEX', 'k', 'PERSIST', 'EX', '10'],
    ['GETEX', 'k', 'EX', '10', 'PERSIST'],
    ['GETEX', 'k', 'EX', '0'],
    ['GETEX', 'k', 'EX', 'abc'],
    ['GETEX', 'k', 'KEEPTTL'],
    ['GETEX', 'k', 'NX'],
    ['GETEX', 'k', 'EX'],
    ['GETEX', 'missing', 'EX', '10'],
    ['GETEX', 'k', 'EXAT', '1'],
    ['EXISTS', 'k'],
    ['RPUSH', 'l', 'a'],
    ['GETEX', 'l'],
  ],
  'MGET, MSET, MSETNX': [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['MGET', 'a', 'b', 'c', 'missing'],
    ['RPUSH', 'l', 'x'],
    ['MGET', 'a', 'l'],
    ['MSET', 'a', '1', 'b'],
    ['MSETNX', 'x', '1', 'y', '2'],
    ['MSETNX', 'x', '1', 'z', '2'],
    ['EXISTS', 'z'],
    ['MSETNX', 'x', '1', 'y'],
    ['SET', 'ttl', 'v', 'EX', '100'],
    ['MSET', 'ttl', 'w'],
    ['TTL', 'ttl'],
    ['MSET', 'dup', '1', 'dup', '2'],
    ['GET', 'dup'],
  ],
  'APPEND, STRLEN, GETRANGE, SETRANGE': [
    ['APPEND', 'k', 'Hello'],
    ['APPEND', 'k', ' World'],
    ['GET', 'k'],
    ['STRLEN', 'k'],
    ['STRLEN', 'missing'],
    ['SET', 'n', '-123'],
    ['STRLEN', 'n'],
    ['APPEND', 'n', '45'],
    ['GET', 'n'],
    ['OBJECT', 'ENCODING', 'n'],
    ['GETRANGE', 'k', '0', '4'],
    ['GETRANGE', 'k', '-5', '-1'],
    ['GETRANGE', 'k', '5', '2'],
    ['GETRANGE', 'k', '-1', '-5'],
    ['GETRANGE', 'k', '0', '-100'],
    ['GETRANGE', 'k', '-100', '-1'],
    ['GETRANGE', 'k', '-100', '2'],
    ['GETRANGE', 'k', '100', '200'],
    ['GETRANGE', 'k', '0', '0'],
    ['GETRANGE', 'k', '10', '10'],
    ['GETRANGE', 'k', '11', '11'],
    ['GETRANGE', 'k', '9223372036854775807', '9223372036854775807'],
    ['GETRANGE', 'k', '-9223372036854775808', '9223372036854775807'],
    ['GETRANGE', 'k', '0', '9223372036854775808'],
    ['GETRANGE', 'k', 'a', '1'],
    ['GETRANGE', 'missing', '0', '-1'],
    ['GETRANGE', 'n', '1', '2'],
    ['SUBSTR', 'k', '0', '2'],
    ['SET', 'e', ''],
    ['GETRANGE', 'e', '0', '-1'],
    ['GETRANGE', 'e', '-1', '0'],
    ['SETRANGE', 'k', '6', 'Redis'],
    ['GET', 'k'],
    ['SETRANGE', 'k', '20', '!'],
    ['GET', 'k'],
    ['SETRANGE', 'new', '5', 'x'],
    ['GET', 'new'],
    ['SETRANGE', 'none', '3', ''],
    ['EXISTS', 'none'],
    ['SETRANGE', 'k', '3', ''],
    ['SETRANGE', 'k', '-1', 'x'],
    ['SETRANGE', 'k', 'abc', 'x'],
    ['SETRANGE', 'k', '536870912', 'x'],
    ['SETRANGE', 'k', '536870911', 'xx'],
    ['SET', 'i', '12345'],
    ['SETRANGE', 'i', '1', 'X'],
    ['GET', 'i'],
    ['OBJECT', 'ENCODING', 'i'],
    ['RPUSH', 'l', 'a'],
    ['APPEND', 'l', 'x'],
    ['STRLEN', 'l'],
    ['GETRANGE', 'l', '0', '1'],
    ['SETRANGE', 'l', '0', 'x'],
    ['SET', 'ttl', 'abc', 'EX', '100'],
    ['APPEND', 'ttl', 'def'],
    ['SETRANGE', 'ttl', '1', 'Z'],
    ['TTL', 'ttl'],
    ['GET', 'ttl'],
  ],
  'INCR, DECR, INCRBY, DECRBY': [
    ['INCR', 'c'],
    ['INCR', 'c'],
    ['DECR', 'c'],
    ['INCRBY', 'c', '100'],
    ['DECRBY', 'c', '50'],
    ['INCRBY', 'c', '-1000'],
    ['GET', 'c'],
    ['OBJECT', 'ENCODING', 'c'],
    ['SET', 'c', '9223372036854775806'],
    ['INCR', 'c'],
    ['INCR', 'c'],
    ['GET', 'c'],
    ['SET', 'c', '-9223372036854775807'],
    ['DECR', 'c'],
    ['DECR', 'c'],
    ['SET', 'c', '0'],
    ['DECRBY', 'c', '-9223372036854775808'],
    ['INCRBY', 'c', '-9223372036854775808'],
    ['INCRBY', 'c', '-1'],
    ['SET', 'c', '1'],
    ['INCRBY', 'c', '9223372036854775807'],
    ['INCRBY', 'c', '9223372036854775808'],
    ['INCRBY', 'c', 'abc'],
    ['INCRBY', 'c', '1.5'],
    ['INCRBY', 'c', ''],
    ['SET', 's', 'abc'],
    ['INCR', 's'],
    ['SET', 's', ' 1'],
    ['INCR', 's'],
    ['SET', 's', '1 '],
    ['INCR', 's'],
    ['SET', 's', '007'],
    ['INCR', 's'],
    ['SET', 's', '-0'],
    ['INCR', 's'],
    ['SET', 's', '+1'],
    ['INCR', 's'],
    ['SET', 's', '1.0'],
    ['INCR', 's'],
    ['SET', 's', '9007199254740993'],
    ['INCR', 's'],
    ['INCRBY', 's', '9007199254740993'],
    ['RPUSH', 'l', 'a'],
    ['INCR', 'l'],
    ['SET', 't', '5', 'EX', '100'],
    ['INCR', 't'],
    ['TTL', 't'],
    ['APPEND', 'a', '10'],
    ['INCR', 'a'],
    ['OBJECT', 'ENCODING', 'a'],
  ],
  INCRBYFLOAT: [
    ['SET', 'f', '10.5'],
    ['INCRBYFLOAT', 'f', '0.1'],
    ['INCRBYFLOAT', 'f', '-5'],
    ['INCRBYFLOAT', 'f', '5.0e3'],
    ['INCRBYFLOAT', 'f', '-5005.6'],
    ['GET', 'f'],
    ['INCRBYFLOAT', 'new', '3'],
    ['INCRBYFLOAT', 'f', 'inf'],
    ['INCRBYFLOAT', 'f', '-inf'],
    ['INCRBYFLOAT', 'f', 'nan'],
    ['INCRBYFLOAT', 'f', 'abc'],
    ['INCRBYFLOAT', 'f', ''],
    ['INCRBYFLOAT', 'f', '1e'],
    ['SET', 'f', '1e4932'],
    ['INCRBYFLOAT', 'f', '1e4932'],
    ['GET', 'f'],
    ['SET', 'f', 'abc'],
    ['INCRBYFLOAT', 'f', '1'],
    ['SET', 'i', '17'],
    ['INCRBYFLOAT', 'i', '0.5'],
    ['OBJECT', 'ENCODING', 'i'],
    ['INCRBYFLOAT', 'i', '1.7976931348623157e308'],
    ['RPUSH', 'l', 'a'],
    ['INCRBYFLOAT', 'l', '1'],
    ['SET', 't', '1', 'EX', '100'],
    ['INCRBYFLOAT', 't', '1.5'],
    ['TTL', 't'],
  ],
  LCS: [
    ['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'],
    ['LCS', 'key1', 'key2'],
    ['LCS', 'key1', 'key2', 'LEN'],
    ['LCS', 'key1', 'key2', 'IDX'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'],
    ['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'key1', 'key2', 'LEN', 'IDX'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN', '-5', 'IDX'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN', 'abc'],
    ['LCS', 'key1', 'key2', 'MINMATCHLEN'],
    ['LCS', 'key1', 'key2', 'FOO'],
    ['LCS', 'key1', 'missing'],
    ['LCS', 'missing', 'missing2', 'IDX'],
    ['LCS', 'missing', 'missing2', 'LEN'],
    ['RPUSH', 'l', 'a'],
    ['LCS', 'key1', 'l'],
    ['SET', 'n1', '12345'],
    ['SET', 'n2', '2345'],
    ['LCS', 'n1', 'n2', 'IDX', 'WITHMATCHLEN'],
  ],
  'DEL, UNLINK, EXISTS, TYPE, TOUCH': [
    ['MSET', 'a', '1', 'b', '2', 'c', '3'],
    ['EXISTS', 'a', 'a', 'missing', 'b'],
    ['DEL', 'a', 'missing', 'a'],
    ['UNLINK', 'b', 'c', 'd'],
    ['EXISTS', 'a', 'b', 'c'],
    ['SET', 's', 'x'],
    ['RPUSH', 'l', 'x'],
    ['SADD', 'set', 'x'],
    ['TYPE', 's'],
    ['TYPE', 'l'],
    ['TYPE', 'set'],
    ['TYPE', 'missing'],
    ['TOUCH', 's', 'l', 'missing', 's'],
  ],
  'EXPIRE family': [
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '100'],
    ['TTL', 'k'],
    ['EXPIRE', 'missing', '100'],
    ['EXPIRE', 'k', 'abc'],
    ['EXPIRE', 'k', '1.5'],
    ['EXPIRE', 'k', '200', 'NX'],
    ['EXPIRE', 'k', '200', 'XX'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', '100', 'GT'],
    ['EXPIRE', 'k', '300', 'GT'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', '400', 'LT'],
    ['EXPIRE', 'k', '50', 'LT'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', '50', 'NX', 'XX'],
    ['EXPIRE', 'k', '50', 'GT', 'LT'],
    ['EXPIRE', 'k', '50', 'NX', 'GT'],
    ['EXPIRE', 'k', '50', 'XX', 'GT'],
    ['EXPIRE', 'k', '50', 'FOO'],
    ['EXPIRE', 'k', '50', 'nx'],
    ['PERSIST', 'k'],
    ['PERSIST', 'k'],
    ['EXPIRE', 'k', '50', 'GT'],
    ['EXPIRE', 'k', '50', 'XX'],
    ['EXPIRE', 'k', '50', 'LT'],
    ['TTL', 'k'],
    ['PEXPIRE', 'k', '123456'],
    ['TTL', 'k'],
    ['EXPIRE', 'k', '9223372036854775807'],
    ['EXPIRE', 'k', '9223372036854775'],
    ['EXPIRE', 'k', '-9223372036854775808'],
    ['PEXPIRE', 'k', '9223372036854775807'],
    ['EXPIREAT', 'k', '9223372036854775807'],
    ['EXPIREAT', 'k', '33177117420'],
    ['EXPIRETIME', 'k'],
    ['PEXPIRETIME', 'k'],
    ['PEXPIREAT', 'k', '33177117420123'],
    ['PEXPIRETIME', 'k'],
    ['EXPIRETIME', 'k'],
    ['EXPIRE', 'k', '0'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', '-1'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['EXPIREAT', 'k', '1'],
    ['EXISTS', 'k'],
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', '0'],
    ['EXISTS', 'k'],
    ['TTL', 'missing'],
    ['PTTL', 'missing'],
    ['EXPIRETIME', 'missing'],
    ['PEXPIRETIME', 'missing'],
    ['SET', 'p', 'v'],
    ['TTL', 'p'],
    ['PTTL', 'p'],
    ['EXPIRETIME', 'p'],
    ['PEXPIRETIME', 'p'],
    ['PERSIST', 'missing'],
  ],
  'RENAME, RENAMENX': [
    ['RENAME', 'missing', 'x'],
    ['RENAMENX', 'missing', 'x'],
    ['SET', 'a', '1', 'EX', '100'],
    ['RENAME', 'a', 'a'],
    ['RENAMENX', 'a', 'a'],
    ['RENAME', 'a', 'b'],
    ['EXISTS', 'a'],
    ['TTL', 'b'],
    ['SET', 'c', '3'],
    ['RENAMENX', 'b', 'c'],
    ['RENAMENX', 'b', 'd'],
    ['SET', 'e', '5', 'EX', '500'],
    ['RENAME', 'c', 'e'],
    ['TTL', 'e'],
    ['GET', 'e'],
    ['RPUSH', 'l', 'x', 'y'],
    ['RENAME', 'l', 'l2'],
    ['LRANGE', 'l2', '0', '-1'],
  ],
  'KEYS, SCAN errors, RANDOMKEY, DBSIZE, FLUSHDB': [
    ['RANDOMKEY'],
    ['DBSIZE'],
    ['MSET', 'user:1', 'a', 'user:2', 'b', 'other', 'c', 'u*er', 'd'],
    ['RPUSH', 'user:list', 'x'],
    S(['KEYS', '*'], sorted),
    S(['KEYS', 'user:*'], sorted),
    S(['KEYS', 'u\\*er'], sorted),
    S(['KEYS', 'nomatch*'], sorted),
    S(['SCAN', '0', 'COUNT', '1000'], sortedScan),
    S(['SCAN', '0', 'COUNT', '1000', 'MATCH', 'user:*'], sortedScan),
    S(['SCAN', '0', 'COUNT', '1000', 'TYPE', 'list'], sortedScan),
    S(['SCAN', '0', 'COUNT', '1000', 'TYPE', 'LIST'], sortedScan),
    S(['SCAN', '0', 'COUNT', '1000', 'TYPE', 'nosuchtype'], sortedScan),
    S(['SCAN', '0', 'MATCH', 'other', 'COUNT', '1000', 'MATCH', 'user:1'], sortedScan),
    ['SCAN', 'abc'],
    ['SCAN', '-1x'],
    ['SCAN', '18446744073709551616'],
    ['SCAN', '0', 'COUNT', '0'],
    ['SCAN', '0', 'COUNT', '-1'],
    ['SCAN', '0', 'COUNT', 'abc'],
    ['SCAN', '0', 'COUNT'],
    ['SCAN', '0', 'MATCH'],
    ['SCAN', '0', 'FOO', 'bar'],
    ['DBSIZE'],
    ['FLUSHDB', 'FOO'],
    ['FLUSHDB', 'ASYNC', 'SYNC'],
    ['FLUSHDB', 'sync'],
    ['DBSIZE'],
    ['RANDOMKEY'],
    ['SET', 'only', '1'],
    ['RANDOMKEY'],
    ['FLUSHALL', 'ASYNC'],
    ['FLUSHALL', 'FOO'],
    ['DBSIZE'],
  ],
  'COPY, MOVE, SWAPDB, SELECT': [
    ['SET', 'src', 'v', 'EX', '100'],
    ['COPY', 'src', 'dst'],
    ['TTL', 'dst'],
    ['COPY', 'src', 'dst'],
    ['COPY', 'src', 'dst', 'REPLACE'],
    ['COPY', 'src', 'src'],
    ['COPY', 'src', 'src', 'DB', '1'],
    ['COPY', 'src', 'x', 'DB', '99'],
    ['COPY', 'src', 'x', 'DB', '-1'],
    ['COPY', 'src', 'x', 'DB', 'abc'],
    ['COPY', 'src', 'x', 'DB'],
    ['COPY', 'src', 'x', 'FOO'],
    ['COPY', 'missing', 'x'],
    ['RPUSH', 'list', 'a', 'b'],
    ['COPY', 'list', 'list2'],
    ['RPUSH', 'list2', 'c'],
    ['LRANGE', 'list', '0', '-1'],
    ['LRANGE', 'list2', '0', '-1'],
    ['SADD', 'set', '1', '2', '3'],
    ['COPY', 'set', 'set2'],
    ['SADD', 'set2', 'x'],
    ['SCARD', 'set'],
    ['OBJECT', 'ENCODING', 'set'],
    ['OBJECT', 'ENCODING', 'set2'],
    ['APPEND', 'raw', 'abc'],
    ['COPY', 'raw', 'raw2'],
    ['APPEND', 'raw2', 'def'],
    ['GET', 'raw'],
    ['GET', 'raw2'],
    ['MOVE', 'src', '1'],
    ['EXISTS', 'src'],
    ['MOVE', 'src', '1'],
    ['MOVE', 'dst', '0'],
    ['MOVE', 'dst', '99'],
    ['MOVE', 'dst', 'abc'],
    ['SET', 'clash', 'a'],
    ['SELECT', '1'],
    ['TTL', 'src'],
    ['TTL', 'src'],
    ['SET', 'clash', 'b'],
    ['SELECT', '0'],
    ['MOVE', 'clash', '1'],
    ['GET', 'clash'],
    ['SWAPDB', '0', '1'],
    ['GET', 'clash'],
    ['TTL', 'src'],
    ['SWAPDB', '0', '0'],
    ['SWAPDB', '0', '99'],
    ['SWAPDB', '-1', '0'],
    ['SWAPDB', 'a', '0'],
    ['SWAPDB', '0', 'b'],
    ['SWAPDB', '0', '2147483648'],
    ['SELECT', '16'],
    ['SELECT', '-1'],
    ['SELECT', 'abc'],
    ['SELECT', '2147483648'],
    ['SELECT', '15'],
    ['DBSIZE'],
    ['SELECT', '0'],
  ],
  'OBJECT and encodings': [
    ['SET', 'k', '123'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', '-9223372036854775808'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', '9223372036854775808'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', '12345678901234567890'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', '0123'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', 'abc'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', 'x'.repeat(44)],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', 'x'.repeat(45)],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', 'abc'],
    ['APPEND', 'k', 'd'],
    ['OBJECT', 'ENCODING', 'k'],
    ['SET', 'k', '10'],
    ['SETRANGE', 'k', '0', '2'],
    ['OBJECT', 'ENCODING', 'k'],
    ['INCR', 'k'],
    ['OBJECT', 'ENCODING', 'k'],
    ['OBJECT', 'REFCOUNT', 'k'],
    ['SET', 'big', '12345'],
    ['OBJECT', 'REFCOUNT', 'big'],
    ['SET', 'str', 'hello'],
    ['OBJECT', 'REFCOUNT', 'str'],
    ['OBJECT', 'IDLETIME', 'str'],
    ['OBJECT', 'FREQ', 'str'],
    ['OBJECT', 'ENCODING', 'missing'],
    ['OBJECT', 'REFCOUNT', 'missing'],
    ['OBJECT', 'IDLETIME', 'missing'],
    ['OBJECT', 'FOO', 'k'],
    ['OBJECT', 'ENCODING'],
    ['OBJECT', 'ENCODING', 'a', 'b'],
    ['OBJECT', 'HELP'],
    ['object', 'encoding', 'str'],
    ['RPUSH', 'l', 'a'],
    ['OBJECT', 'ENCODING', 'l'],
    ['SADD', 's', '1', '2', '-3'],
    ['OBJECT', 'ENCODING', 's'],
    ['SADD', 's', 'a'],
    ['OBJECT', 'ENCODING', 's'],
    ['SREM', 's', 'a'],
    ['OBJECT', 'ENCODING', 's'],
    ['SADD', 's2', 'a', '1'],
    ['OBJECT', 'ENCODING', 's2'],
    ['SADD', 's3', '9223372036854775807', '-9223372036854775808'],
    ['OBJECT', 'ENCODING', 's3'],
    ['SADD', 's4', '9223372036854775808'],
    ['OBJECT', 'ENCODING', 's4'],
    ['SADD', 's5', '01'],
    ['OBJECT', 'ENCODING', 's5'],
    ['INCRBYFLOAT', 'fl', '1.5'],
    ['OBJECT', 'ENCODING', 'fl'],
  ],
  lists: [
    ['LPUSH', 'l', 'a', 'b', 'c'],
    ['RPUSH', 'l', 'd', 'e'],
    ['LRANGE', 'l', '0', '-1'],
    ['LLEN', 'l'],
    ['LPUSHX', 'missing', 'a'],
    ['RPUSHX', 'missing', 'a'],
    ['EXISTS', 'missing'],
    ['LPUSHX', 'l', 'x', 'y'],
    ['RPUSHX', 'l', 'z'],
    ['LRANGE', 'l', '0', '-1'],
    ['LRANGE', 'l', '1', '2'],
    ['LRANGE', 'l', '-3', '-1'],
    ['LRANGE', 'l', '5', '2'],
    ['LRANGE', 'l', '-100', '100'],
    ['LRANGE', 'l', '100', '200'],
    ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'],
    ['LRANGE', 'l', 'a', '1'],
    ['LRANGE', 'missing', '0', '-1'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '100'],
    ['LINDEX', 'l', '-100'],
    ['LINDEX', 'l', 'abc'],
    ['LINDEX', 'missing', '0'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '2'],
    ['RPOP', 'l', '2'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'],
    ['RPOP', 'l', '-1'],
    ['LPOP', 'missing'],
    ['LPOP', 'missing', '2'],
    ['LPOP', 'missing', '0'],
    ['RPOP', 'missing', '2'],
    ['LPOP', 'l', '100'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'only'],
    ['RPOP', 'l'],
    ['EXISTS', 'l'],
    ['LPOP', 'l', '1', '2'],
    ['SET', 's', 'x'],
    ['LPUSH', 's', 'a'],
    ['RPUSH', 's', 'a'],
    ['LPUSHX', 's', 'a'],
    ['LPOP', 's'],
    ['LRANGE', 's', '0', '1'],
    ['LLEN', 's'],
    ['LINDEX', 's', '0'],
    ['LLEN', 'missing'],
    ['RPUSH', 'bin', '\0\r\n', '\xff'],
    ['LRANGE', 'bin', '0', '-1'],
  ],
  sets: [
    ['SADD', 's', 'a', 'b', 'c', 'a'],
    ['SADD', 's', 'a'],
    ['SCARD', 's'],
    S(['SMEMBERS', 's'], sorted),
    ['SISMEMBER', 's', 'a'],
    ['SISMEMBER', 's', 'z'],
    ['SISMEMBER', 'missing', 'a'],
    ['SMISMEMBER', 's', 'a', 'z', 'b'],
    ['SMISMEMBER', 'missing', 'a'],
    ['SREM', 's', 'a', 'z'],
    ['SREM', 'missing', 'a'],
    ['SREM', 's', 'b', 'c'],
    ['EXISTS', 's'],
    ['SMEMBERS', 'missing'],
    ['SCARD', 'missing'],
    ['SADD', 'ints', '5', '-1', '10', '3', '100', '-20'],
    ['SMEMBERS', 'ints'],
    ['SET', 'str', 'x'],
    ['SADD', 'str', 'a'],
    ['SREM', 'str', 'a'],
    ['SMEMBERS', 'str'],
    ['SISMEMBER', 'str', 'a'],
    ['SMISMEMBER', 'str', 'a'],
    ['SCARD', 'str'],
    ['SADD', 'bin', '\0', '\xff', ''],
    S(['SMEMBERS', 'bin'], sorted),
    ['SISMEMBER', 'bin', ''],
  ],
  connection: [
    ['PING'],
    ['PING', 'hello'],
    ['PING', 'a', 'b'],
    ['ECHO', 'x\r\ny'],
    ['ECHO'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'my-conn'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'has space'],
    ['CLIENT', 'SETNAME', 'nl\n'],
    ['CLIENT', 'SETNAME', ''],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'FOO'],
    ['CLIENT', 'KILL', 'ID', '0'],
    ['CLIENT', 'KILL', 'ID', 'abc'],
    ['CLIENT', 'KILL', 'FOO', 'bar'],
    ['CLIENT', 'KILL', 'TYPE', 'nosuch'],
    ['CLIENT', 'KILL', 'USER', 'nosuchuser'],
    ['CLIENT', 'KILL', '1.2.3.4:5'],
    ['CLIENT', 'LIST', 'TYPE', 'nosuch'],
    ['CLIENT', 'LIST', 'FOO'],
    ['CLIENT', 'LIST', 'ID', 'abc'],
    ['AUTH', 'pass'],
    ['AUTH', 'default', 'pass'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '4'],
    ['HELLO', '1'],
    ['HELLO', 'abc'],
    ['HELLO', '3', 'FOO'],
    ['HELLO', '3', 'AUTH', 'default'],
    ['HELLO', '3', 'SETNAME', 'bad name'],
    S(['HELLO', '3', 'AUTH', 'default', 'anything'], helloNorm),
    ['SELECT', '3'],
    ['SET', 'db3', 'x'],
    ['RESET'],
    ['GET', 'db3'],
  ],
};

/** Random string pairs for LCS (small alphabet, so matches abound). */
function lcsScript(): Script {
  let seed = 99;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const str = () => {
    let s = '';
    const len = Math.floor(rnd() * 40);
    for (let i = 0; i < len; i++) s += 'ACGT'[Math.floor(rnd() * 4)];
    return s;
  };
  const out: Script = [];
  for (let i = 0; i < 40; i++) {
    out.push(['MSET', 'a', str(), 'b', str()]);
    out.push(['LCS', 'a', 'b']);
    out.push(['LCS', 'a', 'b', 'LEN']);
    out.push(['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN']);
    out.push(['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', String(Math.floor(rnd() * 4))]);
  }
  return out;
}

describe('families vs a real redis-server (RESP3 values)', () => {
  let redis: RedisServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  async function runScript(script: Script): Promise<void> {
    const steps: Step[] = script.map((s) => (Array.isArray(s) ? { cmd: s } : s));
    const theirs = await sendCommands(
      redis!.port,
      [['FLUSHALL'], ['SELECT', '0'], ['CLIENT', 'SETNAME', ''], ...steps.map((s) => s.cmd)],
      { resp: 3 },
    );
    // Redis runs at the wall clock; so does this store's (frozen) clock, close enough for TTLs in seconds.
    const store = newStore(new ManualClock(Date.now()));
    const failures: string[] = [];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      let ours: Canon;
      try {
        ours = canonMnemo(
          store.commandBuffer(step.cmd[0]!, ...step.cmd.slice(1).map((a) => Buffer.from(a, 'latin1'))),
        );
      } catch (err) {
        if (!(err instanceof ReplyError)) throw err;
        ours = { err: err.message };
      }
      if (step.skip) continue;
      let expected = canonRedis(theirs[i + 3]!);
      if (step.norm) {
        ours = step.norm(ours);
        expected = step.norm(expected);
      }
      if (!isDeepStrictEqual(ours, expected)) {
        failures.push(
          `${inspect(step.cmd.map((a) => (a.length > 60 ? `${a.slice(0, 60)}...` : a)))}\n` +
            `    mnemo: ${inspect(ours, { depth: 6, breakLength: 200 })}\n` +
            `    redis: ${inspect(expected, { depth: 6, breakLength: 200 })}`,
        );
      }
    }
    store.close();
    assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
  }

  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(name, () => runScript(script));
  }

  it('LCS on random string pairs, every option', () => runScript(lcsScript()));

  it('arity errors of every command of these families, exact text', async () => {
    const store = newStore();
    const families = new Set(['string', 'generic', 'list', 'set', 'connection']);
    const script: Script = [];
    for (const cmd of store.instance.commands.all) {
      if (!families.has(cmd.group)) continue;
      const variants: string[][] = [];
      const name = cmd.name.toUpperCase();
      if (cmd.arity > 0) {
        variants.push(Array.from({ length: cmd.arity - 1 }, (_, i) => (i === 0 ? name : `a${i}`)));
        variants.push(Array.from({ length: cmd.arity + 1 }, (_, i) => (i === 0 ? name : `a${i}`)));
      } else if (cmd.arity < -1) {
        variants.push(Array.from({ length: -cmd.arity - 1 }, (_, i) => (i === 0 ? name : `a${i}`)));
      }
      for (const sub of cmd.subs?.values() ?? []) {
        const subName = sub.name.slice(sub.name.indexOf('|') + 1).toUpperCase();
        const base = [name, subName];
        if (sub.arity > 2)
          variants.push(base.concat(Array.from({ length: sub.arity - 3 }, (_, i) => `a${i}`)));
        if (sub.arity > 0)
          variants.push(base.concat(Array.from({ length: sub.arity - 1 }, (_, i) => `a${i}`)));
        else if (sub.arity < -2)
          variants.push(base.concat(Array.from({ length: -sub.arity - 3 }, (_, i) => `a${i}`)));
      }
      for (const v of variants) if (v.length >= 1) script.push(v);
    }
    store.close();
    assert.ok(script.length > 60, `only ${script.length} arity cases`);
    await runScript(script);
  });

  it('CLIENT HELP lists a subset of the Redis lines, in the same order', async () => {
    // mnemo lists only the subcommands it implements.
    const [theirs] = await sendCommands(redis!.port, [['CLIENT', 'HELP']], { resp: 3 });
    const redisLines = (canonRedis(theirs!) as Array<{ simple: string }>).map((l) => l.simple);
    const store = newStore();
    const ours = store.command('CLIENT', 'HELP') as string[];
    store.close();
    assert.equal(ours[0], redisLines[0]);
    let at = 0;
    for (const line of ours) {
      const found = redisLines.indexOf(line, at);
      assert.ok(found >= 0, `${JSON.stringify(line)} is not in the Redis CLIENT HELP (after line ${at})`);
      at = found + 1;
    }
    assert.ok(ours.includes('SETNAME <name>') && ours.includes('HELP'));
  });

  it('unknown commands and subcommands, with the odd bytes Redis prints', () =>
    runScript([
      ['NOSUCHCOMMAND'],
      ['NOSUCHCOMMAND', 'a', 'b'],
      ['nosuch', 'x'.repeat(200)],
      ['nosuch', 'a'.repeat(100), 'b'.repeat(100)],
      ['x'.repeat(200)],
      ['GETT', 'k'],
      // Not 'GET\0': Redis compares command names with strcasecmp, which stops at the NUL, so
      // whether it runs GET depends on where its randomly seeded hash puts the name (about one
      // run in three here). A NUL that cannot end in a command name is answered the same way.
      ['NO\0SUCH', 'a\0b', 'c\r\nd'],
      ['OBJECT', 'FO\0O', 'k'],
      ['OBJECT', 'a\r\nb'],
      ['CLIENT', 'x'.repeat(200)],
    ]));
});

// =============================================================================================
// In-process half, with an injected clock.

describe('TTLs with an injected clock', () => {
  it('SET EX 10: alive at 9999 ms (PTTL 1), gone at 10001 ms, counted as expired', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    assert.equal(store.command('SET', 'k', 'v', 'EX', 10), 'OK');
    assert.equal(store.command('TTL', 'k'), 10);
    assert.equal(store.command('PTTL', 'k'), 10_000);
    assert.equal(store.command('EXPIRETIME', 'k'), T0 / 1000 + 10);
    assert.equal(store.command('PEXPIRETIME', 'k'), T0 + 10_000);
    clock.advance(9999);
    assert.equal(store.command('GET', 'k'), 'v');
    assert.equal(store.command('PTTL', 'k'), 1);
    assert.equal(store.command('TTL', 'k'), 0);
    clock.advance(1);
    assert.equal(store.command('PTTL', 'k'), 0, 'at its expire time exactly a key still lives');
    assert.equal(store.stats().expired, 0);
    clock.advance(1);
    assert.equal(store.command('GET', 'k'), null);
    assert.equal(store.command('PTTL', 'k'), -2);
    assert.equal(store.stats().expired, 1);
    assert.equal(infoField(store, 'stats', 'expired_keys'), '1');
    store.close();
  });

  it('TTL rounds to the nearest second, as Redis does', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'k', 'v', 'PX', 10_499);
    assert.equal(store.command('TTL', 'k'), 10);
    store.command('SET', 'k', 'v', 'PX', 10_500);
    assert.equal(store.command('TTL', 'k'), 11);
    store.command('SET', 'k', 'v', 'PX', 1);
    assert.equal(store.command('TTL', 'k'), 0);
    store.close();
  });

  it('SET PXAT / EXAT and EXPIREAT in the past or present', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'k', 'v', 'PXAT', T0 + 5);
    assert.equal(store.command('PTTL', 'k'), 5);
    store.command('SET', 'k', 'v', 'EXAT', T0 / 1000 + 7);
    assert.equal(store.command('PTTL', 'k'), 7000);
    // An absolute time already passed: SET stores it and the key is gone on the next access.
    store.command('SET', 'old', 'v', 'PXAT', T0 - 1);
    assert.equal(store.command('EXISTS', 'old'), 0);
    store.command('SET', 'now', 'v');
    assert.equal(store.command('PEXPIREAT', 'now', T0), 1);
    assert.equal(store.command('EXISTS', 'now'), 0, 'PEXPIREAT at the current instant deletes');
    store.command('SET', 'soon', 'v');
    assert.equal(store.command('PEXPIREAT', 'soon', T0 + 1), 1);
    assert.equal(store.command('PTTL', 'soon'), 1);
    store.close();
  });

  it('SET on a dead key expires it first: counted, and KEEPTTL does not revive its time', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'k', 'old', 'PX', 100);
    clock.advance(101);
    assert.equal(store.command('SET', 'k', 'new', 'KEEPTTL'), 'OK');
    assert.equal(store.command('GET', 'k'), 'new');
    assert.equal(store.command('TTL', 'k'), -1);
    assert.equal(store.stats().expired, 1);
    store.command('MSET', 'm', '1');
    store.command('PEXPIRE', 'm', 5);
    clock.advance(6);
    store.command('MSET', 'm', '2');
    assert.equal(store.stats().expired, 2);
    assert.equal(store.command('GET', 'm'), '2');
    store.close();
  });

  it('negative and huge TTLs', () => {
    const store = newStore();
    store.command('SET', 'k', 'v');
    assert.equal(store.command('EXPIRE', 'k', -100), 1);
    assert.equal(store.command('EXISTS', 'k'), 0);
    assert.equal(store.stats().expired, 0, 'EXPIRE in the past is a delete, not an expiry');
    store.command('SET', 'k', 'v');
    assertError(store, "ERR invalid expire time in 'expire' command", 'EXPIRE', 'k', '9223372036854775807');
    assertError(store, "ERR invalid expire time in 'pexpire' command", 'PEXPIRE', 'k', '9223372036854775807');
    assertError(store, "ERR invalid expire time in 'set' command", 'SET', 'k', 'v', 'EX', '-1');
    assertError(
      store,
      "ERR invalid expire time in 'set' command",
      'SET',
      'k',
      'v',
      'PX',
      '9223372036854775807',
    );
    assertError(store, "ERR invalid expire time in 'setex' command", 'SETEX', 'k', '0', 'v');
    assertError(store, "ERR invalid expire time in 'psetex' command", 'PSETEX', 'k', '-1', 'v');
    assert.equal(store.command('EXPIRE', 'k', 3_000_000_000), 1);
    assert.equal(store.command('TTL', 'k'), 3_000_000_000);
    assert.equal(store.command('PEXPIRE', 'k', 2 ** 52), 1);
    assert.equal(store.command('PTTL', 'k'), 2 ** 52);
    store.close();
  });

  it('lazy expiry: a dead key stays in the table until touched, then is deleted on access', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    for (let i = 0; i < 10; i++) store.command('SET', `k${i}`, 'v', 'PX', 100);
    store.command('SET', 'forever', 'v');
    clock.advance(101);
    assert.equal(store.stats().keys, 11, 'nothing removes them without an access or a cycle');
    assert.equal(store.command('DBSIZE'), 11, 'DBSIZE counts keys not yet reclaimed, as in Redis');
    assert.equal(store.command('GET', 'k0'), null);
    assert.equal(store.command('EXISTS', 'k1', 'k2'), 0);
    assert.equal(store.command('TTL', 'k3'), -2);
    assert.equal(store.command('DEL', 'k4'), 0, 'DEL of an expired key deletes nothing');
    assert.equal(store.command('SET', 'k5', 'new'), 'OK');
    assert.equal(store.command('TTL', 'k5'), -1);
    const keys = (store.command('KEYS', '*') as string[]).sort();
    assert.deepEqual(keys, ['forever', 'k5']);
    assert.equal(store.stats().expired, 6);
    assert.equal(store.stats().keys, 6, 'KEYS hides the dead ones but does not reclaim them');
    store.close();
  });

  it('the active cycle removes dead keys without any access', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    for (let i = 0; i < 100; i++) store.command('SET', `k${i}`, 'v', 'PX', 1000);
    for (let i = 0; i < 50; i++) store.command('SET', `live${i}`, 'v', 'EX', 1000);
    clock.advance(999);
    store.activeExpireCycle();
    assert.equal(store.stats().keys, 150, 'nothing is due yet');
    clock.advance(2);
    store.activeExpireCycle();
    assert.equal(store.stats().keys, 50);
    assert.equal(store.stats().keysWithTtl, 50);
    assert.equal(store.stats().expired, 100);
    assert.equal(store.command('EXISTS', 'live7'), 1);
    store.close();
  });

  it('10,000 keys with TTL: the cycle is incremental but converges', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    const n = 10_000;
    // A tenth of the keys die: below the 10% staleness Redis accepts, so each cycle stops early.
    for (let i = 0; i < n; i++) store.command('SET', `k${i}`, 'v', 'PX', i % 10 === 0 ? 100 : 1_000_000);
    clock.advance(200);
    store.activeExpireCycle();
    const afterOne = store.stats().expired;
    assert.ok(afterOne < n / 10, `one cycle expired ${afterOne} of ${n / 10}: it must not sweep everything`);
    let cycles = 1;
    while (store.stats().expired < n / 10 && cycles < 5000) {
      store.activeExpireCycle();
      cycles++;
    }
    assert.equal(store.stats().expired, n / 10, `after ${cycles} cycles`);
    assert.equal(store.stats().keys, n - n / 10);
    assert.ok(cycles > 1, 'it took several cycles');

    // All dead: each cycle keeps going while most samples are stale, so few cycles are needed.
    clock.advance(2_000_000);
    let more = 0;
    while (store.stats().keys > 0 && more < 200) {
      store.activeExpireCycle();
      more++;
    }
    assert.equal(store.stats().keys, 0, `after ${more} more cycles`);
    assert.equal(store.stats().expired, n);
    assert.equal(infoField(store, 'stats', 'expired_keys'), String(n));
    store.close();
  });

  it('expired keys are invisible to SCAN, RANDOMKEY, COPY, MOVE, RENAME, TYPE', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'dead', 'v', 'PX', 10);
    store.command('SET', 'alive', 'v');
    clock.advance(11);
    const [cursor, keys] = store.command('SCAN', 0, 'COUNT', 100) as [string, string[]];
    assert.equal(cursor, '0');
    assert.deepEqual(keys, ['alive']);
    store.command('SET', 'dead2', 'v', 'PX', 10);
    clock.advance(11);
    for (let i = 0; i < 50; i++) assert.equal(store.command('RANDOMKEY'), 'alive');
    store.command('SET', 'dead3', 'v', 'PX', 10);
    clock.advance(11);
    assert.equal(store.command('COPY', 'dead3', 'x'), 0);
    assert.equal(store.command('MOVE', 'dead3', 1), 0);
    assertError(store, 'ERR no such key', 'RENAME', 'dead3', 'x');
    assert.equal(store.command('TYPE', 'dead3'), 'none');
    store.command('DEL', 'alive');
    assert.equal(store.command('RANDOMKEY'), null);
    store.close();
  });
});

describe('SCAN and RANDOMKEY over many keys', () => {
  it('a full SCAN iteration returns every key, with MATCH, COUNT and TYPE', () => {
    const store = newStore();
    const all = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const k = `user:${i}`;
      store.command('SET', k, 'v');
      all.add(k);
    }
    for (let i = 0; i < 300; i++) {
      store.command('RPUSH', `list:${i}`, 'x');
      all.add(`list:${i}`);
    }
    for (let i = 0; i < 200; i++) {
      store.command('SADD', `set:${i}`, 'x');
      all.add(`set:${i}`);
    }
    const scan = (...opts: Array<string | number>) => {
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, keys] = store.command('SCAN', cursor, ...opts) as [string, string[]];
        for (const k of keys) seen.add(k);
        cursor = next;
        calls++;
        assert.ok(calls < 100_000);
      } while (cursor !== '0');
      return { seen, calls };
    };
    const plain = scan();
    assert.deepEqual([...plain.seen].sort(), [...all].sort());
    assert.ok(plain.calls > 50, `COUNT 10 takes many calls (${plain.calls})`);
    const big = scan('COUNT', 5000);
    assert.equal(big.seen.size, all.size);
    assert.ok(big.calls <= 2, `COUNT 5000 needs ${big.calls} calls`);
    const lists = scan('TYPE', 'list');
    assert.equal(lists.seen.size, 300);
    for (const k of lists.seen) assert.ok(k.startsWith('list:'));
    const sets = scan('MATCH', 'set:1*', 'TYPE', 'set', 'COUNT', 50);
    assert.deepEqual([...sets.seen].sort(), [...all].filter((k) => /^set:1/.test(k)).sort());
    const none = scan('MATCH', 'user:*', 'TYPE', 'list');
    assert.equal(none.seen.size, 0);
    store.close();
  });

  it('SCAN keeps its guarantee while keys are added and removed during the iteration', () => {
    const store = newStore();
    for (let i = 0; i < 500; i++) store.command('SET', `stable:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, keys] = store.command('SCAN', cursor, 'COUNT', 20) as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      if (round < 60) for (let i = 0; i < 100; i++) store.command('SET', `tmp:${round}:${i}`, 'v');
      else if (round < 120) for (let i = 0; i < 100; i++) store.command('DEL', `tmp:${round - 60}:${i}`);
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 500; i++) assert.ok(seen.has(`stable:${i}`), `missed stable:${i}`);
    store.close();
  });

  it('RANDOMKEY returns every key sooner or later, and only live ones', () => {
    const store = newStore();
    for (let i = 0; i < 20; i++) store.command('SET', `k${i}`, 'v');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(store.command('RANDOMKEY') as string);
    assert.equal(seen.size, 20);
    store.close();
  });
});

describe('COPY, MOVE and SWAPDB with TTLs', () => {
  it('COPY keeps the TTL (to another db too) and copies deeply', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 's', 'v', 'PX', 5000);
    assert.equal(store.command('COPY', 's', 'd'), 1);
    assert.equal(store.command('PTTL', 'd'), 5000);
    assert.equal(store.command('COPY', 's', 'd', 'DB', 2), 1);
    store.command('SELECT', 2);
    assert.equal(store.command('PTTL', 'd'), 5000);
    store.command('SELECT', 0);
    store.command('RPUSH', 'l', 'a');
    store.command('COPY', 'l', 'l2');
    store.command('LPUSH', 'l2', 'b');
    assert.deepEqual(store.command('LRANGE', 'l', 0, -1), ['a']);
    clock.advance(5001);
    assert.equal(store.command('EXISTS', 's', 'd'), 0);
    store.command('SELECT', 2);
    assert.equal(store.command('EXISTS', 'd'), 0);
    store.close();
  });

  it('MOVE carries the TTL and the key still expires in its new db', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'k', 'v', 'PX', 3000);
    assert.equal(store.command('MOVE', 'k', 3), 1);
    assert.equal(store.command('EXISTS', 'k'), 0);
    store.command('SELECT', 3);
    assert.equal(store.command('PTTL', 'k'), 3000);
    clock.advance(3001);
    assert.equal(store.command('GET', 'k'), null);
    assert.equal(store.stats().expired, 1);
    store.close();
  });

  it('SWAPDB swaps keys with their TTLs; the active cycle follows the swapped tables', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.command('SET', 'a', 'in0', 'PX', 1000);
    store.command('SELECT', 1);
    store.command('SET', 'b', 'in1', 'PX', 2000);
    store.command('SELECT', 0);
    assert.equal(store.command('SWAPDB', 0, 1), 'OK');
    assert.equal(store.command('GET', 'b'), 'in1');
    assert.equal(store.command('PTTL', 'b'), 2000);
    assert.equal(store.command('GET', 'a'), null);
    store.command('SELECT', 1);
    assert.equal(store.command('PTTL', 'a'), 1000);
    clock.advance(1500);
    store.activeExpireCycle();
    assert.equal(store.stats().keys, 1);
    store.command('SELECT', 0);
    assert.equal(store.command('GET', 'b'), 'in1');
    clock.advance(1000);
    store.activeExpireCycle();
    assert.equal(store.stats().keys, 0);
    store.close();
  });
});

describe('encodings', () => {
  const enc = (store: MemoryStore, key: string) => store.command('OBJECT', 'ENCODING', key);

  it('a set is an intset up to set-max-intset-entries (512) integers, then a hashtable for good', () => {
    const store = newStore();
    const members: string[] = [];
    for (let i = 512; i >= 1; i--) members.push(String(i * 3 - 700));
    store.command('SADD', 's', ...members);
    assert.equal(enc(store, 's'), 'intset');
    // An intset lists its members in ascending order.
    const listed = (store.command('SMEMBERS', 's') as string[]).map(Number);
    assert.deepEqual(
      listed,
      [...listed].sort((a, b) => a - b),
    );
    store.command('SADD', 's', '100000');
    assert.equal(enc(store, 's'), 'hashtable');
    store.command('SREM', 's', '100000');
    assert.equal(enc(store, 's'), 'hashtable', 'Redis never converts back');
    store.command('SADD', 't', '1', '2');
    store.command('SADD', 't', 'x');
    assert.equal(enc(store, 't'), 'hashtable');
    const small = new MemoryStore({
      clock: new ManualClock(T0),
      activeExpire: false,
      config: { 'set-max-intset-entries': 4 },
    });
    small.command('SADD', 's', '1', '2', '3', '4');
    assert.equal(enc(small, 's'), 'intset');
    small.command('SADD', 's', '5');
    assert.equal(enc(small, 's'), 'hashtable');
    small.close();
    store.close();
  });

  it('strings: int, embstr (<= 44 bytes), raw, and what edits turn them into', () => {
    const store = newStore();
    store.command('SET', 'k', '-42');
    assert.equal(enc(store, 'k'), 'int');
    store.command('SET', 'k', 'x'.repeat(44));
    assert.equal(enc(store, 'k'), 'embstr');
    store.command('SET', 'k', 'x'.repeat(45));
    assert.equal(enc(store, 'k'), 'raw');
    store.command('SET', 'k', 'ab');
    store.command('APPEND', 'k', 'c');
    assert.equal(enc(store, 'k'), 'raw');
    store.command('INCRBYFLOAT', 'f', '2.5');
    assert.equal(enc(store, 'f'), 'embstr');
    store.command('RPUSH', 'l', 'a');
    assert.equal(enc(store, 'l'), 'quicklist');
    store.close();
  });
});

describe('large strings', () => {
  it('APPEND grows a value past 1 MB and reads back exactly', () => {
    const store = newStore();
    let expected = '';
    for (let i = 0; i < 300; i++) {
      const chunk = `${i}:${'x'.repeat(4000)}|`;
      expected += chunk;
      assert.equal(store.command('APPEND', 'big', chunk), expected.length);
    }
    assert.equal(store.command('STRLEN', 'big'), expected.length);
    assert.ok(store.command('GET', 'big') === expected);
    assert.equal(store.command('GETRANGE', 'big', 4000, 4010), expected.slice(4000, 4011));
    assert.equal(store.command('GETRANGE', 'big', -5, -1), expected.slice(-5));
    store.close();
  });

  it('SETRANGE far past the end zero-pads; edits in place; binary-safe', () => {
    const store = newStore();
    assert.equal(store.command('SETRANGE', 'k', 1_000_000, 'end'), 1_000_003);
    const buf = store.commandBuffer('GET', 'k') as Buffer;
    assert.equal(buf.length, 1_000_003);
    assert.ok(buf.subarray(0, 1_000_000).every((b) => b === 0));
    assert.equal(buf.subarray(1_000_000).toString(), 'end');
    assert.equal(store.command('SETRANGE', 'k', 10, 'mid'), 1_000_003);
    assert.equal(store.command('GETRANGE', 'k', 9, 13), '\0mid\0');
    store.command('SETRANGE', 'k', 999_999, '\xff');
    const tail = store.commandBuffer('GETRANGE', 'k', 999_998, 1_000_002) as Buffer;
    assert.deepEqual([...tail], [0, 0xc3, 0xbf, 0x6e, 0x64], 'a string argument is sent as UTF-8');
    store.close();
  });

  it('APPEND and SETRANGE respect proto-max-bulk-len', () => {
    const store = new MemoryStore({
      clock: new ManualClock(T0),
      activeExpire: false,
      config: { 'proto-max-bulk-len': 1024 * 1024 },
    });
    store.command('SET', 'k', 'x'.repeat(1024 * 1024 - 2));
    assert.equal(store.command('APPEND', 'k', 'ab'), 1024 * 1024);
    assertError(store, 'ERR string exceeds maximum allowed size (proto-max-bulk-len)', 'APPEND', 'k', 'c');
    assertError(
      store,
      'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
      'SETRANGE',
      'new',
      1024 * 1024,
      'x',
    );
    assert.equal(store.command('SETRANGE', 'new', 1024 * 1024 - 1, 'x'), 1024 * 1024);
    store.close();
  });
});

describe('MemoryStore typed helpers', () => {
  it('set/get with ttl, px, nx, xx, keepTtl', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    assert.equal(store.set('k', 'v'), true);
    assert.equal(store.get('k'), 'v');
    assert.equal(store.get('missing'), null);
    assert.equal(store.set('k', 'w', { nx: true }), false);
    assert.equal(store.get('k'), 'v');
    assert.equal(store.set('other', 'w', { xx: true }), false);
    assert.equal(store.exists('other'), 0);
    assert.equal(store.set('k', 'w', { xx: true, ttl: 10 }), true);
    assert.equal(store.ttl('k'), 10);
    assert.equal(store.set('k', 'x', { keepTtl: true }), true);
    assert.equal(store.pttl('k'), 10_000);
    assert.equal(store.set('p', 'v', { px: 1500 }), true);
    assert.equal(store.pttl('p'), 1500);
    clock.advance(1501);
    assert.equal(store.get('p'), null);
    assert.throws(() => store.set('k', 'v', { nx: true, xx: true }), /syntax error/);
    assert.throws(() => store.set('k', 'v', { ttl: 0 }), /invalid expire time in 'set' command/);
    store.close();
  });

  it('getBuffer returns the exact bytes, binary included', () => {
    const store = newStore();
    const bytes = Buffer.from([0, 1, 0xff, 0x80, 0x0d, 0x0a, 0xc3]);
    store.set('bin', bytes);
    const back = store.getBuffer('bin');
    assert.ok(Buffer.isBuffer(back) && back.equals(bytes));
    assert.equal(store.getBuffer('missing'), null);
    store.close();
  });

  it('delete, exists, expire, pexpire, persist, ttl, pttl', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.set('a', '1');
    store.set('b', '2');
    assert.equal(store.exists('a', 'b', 'c', 'a'), 3);
    assert.equal(store.expire('a', 5), true);
    assert.equal(store.expire('missing', 5), false);
    assert.equal(store.ttl('a'), 5);
    assert.equal(store.pexpire('b', 2500), true);
    assert.equal(store.pttl('b'), 2500);
    assert.equal(store.persist('b'), true);
    assert.equal(store.persist('b'), false);
    assert.equal(store.ttl('b'), -1);
    assert.equal(store.ttl('missing'), -2);
    clock.advance(5001);
    assert.equal(store.exists('a'), 0);
    assert.equal(store.delete('a', 'b', 'c'), 1);
    assert.equal(store.exists('b'), 0);
    store.close();
  });

  it('incr, decr, incrBy and their errors', () => {
    const store = newStore();
    assert.equal(store.incr('n'), 1);
    assert.equal(store.incr('n'), 2);
    assert.equal(store.decr('n'), 1);
    assert.equal(store.incrBy('n', 41), 42);
    assert.equal(store.incrBy('n', -50), -8);
    store.set('s', 'abc');
    assert.throws(() => store.incr('s'), /^ReplyError: ERR value is not an integer or out of range$/);
    store.set('max', '9223372036854775807');
    assert.throws(() => store.incr('max'), /ERR increment or decrement would overflow/);
    store.set('big', '9007199254740991');
    // Past 2^53 the reply is a bigint, exact.
    assert.equal(store.command('INCR', 'big'), 9007199254740992n);
    assert.equal(store.command('INCR', 'big'), 9007199254740993n);
    assert.equal(store.get('big'), '9007199254740993');
    store.close();
  });

  it('list helpers: lpush, rpush, lpop, rpop, lrange, llen', () => {
    const store = newStore();
    assert.equal(store.rpush('l', 'b', 'c'), 2);
    assert.equal(store.lpush('l', 'a'), 3);
    assert.deepEqual(store.lrange('l', 0, -1), ['a', 'b', 'c']);
    assert.equal(store.llen('l'), 3);
    assert.equal(store.lpop('l'), 'a');
    assert.equal(store.rpop('l'), 'c');
    assert.equal(store.rpop('l'), 'b');
    assert.equal(store.lpop('l'), null);
    assert.equal(store.exists('l'), 0);
    store.set('s', 'x');
    assert.throws(
      () => store.lpush('s', 'a'),
      /^ReplyError: WRONGTYPE Operation against a key holding the wrong kind of value$/,
    );
    store.close();
  });

  it('list deque: 100,000 pushes and pops at both ends keep order', () => {
    const store = newStore();
    const model: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      if (i % 3 === 0) {
        store.lpush('q', String(i));
        model.unshift(String(i));
      } else {
        store.rpush('q', String(i));
        model.push(String(i));
      }
    }
    assert.equal(store.llen('q'), model.length);
    assert.deepEqual(store.lrange('q', 100, 120), model.slice(100, 121));
    for (let i = 0; i < 25_000; i++) {
      if (i % 2 === 0) assert.equal(store.lpop('q'), model.shift());
      else assert.equal(store.rpop('q'), model.pop());
    }
    assert.deepEqual(store.lrange('q', 0, -1), model);
    store.close();
  });

  it('set helpers: sadd, srem, smembers, sismember, scard', () => {
    const store = newStore();
    assert.equal(store.sadd('s', 'a', 'b', 'a'), 2);
    assert.equal(store.scard('s'), 2);
    assert.equal(store.sismember('s', 'a'), true);
    assert.equal(store.sismember('s', 'z'), false);
    assert.deepEqual(store.smembers('s').sort(), ['a', 'b']);
    assert.equal(store.srem('s', 'a', 'z'), 1);
    assert.equal(store.srem('s', 'b'), 1);
    assert.equal(store.exists('s'), 0);
    assert.deepEqual(store.smembers('s'), []);
    store.close();
  });

  it('select switches the database of later calls', () => {
    const store = newStore();
    store.set('k', 'db0');
    store.select(1);
    assert.equal(store.get('k'), null);
    store.set('k', 'db1');
    store.select(0);
    assert.equal(store.get('k'), 'db0');
    assert.throws(() => store.select(16), /ERR DB index is out of range/);
    store.close();
  });

  it('stats() and metrics()', () => {
    const clock = new ManualClock(T0);
    const store = newStore(clock);
    store.set('a', '1');
    store.set('b', '2', { ttl: 1 });
    store.select(1);
    store.set('c', '3', { px: 10 });
    store.select(0);
    let s = store.stats();
    assert.deepEqual(s, { keys: 3, keysWithTtl: 2, hits: 0, misses: 0, expired: 0 });
    store.get('a');
    store.get('a');
    store.get('missing');
    s = store.stats();
    assert.equal(s.hits, 2);
    assert.equal(s.misses, 1);
    clock.advance(2000);
    store.get('b');
    s = store.stats();
    assert.equal(s.expired, 1);
    assert.equal(s.misses, 2);
    assert.equal(s.keys, 2);
    const m = store.metrics();
    assert.ok(m.opsTotal >= 8, `opsTotal ${m.opsTotal}`);
    assert.equal(m.hitRate, 2 / 4);
    assert.ok(m.memory.rssBytes > 0);
    // usedBytes is the store's used_memory (its data), not the host process's heap.
    const used = Number(/used_memory:(\d+)/.exec(String(store.command('INFO', 'memory')))?.[1]);
    assert.equal(m.memory.usedBytes, used);
    store.set('big', 'x'.repeat(100_000));
    assert.ok(store.metrics().memory.usedBytes >= used + 100_000);
    const before = store.metrics().opsTotal;
    store.command('PING');
    assert.equal(store.metrics().opsTotal, before + 1);
    store.close();
  });
});

describe('UTF-8 through the library', () => {
  it("'héllo ✓' round-trips, stored as UTF-8 bytes", () => {
    const store = newStore();
    const text = 'héllo ✓';
    store.set('k', text);
    assert.equal(store.get('k'), text);
    assert.equal(store.command('STRLEN', 'k'), Buffer.byteLength(text, 'utf8'));
    const raw = store.commandBuffer('GET', 'k') as Buffer;
    assert.ok(raw.equals(Buffer.from(text, 'utf8')));
    // Keys and members are UTF-8 too, and binary bytes set as a Buffer stay binary.
    store.set('ключ', 'значение');
    assert.equal(store.get('ключ'), 'значение');
    assert.deepEqual(store.command('KEYS', 'кл*'), ['ключ']);
    store.sadd('emoji', '😀', '✓');
    assert.deepEqual(store.smembers('emoji').sort(), ['✓', '😀'].sort());
    store.rpush('list', 'ü', 'ß');
    assert.deepEqual(store.lrange('list', 0, -1), ['ü', 'ß']);
    assert.equal(store.command('APPEND', 'k', ' ü'), Buffer.byteLength(`${text} ü`, 'utf8'));
    assert.equal(store.get('k'), `${text} ü`);
    // GETRANGE counts bytes: cutting inside a UTF-8 sequence yields the raw bytes.
    const cut = store.commandBuffer('GETRANGE', 'k', 0, 1) as Buffer;
    assert.ok(cut.equals(Buffer.from([0x68, 0xc3])));
    store.close();
  });
});

describe('connection commands in-process', () => {
  it('PING, ECHO, SELECT, CLIENT ID/SETNAME/GETNAME/INFO/LIST, RESET, QUIT', () => {
    const store = newStore();
    assert.equal(store.command('PING'), 'PONG');
    assert.equal(store.command('PING', 'x'), 'x');
    assert.equal(store.command('ECHO', 'héllo'), 'héllo');
    const id = store.command('CLIENT', 'ID');
    assert.equal(typeof id, 'number');
    assert.equal(store.command('CLIENT', 'SETNAME', 'lib'), 'OK');
    assert.equal(store.command('CLIENT', 'GETNAME'), 'lib');
    const info = String(store.command('CLIENT', 'INFO'));
    assert.match(info, new RegExp(`^id=${id} .* name=lib .* db=0 .*resp=3`));
    const list = String(store.command('CLIENT', 'LIST'));
    assert.ok(list.includes(`id=${id} `));
    assert.ok(list.endsWith('\n'));
    store.command('SELECT', 5);
    assert.match(String(store.command('CLIENT', 'INFO')), / db=5 /);
    assert.equal(store.command('RESET'), 'RESET');
    assert.match(String(store.command('CLIENT', 'INFO')), / db=0 /);
    assert.equal(store.command('CLIENT', 'GETNAME'), null);
    assert.equal(store.command('QUIT'), 'OK');
    assertError(store, "ERR wrong number of arguments for 'ping' command", 'PING', 'a', 'b');
    store.close();
  });

  it('config takes redis.conf directives, start-up-only ones included', () => {
    const store = new MemoryStore({ activeExpire: false, config: { databases: 4, save: '3600 1', hz: 20 } });
    assert.deepEqual(store.command('CONFIG', 'GET', 'databases'), new Map([['databases', '4']]));
    assert.deepEqual(store.command('CONFIG', 'GET', 'save'), new Map([['save', '3600 1']]));
    assertError(store, 'ERR DB index is out of range', 'SELECT', '4');
    store.close();
    assert.throws(() => new MemoryStore({ config: { databases: 0 } }), /argument must be between 1 and/);
    assert.throws(() => new MemoryStore({ config: { nonsense: 1 } }), /Bad directive/);
  });

  it('AUTH and HELLO with requirepass', () => {
    const store = new MemoryStore({
      clock: new ManualClock(T0),
      activeExpire: false,
      config: { requirepass: 'pw' },
    });
    assertError(store, 'WRONGPASS invalid username-password pair or user is disabled.', 'AUTH', 'nope');
    assert.equal(store.command('AUTH', 'pw'), 'OK');
    assert.equal(store.command('AUTH', 'default', 'pw'), 'OK');
    assertError(
      store,
      'WRONGPASS invalid username-password pair or user is disabled.',
      'AUTH',
      'other',
      'pw',
    );
    const hello = store.command('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'h') as Map<
      string,
      unknown
    >;
    assert.ok(hello instanceof Map);
    assert.equal(hello.get('server'), 'redis');
    assert.equal(hello.get('proto'), 3);
    assert.equal(hello.get('version'), '7.0.15');
    assert.equal(store.command('CLIENT', 'GETNAME'), 'h');
    store.close();
  });

  it('error replies count in INFO errorstats; the failed command in commandstats', () => {
    const store = newStore();
    store.set('s', 'x');
    assert.throws(() => store.command('LPUSH', 's', 'a'));
    assert.throws(() => store.command('GET'));
    assert.throws(() => store.command('NOSUCH'));
    assert.equal(infoField(store, 'errorstats', 'errorstat_WRONGTYPE'), 'count=1');
    assert.equal(infoField(store, 'errorstats', 'errorstat_ERR'), 'count=2');
    assert.equal(infoField(store, 'stats', 'total_error_replies'), '3');
    // A command that ran and failed counts as a call; one refused by the arity check does not.
    assert.match(
      infoField(store, 'commandstats', 'cmdstat_lpush') ?? '',
      /^calls=1,.*,rejected_calls=0,failed_calls=1$/,
    );
    assert.match(
      infoField(store, 'commandstats', 'cmdstat_get') ?? '',
      /^calls=0,.*,rejected_calls=1,failed_calls=0$/,
    );
    assert.equal(tryCommand(store, 'GET', 's'), 'x');
    store.close();
  });
});
