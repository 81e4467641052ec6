/**
 * Pipelined commands are parsed ahead and their keys, and the hash fields or set members they
 * name, are prefetched before they run (dispatch.prefetchPipeline). A hint only: these pipelines
 * (big hashed hashes, sets and sorted sets, commands on several keys interleaved, a key of the wrong type, a
 * member table that changes encoding or disappears mid-pipeline) must answer exactly as
 * redis-server 7.0 does. Also checks Database.memberTable, the lookup the prefetch uses.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../src/engine/clock.js';
import { Database } from '../src/engine/db.js';
import { Keyspace } from '../src/engine/keyspace.js';
import { HashValue } from '../src/engine/values/hash.js';
import { SetValue } from '../src/engine/values/set.js';
import type { Argv } from './helpers/raw-client.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { sideBySide } from './helpers/side-by-side.js';

/** Members in each table: over PREFETCH_MEMBERS_MIN (8192), below which nothing is prefetched. */
const SIZE = 9000;

/** Commands filling `key` with `n` fields (HSET) or members (SADD, ZADD), 100 per command. */
function fill(kind: 'HSET' | 'SADD' | 'ZADD', key: string, n: number): Argv[] {
  const out: Argv[] = [];
  for (let i = 0; i < n; i += 100) {
    const argv = [kind, key];
    for (let j = i; j < Math.min(n, i + 100); j++) {
      if (kind === 'HSET') argv.push(`f${j}`, `v${j}`);
      else if (kind === 'ZADD') argv.push(String((j * 7919) % 1000), `z${j}`);
      else argv.push(`m${j}`);
    }
    out.push(argv);
  }
  return out;
}

function mixed(): Argv[] {
  const out: Argv[] = [];
  for (let i = 0; i < 60; i++) {
    const f = `f${(i * 37) % SIZE}`;
    const m = `m${(i * 53) % SIZE}`;
    out.push(
      ['HGET', 'h', f],
      ['HSET', 'h', f, `new${i}`, `extra${i}`, 'x'],
      ['SISMEMBER', 's', m],
      ['HEXISTS', 'h', `nope${i}`],
      ['SADD', 's', m, `added${i}`],
      ['HINCRBY', 'h', `count${i % 3}`, '2'],
      ['SMISMEMBER', 's', m, 'missing', `added${i}`],
      ['HMGET', 'h', f, 'missing', `extra${i}`],
      ['HGET', 'str', 'field'],
      ['SREM', 's', m],
      ['HDEL', 'h', f],
      ['HSTRLEN', 'h', `extra${i}`],
      ['ZADD', 'z', String(i * 1.5), `z${(i * 41) % SIZE}`, '-1', `znew${i}`],
      ['ZSCORE', 'z', `z${(i * 29) % SIZE}`],
      ['ZINCRBY', 'z', '2.5', `z${(i * 31) % SIZE}`],
      ['ZADD', 'z', 'NX', 'CH', '7', `z${(i * 43) % SIZE}`],
      ['ZMSCORE', 'z', `znew${i}`, 'missing'],
      ['ZRANK', 'z', `z${(i * 47) % SIZE}`],
      ['ZREM', 'z', `z${(i * 59) % SIZE}`, `znew${i}`],
    );
  }
  // A table that goes away mid-pipeline, then comes back small.
  out.push(
    ['HGET', 'h', 'f1'],
    ['DEL', 'h'],
    ['HGET', 'h', 'f1'],
    ['HSET', 'h', 'f1', 'again'],
    ['HGET', 'h', 'f1'],
  );
  return out;
}

describe('pipelines with prefetched members, compared with redis-server', () => {
  const servers = sideBySide();

  test('HSET/HGET/SADD/SISMEMBER/ZADD/ZSCORE and friends on big tables, interleaved', async () => {
    const run = async (port: number) => {
      const c = await RawClient.connect(port);
      try {
        await c.send([
          ...fill('HSET', 'h', SIZE),
          ...fill('SADD', 's', SIZE),
          ...fill('ZADD', 'z', SIZE),
          ['SET', 'str', 'v'],
        ]);
        const replies = await c.send(mixed());
        return replies.map((r) => showRaw(r));
      } finally {
        await c.close();
      }
    };
    const [got, want] = await Promise.all([run(servers.mnemo.port), run(servers.redis.port)]);
    assert.equal(got.length, want.length);
    assert.deepEqual(got, want);
  });
});

describe('Database.memberTable', () => {
  test('the hashed table of a hash or set, null otherwise, and it changes nothing', () => {
    const clock = new ManualClock();
    const ks = new Keyspace(1, clock);
    const db = ks.db(0);
    const big = new HashValue();
    for (let i = 0; i < 300; i++) big.set(`f${i}`, 'v', 128, 64);
    const small = new HashValue();
    small.set('f', 'v', 128, 64);
    const set = new SetValue(false);
    set.add('m', 512);
    db.add('big', big);
    db.add('small', small);
    db.add('set', set);
    db.add('str', 'value');
    db.setExpire('set', clock.now() - 1);
    assert.equal(db.memberTable('big'), big.fieldTable);
    assert.notEqual(db.memberTable('big'), null);
    assert.equal(db.memberTable('small'), null);
    assert.equal(db.memberTable('str'), null);
    assert.equal(db.memberTable('missing'), null);
    // An expired key is still there for the hint, and is not deleted by it.
    assert.equal(db.memberTable('set'), set.members);
    assert.equal(db.size, 4);
    assert.ok(db instanceof Database);
  });
});
