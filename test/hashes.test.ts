/**
 * The hash type (src/engine/values/hash.ts) and its commands (src/families/hashes.ts), two halves:
 *  - in-process through MemoryStore with a ManualClock: every command's replies and errors,
 *    WRONGTYPE and arity from the command table, listpack -> hashtable conversions (and the
 *    packed form's long-length headers), binary safety, emptied hashes being deleted, keyspace
 *    events and the dirty counter, HRANDFIELD's size and uniqueness rules, full HSCAN iterations
 *    while the hash grows and shrinks, TTLs, and the typed helpers;
 *  - against a real redis-server 7.0 over raw sockets, in RESP2 and RESP3: scripted sequences and
 *    seeded random ones whose replies must be the same bytes. Before each command whose order
 *    comes from the hash (HGETALL HKEYS HVALS HSCAN HRANDFIELD) both servers are asked OBJECT
 *    ENCODING (compared too); only for a hashtable, whose order Redis leaves undefined, are
 *    replies compared as sorted pairs, HSCAN by a full cursor loop, and HRANDFIELD by its shape
 *    (size, uniqueness, membership). Listpack order must match exactly. The scripted sequence
 *    also compares each command's keyspace events (Redis via PSUBSCRIBE, mnemo via the keyspace
 *    listener) and its dirty count (INFO rdb_changes_since_last_save).
 *
 * HASH_SEED=<n> replays one random sequence; HASH_SEQUENCES=<n> changes how many run (default 120).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KeyspaceListener } from '../src/engine/events.js';
import { hashCommands } from '../src/families/hashes.js';
import { ManualClock, MemoryStore, ReplyError, type ReplyValue } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { prng } from './helpers/random.js';
import { decodeReply, RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { type RespValue, showResp } from './helpers/resp.js';
import { assertError } from './helpers/store.js';

const T0 = 1_700_000_000_000;
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

function newStore(clock = new ManualClock(T0)): MemoryStore {
  return new MemoryStore({ clock, activeExpire: false });
}

function encoding(store: MemoryStore, key: string): ReplyValue {
  return store.command('OBJECT', 'ENCODING', key);
}

function fieldsOf(n: number, prefix = 'f'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

// =============================================================================================
// In-process half

describe('hash commands in-process', () => {
  it('HSET, HGET, HMGET, HLEN, HEXISTS, HSTRLEN', () => {
    const s = newStore();
    assert.equal(s.command('HSET', 'h', 'a', '1', 'b', 'hello'), 2);
    assert.equal(s.command('HSET', 'h', 'a', '2', 'c', ''), 1);
    assert.equal(s.command('HGET', 'h', 'a'), '2');
    assert.equal(s.command('HGET', 'h', 'c'), '');
    assert.equal(s.command('HGET', 'h', 'zz'), null);
    assert.equal(s.command('HGET', 'nokey', 'a'), null);
    assert.deepEqual(s.command('HMGET', 'h', 'a', 'zz', 'b'), ['2', null, 'hello']);
    assert.deepEqual(s.command('HMGET', 'nokey', 'a', 'b'), [null, null]);
    assert.equal(s.command('HLEN', 'h'), 3);
    assert.equal(s.command('HLEN', 'nokey'), 0);
    assert.equal(s.command('HEXISTS', 'h', 'b'), 1);
    assert.equal(s.command('HEXISTS', 'h', 'zz'), 0);
    assert.equal(s.command('HEXISTS', 'nokey', 'b'), 0);
    assert.equal(s.command('HSTRLEN', 'h', 'b'), 5);
    assert.equal(s.command('HSTRLEN', 'h', 'c'), 0);
    assert.equal(s.command('HSTRLEN', 'h', 'zz'), 0);
    assert.equal(s.command('HSTRLEN', 'nokey', 'zz'), 0);
    assert.equal(s.command('TYPE', 'h'), 'hash');
  });

  it('HMSET answers OK; an odd number of arguments names the command', () => {
    const s = newStore();
    assert.equal(s.command('HMSET', 'h', 'a', '1', 'b', '2'), 'OK');
    assert.deepEqual(
      s.command('HGETALL', 'h'),
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    assertError(s, "ERR wrong number of arguments for 'hset' command", 'HSET', 'h', 'a', '1', 'b');
    assertError(s, "ERR wrong number of arguments for 'hmset' command", 'hmset', 'h', 'a', '1', 'b');
    // The arity error comes before the type check, as in Redis.
    s.command('SET', 'str', 'x');
    assertError(s, "ERR wrong number of arguments for 'hset' command", 'HSET', 'str', 'a', '1', 'b');
  });

  it('HSETNX sets only a missing field', () => {
    const s = newStore();
    assert.equal(s.command('HSETNX', 'h', 'a', '1'), 1);
    assert.equal(s.command('HSETNX', 'h', 'a', '2'), 0);
    assert.equal(s.command('HGET', 'h', 'a'), '1');
    assert.equal(s.command('HSETNX', 'h', 'b', '2'), 1);
    assert.equal(s.command('HLEN', 'h'), 2);
  });

  it('a listpack keeps insertion order across updates and deletes', () => {
    const s = newStore();
    s.command('HSET', 'h', 'c', '3', 'a', '1', 'b', '2', 'd', '4');
    s.command('HSET', 'h', 'a', 'one');
    s.command('HDEL', 'h', 'c');
    s.command('HSET', 'h', 'e', '5', 'c', 'again');
    assert.deepEqual(s.command('HKEYS', 'h'), ['a', 'b', 'd', 'e', 'c']);
    assert.deepEqual(s.command('HVALS', 'h'), ['one', '2', '4', '5', 'again']);
    assert.deepEqual(
      [...(s.command('HGETALL', 'h') as Map<string, string>).entries()],
      [
        ['a', 'one'],
        ['b', '2'],
        ['d', '4'],
        ['e', '5'],
        ['c', 'again'],
      ],
    );
    assert.deepEqual(s.command('HSCAN', 'h', '0'), [
      '0',
      ['a', 'one', 'b', '2', 'd', '4', 'e', '5', 'c', 'again'],
    ]);
    assert.deepEqual(s.command('HGETALL', 'nokey'), new Map());
    assert.deepEqual(s.command('HKEYS', 'nokey'), []);
    assert.deepEqual(s.command('HVALS', 'nokey'), []);
  });

  it('HDEL counts removed fields and deletes a hash it empties', () => {
    const s = newStore();
    s.command('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    assert.equal(s.command('HDEL', 'h', 'a', 'zz', 'a'), 1);
    assert.equal(s.command('HDEL', 'nokey', 'a'), 0);
    assert.equal(s.command('HDEL', 'h', 'b', 'c', 'b'), 2);
    assert.equal(s.command('EXISTS', 'h'), 0);
    assert.equal(s.command('TYPE', 'h'), 'none');
    // A hashtable-encoded hash is deleted the same way.
    s.command('HSET', 'big', 'x', 'y'.repeat(100));
    assert.equal(encoding(s, 'big'), 'hashtable');
    assert.equal(s.command('HDEL', 'big', 'x'), 1);
    assert.equal(s.command('EXISTS', 'big'), 0);
  });

  it('HINCRBY: int64 arithmetic and its errors', () => {
    const s = newStore();
    assert.equal(s.command('HINCRBY', 'h', 'n', '5'), 5);
    assert.equal(s.command('HINCRBY', 'h', 'n', '-7'), -2);
    assert.equal(s.command('HINCRBY', 'h', 'big', '9007199254740993'), 9007199254740993n);
    assert.equal(s.command('HINCRBY', 'h', 'big', '-2'), 9007199254740991);
    s.command(
      'HSET',
      'h',
      'max',
      '9223372036854775806',
      'min',
      '-9223372036854775807',
      's',
      'abc',
      'sp',
      ' 1',
    );
    assert.equal(s.command('HINCRBY', 'h', 'max', '1'), 9223372036854775807n);
    assertError(s, 'ERR increment or decrement would overflow', 'HINCRBY', 'h', 'max', '1');
    assert.equal(s.command('HINCRBY', 'h', 'min', '-1'), -9223372036854775808n);
    assertError(s, 'ERR increment or decrement would overflow', 'HINCRBY', 'h', 'min', '-1');
    assertError(s, 'ERR hash value is not an integer', 'HINCRBY', 'h', 's', '1');
    assertError(s, 'ERR hash value is not an integer', 'HINCRBY', 'h', 'sp', '1');
    assertError(s, 'ERR value is not an integer or out of range', 'HINCRBY', 'h', 'n', '1.5');
    assertError(s, 'ERR value is not an integer or out of range', 'HINCRBY', 'h', 'n', '9223372036854775808');
    // The increment is checked before the key: no key is created by a bad increment.
    assertError(s, 'ERR value is not an integer or out of range', 'HINCRBY', 'new', 'n', 'x');
    assert.equal(s.command('EXISTS', 'new'), 0);
    assert.equal(s.command('HGET', 'h', 'max'), '9223372036854775807');
  });

  it('HINCRBYFLOAT: long double results and its errors', () => {
    const s = newStore();
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'f', '10.5'), '10.5');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'f', '0.1'), '10.6');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'g', '0.1'), '0.1');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'g', '0.2'), '0.3');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'e', '5.0e3'), '5000');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'e', '-5000'), '0');
    s.command('HSET', 'h', 'i', '17', 's', 'abc');
    assert.equal(s.command('HINCRBYFLOAT', 'h', 'i', '1.5'), '18.5');
    assertError(s, 'ERR hash value is not a float', 'HINCRBYFLOAT', 'h', 's', '1');
    assertError(s, 'ERR value is not a valid float', 'HINCRBYFLOAT', 'h', 'f', 'abc');
    assertError(s, 'ERR value is not a valid float', 'HINCRBYFLOAT', 'h', 'f', 'nan');
    assertError(s, 'ERR value is NaN or Infinity', 'HINCRBYFLOAT', 'h', 'f', 'inf');
    assertError(s, 'ERR value is NaN or Infinity', 'HINCRBYFLOAT', 'h', 'f', '-infinity');
    assertError(s, 'ERR value is NaN or Infinity', 'HINCRBYFLOAT', 'nokey', 'f', 'inf');
    assert.equal(s.command('EXISTS', 'nokey'), 0);
    s.command('HSET', 'h', 'huge', '1e4932');
    assertError(s, 'ERR increment would produce NaN or Infinity', 'HINCRBYFLOAT', 'h', 'huge', '1e4932');
    assert.equal(s.command('HGET', 'h', 'f'), '10.6');
  });

  it('WRONGTYPE from every hash command on a string key, and from string commands on a hash', () => {
    const s = newStore();
    s.command('SET', 'str', 'x');
    s.command('HSET', 'h', 'a', '1');
    const calls: string[][] = [
      ['HSET', 'str', 'a', '1'],
      ['HMSET', 'str', 'a', '1'],
      ['HSETNX', 'str', 'a', '1'],
      ['HGET', 'str', 'a'],
      ['HMGET', 'str', 'a'],
      ['HGETALL', 'str'],
      ['HKEYS', 'str'],
      ['HVALS', 'str'],
      ['HDEL', 'str', 'a'],
      ['HEXISTS', 'str', 'a'],
      ['HLEN', 'str'],
      ['HSTRLEN', 'str', 'a'],
      ['HINCRBY', 'str', 'a', '1'],
      ['HINCRBYFLOAT', 'str', 'a', '1'],
      ['HRANDFIELD', 'str'],
      ['HRANDFIELD', 'str', '0'],
      ['HRANDFIELD', 'str', '-3', 'WITHVALUES'],
      ['HSCAN', 'str', '0'],
      ['HSCAN', 'str', '0', 'COUNT', 'x'],
      ['GET', 'h'],
      ['LPUSH', 'h', 'x'],
      ['SADD', 'h', 'x'],
    ];
    for (const [name, ...args] of calls) assertError(s, WRONGTYPE, name!, ...args);
    assert.equal(s.command('GET', 'str'), 'x');
  });

  it('arity errors for every hash command record', () => {
    const s = newStore();
    assert.equal(hashCommands.length, 16);
    for (const spec of hashCommands) {
      const n = Math.abs(spec.arity);
      const few = Array.from({ length: n - 2 }, () => 'x');
      assertError(s, `ERR wrong number of arguments for '${spec.name}' command`, spec.name, ...few);
      if (spec.arity > 0) {
        const many = Array.from({ length: n }, () => 'x');
        assertError(s, `ERR wrong number of arguments for '${spec.name}' command`, spec.name, ...many);
      }
    }
  });

  it('encodings: listpack up to the limits, hashtable for good after', () => {
    const s = newStore();
    const entries = Number(
      (s.command('CONFIG', 'GET', 'hash-max-listpack-entries') as Map<string, string>).get(
        'hash-max-listpack-entries',
      ),
    );
    assert.equal(entries, 512); // Redis 7.0's default
    const args: string[] = [];
    for (const f of fieldsOf(entries)) args.push(f, 'v');
    s.command('HSET', 'h', ...args);
    assert.equal(encoding(s, 'h'), 'listpack');
    s.command('HSET', 'h', 'f0', 'updated');
    assert.equal(encoding(s, 'h'), 'listpack');
    s.command('HSET', 'h', 'one-more', 'v');
    assert.equal(encoding(s, 'h'), 'hashtable');
    s.command('HDEL', 'h', ...fieldsOf(entries));
    assert.equal(s.command('HLEN', 'h'), 1);
    assert.equal(encoding(s, 'h'), 'hashtable');

    // Field and value lengths: 64 bytes stay, 65 convert, whichever command writes them.
    const b64 = 'x'.repeat(64);
    const b65 = 'x'.repeat(65);
    s.command('HSET', 'v64', b64, b64);
    assert.equal(encoding(s, 'v64'), 'listpack');
    s.command('HSET', 'v65', 'f', b65);
    assert.equal(encoding(s, 'v65'), 'hashtable');
    s.command('HSET', 'f65', b65, 'v');
    assert.equal(encoding(s, 'f65'), 'hashtable');
    s.command('HSET', 'nx', 'f', 'v');
    assert.equal(s.command('HSETNX', 'nx', 'f', b65), 0);
    assert.equal(encoding(s, 'nx'), 'listpack');
    s.command('HSETNX', 'nx', 'g', b65);
    assert.equal(encoding(s, 'nx'), 'hashtable');
    s.command('HSET', 'fl', 'f', '1');
    s.command('HINCRBYFLOAT', 'fl', 'f', '1e50'); // 51 digits: still short enough
    assert.equal(encoding(s, 'fl'), 'listpack');
    s.command('HINCRBYFLOAT', 'fl', 'f', '1e70');
    assert.equal(encoding(s, 'fl'), 'hashtable');
    assert.equal((s.command('HGET', 'fl', 'f') as string).length, 71);
    s.command('HSET', 'ib', 'f', '1');
    s.command('HINCRBY', 'ib', b65, '1');
    assert.equal(encoding(s, 'ib'), 'hashtable');
    // A long value anywhere in one HSET converts before any pair is written.
    s.command('HSET', 'multi', 'a', '1', 'b', b65, 'c', '3');
    assert.equal(encoding(s, 'multi'), 'hashtable');
    assert.deepEqual(s.command('HMGET', 'multi', 'a', 'b', 'c'), ['1', b65, '3']);

    // COPY keeps the encoding (hashTypeDup), and the copy is independent.
    s.command('COPY', 'v64', 'v64copy');
    s.command('COPY', 'v65', 'v65copy');
    assert.equal(encoding(s, 'v64copy'), 'listpack');
    assert.equal(encoding(s, 'v65copy'), 'hashtable');
    s.command('HSET', 'v64copy', 'new', '1');
    s.command('HSET', 'v65copy', 'new', '1');
    assert.equal(s.command('HLEN', 'v64'), 1);
    assert.equal(s.command('HLEN', 'v65'), 1);

    // The limits are read at every write.
    s.command('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    s.command('HSET', 'small', 'a', '1', 'b', '2');
    assert.equal(encoding(s, 'small'), 'listpack');
    s.command('HSET', 'small', 'c', '3');
    assert.equal(encoding(s, 'small'), 'hashtable');
    s.command('CONFIG', 'SET', 'hash-max-listpack-entries', '0');
    s.command('HSET', 'zero', 'a', '1');
    assert.equal(encoding(s, 'zero'), 'hashtable');
  });

  it('long fields and values inside a listpack (hash-max-listpack-value raised)', () => {
    const s = newStore();
    s.command('CONFIG', 'SET', 'hash-max-listpack-value', '100000');
    const sizes = [0, 1, 254, 255, 256, 300, 70_000];
    const args: string[] = [];
    for (const n of sizes) args.push(`k${n}:${'k'.repeat(n)}`, 'v'.repeat(n));
    s.command('HSET', 'h', ...args);
    assert.equal(encoding(s, 'h'), 'listpack');
    for (const n of sizes) assert.equal(s.command('HSTRLEN', 'h', `k${n}:${'k'.repeat(n)}`), n);
    s.command('HDEL', 'h', `k255:${'k'.repeat(255)}`);
    s.command('HSET', 'h', `k300:${'k'.repeat(300)}`, 'short');
    const keys = s.command('HKEYS', 'h') as string[];
    assert.deepEqual(
      keys.map((k) => k.length),
      [0, 1, 254, 256, 300, 70_000].map((n) => n + 2 + String(n).length),
    );
    assert.equal(s.command('HGET', 'h', `k300:${'k'.repeat(300)}`), 'short');
    assert.equal(s.command('HGET', 'h', `k70000:${'k'.repeat(70_000)}`), 'v'.repeat(70_000));
    // Lowering the limit converts nothing by itself: only the arguments of a write are checked.
    s.command('CONFIG', 'SET', 'hash-max-listpack-value', '64');
    s.command('HSET', 'h', 'x', 'y');
    assert.equal(encoding(s, 'h'), 'listpack');
    s.command('HSET', 'h', 'y', 'z'.repeat(65));
    assert.equal(encoding(s, 'h'), 'hashtable');
    assert.equal(s.command('HLEN', 'h'), 8);
    assert.equal(s.command('HGET', 'h', `k70000:${'k'.repeat(70_000)}`), 'v'.repeat(70_000));
  });

  it('fields and values are binary-safe in both encodings', () => {
    const s = newStore();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const fields = [
      Buffer.from([0]),
      Buffer.from([0xff, 0x00, 0x80]),
      Buffer.from('ü€', 'utf8'),
      all.subarray(0, 60),
    ];
    for (const key of ['lp', 'ht']) {
      for (const [i, f] of fields.entries()) s.command('HSET', key, f, Buffer.concat([f, Buffer.from([i])]));
      if (key === 'ht') s.command('HSET', key, 'long', all);
      assert.equal(encoding(s, key), key === 'lp' ? 'listpack' : 'hashtable');
      for (const [i, f] of fields.entries()) {
        const v = s.commandBuffer('HGET', key, f) as Buffer;
        assert.ok(v.equals(Buffer.concat([f, Buffer.from([i])])), `${key} field ${f.toString('hex')}`);
        assert.equal(s.command('HSTRLEN', key, f), f.length + 1);
      }
      const keys = s.commandBuffer('HKEYS', key) as Buffer[];
      for (const f of fields) assert.ok(keys.some((k) => k.equals(f)));
    }
    assert.ok((s.commandBuffer('HGET', 'ht', 'long') as Buffer).equals(all));
  });

  it('keyspace events and the dirty counter follow Redis', () => {
    const s = newStore();
    s.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const events: string[] = [];
    const listener: KeyspaceListener = {
      keyModified() {},
      dbModified() {},
      notify(_type, event, key) {
        events.push(`${event}:${key}`);
      },
    };
    s.instance.ks.listener = listener;
    const dirty = (name: string, ...args: string[]): number => {
      const before = s.instance.dirty;
      try {
        s.command(name, ...args);
      } catch {
        // errors are checked for "no events, no dirty" below
      }
      return s.instance.dirty - before;
    };
    assert.equal(dirty('HSET', 'h', 'a', '1', 'b', '2'), 2);
    assert.equal(dirty('HSET', 'h', 'a', '1'), 1); // an unchanged value still counts, as in Redis
    assert.equal(dirty('HMSET', 'h', 'c', '3', 'a', '2'), 2);
    assert.equal(dirty('HSETNX', 'h', 'a', '9'), 0);
    assert.equal(dirty('HSETNX', 'h', 'd', '4'), 1);
    assert.equal(dirty('HINCRBY', 'h', 'a', '1'), 1);
    assert.equal(dirty('HINCRBYFLOAT', 'h', 'a', '0.5'), 1);
    assert.equal(dirty('HINCRBY', 'h', 'a', '1'), 0); // "3.5" is not an integer
    assert.equal(dirty('HDEL', 'h', 'zz'), 0);
    assert.equal(dirty('HDEL', 'h', 'a', 'b', 'zz'), 2);
    assert.equal(dirty('HGET', 'h', 'c'), 0);
    assert.equal(dirty('HDEL', 'h', 'c', 'd'), 2);
    // 'new' is class n, which KEA does not include.
    assert.deepEqual(events, [
      'hset:h',
      'hset:h',
      'hset:h',
      'hset:h',
      'hincrby:h',
      'hincrbyfloat:h',
      'hdel:h',
      'hdel:h',
      'del:h',
    ]);
    events.length = 0;
    s.command('CONFIG', 'SET', 'notify-keyspace-events', 'Eh');
    s.command('HSET', 'x', 'a', '1');
    s.command('HDEL', 'x', 'a');
    assert.deepEqual(events, ['hset:x', 'hdel:x']);
  });

  it('a hash with a TTL keeps it across writes and expires as a whole', () => {
    const clock = new ManualClock(T0);
    const s = newStore(clock);
    s.command('HSET', 'h', 'a', '1');
    s.command('EXPIRE', 'h', '10');
    s.command('HSET', 'h', 'b', '2');
    s.command('HINCRBY', 'h', 'a', '1');
    s.command('HDEL', 'h', 'b');
    assert.equal(s.command('PTTL', 'h'), 10_000);
    clock.advance(10_001);
    assert.equal(s.command('HGET', 'h', 'a'), null);
    assert.equal(s.command('HLEN', 'h'), 0);
    assert.equal(s.command('HSET', 'h', 'z', '1'), 1);
    assert.equal(s.command('TTL', 'h'), -1);
  });

  it('HRANDFIELD without a count', () => {
    const s = newStore();
    assert.equal(s.command('HRANDFIELD', 'nokey'), null);
    s.command('HSET', 'one', 'only', 'v');
    assert.equal(s.command('HRANDFIELD', 'one'), 'only');
    for (const key of ['lp', 'ht']) {
      const fields = fieldsOf(key === 'lp' ? 50 : 1000);
      s.command('HSET', key, ...fields.flatMap((f) => [f, `v${f}`]));
      assert.equal(encoding(s, key), key === 'lp' ? 'listpack' : 'hashtable');
      // Every field comes up: 30 draws per field on average, so missing one is ~e^-30.
      const seen = new Set<string>();
      for (let i = 0; i < fields.length * 30; i++) seen.add(s.command('HRANDFIELD', key) as string);
      assert.equal(seen.size, fields.length, key);
    }
  });

  it('HRANDFIELD with a count: sizes, uniqueness, pairs, errors', () => {
    const s = newStore();
    assert.deepEqual(s.command('HRANDFIELD', 'nokey', '5'), []);
    assert.deepEqual(s.command('HRANDFIELD', 'nokey', '-5', 'WITHVALUES'), []);
    for (const [key, n] of [
      ['lp', 30],
      ['ht', 600],
    ] as const) {
      const fields = fieldsOf(n);
      s.command('HSET', key, ...fields.flatMap((f) => [f, `v${f}`]));
      assert.deepEqual(s.command('HRANDFIELD', key, '0'), []);
      assert.deepEqual(s.command('HRANDFIELD', key, '0', 'WITHVALUES'), []);
      // Case 2: at least the size returns the whole hash, listpack in insertion order.
      const whole = s.command('HRANDFIELD', key, String(n + 5)) as string[];
      if (key === 'lp') assert.deepEqual(whole, fields);
      else assert.deepEqual([...whole].sort(), [...fields].sort());
      assert.equal((s.command('HRANDFIELD', key, '9223372036854775807') as string[]).length, n);
      // Cases 3 and 4 (count above and below a third of the size), and 1 (negative).
      for (const count of [1, 2, Math.floor(n / 3), Math.floor(n / 3) + 1, n - 1, -1, -7, -(n * 3)]) {
        const plain = s.command('HRANDFIELD', key, String(count)) as string[];
        const pairs = s.command('HRANDFIELD', key, String(count), 'WITHVALUES') as [string, string][];
        assert.equal(plain.length, Math.abs(count), `${key} ${count}`);
        assert.equal(pairs.length, Math.abs(count), `${key} ${count} WITHVALUES`);
        for (const f of plain) assert.ok(fields.includes(f));
        for (const p of pairs) {
          assert.ok(Array.isArray(p) && p.length === 2);
          assert.equal(p[1], `v${p[0]}`);
        }
        if (count > 0) {
          assert.equal(new Set(plain).size, count, `${key} ${count} distinct`);
          assert.equal(new Set(pairs.map((p) => p[0])).size, count, `${key} ${count} distinct pairs`);
        }
      }
      // Negative counts repeat: drawing 3n from n fields must repeat some.
      const many = s.command('HRANDFIELD', key, String(-3 * n)) as string[];
      assert.ok(new Set(many).size < many.length);
    }
    s.command('HSET', 'single', 'a', '1');
    assert.deepEqual(s.command('HRANDFIELD', 'single', '-4'), ['a', 'a', 'a', 'a']);
    assert.deepEqual(s.command('HRANDFIELD', 'single', '4', 'withvalues'), [['a', '1']]);
    assertError(s, 'ERR value is not an integer or out of range', 'HRANDFIELD', 'lp', 'x');
    assertError(s, 'ERR value is not an integer or out of range', 'HRANDFIELD', 'lp', '1.0');
    assertError(
      s,
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      'HRANDFIELD',
      'lp',
      '-9223372036854775808',
    );
    assertError(s, 'ERR syntax error', 'HRANDFIELD', 'lp', '1', 'WITHSCORES');
    assertError(s, 'ERR syntax error', 'HRANDFIELD', 'lp', '1', 'WITHVALUES', 'x');
    assertError(s, 'ERR value is out of range', 'HRANDFIELD', 'lp', '4611686018427387904', 'WITHVALUES');
    assertError(s, 'ERR value is out of range', 'HRANDFIELD', 'lp', '-4611686018427387904', 'WITHVALUES');
    assert.equal(
      (s.command('HRANDFIELD', 'lp', '4611686018427387903', 'WITHVALUES') as unknown[]).length,
      30,
    );
    // The count is parsed before the key is looked up.
    assertError(s, 'ERR syntax error', 'HRANDFIELD', 'nokey', '1', 'x');
  });

  it('HSCAN: a listpack in one call; MATCH; errors in Redis order', () => {
    const s = newStore();
    s.command('HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3');
    assert.deepEqual(s.command('HSCAN', 'h', '0'), ['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    assert.deepEqual(s.command('HSCAN', 'h', '12345', 'COUNT', '1'), [
      '0',
      ['a1', '1', 'b1', '2', 'a2', '3'],
    ]);
    assert.deepEqual(s.command('HSCAN', 'h', '0', 'MATCH', 'a*'), ['0', ['a1', '1', 'a2', '3']]);
    assert.deepEqual(s.command('HSCAN', 'h', '0', 'match', '*1', 'count', '100'), [
      '0',
      ['a1', '1', 'b1', '2'],
    ]);
    assert.deepEqual(s.command('HSCAN', 'nokey', '0'), ['0', []]);
    // A missing key answers before the options are parsed.
    assert.deepEqual(s.command('HSCAN', 'nokey', '0', 'BOGUS'), ['0', []]);
    assertError(s, 'ERR invalid cursor', 'HSCAN', 'nokey', 'x');
    assertError(s, 'ERR syntax error', 'HSCAN', 'h', '0', 'BOGUS');
    assertError(s, 'ERR syntax error', 'HSCAN', 'h', '0', 'TYPE', 'hash');
    assertError(s, 'ERR syntax error', 'HSCAN', 'h', '0', 'COUNT', '0');
    assertError(s, 'ERR syntax error', 'HSCAN', 'h', '0', 'COUNT');
    assertError(s, 'ERR value is not an integer or out of range', 'HSCAN', 'h', '0', 'COUNT', 'x');
  });

  it('HSCAN over a hashtable returns every field present for the whole scan, while it grows and shrinks', () => {
    for (const scenario of ['grow', 'shrink', 'churn'] as const) {
      const s = newStore();
      const stable = fieldsOf(scenario === 'shrink' ? 300 : 1500, 's');
      const volatile = fieldsOf(scenario === 'shrink' ? 4000 : 500, 'v');
      s.command(
        'HSET',
        'h',
        ...stable.flatMap((f) => [f, `=${f}`]),
        ...volatile.flatMap((f) => [f, `=${f}`]),
      );
      assert.equal(encoding(s, 'h'), 'hashtable');
      const everSeen = new Set<string>([...stable, ...volatile]);
      const returned = new Map<string, number>();
      let cursor = '0';
      let calls = 0;
      let added = 0;
      let deleted = 0;
      do {
        const [next, items] = s.command('HSCAN', 'h', cursor, 'COUNT', '7') as [string, string[]];
        assert.equal(items.length % 2, 0);
        for (let i = 0; i < items.length; i += 2) {
          const f = items[i]!;
          assert.equal(items[i + 1], `=${f}`);
          assert.ok(everSeen.has(f), `HSCAN returned ${f}, which never existed`);
          returned.set(f, (returned.get(f) ?? 0) + 1);
        }
        cursor = next;
        calls++;
        // Modify between calls, as another client would.
        if (scenario !== 'shrink') {
          const fresh = Array.from({ length: scenario === 'grow' ? 40 : 5 }, () => `n${added++}`);
          for (const f of fresh) everSeen.add(f);
          s.command('HSET', 'h', ...fresh.flatMap((f) => [f, `=${f}`]));
        }
        if (scenario !== 'grow' && deleted < volatile.length) {
          const gone = volatile.slice(deleted, deleted + (scenario === 'shrink' ? 60 : 3));
          deleted += gone.length;
          s.command('HDEL', 'h', ...gone);
        }
        assert.ok(calls < 100_000, 'HSCAN did not terminate');
      } while (cursor !== '0');
      for (const f of stable) assert.ok(returned.has(f), `${scenario}: ${f} was never returned`);
      if (scenario === 'grow')
        for (const f of volatile) assert.ok(returned.has(f), `${scenario}: ${f} missing`);
      assert.ok(calls > 10, `${scenario}: a hashtable scan takes several calls (${calls})`);
    }
  });

  it('MemoryStore typed helpers', () => {
    const s = newStore();
    assert.equal(s.hset('h', 'a', '1'), 1);
    assert.equal(s.hset('h', { b: '2', c: 3, __proto__x: 'p' }), 3);
    assert.equal(s.hset('h', Buffer.from('d'), Buffer.from('4')), 1);
    assert.equal(s.hget('h', 'b'), '2');
    assert.equal(s.hget('h', 'zz'), null);
    assert.deepEqual(s.hgetall('h'), { a: '1', b: '2', c: '3', __proto__x: 'p', d: '4' });
    assert.deepEqual(s.hgetall('nokey'), {});
    s.hset('p', '__proto__', 'polluted?');
    const p = s.hgetall('p');
    assert.equal(Object.getPrototypeOf(p), Object.prototype);
    assert.equal(Object.hasOwn(p, '__proto__'), true);
    assert.deepEqual(s.hmget('h', 'a', 'zz', 'd'), ['1', null, '4']);
    assert.deepEqual(s.hkeys('h'), ['a', 'b', 'c', '__proto__x', 'd']);
    assert.deepEqual(s.hvals('h'), ['1', '2', '3', 'p', '4']);
    assert.equal(s.hlen('h'), 5);
    assert.equal(s.hexists('h', 'a'), true);
    assert.equal(s.hexists('h', 'zz'), false);
    assert.equal(s.hincrBy('h', 'a', 41), 42);
    assert.equal(s.hdel('h', 'a', 'b', 'zz'), 2);
    assert.equal(s.hset('h', 'ü', 'é'), 1);
    assert.equal(s.hget('h', 'ü'), 'é');
    assert.throws(() => s.hset('h', 'odd'), /wrong number of arguments for 'hset'/);
    s.set('str', 'x');
    assert.throws(
      () => s.hget('str', 'a'),
      (e: unknown) => e instanceof ReplyError && e.message === WRONGTYPE,
    );
  });
});

// =============================================================================================
// Against a real redis-server: raw replies, byte for byte

/** Commands whose reply order comes from the hash's own storage order. */
const ORDERED = new Set(['hgetall', 'hkeys', 'hvals', 'hscan', 'hrandfield']);

function str(v: RespValue | undefined): string {
  if (v === undefined) throw new Error('missing reply element');
  if (v.type === 'bulk' || v.type === 'simple') return v.value;
  throw new Error(`expected a string, got ${showResp(v)}`);
}

function items(v: RespValue): RespValue[] {
  if (v.type === 'array' || v.type === 'set') return v.value;
  throw new Error(`expected an array, got ${showResp(v)}`);
}

/** Field/value pairs of an HGETALL-shaped reply (RESP3 map or RESP2 flat array), sorted. */
function sortedPairs(v: RespValue): string[] {
  const out: string[] = [];
  if (v.type === 'map') {
    for (const [k, x] of v.value) out.push(JSON.stringify([str(k), str(x)]));
  } else {
    const a = items(v);
    for (let i = 0; i < a.length; i += 2) out.push(JSON.stringify([str(a[i]), str(a[i + 1])]));
  }
  return out.sort();
}

interface Servers {
  redis: RawClient;
  mnemo: RawClient;
  resp: 2 | 3;
  /** What the step was, for failure messages. */
  trail: string[];
}

async function both(s: Servers, argv: string[]): Promise<[Buffer, Buffer]> {
  const [a, b] = await Promise.all([s.redis.command(...argv), s.mnemo.command(...argv)]);
  return [a!, b!];
}

function fail(s: Servers, argv: string[], why: string, redis: Buffer, mnemo: Buffer): never {
  const context = s.trail.slice(-12).join('\n    ');
  assert.fail(
    `RESP${s.resp} ${JSON.stringify(argv)}: ${why}\n  redis: ${showRaw(redis)}\n  mnemo: ${showRaw(mnemo)}\n  after:\n    ${context}`,
  );
}

/** Drives HSCAN from cursor 0 to the end on one server; the set of pairs it returned. */
async function fullScan(client: RawClient, argv: string[]): Promise<string[]> {
  const pairs = new Set<string>();
  let cursor = '0';
  for (let calls = 0; ; calls++) {
    const reply = decodeReply(await client.command(argv[0]!, argv[1]!, cursor, ...argv.slice(3)));
    const [next, list] = items(reply);
    const a = items(list!);
    for (let i = 0; i < a.length; i += 2) pairs.add(JSON.stringify([str(a[i]), str(a[i + 1])]));
    cursor = str(next);
    if (cursor === '0') return [...pairs].sort();
    if (calls > 100_000) throw new Error('HSCAN does not terminate');
  }
}

/** Checks an HRANDFIELD reply against the hash it was drawn from (shape, size, uniqueness). */
function checkRandom(
  argv: string[],
  resp: 2 | 3,
  reply: RespValue,
  hash: Map<string, string>,
): string | null {
  if (argv.length === 2) {
    if (reply.type !== 'bulk') return 'expected a bulk';
    return hash.has(reply.value) ? null : `unknown field ${reply.value}`;
  }
  const l = Number(argv[2]);
  const withValues = argv.length === 4;
  const want = l < 0 ? -l : Math.min(l, hash.size);
  const a = items(reply);
  const got: [string, string | undefined][] = [];
  if (withValues && resp === 2) {
    if (a.length !== want * 2) return `expected ${want * 2} elements, got ${a.length}`;
    for (let i = 0; i < a.length; i += 2) got.push([str(a[i]), str(a[i + 1])]);
  } else {
    if (a.length !== want) return `expected ${want} elements, got ${a.length}`;
    for (const x of a) {
      if (withValues) {
        const p = items(x);
        if (p.length !== 2) return 'expected [field, value] pairs';
        got.push([str(p[0]), str(p[1])]);
      } else {
        got.push([str(x), undefined]);
      }
    }
  }
  for (const [f, v] of got) {
    if (!hash.has(f)) return `unknown field ${f}`;
    if (v !== undefined && hash.get(f) !== v) return `wrong value for ${f}`;
  }
  if (l > 0 && new Set(got.map(([f]) => f)).size !== got.length)
    return 'repeated fields with a positive count';
  return null;
}

async function hashOf(client: RawClient, key: string): Promise<Map<string, string>> {
  const reply = decodeReply(await client.command('HGETALL', key));
  const m = new Map<string, string>();
  for (const p of sortedPairs(reply)) {
    const [f, v] = JSON.parse(p) as [string, string];
    m.set(f, v);
  }
  return m;
}

/**
 * Sends one command to both servers and compares the replies: exactly, unless the command reads
 * a hashtable-encoded hash in storage order (OBJECT ENCODING is asked first, and compared).
 */
async function step(s: Servers, argv: string[]): Promise<void> {
  const name = argv[0]!.toLowerCase();
  let hashtable = false;
  if (ORDERED.has(name) && argv.length >= 2) {
    const enc = ['OBJECT', 'ENCODING', argv[1]!];
    const [a, b] = await both(s, enc);
    if (!a.equals(b)) fail(s, enc, 'encodings differ', a, b);
    hashtable = a.includes('hashtable');
  }
  s.trail.push(JSON.stringify(argv));
  const [redis, mnemo] = await both(s, argv);
  if (redis.equals(mnemo)) return;
  const r = decodeReply(redis);
  const m = decodeReply(mnemo);
  if (r.type === 'error' || m.type === 'error') fail(s, argv, 'replies differ', redis, mnemo);
  if (name === 'hrandfield') {
    // Random picks differ; only a positive count covering a listpack is deterministic (the
    // whole hash in listpack order), everything else is checked for its shape.
    const hash = await hashOf(s.redis, argv[1]!);
    const whole = argv.length >= 3 && Number(argv[2]) > 0 && Number(argv[2]) >= hash.size;
    if (whole && !hashtable) fail(s, argv, 'the whole listpack must come in order', redis, mnemo);
    for (const [who, v] of [
      ['redis', r],
      ['mnemo', m],
    ] as const) {
      const problem = checkRandom(argv, s.resp, v, hash);
      if (problem !== null) fail(s, argv, `${who}: ${problem}`, redis, mnemo);
    }
    return;
  }
  if (!hashtable) fail(s, argv, 'replies differ', redis, mnemo);
  if (name === 'hgetall') {
    if (r.type !== m.type || JSON.stringify(sortedPairs(r)) !== JSON.stringify(sortedPairs(m))) {
      fail(s, argv, 'different fields/values', redis, mnemo);
    }
  } else if (name === 'hkeys' || name === 'hvals') {
    const sorted = (v: RespValue) => JSON.stringify(items(v).map(str).sort());
    if (r.type !== m.type || sorted(r) !== sorted(m)) fail(s, argv, 'different elements', redis, mnemo);
  } else if (name === 'hscan') {
    const [ra, ma] = await Promise.all([fullScan(s.redis, argv), fullScan(s.mnemo, argv)]);
    assert.deepEqual(ma, ra, `RESP${s.resp} full ${JSON.stringify(argv)} loop`);
  } else {
    fail(s, argv, 'replies differ', redis, mnemo);
  }
}

async function connect(redisPort: number, mnemoPort: number, resp: 2 | 3): Promise<Servers> {
  const [redis, mnemo] = await Promise.all([RawClient.connect(redisPort), RawClient.connect(mnemoPort)]);
  const s: Servers = { redis, mnemo, resp, trail: [] };
  if (resp === 3) await both(s, ['HELLO', '3']);
  await both(s, ['FLUSHALL']);
  await both(s, ['CONFIG', 'SET', 'hash-max-listpack-entries', '512']);
  await both(s, ['CONFIG', 'SET', 'hash-max-listpack-value', '64']);
  return s;
}

async function disconnect(s: Servers): Promise<void> {
  await Promise.all([s.redis.close(), s.mnemo.close()]);
}

const L65 = 'L'.repeat(65);

/** The scripted sequence: every command, option and error, both encodings, RESP2 and RESP3. */
function script(): string[][] {
  const fill = (key: string, n: number, prefix = 'f') =>
    ['HSET', key, ...fieldsOf(n, prefix).flatMap((f, i) => [f, String(i * 7)])] as string[];
  return [
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', 'three'],
    ['HSET', 'h', 'a', '1'],
    ['HSET', 'h', 'a'],
    ['HSET', 'h'],
    ['HMSET', 'h', 'd', '4', 'a', 'one'],
    ['HMSET', 'h', 'd'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'zz'],
    ['HGET', 'nokey', 'a'],
    ['HMGET', 'h', 'a', 'zz', 'd'],
    ['HMGET', 'nokey', 'a', 'b'],
    ['HLEN', 'h'],
    ['HLEN', 'nokey'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'zz'],
    ['HSTRLEN', 'h', 'c'],
    ['HSTRLEN', 'h', 'zz'],
    ['HSETNX', 'h', 'a', 'x'],
    ['HSETNX', 'h', 'e', 'x'],
    ['HSETNX', 'h2', 'e', 'x'],
    ['HDEL', 'h', 'b', 'zz'],
    ['HDEL', 'h', 'b'],
    ['HDEL', 'nokey', 'b'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'b', 'back'],
    ['HGETALL', 'h'],
    ['HINCRBY', 'h', 'n', '10'],
    ['HINCRBY', 'h', 'n', '-25'],
    ['HINCRBY', 'h', 'a', '1'],
    ['HINCRBY', 'h', 'n', 'x'],
    ['HINCRBY', 'h', 'n', '9223372036854775807'],
    ['HINCRBY', 'h', 'n', '-9223372036854775808'],
    ['HSET', 'h', 'max', '9223372036854775807', 'sp', ' 5', 'neg0', '-0', 'lead0', '007'],
    ['HINCRBY', 'h', 'max', '1'],
    ['HINCRBY', 'h', 'max', '-1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'lead0', '1'],
    ['HINCRBYFLOAT', 'h', 'neg0', '0'],
    ['HINCRBYFLOAT', 'h', 'lead0', '0.5'],
    ['HINCRBYFLOAT', 'h', 'fl', '10.5'],
    ['HINCRBYFLOAT', 'h', 'fl', '0.1'],
    ['HINCRBYFLOAT', 'h', 'fl', '-5.0e3'],
    ['HINCRBYFLOAT', 'h', 'fl', '0x10'],
    ['HINCRBYFLOAT', 'h', 'fl', '1.5e-7'],
    ['HINCRBYFLOAT', 'h', 'fl', 'inf'],
    ['HINCRBYFLOAT', 'h', 'fl', '-inf'],
    ['HINCRBYFLOAT', 'h', 'fl', 'nan'],
    ['HINCRBYFLOAT', 'h', 'fl', 'abc'],
    ['HINCRBYFLOAT', 'h', 'fl', ' 1'],
    ['HINCRBYFLOAT', 'h', 'c', '1'],
    ['HINCRBYFLOAT', 'h', 'max', '1'],
    ['HINCRBYFLOAT', 'nokey2', 'f', 'inf'],
    ['EXISTS', 'nokey2'],
    ['HGETALL', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '99', 'COUNT', '1'],
    ['HSCAN', 'h', '0', 'MATCH', '*a*'],
    ['HSCAN', 'h', '0', 'MATCH', 'zz*'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'TYPE', 'hash'],
    ['HSCAN', 'h', '0', 'MATCH'],
    ['HSCAN', 'h', 'x'],
    ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '18446744073709551616'],
    ['HSCAN', 'nokey', '0', 'BOGUS'],
    ['HRANDFIELD', 'h', '100'],
    ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '1000', 'withvalues'],
    ['HRANDFIELD', 'h', '0'],
    ['HRANDFIELD', 'h', '3'],
    ['HRANDFIELD', 'h', '-3', 'WITHVALUES'],
    ['HRANDFIELD', 'h'],
    ['HRANDFIELD', 'nokey'],
    ['HRANDFIELD', 'nokey', '3'],
    ['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'],
    ['HRANDFIELD', 'h', 'x'],
    ['HRANDFIELD', 'h', '1', 'WITHSCORES'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
    ['HRANDFIELD', 'h', '-9223372036854775808'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', 'x'],
    // Conversions.
    ['HSET', 'h', 'long', L65],
    ['OBJECT', 'ENCODING', 'h'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HSCAN', 'h', '0'],
    ['HSCAN', 'h', '0', 'MATCH', '*a*', 'COUNT', '2'],
    ['HRANDFIELD', 'h', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '100', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-20', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '12'],
    ['HRANDFIELD', 'h', '2'],
    ['HDEL', 'h', 'long', 'a', 'b', 'c', 'd', 'e', 'n', 'max', 'sp', 'neg0', 'lead0', 'fl'],
    ['EXISTS', 'h'],
    ['HSET', 'nx', 'f', 'v'],
    ['HSETNX', 'nx', 'f', L65],
    ['OBJECT', 'ENCODING', 'nx'],
    ['HSETNX', 'nx', 'g', L65],
    ['OBJECT', 'ENCODING', 'nx'],
    ['HSET', 'fk', L65, '1'],
    ['OBJECT', 'ENCODING', 'fk'],
    ['HSET', 'ib', 'f', '1'],
    ['HINCRBY', 'ib', L65, '1'],
    ['OBJECT', 'ENCODING', 'ib'],
    ['HSET', 'fb', 'f', '1'],
    ['HINCRBYFLOAT', 'fb', 'f', '1e70'],
    ['OBJECT', 'ENCODING', 'fb'],
    ['HINCRBYFLOAT', 'fb', 'f', '1e4932'],
    ['HINCRBYFLOAT', 'fb', 'f', '1e4932'],
    fill('big', 512),
    ['OBJECT', 'ENCODING', 'big'],
    ['HRANDFIELD', 'big', '600'],
    ['HGETALL', 'big'],
    ['HSET', 'big', 'f512', 'x'],
    ['OBJECT', 'ENCODING', 'big'],
    ['HSCAN', 'big', '0', 'COUNT', '3'],
    ['HSCAN', 'big', '0', 'MATCH', 'f1*', 'COUNT', '50'],
    ['HRANDFIELD', 'big', '10', 'WITHVALUES'],
    ['HRANDFIELD', 'big', '300', 'WITHVALUES'],
    ['HRANDFIELD', 'big', '-10'],
    ['HLEN', 'big'],
    ['COPY', 'big', 'bigcopy'],
    ['OBJECT', 'ENCODING', 'bigcopy'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '3'],
    ['HSET', 'three', 'a', '1', 'b', '2', 'c', '3'],
    ['OBJECT', 'ENCODING', 'three'],
    ['COPY', 'three', 'threecopy'],
    ['HGETALL', 'threecopy'],
    ['HSET', 'three', 'd', '4'],
    ['OBJECT', 'ENCODING', 'three'],
    ['HDEL', 'three', 'a', 'b', 'c'],
    ['OBJECT', 'ENCODING', 'three'],
    ['HSET', 'keep', 'field', 'valuevalue'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '3'],
    ['HSET', 'keep', 'x', 'y'],
    ['OBJECT', 'ENCODING', 'keep'],
    ['HSET', 'v3', 'abc', 'abc'],
    ['OBJECT', 'ENCODING', 'v3'],
    ['HSET', 'v3', 'abcd', '1'],
    ['OBJECT', 'ENCODING', 'v3'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
    // Binary fields and values.
    ['HSET', 'bin', '\x00', '\xff\x00', '\xff', '', '', 'empty'],
    ['HGETALL', 'bin'],
    ['HGET', 'bin', ''],
    ['HSTRLEN', 'bin', '\x00'],
    // Wrong types and other types.
    ['SET', 'str', 'x'],
    ['HSET', 'str', 'a', '1'],
    ['HSETNX', 'str', 'a', '1'],
    ['HGET', 'str', 'a'],
    ['HMGET', 'str', 'a'],
    ['HGETALL', 'str'],
    ['HKEYS', 'str'],
    ['HVALS', 'str'],
    ['HDEL', 'str', 'a'],
    ['HLEN', 'str'],
    ['HEXISTS', 'str', 'a'],
    ['HSTRLEN', 'str', 'a'],
    ['HINCRBY', 'str', 'a', '1'],
    ['HINCRBY', 'str', 'a', 'x'],
    ['HINCRBYFLOAT', 'str', 'a', '1'],
    ['HINCRBYFLOAT', 'str', 'a', 'inf'],
    ['HRANDFIELD', 'str'],
    ['HRANDFIELD', 'str', 'x'],
    ['HRANDFIELD', 'str', '0'],
    ['HSCAN', 'str', '0'],
    ['HSCAN', 'str', 'x'],
    ['HSCAN', 'str', '0', 'COUNT', 'x'],
    ['GET', 'bin'],
    ['TYPE', 'bin'],
    ['RENAME', 'bin', 'bin2'],
    ['HGETALL', 'bin2'],
    ['EXPIRE', 'bin2', '100'],
    ['HSET', 'bin2', 'x', 'y'],
    ['TTL', 'bin2'],
    ['DEL', 'bin2'],
    // Arity.
    ['HGET', 'h'],
    ['HGET', 'h', 'a', 'b'],
    ['HSETNX', 'h', 'a'],
    ['HMGET', 'h'],
    ['HDEL', 'h'],
    ['HLEN'],
    ['HSTRLEN', 'h'],
    ['HINCRBY', 'h', 'a'],
    ['HINCRBYFLOAT', 'h', 'a', '1', '2'],
    ['HRANDFIELD'],
    ['HSCAN', 'h'],
    ['HGETALL'],
    ['HKEYS', 'a', 'b'],
    ['HEXISTS', 'h'],
  ];
}

function randomSequence(seed: number): string[][] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const keys = ['h1', 'h1', 'h1', 'h2', 'h2', 'h3', 'str', 'nokey'];
  const fieldPool = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', '', 'n', 'x\x00y'];
  const field = () => (rnd() < 0.03 ? L65 : rnd() < 0.3 ? `g${int(0, 40)}` : pick(fieldPool));
  const values = [
    '',
    '0',
    '1',
    '-1',
    '42',
    '007',
    '-0',
    ' 1',
    '1.5',
    '-0.25',
    '1e3',
    'abc',
    '9223372036854775807',
  ];
  const value = () => (rnd() < 0.03 ? L65 : rnd() < 0.3 ? String(int(-1000, 1000)) : pick(values));
  const incrs = ['1', '-1', '5', '1000000', '9223372036854775807', '-9223372036854775808', 'x', '1.5'];
  const fincrs = ['0.1', '-0.1', '1.5e3', '3', '-7', 'inf', 'nan', 'x', '1e4932', '0x1p3', '.5'];
  const out: string[][] = [['SET', 'str', 'text']];
  if (rnd() < 0.5) out.push(['CONFIG', 'SET', 'hash-max-listpack-entries', String(int(0, 12))]);
  if (rnd() < 0.3) out.push(['CONFIG', 'SET', 'hash-max-listpack-value', String(int(0, 8))]);
  const n = int(40, 90);
  for (let i = 0; i < n; i++) {
    const key = pick(keys);
    const r = rnd();
    if (r < 0.22) {
      const pairs = int(1, 4);
      const argv = [rnd() < 0.85 ? 'HSET' : 'HMSET', key];
      for (let p = 0; p < pairs; p++) argv.push(field(), value());
      if (rnd() < 0.03) argv.pop();
      out.push(argv);
    } else if (r < 0.27) out.push(['HSETNX', key, field(), value()]);
    else if (r < 0.33) out.push(['HGET', key, field()]);
    else if (r < 0.36) out.push(['HMGET', key, field(), field(), field()]);
    else if (r < 0.44) out.push(['HDEL', key, ...Array.from({ length: int(1, 3) }, field)]);
    else if (r < 0.47) out.push(['HEXISTS', key, field()]);
    else if (r < 0.5) out.push(['HLEN', key]);
    else if (r < 0.53) out.push(['HSTRLEN', key, field()]);
    else if (r < 0.59) out.push(['HINCRBY', key, field(), pick(incrs)]);
    else if (r < 0.65) out.push(['HINCRBYFLOAT', key, field(), pick(fincrs)]);
    else if (r < 0.7) out.push(['HGETALL', key]);
    else if (r < 0.73) out.push([pick(['HKEYS', 'HVALS']), key]);
    else if (r < 0.8) {
      const argv = ['HRANDFIELD', key];
      if (rnd() < 0.8) argv.push(String(int(-6, 14)));
      if (argv.length === 3 && rnd() < 0.5) argv.push(rnd() < 0.9 ? 'WITHVALUES' : 'bogus');
      out.push(argv);
    } else if (r < 0.86) {
      const argv = ['HSCAN', key, rnd() < 0.9 ? '0' : pick(['7', 'x'])];
      if (rnd() < 0.4) argv.push('MATCH', pick(['f*', '*1*', 'g?', '[fg]1*', 'zz']));
      if (rnd() < 0.4) argv.push('COUNT', pick(['1', '2', '5', '100', '0']));
      out.push(argv);
    } else if (r < 0.89) out.push(['OBJECT', 'ENCODING', key]);
    else if (r < 0.91) out.push(['DEL', key]);
    else if (r < 0.93) out.push(['COPY', key, pick(keys), 'REPLACE']);
    else if (r < 0.95) out.push(['TYPE', key]);
    else if (r < 0.97) out.push(['EXISTS', key]);
    else out.push(['HDEL', key, ...fieldPool, ...Array.from({ length: 41 }, (_, g) => `g${g}`), L65]);
  }
  for (const k of ['h1', 'h2', 'h3']) out.push(['HGETALL', k], ['OBJECT', 'ENCODING', k], ['HLEN', k]);
  return out;
}

describe('hash commands vs a real redis-server (raw replies)', () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;

  before(async () => {
    [redis, mnemo] = await Promise.all([startRedis(), startMnemo()]);
  });

  after(async () => {
    await Promise.all([redis?.stop(), mnemo?.stop()]);
  });

  for (const resp of [2, 3] as const) {
    it(`scripted sequence, RESP${resp}`, async () => {
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of script()) await step(s, argv);
      } finally {
        await disconnect(s);
      }
    });
  }

  it('keyspace events and dirty counts of the scripted sequence', async () => {
    const s = await connect(redis.port, mnemo.port, 2);
    const sub = await RawClient.connect(redis.port);
    const listenerBefore = mnemo.instance.ks.listener;
    try {
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      await sub.command('PSUBSCRIBE', '__keyevent@*__:*');
      const mnemoEvents: string[] = [];
      mnemo.instance.ks.listener = {
        keyModified() {},
        dbModified() {},
        notify(_type, event, key) {
          mnemoEvents.push(`${event} ${key}`);
        },
      };
      const dirtyOf = async (c: RawClient) => {
        const text = decodeReply(await c.command('INFO', 'persistence'));
        return Number(/rdb_changes_since_last_save:(\d+)/.exec(str(text))![1]);
      };
      let redisEvents: string[] = [];
      const readEvents = async (marker: string): Promise<string[]> => {
        // The marker command's event ends this command's batch on the subscriber connection.
        await s.redis.command('HSET', marker, 'm', '1');
        await s.redis.command('DEL', marker);
        const got: string[] = [];
        for (;;) {
          const [raw] = await sub.read(1);
          const msg = items(decodeReply(raw!)).map(str);
          const event = msg[2]!.slice(msg[2]!.indexOf(':') + 1);
          if (msg[3] === marker) {
            if (event === 'del') return got;
            continue;
          }
          got.push(`${event} ${msg[3]}`);
        }
      };
      for (const argv of script()) {
        if (argv[0] === 'CONFIG' || argv[0] === 'HRANDFIELD' || argv[0] === 'HSCAN') continue;
        const before = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        mnemoEvents.length = 0;
        await both(s, argv);
        const afterDirty = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        redisEvents = await readEvents('__marker__');
        assert.deepEqual(mnemoEvents, redisEvents, `events of ${JSON.stringify(argv)}`);
        assert.equal(
          afterDirty[1] - before[1],
          afterDirty[0] - before[0],
          `dirty count of ${JSON.stringify(argv)}`,
        );
      }
    } finally {
      mnemo.instance.ks.listener = listenerBefore;
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
      await sub.close();
      await disconnect(s);
    }
  });

  it('seeded random sequences, RESP2 and RESP3', async () => {
    const fixed = process.env.HASH_SEED;
    const count = Number(process.env.HASH_SEQUENCES ?? 120);
    const base = fixed !== undefined ? Number(fixed) : Math.floor(Math.random() * 1e9);
    const seeds = fixed !== undefined ? [base] : Array.from({ length: count }, (_, i) => base + i);
    for (const seed of seeds) {
      const resp = seed % 2 === 0 ? 2 : 3;
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of randomSequence(seed)) await step(s, argv);
      } catch (err) {
        (err as Error).message = `HASH_SEED=${seed} (RESP${resp}): ${(err as Error).message}`;
        throw err;
      } finally {
        await disconnect(s);
      }
    }
  });
});
