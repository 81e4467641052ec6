/**
 * The list and set families (src/families/lists.ts, sets.ts) beyond push/pop/membership: LSET,
 * LREM, LTRIM, LINSERT, LPOS, LMOVE, RPOPLPUSH, LMPOP, SMOVE, SPOP/SRANDMEMBER with counts,
 * SINTER/SUNION/SDIFF and their STORE forms, SINTERCARD and SSCAN. Two halves:
 *  - in-process (MemoryStore): every command's replies, errors, WRONGTYPE, arity, encodings
 *    (intset -> hashtable, including *STORE results), emptied keys deleted, keyspace events,
 *    the ring-buffer deque's edits against a plain array model, SSCAN guarantees while the set
 *    is modified between calls, and the typed helpers;
 *  - against a real redis-server 7.0: scripted and seeded-random sequences sent to both servers
 *    over RESP2 and RESP3, replies compared byte for byte, and the keyspace events each server
 *    published. Orders are relaxed only where Redis's own order is undefined: members of a
 *    hashtable set (decided by asking Redis for the encoding), SSCAN (whole loops compared),
 *    and SPOP/SRANDMEMBER (sizes, distinctness, membership; the servers are then resynced).
 * LISTS_SETS_SEED=<n> replays a random run; LISTS_SETS_SEQUENCES=<n> sets how many run.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ListValue, setListChunkSize } from '../src/engine/values/list.js';
import { MemoryStore, ReplyError, type ReplyValue } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { prngInt as prng } from './helpers/random.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { RespReader, type RespValue, showResp } from './helpers/resp.js';

// =============================================================================================
// In-process helpers

function newStore(config: Record<string, string | number> = {}): MemoryStore {
  return new MemoryStore({ activeExpire: false, config });
}

function err(store: MemoryStore, name: string, ...args: Array<string | number>): string {
  try {
    store.command(name, ...args);
  } catch (e) {
    if (e instanceof ReplyError) return e.message;
    throw e;
  }
  assert.fail(`${name} ${args.join(' ')} did not fail`);
}

function enc(store: MemoryStore, key: string): ReplyValue {
  return store.command('OBJECT', 'ENCODING', key);
}

/** Records keyspace events (and WATCH signals) of a store; enables notify-keyspace-events. */
function recordEvents(store: MemoryStore): { events: string[]; modified: string[]; take(): string[] } {
  store.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  const ks = store.instance.ks;
  const prev = ks.listener;
  const rec = {
    events: [] as string[],
    modified: [] as string[],
    take(): string[] {
      const out = rec.events;
      rec.events = [];
      rec.modified = [];
      return out;
    },
  };
  ks.listener = {
    keyModified(db, key) {
      rec.modified.push(key);
      prev?.keyModified(db, key);
    },
    dbModified(db) {
      prev?.dbModified(db);
    },
    notify(type, event, key, db) {
      rec.events.push(`${event}:${key}`);
      prev?.notify(type, event, key, db);
    },
  };
  return rec;
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';
const NOT_INT = 'ERR value is not an integer or out of range';

// =============================================================================================
// The deque against a model

describe('ListValue edits (LINSERT, LREM, LTRIM paths) against an array model', () => {
  function modelRun(steps: number, seed0: number): void {
    let seed = seed0;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const list = new ListValue();
    let model: string[] = [];
    for (let step = 0; step < steps; step++) {
      const op = rnd(13);
      // Mostly short elements, now and then one past the one-byte length prefix.
      const v = rnd(50) === 0 ? 'z'.repeat(240 + rnd(300)) : String.fromCharCode(97 + rnd(4));
      if (op < 3) {
        const i = rnd(model.length + 1);
        list.insertAt(i, v);
        model.splice(i, 0, v);
      } else if (op === 3) {
        list.pushFront(v);
        model.unshift(v);
      } else if (op === 4) {
        const limit = rnd(3);
        const fromTail = rnd(2) === 1;
        let removed = 0;
        const keep = (x: string): boolean => {
          if (x !== v || (limit !== 0 && removed >= limit)) return true;
          removed++;
          return false;
        };
        model = fromTail ? model.reverse().filter(keep).reverse() : model.filter(keep);
        assert.equal(list.removeMatches(v, limit, fromTail), removed);
      } else if (op === 5 && model.length > 0) {
        const n = rnd(Math.min(model.length, 5) + 1);
        list.dropFront(n);
        model.splice(0, n);
      } else if (op === 6 && model.length > 0) {
        const n = rnd(Math.min(model.length, 5) + 1);
        list.dropBack(n);
        model.splice(model.length - n, n);
      } else if (op === 7 && model.length > 0) {
        const i = rnd(model.length);
        list.setAt(i, v);
        model[i] = v;
      } else if (op === 8 && model.length > 0) {
        assert.equal(list.popBack(), model.pop());
      } else if (op === 9 && model.length > 0) {
        assert.equal(list.popFront(), model.shift());
      } else if (op === 10 && model.length > 0) {
        // Reads in order from a random point, forwards or backwards, then one at random.
        const from = rnd(model.length);
        for (let i = from; i < Math.min(model.length, from + 20); i++) assert.equal(list.at(i), model[i]);
        for (let i = from; i >= Math.max(0, from - 20); i--) assert.equal(list.at(i), model[i]);
        const r = rnd(model.length);
        assert.equal(list.at(r), model[r]);
      } else {
        list.pushBack(v);
        model.push(v);
      }
      if (step % 97 === 0) assert.deepEqual(list.toArray(), model, `step ${step}`);
      assert.equal(list.length, model.length);
    }
    assert.deepEqual(list.toArray(), model);
    assert.deepEqual(list.clone().toArray(), model);
  }

  it('insertAt, removeMatches, dropFront/dropBack, setAt, pops and reads agree with Array operations', () => {
    modelRun(20_000, 12345);
  });

  it('the same with chunks of 2 elements, so short lists go through every packed path', () => {
    setListChunkSize(2);
    try {
      modelRun(20_000, 777);
      modelRun(5_000, 4242);
    } finally {
      setListChunkSize(128);
    }
  });

  it('packs chunks of short elements with a few long ones among them, and of long ones', () => {
    // Chunks of short elements are packed through a scratch buffer, others by a join: both
    // must write every length prefix (one byte, or 0xf0 + 2 bytes past 239 bytes, or 0xf1 + 4
    // bytes past 65,535) and every byte, at either end.
    const element = (i: number): string =>
      i % 97 === 0
        ? String.fromCharCode(0xf0 + (i % 16)).repeat(240 + (i % 300))
        : i % 1999 === 0
          ? 'y'.repeat(70_000)
          : String.fromCharCode(i % 256, (i * 7) % 256);
    const model: string[] = [];
    const back = new ListValue();
    const front = new ListValue();
    for (let i = 0; i < 6000; i++) {
      back.pushBack(element(i));
      front.pushFront(element(i));
      model.push(element(i));
    }
    assert.ok(back.chunkCount >= 30 && front.chunkCount >= 30);
    assert.deepEqual(back.toArray(), model);
    assert.deepEqual(front.toArray(), [...model].reverse());
    for (let i = 0; i < 6000; i += 7) assert.equal(back.at(i), model[i]);
  });

  it('packs the middle of a long list and unpacks it as the ends are consumed', () => {
    const list = new ListValue();
    for (let i = 0; i < 5000; i++) list.pushBack(`element:${i}`);
    assert.ok(list.chunkCount >= 30, `${list.chunkCount} chunks`);
    assert.ok(list.looseCount <= 256, `${list.looseCount} loose elements`);
    assert.equal(list.at(2500), 'element:2500');
    list.dropFront(4990);
    assert.equal(list.length, 10);
    assert.equal(list.chunkCount, 0);
    assert.deepEqual(
      list.toArray(),
      Array.from({ length: 10 }, (_, i) => `element:${4990 + i}`),
    );
    // Pushed at the front, then popped from the back: the front half moves over.
    const w = new ListValue();
    for (let i = 0; i < 1000; i++) w.pushFront(`f${i}`);
    assert.equal(w.popBack(), 'f0');
    assert.equal(w.at(0), 'f999');
    assert.equal(w.removeMatches('f500', 0, true), 1);
    assert.equal(w.length, 998);
  });
});

// =============================================================================================
// Lists, in-process

describe('lists in-process', () => {
  it('LSET: replaces by index (negative from the tail), errors in Redis order', () => {
    const s = newStore();
    s.rpush('l', 'a', 'b', 'c');
    assert.equal(s.command('LSET', 'l', 0, 'x'), 'OK');
    assert.equal(s.command('LSET', 'l', -1, 'z'), 'OK');
    assert.deepEqual(s.lrange('l', 0, -1), ['x', 'b', 'z']);
    assert.equal(err(s, 'LSET', 'l', 3, 'q'), 'ERR index out of range');
    assert.equal(err(s, 'LSET', 'l', -4, 'q'), 'ERR index out of range');
    assert.equal(err(s, 'LSET', 'nokey', 0, 'q'), 'ERR no such key');
    // The key is looked up before the index is parsed.
    assert.equal(err(s, 'LSET', 'nokey', 'abc', 'q'), 'ERR no such key');
    assert.equal(err(s, 'LSET', 'l', 'abc', 'q'), NOT_INT);
    s.set('str', 'v');
    assert.equal(err(s, 'LSET', 'str', 0, 'q'), WRONGTYPE);
    assert.equal(err(s, 'LSET', 'l', 0), "ERR wrong number of arguments for 'lset' command");
    s.lset('l', 1, 'helper');
    assert.equal(s.command('LINDEX', 'l', 1), 'helper');
  });

  it('LREM: count > 0 from the head, < 0 from the tail, 0 all; emptied list deleted', () => {
    const s = newStore();
    s.rpush('l', 'a', 'b', 'a', 'c', 'a', 'd', 'a');
    assert.equal(s.lrem('l', 2, 'a'), 2);
    assert.deepEqual(s.lrange('l', 0, -1), ['b', 'c', 'a', 'd', 'a']);
    assert.equal(s.lrem('l', -1, 'a'), 1);
    assert.deepEqual(s.lrange('l', 0, -1), ['b', 'c', 'a', 'd']);
    assert.equal(s.lrem('l', 0, 'zz'), 0);
    assert.equal(s.lrem('l', 0, 'a'), 1);
    assert.equal(s.command('LREM', 'l', '-9223372036854775808', 'b'), 1);
    assert.equal(s.lrem('nokey', 1, 'a'), 0);
    assert.equal(err(s, 'LREM', 'l', 'x', 'a'), NOT_INT);
    assert.equal(err(s, 'LREM', 'nokey', 'x', 'a'), NOT_INT);
    s.rpush('one', 'v', 'v');
    assert.equal(s.lrem('one', 0, 'v'), 2);
    assert.equal(s.exists('one'), 0);
    s.set('str', 'v');
    assert.equal(err(s, 'LREM', 'str', 0, 'v'), WRONGTYPE);
  });

  it('LTRIM: ranges as LRANGE, out-of-range trims everything and deletes the key', () => {
    const s = newStore();
    s.rpush('t', ...'0123456789'.split(''));
    s.ltrim('t', 2, -3);
    assert.deepEqual(s.lrange('t', 0, -1), ['2', '3', '4', '5', '6', '7']);
    assert.equal(s.command('LTRIM', 't', -100, 100), 'OK');
    assert.equal(s.llen('t'), 6);
    s.ltrim('t', 1, 1);
    assert.deepEqual(s.lrange('t', 0, -1), ['3']);
    s.ltrim('t', 5, 10);
    assert.equal(s.exists('t'), 0);
    assert.equal(s.command('LTRIM', 'nokey', 0, 1), 'OK');
    assert.equal(err(s, 'LTRIM', 'nokey', 'a', 1), NOT_INT);
    s.set('str', 'v');
    assert.equal(err(s, 'LTRIM', 'str', 0, 1), WRONGTYPE);
  });

  it('LINSERT: BEFORE/AFTER the first pivot, -1 without pivot, 0 without key', () => {
    const s = newStore();
    s.rpush('i', 'a', 'b', 'b');
    assert.equal(s.linsert('i', 'BEFORE', 'b', 'x'), 4);
    assert.equal(s.linsert('i', 'AFTER', 'b', 'y'), 5);
    assert.equal(s.command('LINSERT', 'i', 'after', 'b', 'z'), 6);
    assert.deepEqual(s.lrange('i', 0, -1), ['a', 'x', 'b', 'z', 'y', 'b']);
    assert.equal(s.linsert('i', 'BEFORE', 'nope', 'w'), -1);
    assert.equal(s.linsert('nokey', 'BEFORE', 'a', 'w'), 0);
    assert.equal(s.exists('nokey'), 0);
    // The direction word is checked before the key.
    assert.equal(err(s, 'LINSERT', 'nokey', 'middle', 'a', 'w'), SYNTAX);
    s.set('str', 'v');
    assert.equal(err(s, 'LINSERT', 'str', 'BEFORE', 'a', 'w'), WRONGTYPE);
  });

  it('LPOS: RANK, COUNT, MAXLEN and their errors', () => {
    const s = newStore();
    s.rpush('p', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
    assert.equal(s.lpos('p', 'c'), 2);
    assert.equal(s.lpos('p', 'c', { rank: 2 }), 6);
    assert.equal(s.lpos('p', 'c', { rank: -1 }), 7);
    assert.deepEqual(s.lpos('p', 'c', { count: 0 }), [2, 6, 7]);
    assert.deepEqual(s.lpos('p', 'c', { rank: -1, count: 2 }), [7, 6]);
    assert.deepEqual(s.lpos('p', 'c', { count: 0, maxlen: 3 }), [2]);
    assert.equal(s.lpos('p', 'c', { maxlen: 2 }), null);
    assert.equal(s.lpos('nokey', 'c'), null);
    assert.deepEqual(s.lpos('nokey', 'c', { count: 1 }), []);
    assert.equal(
      err(s, 'LPOS', 'p', 'c', 'RANK', 0),
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    assert.equal(err(s, 'LPOS', 'p', 'c', 'COUNT', -1), "ERR COUNT can't be negative");
    assert.equal(err(s, 'LPOS', 'p', 'c', 'COUNT', 'x'), "ERR COUNT can't be negative");
    assert.equal(err(s, 'LPOS', 'p', 'c', 'MAXLEN', -1), "ERR MAXLEN can't be negative");
    assert.equal(err(s, 'LPOS', 'p', 'c', 'RANK', 'x'), NOT_INT);
    assert.equal(err(s, 'LPOS', 'p', 'c', 'RANK'), SYNTAX);
    assert.equal(err(s, 'LPOS', 'p', 'c', 'FOO', 1), SYNTAX);
    // Redis 7.0.15 negates RANK in a C long: LONG_MIN stays negative, counts every match from
    // the tail and ignores COUNT's stop (7.2 rejects it).
    assert.equal(s.command('LPOS', 'p', 'c', 'RANK', '-9223372036854775808'), 7);
    assert.deepEqual(s.command('LPOS', 'p', 'c', 'RANK', '-9223372036854775808', 'COUNT', 1), [7, 6, 2]);
    assert.deepEqual(s.command('LPOS', 'p', 'c', 'RANK', '-9223372036854775807', 'COUNT', 1), []);
    s.set('str', 'v');
    assert.equal(err(s, 'LPOS', 'str', 'c'), WRONGTYPE);
  });

  it('LMOVE / RPOPLPUSH: all four directions, rotation, creation, deletion, WRONGTYPE', () => {
    const s = newStore();
    s.rpush('src', 'a', 'b', 'c', 'd');
    assert.equal(s.lmove('src', 'dst', 'LEFT', 'RIGHT'), 'a');
    assert.equal(s.lmove('src', 'dst', 'RIGHT', 'LEFT'), 'd');
    assert.equal(s.lmove('src', 'dst', 'LEFT', 'LEFT'), 'b');
    assert.deepEqual(s.lrange('dst', 0, -1), ['b', 'd', 'a']);
    assert.equal(s.lmove('dst', 'dst', 'LEFT', 'RIGHT'), 'b');
    assert.deepEqual(s.lrange('dst', 0, -1), ['d', 'a', 'b']);
    assert.equal(s.command('RPOPLPUSH', 'dst', 'dst'), 'b');
    assert.deepEqual(s.lrange('dst', 0, -1), ['b', 'd', 'a']);
    assert.equal(s.lmove('src', 'dst', 'RIGHT', 'RIGHT'), 'c');
    assert.equal(s.exists('src'), 0);
    assert.equal(s.lmove('src', 'dst', 'LEFT', 'RIGHT'), null);
    assert.equal(s.command('RPOPLPUSH', 'nokey', 'dst'), null);
    // A one-element list rotated onto itself survives.
    s.rpush('one', 'x');
    assert.equal(s.lmove('one', 'one', 'LEFT', 'LEFT'), 'x');
    assert.deepEqual(s.lrange('one', 0, -1), ['x']);
    s.set('str', 'v');
    assert.equal(err(s, 'LMOVE', 'dst', 'str', 'LEFT', 'LEFT'), WRONGTYPE);
    assert.deepEqual(s.lrange('dst', 0, -1), ['b', 'd', 'a', 'c'], 'nothing popped on WRONGTYPE');
    assert.equal(err(s, 'LMOVE', 'str', 'dst', 'LEFT', 'LEFT'), WRONGTYPE);
    assert.equal(s.command('LMOVE', 'nokey', 'str', 'LEFT', 'LEFT'), null);
    assert.equal(err(s, 'LMOVE', 'dst', 'x', 'UP', 'LEFT'), SYNTAX);
    assert.equal(err(s, 'LMOVE', 'nokey', 'x', 'LEFT', 'DOWN'), SYNTAX);
    assert.equal(err(s, 'RPOPLPUSH', 'a'), "ERR wrong number of arguments for 'rpoplpush' command");
  });

  it('LMPOP: first non-empty list, counts, reply shape and errors', () => {
    const s = newStore();
    s.rpush('a', '1', '2', '3', '4');
    s.rpush('b', 'x');
    assert.deepEqual(s.command('LMPOP', 2, 'nokey', 'a', 'LEFT'), ['a', ['1']]);
    assert.deepEqual(s.command('LMPOP', 2, 'nokey', 'a', 'RIGHT', 'COUNT', 2), ['a', ['4', '3']]);
    assert.deepEqual(s.command('LMPOP', 2, 'a', 'b', 'LEFT', 'COUNT', 10), ['a', ['2']]);
    assert.equal(s.exists('a'), 0);
    assert.deepEqual(s.command('LMPOP', 2, 'a', 'b', 'RIGHT', 'COUNT', 10), ['b', ['x']]);
    assert.equal(s.command('LMPOP', 2, 'a', 'b', 'LEFT'), null);
    for (const [args, want] of [
      [[0, 'a', 'LEFT'], 'ERR numkeys should be greater than 0'],
      [['x', 'a', 'LEFT'], 'ERR numkeys should be greater than 0'],
      [[3, 'a', 'LEFT'], SYNTAX],
      [[1, 'a', 'MIDDLE'], SYNTAX],
      [[1, 'a', 'LEFT', 'COUNT', 0], 'ERR count should be greater than 0'],
      [[1, 'a', 'LEFT', 'COUNT', 'x'], 'ERR count should be greater than 0'],
      [[1, 'a', 'LEFT', 'COUNT', 1, 'COUNT', 1], SYNTAX],
      [[1, 'a', 'LEFT', 'COUNT'], SYNTAX],
    ] as Array<[Array<string | number>, string]>) {
      assert.equal(err(s, 'LMPOP', ...args), want, args.join(' '));
    }
    s.set('str', 'v');
    s.rpush('c', 'q');
    assert.equal(err(s, 'LMPOP', 2, 'str', 'c', 'LEFT'), WRONGTYPE);
    assert.deepEqual(
      s.command('LMPOP', 2, 'c', 'str', 'LEFT'),
      ['c', ['q']],
      'keys after a list are not checked',
    );
    assert.deepEqual(s.command('COMMAND', 'GETKEYS', 'LMPOP', 2, 'a', 'b', 'LEFT'), ['a', 'b']);
  });

  it('list writes publish Redis’s events and signal the keys', () => {
    const s = newStore();
    const rec = recordEvents(s);
    s.rpush('l', 'a', 'b', 'c');
    rec.take();
    s.lset('l', 0, 'x');
    s.lrem('l', 1, 'x');
    s.linsert('l', 'BEFORE', 'b', 'y');
    s.ltrim('l', 0, 99);
    assert.deepEqual(rec.take(), ['lset:l', 'lrem:l', 'linsert:l', 'ltrim:l']);
    s.lmove('l', 'm', 'LEFT', 'RIGHT');
    assert.deepEqual(rec.take(), ['rpush:m', 'lpop:l']);
    s.command('LMPOP', 1, 'l', 'RIGHT', 'COUNT', 5);
    assert.deepEqual(rec.take(), ['rpop:l', 'del:l']);
    s.rpush('n', 'z');
    rec.take();
    s.command('RPOPLPUSH', 'n', 'm');
    assert.deepEqual(rec.take(), ['lpush:m', 'rpop:n', 'del:n']);
    s.lrem('m', 0, 'nothing');
    s.command('LINSERT', 'm', 'BEFORE', 'nothing', 'v');
    assert.deepEqual(rec.take(), [], 'no event when nothing changed');
    s.ltrim('m', 5, 10);
    assert.deepEqual(rec.take(), ['ltrim:m', 'del:m']);
  });
});

// =============================================================================================
// Sets, in-process

describe('sets in-process', () => {
  it('SPOP: one member, counts, whole set, replies and deletion', () => {
    const s = newStore();
    s.sadd('s', 'a', 'b', 'c', 'd', 'e');
    const one = s.spop('s');
    assert.ok(one !== null && ['a', 'b', 'c', 'd', 'e'].includes(one));
    const two = s.spop('s', 2);
    assert.equal(two.length, 2);
    assert.equal(new Set([one, ...two]).size, 3);
    assert.equal(s.scard('s'), 2);
    assert.deepEqual(s.spop('s', 0), []);
    const rest = s.spop('s', 10);
    assert.equal(rest.length, 2);
    assert.deepEqual([one, ...two, ...rest].sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(s.exists('s'), 0);
    assert.equal(s.spop('s'), null);
    assert.deepEqual(s.spop('s', 3), []);
    const MUST = 'ERR value is out of range, must be positive';
    assert.equal(err(s, 'SPOP', 's', -1), MUST);
    assert.equal(err(s, 'SPOP', 's', 'x'), MUST);
    assert.equal(err(s, 'SPOP', 's', 1, 2), SYNTAX);
    s.set('str', 'v');
    assert.equal(err(s, 'SPOP', 'str'), WRONGTYPE);
    assert.equal(err(s, 'SPOP', 'str', 1), WRONGTYPE);
  });

  it('SPOP count: both strategies return distinct members and leave the rest', () => {
    const s = newStore();
    for (const [size, count] of [
      [100, 3],
      [100, 90],
      [20, 19],
      [600, 550],
    ]) {
      const members = Array.from({ length: size! }, (_, i) => `m${i}`);
      s.delete('k');
      s.sadd('k', ...members);
      const popped = s.spop('k', count!);
      assert.equal(popped.length, count);
      assert.equal(new Set(popped).size, count);
      const left = s.smembers('k');
      assert.equal(left.length, size! - count!);
      assert.deepEqual([...popped, ...left].sort(), [...members].sort());
    }
  });

  it('SPOP count that keeps only a few re-encodes the survivors as Redis does', () => {
    // A hashtable set of integers (it once held a string): when most of it is popped, Redis
    // rebuilds the survivors with setTypeCreate, which gives an intset again.
    const s = newStore();
    s.sadd('k', ...Array.from({ length: 30 }, (_, i) => String(i)), 'str');
    s.srem('k', 'str');
    assert.equal(enc(s, 'k'), 'hashtable');
    s.spop('k', 29);
    assert.equal(s.scard('k'), 1);
    assert.equal(enc(s, 'k'), 'intset');
    // Few popped: the same object, still a hashtable.
    s.sadd('h', ...Array.from({ length: 30 }, (_, i) => String(i)), 'str');
    s.srem('h', 'str');
    s.spop('h', 2);
    assert.equal(enc(s, 'h'), 'hashtable');
  });

  it('SRANDMEMBER: counts positive (distinct), negative (repeats), 0, errors', () => {
    const s = newStore();
    s.sadd('s', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    const all = new Set(s.smembers('s'));
    for (const n of [1, 2, 3, 4, 5, 9, 10, 11, 100]) {
      const r = s.srandmember('s', n);
      assert.equal(r.length, Math.min(n, 10));
      assert.equal(new Set(r).size, r.length);
      for (const m of r) assert.ok(all.has(m));
    }
    const rep = s.srandmember('s', -50);
    assert.equal(rep.length, 50);
    for (const m of rep) assert.ok(all.has(m));
    assert.ok(new Set(rep).size < 50, 'negative count repeats members');
    assert.deepEqual(s.srandmember('s', 0), []);
    assert.deepEqual(s.srandmember('nokey', 5), []);
    assert.deepEqual(s.srandmember('nokey', -5), []);
    assert.equal(s.srandmember('nokey'), null);
    assert.ok(all.has(s.srandmember('s')!));
    assert.equal(s.scard('s'), 10, 'SRANDMEMBER does not remove');
    assert.equal(err(s, 'SRANDMEMBER', 's', 'x'), NOT_INT);
    assert.equal(
      err(s, 'SRANDMEMBER', 's', '-9223372036854775808'),
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    assert.equal(err(s, 'SRANDMEMBER', 's', 1, 2), SYNTAX);
    // The whole set of an intset comes back ascending, as Redis iterates it.
    s.sadd('ints', 30, 1, 20, -4);
    assert.deepEqual(s.srandmember('ints', 10), ['-4', '1', '20', '30']);
  });

  it('SRANDMEMBER and SPOP are uniform enough', () => {
    const s = newStore();
    const members = Array.from({ length: 10 }, (_, i) => `m${i}`);
    s.sadd('s', ...members);
    const counts = new Map<string, number>();
    for (const m of s.srandmember('s', -20_000)) counts.set(m, (counts.get(m) ?? 0) + 1);
    for (const m of members) {
      const n = counts.get(m) ?? 0;
      assert.ok(n > 1600 && n < 2400, `${m} drawn ${n} times of 20000`);
    }
  });

  it('SINTER / SUNION / SDIFF: results, missing keys, WRONGTYPE anywhere', () => {
    const s = newStore();
    s.sadd('a', 1, 2, 3, 4, 5);
    s.sadd('b', 3, 4, 5, 6, 7);
    s.sadd('c', 'x', 'y', 3, 4);
    s.set('str', 'v');
    assert.deepEqual(s.sinter('a', 'b'), ['3', '4', '5']);
    assert.deepEqual(s.sinter('a', 'b', 'c').sort(), ['3', '4']);
    assert.deepEqual(s.sinter('a', 'nokey'), []);
    assert.equal(err(s, 'SINTER', 'nokey', 'str'), WRONGTYPE, 'all keys are checked');
    assert.deepEqual(s.sunion('a', 'b'), ['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual(s.sunion('a', 'c').sort(), ['1', '2', '3', '4', '5', 'x', 'y']);
    assert.deepEqual(s.sunion('nokey'), []);
    assert.equal(err(s, 'SUNION', 'a', 'str'), WRONGTYPE);
    assert.deepEqual(s.sdiff('a', 'b'), ['1', '2']);
    assert.deepEqual(s.sdiff('a', 'b', 'c'), ['1', '2']);
    assert.deepEqual(s.sdiff('c', 'a').sort(), ['x', 'y']);
    assert.deepEqual(s.sdiff('a', 'a'), []);
    assert.deepEqual(s.sdiff('a', 'nokey'), ['1', '2', '3', '4', '5']);
    assert.deepEqual(s.sdiff('nokey', 'a'), []);
    assert.equal(err(s, 'SDIFF', 'nokey', 'str'), WRONGTYPE);
    assert.equal(err(s, 'SINTER'), "ERR wrong number of arguments for 'sinter' command");
  });

  it('SINTERCARD: LIMIT, numkeys rules', () => {
    const s = newStore();
    s.sadd('a', 1, 2, 3, 4, 5);
    s.sadd('b', 3, 4, 5, 6);
    assert.equal(s.command('SINTERCARD', 2, 'a', 'b'), 3);
    assert.equal(s.command('SINTERCARD', 2, 'a', 'b', 'LIMIT', 2), 2);
    assert.equal(s.command('SINTERCARD', 2, 'a', 'b', 'LIMIT', 0), 3);
    assert.equal(s.command('SINTERCARD', 1, 'a'), 5);
    assert.equal(s.command('SINTERCARD', 2, 'a', 'nokey'), 0);
    assert.equal(err(s, 'SINTERCARD', 2, 'a', 'b', 'LIMIT', -1), "ERR LIMIT can't be negative");
    assert.equal(err(s, 'SINTERCARD', 2, 'a', 'b', 'LIMIT', 'x'), "ERR LIMIT can't be negative");
    assert.equal(err(s, 'SINTERCARD', 0, 'a'), 'ERR numkeys should be greater than 0');
    assert.equal(err(s, 'SINTERCARD', 'x', 'a'), 'ERR numkeys should be greater than 0');
    assert.equal(
      err(s, 'SINTERCARD', 3, 'a', 'b'),
      "ERR Number of keys can't be greater than number of args",
    );
    assert.equal(err(s, 'SINTERCARD', 2, 'a', 'b', 'LIMIT'), SYNTAX);
    assert.equal(err(s, 'SINTERCARD', 1, 'a', 'b'), SYNTAX);
    s.set('str', 'v');
    assert.equal(err(s, 'SINTERCARD', 2, 'nokey', 'str'), WRONGTYPE);
    assert.deepEqual(s.command('COMMAND', 'GETKEYS', 'SINTERCARD', 2, 'a', 'b', 'LIMIT', 1), ['a', 'b']);
  });

  it('*STORE: results stored with Redis’s encoding, empty results delete the destination', () => {
    const s = newStore({ 'set-max-intset-entries': 4 });
    s.sadd('h', 1, 2, 3, 'x');
    s.sadd('i', 2, 3, 4);
    s.set('dst', 'a string');
    s.expire('dst', 100);
    // Intersection of a hashtable set and an intset holds only integers: an intset.
    assert.equal(s.command('SINTERSTORE', 'dst', 'h', 'i'), 2);
    assert.equal(enc(s, 'dst'), 'intset');
    assert.equal(s.ttl('dst'), -1, 'the destination loses its TTL');
    assert.deepEqual(s.smembers('dst'), ['2', '3']);
    // A union past set-max-intset-entries is a hashtable.
    assert.equal(s.command('SUNIONSTORE', 'u', 'i', 'dst'), 3);
    assert.equal(enc(s, 'u'), 'intset');
    s.sadd('j', 10, 11);
    assert.equal(s.command('SUNIONSTORE', 'u', 'i', 'j'), 5);
    assert.equal(enc(s, 'u'), 'hashtable');
    // SDIFF removing the only string: algorithm 1 only adds survivors, so an intset.
    assert.equal(s.command('SDIFFSTORE', 'd', 'h', 'i'), 2);
    assert.equal(enc(s, 'd'), 'hashtable'); // "x" survives
    s.sadd('x', 'x');
    assert.equal(s.command('SDIFFSTORE', 'd', 'h', 'x'), 3);
    assert.equal(enc(s, 'd'), 'intset');
    // Algorithm 2 (many small sets subtracted from a big one) adds everything first: the
    // transient string leaves a hashtable, as in Redis.
    s.sadd('big', 1, 2, 3, 'str');
    s.sadd('s1', 'str');
    s.sadd('s2', 'q');
    s.sadd('s3', 'r');
    assert.equal(s.command('SDIFFSTORE', 'd2', 'big', 's1', 's2', 's3'), 3);
    assert.equal(enc(s, 'd2'), 'hashtable');
    assert.equal(s.command('SDIFFSTORE', 'd3', 'big', 's1'), 3);
    assert.equal(enc(s, 'd3'), 'intset');
    // Empty results delete.
    assert.equal(s.command('SINTERSTORE', 'dst', 'h', 'nokey'), 0);
    assert.equal(s.exists('dst'), 0);
    assert.equal(s.command('SDIFFSTORE', 'u', 'i', 'i'), 0);
    assert.equal(s.exists('u'), 0);
    assert.equal(s.command('SUNIONSTORE', 'd', 'nokey'), 0);
    assert.equal(s.exists('d'), 0);
    // A source of the wrong type fails before anything is written; the destination may be any type.
    s.set('str', 'v');
    assert.equal(err(s, 'SUNIONSTORE', 'i', 'i', 'str'), WRONGTYPE);
    assert.equal(s.scard('i'), 3);
    assert.equal(s.command('SUNIONSTORE', 'str', 'i'), 3);
    assert.equal(s.command('TYPE', 'str'), 'set');
  });

  it('SMOVE: moves, no-ops, creation with the member’s encoding, deletion, types', () => {
    const s = newStore();
    s.sadd('a', 1, 2, 3);
    s.sadd('b', 'x');
    assert.equal(s.smove('a', 'b', 1), true);
    assert.equal(s.smove('a', 'b', 1), false);
    assert.equal(s.smove('a', 'new', 2), true);
    assert.equal(enc(s, 'new'), 'intset');
    assert.equal(s.smove('a', 'new2', 'nope'), false);
    assert.equal(s.exists('new2'), 0);
    assert.equal(s.smove('a', 'a', 3), true);
    assert.equal(s.smove('a', 'a', 99), false);
    s.sadd('b', 3);
    assert.equal(s.smove('a', 'b', 3), true, 'already in the destination still counts');
    assert.equal(s.exists('a'), 0, 'an emptied source is deleted');
    s.set('str', 'v');
    assert.equal(s.smove('nokey', 'str', 1), false, 'a missing source answers before type checks');
    assert.equal(err(s, 'SMOVE', 'b', 'str', 'x'), WRONGTYPE);
    assert.equal(err(s, 'SMOVE', 'str', 'b', 'x'), WRONGTYPE);
    assert.deepEqual(s.smembers('b').sort(), ['1', '3', 'x']);
  });

  it('intset conversions: a string member or too many entries make a hashtable for good', () => {
    const s = newStore({ 'set-max-intset-entries': 3 });
    s.sadd('s', 3, 1, 2);
    assert.equal(enc(s, 's'), 'intset');
    assert.deepEqual(s.smembers('s'), ['1', '2', '3']);
    s.sadd('s', 4);
    assert.equal(enc(s, 's'), 'hashtable');
    s.srem('s', 4);
    assert.equal(enc(s, 's'), 'hashtable');
    s.sadd('t', 1, 'a');
    assert.equal(enc(s, 't'), 'hashtable');
    s.sadd('u', '01'); // not a canonical integer
    assert.equal(enc(s, 'u'), 'hashtable');
    s.sadd('v', '-9223372036854775808', '9223372036854775807');
    assert.equal(enc(s, 'v'), 'intset');
    s.sadd('w', '9223372036854775808');
    assert.equal(enc(s, 'w'), 'hashtable');
  });

  it('set writes publish Redis’s events', () => {
    const s = newStore();
    const rec = recordEvents(s);
    s.sadd('a', 1, 2, 3);
    s.sadd('b', 9);
    rec.take();
    s.smove('a', 'b', 1);
    assert.deepEqual(rec.take(), ['srem:a', 'sadd:b']);
    s.smove('a', 'c', 2);
    assert.deepEqual(rec.take(), ['srem:a', 'sadd:c']);
    s.smove('a', 'c', 3);
    assert.deepEqual(rec.take(), ['srem:a', 'del:a', 'sadd:c']);
    s.sadd('c', 9);
    rec.take();
    s.command('SINTERSTORE', 'd', 'b', 'c');
    s.command('SUNIONSTORE', 'd', 'b', 'c');
    s.command('SDIFFSTORE', 'd', 'b', 'c');
    assert.deepEqual(rec.take(), ['sinterstore:d', 'sunionstore:d', 'sdiffstore:d']);
    s.command('SINTERSTORE', 'd', 'b', 'nokey');
    s.command('SINTERSTORE', 'd', 'b', 'nokey');
    assert.deepEqual(rec.take(), ['del:d']);
    s.spop('c');
    s.spop('c', 5);
    assert.deepEqual(rec.take(), ['spop:c', 'spop:c', 'del:c']);
    s.spop('b', 0);
    s.srandmember('b', 5);
    assert.deepEqual(rec.take(), []);
  });
});

// =============================================================================================
// SSCAN

describe('SSCAN', () => {
  it('an intset comes back whole, ascending, at cursor 0, whatever COUNT says', () => {
    const s = newStore();
    s.sadd('i', 50, -3, 7, 1000, 0);
    assert.deepEqual(s.command('SSCAN', 'i', 0, 'COUNT', 1), ['0', ['-3', '0', '7', '50', '1000']]);
    assert.deepEqual(s.command('SSCAN', 'i', 12345), ['0', ['-3', '0', '7', '50', '1000']]);
    assert.deepEqual(s.command('SSCAN', 'i', 0, 'MATCH', '*0'), ['0', ['0', '50', '1000']]);
    assert.deepEqual(s.command('SSCAN', 'nokey', 0), ['0', []]);
    assert.equal(err(s, 'SSCAN', 'i', 'x'), 'ERR invalid cursor');
    assert.equal(err(s, 'SSCAN', 'nokey', 'x'), 'ERR invalid cursor');
    assert.deepEqual(
      s.command('SSCAN', 'nokey', 0, 'BAD'),
      ['0', []],
      'options of a missing key are not read',
    );
    assert.equal(err(s, 'SSCAN', 'i', 0, 'TYPE', 'set'), SYNTAX);
    assert.equal(err(s, 'SSCAN', 'i', 0, 'COUNT', 0), SYNTAX);
    assert.equal(err(s, 'SSCAN', 'i', 0, 'COUNT', 'x'), NOT_INT);
    s.set('str', 'v');
    assert.equal(err(s, 'SSCAN', 'str', 0), WRONGTYPE);
  });

  it('a full iteration returns every member once per bucket visit, MATCH filters', () => {
    const s = newStore();
    const members = Array.from({ length: 1000 }, (_, i) => `m:${i}`);
    s.sadd('h', ...members);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = s.command('SSCAN', 'h', cursor, 'COUNT', 20) as [string, string[]];
      for (const m of batch) seen.add(m);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    assert.equal(seen.size, 1000);
    assert.ok(calls > 20, `a scan of 1000 members in ${calls} calls`);
    const matched = new Set<string>();
    cursor = '0';
    do {
      const [next, batch] = s.command('SSCAN', 'h', cursor, 'MATCH', 'm:1*') as [string, string[]];
      for (const m of batch) {
        assert.ok(m.startsWith('m:1'));
        matched.add(m);
      }
      cursor = next;
    } while (cursor !== '0');
    assert.equal(matched.size, members.filter((m) => m.startsWith('m:1')).length);
  });

  it('under concurrent modification (grows and shrinks) returns every stable member', () => {
    for (let round = 0; round < 6; round++) {
      const s = newStore();
      const stable = Array.from({ length: 300 }, (_, i) => `stable:${round}:${i}`);
      s.sadd('h', ...stable);
      let churn = 0;
      const added: string[] = [];
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, batch] = s.command('SSCAN', 'h', cursor, 'COUNT', 7) as [string, string[]];
        for (const m of batch) seen.add(m);
        cursor = next;
        calls++;
        // Between calls: rounds 0-2 grow the table, 3-5 grow then shrink it well below.
        const grow = round < 3 || calls < 15;
        if (grow) {
          for (let k = 0; k < 40; k++) {
            const m = `churn:${churn++}`;
            s.sadd('h', m);
            added.push(m);
          }
        } else {
          for (let k = 0; k < 60 && added.length > 0; k++) s.srem('h', added.pop()!);
        }
      } while (cursor !== '0' && calls < 10_000);
      assert.equal(cursor, '0', 'the scan terminates');
      const missing = stable.filter((m) => !seen.has(m));
      assert.deepEqual(missing, [], `round ${round}: ${missing.length} stable members missed`);
    }
  });
});

// =============================================================================================
// Against redis-server 7.0

/** A comparison mode: exact bytes, or a reply whose element order is Redis's hash order. */
type Mode = 'exact' | 'unordered';

function parseOne(b: Buffer): RespValue {
  const r = new RespReader();
  r.feed(b);
  const v = r.next();
  assert.ok(v !== undefined, `incomplete reply ${showRaw(b)}`);
  return v;
}

/** A reply with the elements of its (nested) arrays/sets sorted: for hash-ordered replies. */
function unordered(v: RespValue): string {
  if (v.type === 'array' || v.type === 'set') {
    return `${v.type}[${v.value.map(unordered).sort().join(',')}]`;
  }
  return showResp(v);
}

function bulks(v: RespValue): string[] {
  assert.ok(v.type === 'array' || v.type === 'set', `expected an array, got ${showResp(v)}`);
  return v.value.map((x) => {
    assert.equal(x.type, 'bulk');
    return (x as { value: string }).value;
  });
}

class Pair {
  private constructor(
    readonly redis: RawClient,
    readonly mnemo: RawClient,
  ) {}

  static async open(redisPort: number, mnemoPort: number, resp: 2 | 3): Promise<Pair> {
    const p = new Pair(await RawClient.connect(redisPort), await RawClient.connect(mnemoPort));
    if (resp === 3) await p.both(['HELLO', '3']);
    await p.both(['SELECT', '9']);
    await p.both(['FLUSHDB']);
    return p;
  }

  async both(argv: string[]): Promise<[Buffer, Buffer]> {
    const [[a], [b]] = await Promise.all([this.redis.send([argv]), this.mnemo.send([argv])]);
    return [a!, b!];
  }

  async redisOnly(argv: string[]): Promise<RespValue> {
    return parseOne((await this.redis.send([argv]))[0]!);
  }

  async mnemoOnly(argv: string[]): Promise<RespValue> {
    return parseOne((await this.mnemo.send([argv]))[0]!);
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.mnemo.close();
  }
}

/** Sends argv to both servers and compares, with the mode Redis's own answer calls for. */
async function check(p: Pair, argv: string[], context: string): Promise<void> {
  const name = argv[0]!.toLowerCase();
  if (name === 'sscan') {
    await checkScan(p, argv, context);
    return;
  }
  if ((name === 'spop' || name === 'srandmember') && argv.length >= 2 && argv.length <= 3) {
    await checkRandom(p, argv, context);
    return;
  }
  const mode = await modeFor(p, argv);
  const [r, m] = await p.both(argv);
  if (mode === 'exact' || r.equals(m)) {
    assert.equal(showRaw(m), showRaw(r), `${context}: ${argv.join(' ')}`);
    return;
  }
  assert.equal(unordered(parseOne(m)), unordered(parseOne(r)), `${context}: ${argv.join(' ')}`);
}

async function encodingOf(p: Pair, key: string): Promise<string | null> {
  const v = await p.redisOnly(['OBJECT', 'ENCODING', key]);
  return v.type === 'bulk' ? v.value : null;
}

/**
 * Whether Redis's reply order is its hash order: SMEMBERS of a hashtable set, SINTER when the
 * smallest set is one, SUNION/SDIFF when the result set is one (asked with a *STORE twin).
 */
async function modeFor(p: Pair, argv: string[]): Promise<Mode> {
  const name = argv[0]!.toLowerCase();
  if (name === 'smembers') return (await encodingOf(p, argv[1]!)) === 'hashtable' ? 'unordered' : 'exact';
  if (name === 'sinter') {
    let smallest: { card: number; key: string } | null = null;
    for (const key of argv.slice(1)) {
      const t = await p.redisOnly(['TYPE', key]);
      if (t.type !== 'simple' || t.value !== 'set') return 'exact'; // empty, or WRONGTYPE
      const n = Number(((await p.redisOnly(['SCARD', key])) as { value: bigint }).value);
      if (smallest === null || n < smallest.card) smallest = { card: n, key };
    }
    return smallest !== null && (await encodingOf(p, smallest.key)) === 'hashtable' ? 'unordered' : 'exact';
  }
  if (name === 'sunion' || name === 'sdiff' || (name === 'spop' && argv.length === 3)) {
    const probe = '__probe__';
    const twin =
      name === 'spop' ? ['SUNIONSTORE', probe, argv[1]!] : [`${name}store`, probe, ...argv.slice(1)];
    const stored = await p.redisOnly(twin);
    if (stored.type === 'error') return 'exact';
    const e = await encodingOf(p, probe);
    await p.redisOnly(['DEL', probe]);
    return e === 'hashtable' ? 'unordered' : 'exact';
  }
  return 'exact';
}

/** SSCAN: the whole loop on each server from this cursor; the members seen must be equal. */
async function checkScan(p: Pair, argv: string[], context: string): Promise<void> {
  const [r, m] = await p.both(argv);
  const rv = parseOne(r);
  if (rv.type !== 'array' || rv.value.length !== 2) {
    assert.equal(showRaw(m), showRaw(r), `${context}: ${argv.join(' ')}`);
    return;
  }
  const loop = async (first: RespValue, send: (a: string[]) => Promise<RespValue>): Promise<string[]> => {
    const seen = new Set<string>();
    let reply = first;
    for (let i = 0; i < 10_000; i++) {
      assert.ok(reply.type === 'array');
      const [cur, batch] = reply.value as [RespValue, RespValue];
      for (const x of bulks(batch)) seen.add(x);
      const cursor = (cur as { value: string }).value;
      if (cursor === '0') break;
      reply = await send([argv[0]!, argv[1]!, cursor, ...argv.slice(3)]);
    }
    return [...seen].sort();
  };
  const want = await loop(rv, (a) => p.redisOnly(a));
  const got = await loop(parseOne(m), (a) => p.mnemoOnly(a));
  assert.deepEqual(got, want, `${context}: ${argv.join(' ')} (whole scan)`);
}

/**
 * SPOP/SRANDMEMBER: the same reply type and size, distinct members when Redis promises them,
 * all drawn from the set, and Redis's order where it has one (a whole intset). After an SPOP
 * that left members, both servers get Redis's survivors with Redis's encoding again.
 */
async function checkRandom(p: Pair, argv: string[], context: string): Promise<void> {
  const name = argv[0]!.toLowerCase();
  const key = argv[1]!;
  const before = await p.redisOnly(['SMEMBERS', key]);
  const members = before.type === 'error' ? [] : bulks(before);
  const mode = name === 'spop' && argv.length === 3 ? await modeFor(p, argv) : 'exact';
  const [r, m] = await p.both(argv);
  const rv = parseOne(r);
  const mv = parseOne(m);
  const what = `${context}: ${argv.join(' ')}\n  redis: ${showRaw(r)}\n  mnemo: ${showRaw(m)}`;
  const pool = new Set(members);
  let popped: number;
  if (rv.type === 'bulk') {
    assert.equal(mv.type, 'bulk', what);
    assert.ok(pool.has((mv as { value: string }).value), `${what}\n  not a member`);
    popped = 1;
  } else if (rv.type === 'array' || rv.type === 'set') {
    assert.equal(mv.type, rv.type, what);
    const got = bulks(mv);
    const want = bulks(rv);
    assert.equal(got.length, want.length, what);
    for (const x of got) assert.ok(pool.has(x), `${what}\n  ${JSON.stringify(x)} is not a member`);
    const count = Number(argv[2]);
    if (count >= 0) assert.equal(new Set(got).size, got.length, `${what}\n  repeated members`);
    if (got.length === members.length && count >= 0) {
      if (name === 'srandmember' && (await encodingOf(p, key)) === 'intset')
        assert.deepEqual(got, want, what);
      if (name === 'spop' && mode === 'exact') assert.deepEqual(got, want, what);
    }
    popped = got.length;
  } else {
    assert.equal(showRaw(m), showRaw(r), what);
    return;
  }
  if (name !== 'spop' || popped === 0 || popped === members.length) return;
  const left = bulks(await p.redisOnly(['SMEMBERS', key]));
  const enc = await encodingOf(p, key);
  await p.both(['DEL', key]);
  await p.both(['SADD', key, ...left]);
  if (enc === 'hashtable' && (await encodingOf(p, key)) !== 'hashtable') {
    await p.both(['SADD', key, '__h__']);
    await p.both(['SREM', key, '__h__']);
  }
  const mine = parseOne((await p.mnemo.send([['OBJECT', 'ENCODING', key]]))[0]!);
  assert.equal(
    showResp(mine),
    showResp(await p.redisOnly(['OBJECT', 'ENCODING', key])),
    `${context}: resync`,
  );
}

const LIST_SCRIPT: string[][] = [
  ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'a', 'b', 'a'],
  ['LSET', 'l', '0', 'x'],
  ['LSET', 'l', '-1', 'y'],
  ['LSET', 'l', '8', 'z'],
  ['LSET', 'l', '-9', 'z'],
  ['LSET', 'nokey', '0', 'z'],
  ['LSET', 'l', 'abc', 'z'],
  ['LSET', 'nokey', 'abc', 'z'],
  ['SET', 'str', 'v'],
  ['LSET', 'str', '0', 'z'],
  ['LRANGE', 'l', '0', '-1'],
  ['LREM', 'l', '0', 'a'],
  ['RPUSH', 'l2', 'a', 'b', 'a', 'c', 'a', 'd', 'a'],
  ['LREM', 'l2', '2', 'a'],
  ['LREM', 'l2', '-1', 'a'],
  ['LREM', 'l2', '-100', 'a'],
  ['LREM', 'l2', '-9223372036854775808', 'b'],
  ['LRANGE', 'l2', '0', '-1'],
  ['LREM', 'l2', 'x', 'a'],
  ['LREM', 'nokey', '1', 'a'],
  ['LREM', 'str', '1', 'a'],
  ['LREM', 'l2', '0', 'c'],
  ['LREM', 'l2', '0', 'd'],
  ['EXISTS', 'l2'],
  ['RPUSH', 't', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  ['LTRIM', 't', '2', '-3'],
  ['LRANGE', 't', '0', '-1'],
  ['LTRIM', 't', '-100', '100'],
  ['LTRIM', 't', '1', '1'],
  ['LTRIM', 't', '5', '10'],
  ['EXISTS', 't'],
  ['LTRIM', 'nokey', '0', '1'],
  ['LTRIM', 'str', '0', '1'],
  ['LTRIM', 't', 'a', '1'],
  ['RPUSH', 'i', 'a', 'b', 'c'],
  ['LINSERT', 'i', 'before', 'b', 'x'],
  ['LINSERT', 'i', 'AFTER', 'c', 'y'],
  ['LINSERT', 'i', 'After', 'a', 'z'],
  ['LINSERT', 'i', 'before', 'nope', 'w'],
  ['LINSERT', 'nokey', 'before', 'a', 'w'],
  ['LINSERT', 'i', 'middle', 'a', 'w'],
  ['LINSERT', 'nokey', 'middle', 'a', 'w'],
  ['LINSERT', 'str', 'before', 'a', 'w'],
  ['LRANGE', 'i', '0', '-1'],
  ['RPUSH', 'p', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'],
  ['LPOS', 'p', 'c'],
  ['LPOS', 'p', 'c', 'RANK', '2'],
  ['LPOS', 'p', 'c', 'RANK', '-2'],
  ['LPOS', 'p', 'c', 'COUNT', '0'],
  ['LPOS', 'p', 'c', 'RANK', '2', 'COUNT', '0'],
  ['LPOS', 'p', 'c', 'RANK', '-1', 'COUNT', '0', 'MAXLEN', '3'],
  ['LPOS', 'p', 'c', 'MAXLEN', '2'],
  ['LPOS', 'p', 'x', 'COUNT', '5'],
  ['LPOS', 'nokey', 'x'],
  ['LPOS', 'nokey', 'x', 'COUNT', '1'],
  ['LPOS', 'p', 'c', 'RANK', '0'],
  ['LPOS', 'p', 'c', 'COUNT', '-1'],
  ['LPOS', 'p', 'c', 'MAXLEN', '-1'],
  ['LPOS', 'p', 'c', 'COUNT', 'abc'],
  ['LPOS', 'p', 'c', 'RANK', 'abc'],
  ['LPOS', 'p', 'c', 'RANK'],
  ['LPOS', 'p', 'c', 'foo', '1'],
  ['LPOS', 'str', 'c'],
  ['LPOS', 'p', 'c', 'RANK', '-9223372036854775808'],
  ['LPOS', 'p', 'c', 'RANK', '-9223372036854775808', 'COUNT', '1'],
  ['LPOS', 'p', 'c', 'RANK', '-9223372036854775807', 'COUNT', '1'],
  ['LPOS', 'p', 'c', 'RANK', '9223372036854775807'],
  ['LPOS', 'p', 'c', 'RANK', '9223372036854775808'],
  ['LPOS', 'p', 'c', 'RANK', '1', 'RANK', '2'],
  ['RPUSH', 'm1', 'a', 'b', 'c'],
  ['LMOVE', 'm1', 'm2', 'left', 'right'],
  ['LMOVE', 'm1', 'm2', 'RIGHT', 'LEFT'],
  ['LMOVE', 'm1', 'm1', 'left', 'right'],
  ['LMOVE', 'm1', 'm2', 'left', 'right'],
  ['LMOVE', 'm1', 'm2', 'left', 'right'],
  ['LRANGE', 'm2', '0', '-1'],
  ['LMOVE', 'm2', 'str', 'left', 'left'],
  ['LMOVE', 'str', 'm2', 'left', 'left'],
  ['LMOVE', 'nokey', 'str', 'left', 'left'],
  ['LMOVE', 'm2', 'm3', 'up', 'left'],
  ['LMOVE', 'm2', 'm3', 'left', 'down'],
  ['RPOPLPUSH', 'm2', 'm2'],
  ['RPOPLPUSH', 'm2', 'm4'],
  ['RPOPLPUSH', 'nokey', 'm4'],
  ['RPOPLPUSH', 'm4', 'str'],
  ['RPUSH', 'mp1', 'a', 'b', 'c', 'd', 'e'],
  ['RPUSH', 'mp2', 'x', 'y'],
  ['LMPOP', '2', 'nokey', 'mp1', 'left'],
  ['LMPOP', '2', 'nokey', 'mp1', 'right', 'count', '2'],
  ['LMPOP', '2', 'mp1', 'mp2', 'left', 'COUNT', '10'],
  ['LMPOP', '2', 'mp1', 'mp2', 'left', 'COUNT', '10'],
  ['LMPOP', '2', 'mp1', 'mp2', 'left', 'COUNT', '10'],
  ['LMPOP', '0', 'mp1', 'left'],
  ['LMPOP', '-1', 'mp1', 'left'],
  ['LMPOP', 'abc', 'mp1', 'left'],
  ['LMPOP', '3', 'mp1', 'left'],
  ['LMPOP', '1', 'mp1', 'middle'],
  ['LMPOP', '1', 'mp1', 'left', 'count', '0'],
  ['LMPOP', '1', 'mp1', 'left', 'count', 'abc'],
  ['LMPOP', '1', 'mp1', 'left', 'count', '1', 'count', '1'],
  ['LMPOP', '1', 'mp1', 'left', 'foo'],
  ['LMPOP', '2', 'str', 'mp1', 'left'],
  ['RPUSH', 'mp1', 'q'],
  ['LMPOP', '2', 'mp1', 'str', 'left'],
  ['LMPOP', '2', 'nokey', 'str', 'left'],
  ['RPUSH', 'bin', 'a\x00b', '\xff\xfe', '', 'a\x00b'],
  ['LPOS', 'bin', 'a\x00b', 'COUNT', '0'],
  ['LREM', 'bin', '1', ''],
  ['LINSERT', 'bin', 'AFTER', '\xff\xfe', '\x00'],
  ['LRANGE', 'bin', '0', '-1'],
  ['LSET'],
  ['LREM', 'a', 'b'],
  ['LTRIM', 'a', '1', '2', '3'],
  ['LINSERT', 'a', 'b', 'c'],
  ['LPOS', 'p'],
  ['LMOVE', 'a', 'b', 'left'],
  ['RPOPLPUSH', 'a'],
  ['LMPOP', '1', 'a'],
];

const SET_SCRIPT: string[][] = [
  ['SADD', 'a', '1', '2', '3', '4', '5'],
  ['SADD', 'b', '3', '4', '5', '6', '7'],
  ['SADD', 'c', 'x', 'y', '3', '4'],
  ['SADD', 'd', '5'],
  ['SET', 'str', 'v'],
  ['SINTER', 'a', 'b'],
  ['SINTER', 'a', 'b', 'c'],
  ['SINTER', 'a', 'd', 'b'],
  ['SINTER', 'a', 'nokey'],
  ['SINTER', 'nokey', 'str'],
  ['SINTER', 'a', 'a'],
  ['SINTERSTORE', 'dst', 'a', 'b'],
  ['OBJECT', 'ENCODING', 'dst'],
  ['SMEMBERS', 'dst'],
  ['SINTERSTORE', 'dst', 'a', 'c'],
  ['OBJECT', 'ENCODING', 'dst'],
  ['SINTERSTORE', 'dst', 'a', 'nokey'],
  ['EXISTS', 'dst'],
  ['SINTERSTORE', 'dst', 'a', 'str'],
  ['SINTERSTORE', 'str', 'a', 'b'],
  ['TYPE', 'str'],
  ['SET', 'str', 'v'],
  ['SINTERCARD', '2', 'a', 'b'],
  ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
  ['SINTERCARD', '2', 'a', 'b', 'limit', '0'],
  ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
  ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'abc'],
  ['SINTERCARD', '0', 'a'],
  ['SINTERCARD', 'abc', 'a'],
  ['SINTERCARD', '3', 'a', 'b'],
  ['SINTERCARD', '2', 'a', 'b', 'foo'],
  ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
  ['SINTERCARD', '1', 'nokey'],
  ['SINTERCARD', '2', 'nokey', 'str'],
  ['SUNION', 'a', 'b'],
  ['SUNION', 'a', 'c'],
  ['SUNION', 'nokey'],
  ['SUNION', 'a', 'str'],
  ['SUNIONSTORE', 'u', 'a', 'b'],
  ['OBJECT', 'ENCODING', 'u'],
  ['SUNIONSTORE', 'u', 'a', 'c'],
  ['OBJECT', 'ENCODING', 'u'],
  ['SUNIONSTORE', 'u', 'nokey'],
  ['EXISTS', 'u'],
  ['SDIFF', 'a', 'b'],
  ['SDIFF', 'a', 'b', 'c'],
  ['SDIFF', 'a', 'a'],
  ['SDIFF', 'a', 'nokey', 'b'],
  ['SDIFF', 'nokey', 'a'],
  ['SDIFF', 'c', 'a'],
  ['SDIFFSTORE', 'df', 'c', 'a'],
  ['OBJECT', 'ENCODING', 'df'],
  ['SDIFFSTORE', 'df', 'a', 'a'],
  ['EXISTS', 'df'],
  ['SADD', 'e1', '1', '2', '3', 'a'],
  ['SADD', 'e2', 'a'],
  ['SADD', 'e3', 'x'],
  ['SADD', 'e4', 'y'],
  ['SDIFF', 'e1', 'e2', 'e3', 'e4'],
  ['SDIFFSTORE', 'e5', 'e1', 'e2', 'e3', 'e4'],
  ['OBJECT', 'ENCODING', 'e5'],
  ['SDIFFSTORE', 'e5', 'e1', 'e2'],
  ['OBJECT', 'ENCODING', 'e5'],
  ['SMOVE', 'a', 'b', '1'],
  ['SMOVE', 'a', 'b', '3'],
  ['SMOVE', 'a', 'nokey2', '2'],
  ['OBJECT', 'ENCODING', 'nokey2'],
  ['SMOVE', 'a', 'c2', 'nope'],
  ['SMOVE', 'nokey', 'str', '1'],
  ['SMOVE', 'a', 'str', '4'],
  ['SMOVE', 'str', 'a', '4'],
  ['SMOVE', 'a', 'a', '4'],
  ['SMOVE', 'a', 'a', '100'],
  ['SADD', 'single', 'only'],
  ['SMOVE', 'single', 'other', 'only'],
  ['EXISTS', 'single'],
  ['OBJECT', 'ENCODING', 'other'],
  ['SPOP', 'nokey'],
  ['SPOP', 'nokey', '0'],
  ['SPOP', 'nokey', '3'],
  ['SPOP', 'a', '0'],
  ['SPOP', 'a', '-1'],
  ['SPOP', 'a', 'abc'],
  ['SPOP', 'a', '1', '2'],
  ['SPOP', 'str'],
  ['SPOP', 'str', '1'],
  ['SRANDMEMBER', 'nokey'],
  ['SRANDMEMBER', 'nokey', '3'],
  ['SRANDMEMBER', 'nokey', '-3'],
  ['SRANDMEMBER', 'a', '0'],
  ['SRANDMEMBER', 'a', 'abc'],
  ['SRANDMEMBER', 'a', '1', '2'],
  ['SRANDMEMBER', 'a', '-9223372036854775808'],
  ['SRANDMEMBER', 'a', '100'],
  ['SRANDMEMBER', 'a', '-7'],
  ['SRANDMEMBER', 'c', '3'],
  ['SRANDMEMBER', 'str'],
  ['SRANDMEMBER', 'str', '1'],
  ['SADD', 'big', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  ['SPOP', 'big', '10'],
  ['EXISTS', 'big'],
  ['SADD', 'big2', '3', '1', '2'],
  ['SPOP', 'big2', '5'],
  ['SADD', 'big3', 'p', 'q', 'r', '1', '2', '3', '4', '5', '6'],
  ['SPOP', 'big3', '8'],
  ['SPOP', 'big3', '2'],
  ['SSCAN', 'nokey', '0'],
  ['SSCAN', 'b', '0'],
  ['SSCAN', 'b', '0', 'COUNT', '1'],
  ['SSCAN', 'b', '0', 'MATCH', '4*'],
  ['SSCAN', 'b', '0', 'TYPE', 'string'],
  ['SSCAN', 'b', 'abc'],
  ['SSCAN', 'nokey', 'abc'],
  ['SSCAN', 'nokey', '0', 'foo'],
  ['SSCAN', 'b', '0', 'foo'],
  ['SSCAN', 'b', '0', 'COUNT', '0'],
  ['SSCAN', 'str', '0'],
  ['SSCAN', 'b', '-1'],
  ['SSCAN', 'b', '18446744073709551616'],
  ['SSCAN', 'c', '0', 'MATCH', '[xy]'],
  ['SADD', 'ints', '10', '-5', '300', '0', '7'],
  ['SMEMBERS', 'ints'],
  ['SUNION', 'ints', 'b'],
  ['SINTER', 'ints', 'ints'],
  ['SDIFF', 'ints', 'b'],
  ['SRANDMEMBER', 'ints', '100'],
  ['SPOP', 'ints', '100'],
  ['CONFIG', 'SET', 'set-max-intset-entries', '4'],
  ['SADD', 'cv', '1', '2', '3', '4'],
  ['OBJECT', 'ENCODING', 'cv'],
  ['SADD', 'cv', '5'],
  ['OBJECT', 'ENCODING', 'cv'],
  ['SADD', 'cw', '9', '8'],
  ['SUNIONSTORE', 'cx', 'cw', 'b'],
  ['OBJECT', 'ENCODING', 'cx'],
  ['SINTERSTORE', 'cy', 'cv', 'b'],
  ['OBJECT', 'ENCODING', 'cy'],
  ['SMEMBERS', 'cy'],
  ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
  ['SADD', 'bin', 'a\x00b', '\xff', '', '\x00'],
  ['SMEMBERS', 'bin'],
  ['SMOVE', 'bin', 'bin2', '\x00'],
  ['SUNION', 'bin', 'bin2'],
  ['SMOVE'],
  ['SPOP'],
  ['SRANDMEMBER'],
  ['SINTERSTORE', 'd'],
  ['SINTERCARD', '1'],
  ['SUNIONSTORE', 'x'],
  ['SDIFFSTORE', 'x'],
  ['SSCAN', 'a'],
];

/** A keyspace-event subscriber on Redis: every event as "event:key", in publication order. */
class RedisEvents {
  private constructor(private readonly sub: RawClient) {}

  static async open(port: number): Promise<RedisEvents> {
    const sub = await RawClient.connect(port);
    await sub.send([['PSUBSCRIBE', '__keyevent@9__:*']]);
    return new RedisEvents(sub);
  }

  /** Events published until now: a marker event tells when all have arrived. */
  async take(p: Pair): Promise<string[]> {
    await p.redisOnly(['SADD', '__marker__', 'm']);
    await p.redisOnly(['DEL', '__marker__']);
    const out: string[] = [];
    const reader = new RespReader();
    for (;;) {
      const [frame] = await this.sub.read(1);
      reader.feed(frame!);
      const v = reader.next()!;
      assert.ok(v.type === 'array' || v.type === 'push');
      const items = v.value as RespValue[];
      const channel = (items[2] as { value: string }).value;
      const key = (items[3] as { value: string }).value;
      const event = channel.slice(channel.indexOf(':') + 1);
      if (key === '__marker__') {
        if (event === 'del') return out;
        continue;
      }
      if (key === '__probe__') continue;
      out.push(`${event}:${key}`);
    }
  }

  close(): Promise<void> {
    return this.sub.close();
  }
}

function mnemoEvents(server: MnemoInProcess): { take(): string[] } {
  const ks = server.instance.ks;
  const prev = ks.listener;
  let events: string[] = [];
  ks.listener = {
    keyModified: (db, key) => prev?.keyModified(db, key),
    dbModified: (db) => prev?.dbModified(db),
    notify(type, event, key, db) {
      if (db === 9 && key !== '__probe__') events.push(`${event}:${key}`);
      prev?.notify(type, event, key, db);
    },
  };
  return {
    take() {
      const out = events;
      events = [];
      return out;
    },
  };
}

const ELEMENTS = [
  '1',
  '2',
  '3',
  '10',
  '-5',
  '0',
  'a',
  'b',
  'c',
  '',
  '\x00',
  '\xff',
  '007',
  '9223372036854775808',
];
/** Lists draw from fewer values, so that LPOS/LREM/LINSERT find repeated matches. */
const LIST_ELEMENTS = ['a', 'b', 'c', '1', '', '\x00'];
const LIST_KEYS = ['l1', 'l2', 'l3'];
const SET_KEYS = ['s1', 's2', 's3', 's4'];
const OTHER_KEYS = ['str', 'nokey'];

/** One random command over a small key space where types collide. */
function randomCommand(r: (n: number) => number): string[] {
  const pick = <T>(xs: readonly T[]): T => xs[r(xs.length)]!;
  const el = (): string => pick(ELEMENTS);
  const lel = (): string => pick(LIST_ELEMENTS);
  const lkey = (): string => (r(8) === 0 ? pick(OTHER_KEYS) : pick(LIST_KEYS));
  const skey = (): string => (r(8) === 0 ? pick(OTHER_KEYS) : pick(SET_KEYS));
  const idx = (): string => String(r(12) - 6);
  const end = (): string => pick(['LEFT', 'RIGHT', 'left']);
  const skeys = (min: number): string[] => Array.from({ length: min + r(3) }, skey);
  switch (r(32)) {
    case 0:
    case 1:
      return ['RPUSH', lkey(), ...Array.from({ length: 1 + r(8) }, lel)];
    case 2:
      return ['LPUSH', lkey(), ...Array.from({ length: 1 + r(3) }, lel)];
    case 3:
      return ['LSET', lkey(), idx(), lel()];
    case 4:
      return ['LREM', lkey(), idx(), lel()];
    case 5:
      return ['LTRIM', lkey(), idx(), idx()];
    case 6:
      return ['LINSERT', lkey(), pick(['BEFORE', 'AFTER']), lel(), lel()];
    case 7: {
      const a = ['LPOS', lkey(), lel()];
      if (r(2)) a.push('RANK', pick(['1', '2', '-1', '-2', '0']));
      if (r(2)) a.push('COUNT', pick(['0', '1', '2']));
      if (r(3) === 0) a.push('MAXLEN', pick(['0', '2', '5']));
      return a;
    }
    case 8:
      return ['LMOVE', lkey(), lkey(), end(), end()];
    case 9:
      return ['RPOPLPUSH', lkey(), lkey()];
    case 10: {
      const keys = Array.from({ length: 1 + r(3) }, lkey);
      const a = ['LMPOP', String(keys.length), ...keys, end()];
      if (r(2)) a.push('COUNT', String(1 + r(4)));
      return a;
    }
    case 11:
      return ['LRANGE', lkey(), '0', '-1'];
    case 12:
    case 13:
    case 14:
      return ['SADD', skey(), ...Array.from({ length: 1 + r(8) }, el)];
    case 15:
      return ['SREM', skey(), el(), el()];
    case 16:
      return ['SMOVE', skey(), skey(), el()];
    case 17:
      return ['SPOP', skey(), ...(r(3) ? [String(r(6))] : [])];
    case 18:
      return ['SRANDMEMBER', skey(), ...(r(3) ? [String(r(12) - 5)] : [])];
    case 19:
      return ['SINTER', ...skeys(1)];
    case 20:
      return ['SUNION', ...skeys(1)];
    case 21:
      return ['SDIFF', ...skeys(1)];
    case 22:
      return ['SINTERSTORE', skey(), ...skeys(1)];
    case 23:
      return ['SUNIONSTORE', skey(), ...skeys(1)];
    case 24:
      return ['SDIFFSTORE', skey(), ...skeys(1)];
    case 25: {
      const keys = skeys(1);
      const a = ['SINTERCARD', String(keys.length), ...keys];
      if (r(2)) a.push('LIMIT', String(r(4)));
      return a;
    }
    case 26: {
      const a = ['SSCAN', skey(), '0'];
      if (r(2)) a.push('COUNT', String(1 + r(5)));
      if (r(3) === 0) a.push('MATCH', pick(['*1*', 'a', '[ab]*']));
      return a;
    }
    case 27:
      return ['SMEMBERS', skey()];
    case 28:
      return ['OBJECT', 'ENCODING', pick([...SET_KEYS, ...LIST_KEYS])];
    case 29:
      return ['SCARD', skey()];
    case 30:
      return ['LLEN', lkey()];
    default:
      return pick([
        ['SET', 'str', el()],
        ['DEL', pick([...SET_KEYS, ...LIST_KEYS])],
        ['EXISTS', ...SET_KEYS, ...LIST_KEYS],
      ]);
  }
}

describe('lists and sets against redis-server 7.0', { timeout: 300_000 }, () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;

  before(async () => {
    redis = await startRedis();
    mnemo = await startMnemo();
  });

  after(async () => {
    await redis?.stop();
    await mnemo?.stop();
  });

  for (const resp of [2, 3] as const) {
    it(`scripted list and set commands answer byte for byte, with the same events (RESP${resp})`, async () => {
      const p = await Pair.open(redis.port, mnemo.port, resp);
      await p.both(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      const sub = await RedisEvents.open(redis.port);
      const mine = mnemoEvents(mnemo);
      try {
        for (const [script, name] of [
          [LIST_SCRIPT, 'lists'],
          [SET_SCRIPT, 'sets'],
        ] as const) {
          for (const argv of script) await check(p, argv, `RESP${resp} ${name}`);
          const want = await sub.take(p);
          assert.deepEqual(mine.take(), want, `RESP${resp} ${name}: keyspace events`);
        }
      } finally {
        await p.both(['CONFIG', 'SET', 'notify-keyspace-events', '']);
        await p.both(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
        await sub.close();
        await p.close();
      }
    });
  }

  it('arity errors for every command of this feature', async () => {
    const p = await Pair.open(redis.port, mnemo.port, 2);
    try {
      const names = ['lset', 'lrem', 'ltrim', 'linsert', 'lpos', 'lmove', 'rpoplpush', 'lmpop'];
      names.push('smove', 'spop', 'srandmember', 'sinter', 'sinterstore', 'sintercard', 'sunion');
      names.push('sunionstore', 'sdiff', 'sdiffstore', 'sscan');
      for (const name of names) {
        for (let n = 0; n <= 5; n++) {
          await check(p, [name, ...Array.from({ length: n }, (_, i) => `k${i}`)], 'arity');
        }
      }
    } finally {
      await p.close();
    }
  });

  it('seeded random sequences agree (RESP2 and RESP3), events included', async () => {
    const seed = Number(process.env.LISTS_SETS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const sequences = Number(process.env.LISTS_SETS_SEQUENCES ?? 150);
    const r = prng(seed);
    const context = `seed ${seed} (LISTS_SETS_SEED=${seed} replays it)`;
    for (const resp of [2, 3] as const) {
      const p = await Pair.open(redis.port, mnemo.port, resp);
      await p.both(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      const sub = await RedisEvents.open(redis.port);
      const mine = mnemoEvents(mnemo);
      try {
        for (let seq = 0; seq < sequences; seq++) {
          await p.both(['FLUSHDB']);
          await p.both(['CONFIG', 'SET', 'set-max-intset-entries', String(pickMax(r))]);
          const done: string[] = [];
          for (const argv of seedKeys(r)) await check(p, argv, `${context} RESP${resp} seeding`);
          for (let k = 0; k < 40; k++) {
            const argv = randomCommand(r);
            done.push(argv.map((a) => JSON.stringify(a)).join(' '));
            await check(
              p,
              argv,
              `${context} RESP${resp} sequence ${seq}:\n    ${done.slice(-8).join('\n    ')}\n `,
            );
          }
          // The resyncs after SPOP run on both servers, so their events match too.
          const want = await sub.take(p);
          assert.deepEqual(
            mine.take(),
            want,
            `${context} RESP${resp} sequence ${seq}: events\n    ${done.join('\n    ')}`,
          );
        }
      } finally {
        await p.both(['CONFIG', 'SET', 'notify-keyspace-events', '']);
        await p.both(['CONFIG', 'SET', 'set-max-intset-entries', '512']);
        await sub.close();
        await p.close();
      }
    }
  });
});

/** Fills every list and set key at the start of a sequence, so commands meet real data. */
function seedKeys(r: (n: number) => number): string[][] {
  const out: string[][] = [];
  for (const key of LIST_KEYS) {
    out.push([
      'RPUSH',
      key,
      ...Array.from({ length: 3 + r(8) }, () => LIST_ELEMENTS[r(LIST_ELEMENTS.length)]!),
    ]);
  }
  for (const key of SET_KEYS) {
    // Integers only for some keys (intsets), mixed for the others.
    const pool = r(2) === 0 ? ['1', '2', '3', '10', '-5', '0', '42', '7'] : ELEMENTS;
    out.push(['SADD', key, ...Array.from({ length: 2 + r(8) }, () => pool[r(pool.length)]!)]);
  }
  return out;
}

function pickMax(r: (n: number) => number): number {
  return [2, 4, 8, 512][r(4)]!;
}
