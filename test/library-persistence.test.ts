/**
 * Persistence of the in-process MemoryStore: a store given a `dir` loads its AOF or RDB file at
 * construction, writes the AOF (appendfsync always: before command() returns), saves on
 * save()/close() as SAVE/SHUTDOWN do, reloads with load(); a store without a `dir` never writes
 * a file, even when Redis's default save points are due. Files the library writes are loaded
 * by a real redis-server 7.0 and compared value by value.
 */

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ManualClock, MemoryStore } from '../src/index.js';
import { startRedis } from './helpers/redis-server.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mnemo-libpersist-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A RESP3 map reply (HGETALL, CONFIG GET) as a plain object. */
function obj(v: unknown): Record<string, unknown> {
  assert.ok(v instanceof Map, `expected a map, got ${String(v)}`);
  return Object.fromEntries(v);
}

/** Every file under `dir`, recursively, as relative paths. */
function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** One key of every type, plus TTLs; TTLs are relative to the store's clock. */
function fill(s: MemoryStore): void {
  s.set('str', 'hello');
  s.command('SET', 'bin', Buffer.from([0, 255, 13, 10]));
  s.command('SET', 'n', 12345);
  s.rpush('list', 'a', 'b', 'c', 'a');
  s.sadd('intset', 1, 2, 3);
  s.sadd('set', 'x', 'y', 'z');
  s.command('HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
  s.zadd('zset', [
    [1.5, 'one'],
    [-2, 'two'],
    [3, 'three'],
  ]);
  s.set('ttl', 'v', { px: 100_000 });
  s.set('short', 'v', { px: 500 });
  s.select(3);
  s.set('in3', 'three');
  s.select(0);
}

interface Snapshot {
  str: unknown;
  bin: unknown;
  n: unknown;
  list: unknown;
  intset: unknown;
  set: unknown;
  hash: unknown;
  zset: unknown;
  in3: unknown;
}

function read(s: MemoryStore): Snapshot {
  s.select(3);
  const in3 = s.get('in3');
  s.select(0);
  return {
    str: s.get('str'),
    bin: s.getBuffer('bin'),
    n: s.get('n'),
    list: s.lrange('list', 0, -1),
    intset: s.smembers('intset').sort(),
    set: s.smembers('set').sort(),
    hash: obj(s.command('HGETALL', 'hash')),
    zset: s.zrange('zset', 0, -1, { withScores: true }),
    in3,
  };
}

const EXPECTED: Snapshot = {
  str: 'hello',
  bin: Buffer.from([0, 255, 13, 10]),
  n: '12345',
  list: ['a', 'b', 'c', 'a'],
  intset: ['1', '2', '3'],
  set: ['x', 'y', 'z'],
  hash: { f1: 'v1', f2: 'v2' },
  zset: [
    ['two', -2],
    ['one', 1.5],
    ['three', 3],
  ],
  in3: 'three',
};

describe('MemoryStore persistence: AOF', () => {
  it('appendfsync always writes before command() returns; a new store on the dir sees every key and TTL', () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const config = { dir, appendonly: 'yes', appendfsync: 'always', save: '' };
    const a = new MemoryStore({ clock, config, activeExpire: false });
    fill(a);
    // Already on disk, before any close() or event-loop turn.
    const incr = files(dir).find((f) => f.endsWith('.incr.aof'));
    assert.ok(incr !== undefined, `no INCR file in ${files(dir).join(', ')}`);
    const text = readFileSync(join(dir, incr), 'latin1');
    assert.match(text, /\$5\r\nhello\r\n/);
    assert.match(text, /\$6\r\nin3\r\n|\$3\r\nin3\r\n/);
    a.close();
    a.close(); // idempotent
    assert.ok(!existsSync(join(dir, 'dump.rdb')), 'save "" must not write a dump.rdb on close');

    clock.advance(1000); // `short` (500 ms) has expired by now, `ttl` has 99 s left
    const b = new MemoryStore({ clock, config, activeExpire: false });
    assert.deepEqual(read(b), EXPECTED);
    assert.equal(b.pttl('ttl'), 99_000);
    assert.equal(b.exists('short'), 0);
    b.close();
  });

  it('a corrupt AOF makes the constructor throw a clear error', () => {
    const dir = tempDir();
    const config = { dir, appendonly: 'yes', appendfsync: 'always', save: '' };
    const a = new MemoryStore({ config, activeExpire: false });
    a.set('k', 'v');
    a.close();
    const incr = files(dir).find((f) => f.endsWith('.incr.aof'));
    assert.ok(incr !== undefined);
    appendFileSync(join(dir, incr), 'this is not RESP\r\n*1\r\n$4\r\nPING\r\n');
    assert.throws(
      () => new MemoryStore({ config, activeExpire: false }),
      (err: Error) => {
        assert.match(err.message, /^MemoryStore: error loading the dataset \(.*appendonlydir\): /);
        assert.match(err.message, /Bad file format/i);
        return true;
      },
    );
  });

  it('load() is refused with appendonly yes', () => {
    const dir = tempDir();
    const s = new MemoryStore({ config: { dir, appendonly: 'yes', save: '' }, activeExpire: false });
    assert.throws(() => s.load(), /load\(\) is refused with appendonly yes/);
    s.close();
  });

  it('CONFIG SET appendonly yes on an RDB store starts the AOF, which a restart then loads', async () => {
    const dir = tempDir();
    const s = new MemoryStore({ config: { dir, save: '' }, activeExpire: false });
    s.set('before', '1');
    assert.equal(s.command('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
    // The first rewrite runs in slices on the event loop.
    for (
      let i = 0;
      i < 200 && /aof_rewrite_in_progress:1/.test(String(s.command('INFO', 'persistence')));
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    assert.match(String(s.command('INFO', 'persistence')), /aof_enabled:1/);
    s.set('after', '2');
    s.close();
    const t = new MemoryStore({ config: { dir, appendonly: 'yes', save: '' }, activeExpire: false });
    assert.equal(t.get('before'), '1');
    assert.equal(t.get('after'), '2');
    t.close();
  });
});

describe('MemoryStore persistence: RDB', () => {
  it('save() writes dbfilename; a new store loads it, TTLs included', () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const config = { dir, dbfilename: 'lib.rdb', save: '' };
    const a = new MemoryStore({ clock, config, activeExpire: false });
    fill(a);
    assert.deepEqual(files(dir), []);
    a.save();
    assert.deepEqual(files(dir), ['lib.rdb']);
    assert.equal(typeof a.command('LASTSAVE'), 'number');
    assert.match(String(a.command('INFO', 'persistence')), /rdb_saves:1\r\n/);
    a.set('unsaved', 'x');
    a.close(); // save "" : no save on close

    clock.advance(1000);
    const b = new MemoryStore({ clock, config, activeExpire: false });
    assert.deepEqual(read(b), EXPECTED);
    assert.equal(b.pttl('ttl'), 99_000);
    assert.equal(b.exists('short'), 0);
    assert.equal(b.exists('unsaved'), 0);
    assert.match(String(b.command('INFO', 'persistence')), /rdb_last_load_keys_loaded:10\r\n/);
    b.close();
  });

  it('close() saves when save points are configured (Redis defaults with a dir), as SHUTDOWN does', () => {
    const dir = tempDir();
    const a = new MemoryStore({ config: { dir }, activeExpire: false });
    a.set('k', 'v');
    assert.deepEqual(files(dir), []);
    a.close();
    assert.deepEqual(files(dir), ['dump.rdb']);
    const b = new MemoryStore({ config: { dir }, activeExpire: false });
    assert.equal(b.get('k'), 'v');
    b.close();
  });

  it('load() replaces the contents with the file; a missing file is an error', () => {
    const dir = tempDir();
    const s = new MemoryStore({ config: { dir, save: '' }, activeExpire: false });
    assert.throws(() => s.load(), /there is no RDB file at .*dump\.rdb/);
    s.set('kept', '1');
    s.rpush('l', 'a', 'b');
    s.save();
    s.set('kept', 'changed');
    s.set('added', 'x');
    s.delete('l');
    s.load();
    assert.equal(s.get('kept'), '1');
    assert.equal(s.get('added'), null);
    assert.deepEqual(s.lrange('l', 0, -1), ['a', 'b']);
    assert.match(String(s.command('INFO', 'persistence')), /rdb_changes_since_last_save:0\r\n/);
    s.close();
  });

  it('BGSAVE through command() writes the file in the background', async () => {
    const dir = tempDir();
    const s = new MemoryStore({ config: { dir, save: '' }, activeExpire: false });
    for (let i = 0; i < 1000; i++) s.set(`k${i}`, i);
    assert.equal(s.command('BGSAVE'), 'Background saving started');
    await s.persistence?.backgroundSave?.done;
    assert.deepEqual(files(dir), ['dump.rdb']);
    s.close();
    const t = new MemoryStore({ config: { dir, save: '' }, activeExpire: false });
    assert.equal(t.stats().keys, 1000);
    assert.equal(t.get('k999'), '999');
    t.close();
  });
});

describe('MemoryStore persistence: BGSAVE is a point-in-time copy', () => {
  it('writes during BGSAVE to values packed in the key slab do not reach the file', async () => {
    const dir = tempDir();
    const s = new MemoryStore({ config: { dir, save: '' }, activeExpire: false, packValues: true });
    const n = 100_000;
    const value = (i: number, gen: number) => `${gen}:${'v'.repeat(i % 60)}`;
    for (let i = 0; i < n; i++) s.set(`k${i}`, value(i, 0));
    assert.equal(s.command('BGSAVE'), 'Background saving started');
    // While the snapshot is written in slices: same-length values (which would be overwritten
    // in place without a snapshot), longer ones, deletions and new keys.
    for (let i = 0; i < n; i += 2) s.set(`k${i}`, value(i, 1));
    for (let i = 1; i < n; i += 4) s.set(`k${i}`, `${value(i, 2)}xxxxxxxx`);
    for (let i = 3; i < n; i += 4) s.command('DEL', `k${i}`);
    for (let i = 0; i < 1000; i++) s.set(`new${i}`, 'x');
    await s.persistence?.backgroundSave?.done;
    // After the snapshot, the same-length overwrite is in place again: it must still read back.
    s.set('k0', value(0, 3));
    assert.equal(s.get('k0'), value(0, 3));
    s.close();
    const t = new MemoryStore({ config: { dir, save: '' }, activeExpire: false });
    assert.equal(t.stats().keys, n);
    for (let i = 0; i < n; i++) assert.equal(t.get(`k${i}`), value(i, 0));
    t.close();
  });
});

describe('MemoryStore persistence: off without a dir', () => {
  it('due save points write nothing without a dir, and do write with one', async () => {
    const cwd = process.cwd();
    const here = tempDir();
    const elsewhere = tempDir();
    process.chdir(here);
    try {
      const off = new MemoryStore({ activeExpire: false });
      assert.equal(off.persistence, null);
      for (let i = 0; i < 20; i++) off.set(`k${i}`, i);
      // Pretend the last save was long ago: "3600 1" is due.
      off.instance.lastSave = 0;
      off.activeExpireCycle();
      await new Promise((r) => setTimeout(r, 100));
      off.close();
      // Explicit save points without a dir are kept (CONFIG GET) but never acted on.
      const points = new MemoryStore({ config: { save: '1 1' }, activeExpire: false });
      points.set('k', 'v');
      points.instance.lastSave = 0;
      points.activeExpireCycle();
      points.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(files(here), []);
      assert.throws(() => off.command('SAVE'), /persistence is not available/);
      assert.throws(() => off.save(), /save\(\) needs persistence/);

      // The same with a dir: the cron starts a BGSAVE.
      const on = new MemoryStore({ config: { dir: elsewhere }, activeExpire: false });
      for (let i = 0; i < 20; i++) on.set(`k${i}`, i);
      on.instance.lastSave = 0;
      on.activeExpireCycle();
      assert.ok(on.persistence?.bgsaveInProgress, 'the save point started a BGSAVE');
      await on.persistence?.backgroundSave?.done;
      assert.deepEqual(files(elsewhere), ['dump.rdb']);
      on.close();
      assert.deepEqual(files(here), []);
    } finally {
      process.chdir(cwd);
    }
  });

  it('appendonly yes without a dir is refused, at construction and by CONFIG SET', () => {
    assert.throws(() => new MemoryStore({ config: { appendonly: 'yes' } }), /appendonly yes needs a 'dir'/);
    const s = new MemoryStore({ activeExpire: false });
    assert.throws(() => s.command('CONFIG', 'SET', 'appendonly', 'yes'), /persistence is off/);
    assert.deepEqual(obj(s.command('CONFIG', 'GET', 'appendonly')), { appendonly: 'no' });
    s.close();
  });
});

describe('MemoryStore persistence: files load into redis-server 7.0', () => {
  async function compare(redisArgs: string[], dir: string, write: (s: MemoryStore) => void, config = {}) {
    const s = new MemoryStore({ config: { dir, save: '', ...config }, activeExpire: false });
    write(s);
    const expected = {
      str: s.get('str'),
      list: s.lrange('list', 0, -1),
      set: s.smembers('set').sort(),
      intset: s.smembers('intset').sort(),
      hash: obj(s.command('HGETALL', 'hash')),
      zset: s.command('ZRANGE', 'zset', 0, -1, 'WITHSCORES'),
      big: s.lrange('big', 0, -1),
      db3: null as string | null,
      size: s.stats().keys,
    };
    s.select(3);
    expected.db3 = s.get('in3');
    s.select(0);
    s.close();
    const redis = await startRedis(['--dir', dir, ...redisArgs]);
    const c = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true });
    try {
      await c.connect();
      const got = {
        str: await c.get('str'),
        list: await c.lrange('list', 0, -1),
        set: (await c.smembers('set')).sort(),
        intset: (await c.smembers('intset')).sort(),
        hash: await c.hgetall('hash'),
        zset: await c.zrange('zset', 0, -1, 'WITHSCORES'),
        big: await c.lrange('big', 0, -1),
        db3: null as string | null,
        size: await c.dbsize(),
      };
      const pttl = await c.pttl('ttl');
      await c.select(3);
      got.db3 = await c.get('in3');
      got.size += await c.dbsize();
      // ioredis returns zset scores as strings; the store as numbers.
      assert.deepEqual(got, { ...expected, zset: (expected.zset as unknown[][]).flat().map(String) });
      assert.ok(pttl > 3_500_000 && pttl <= 3_600_000, `PTTL ${pttl}`);
    } finally {
      c.disconnect();
      await redis.stop();
    }
  }

  function write(s: MemoryStore): void {
    s.set('str', 'hello');
    s.rpush('list', 'a', 'b', 'c');
    s.sadd('set', 'x', 'y', 'z');
    s.sadd('intset', 1, 2, 3);
    s.command('HSET', 'hash', 'f1', 'v1', 'f2', 'v2');
    s.zadd('zset', [
      [1.5, 'one'],
      [2, 'two'],
    ]);
    s.rpush('big', ...Array.from({ length: 300 }, (_, i) => `element-${i}`));
    s.set('ttl', 'v', { ttl: 3600 });
    s.select(3);
    s.set('in3', 'three');
    s.select(0);
    s.command('CONFIG', 'SET', 'save', '');
  }

  it('an RDB file saved by the library', async () => {
    const dir = tempDir();
    await compare(
      ['--dbfilename', 'lib.rdb'],
      dir,
      (s) => {
        write(s);
        s.save();
      },
      { dbfilename: 'lib.rdb' },
    );
  });

  it('an AOF directory written by the library', async () => {
    const dir = tempDir();
    await compare(['--appendonly', 'yes'], dir, write, { appendonly: 'yes', appendfsync: 'always' });
  });
});
