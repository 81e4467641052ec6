/**
 * maxmemory and eviction (commands/eviction.ts, engine/evict.ts): what each policy evicts, the
 * OOM rules (plain commands and MULTI/EXEC, byte for byte against redis-server), the evicted
 * event and the DEL/UNLINK a deletion is propagated as, OBJECT FREQ/IDLETIME under LFU and LRU,
 * CONFIG SET maxmemory below the current usage, and how far used_memory gets past maxmemory
 * during a write burst on a real mnemo-server process.
 *
 * Policy behaviour is tested in-process with a manual clock: the library's used_memory is its
 * dataset estimate, which only changes with the data, so each case is reproducible. The
 * approximated LRU/LFU are statistical (maxmemory-samples keys per round), so those assertions
 * compare groups of keys with generous margins rather than expect an exact set.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ManualClock, MemoryStore, ReplyError } from '../src/index.js';
import { type MnemoInProcess, type MnemoProcess, spawnMnemo, startMnemo } from './helpers/mnemo.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { sendCommand } from './helpers/resp.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'v'.repeat(40);

function newStore(policy: string, config: Record<string, string> = {}) {
  const clock = new ManualClock();
  const s = new MemoryStore({
    clock,
    activeExpire: false,
    config: { 'maxmemory-policy': policy, ...config },
  });
  return { s, clock };
}

const used = (s: MemoryStore) => s.instance.memory.used();
/** Whether a key is present, without touching its LRU/LFU field or expiring it. */
const present = (s: MemoryStore, key: string) => s.instance.ks.db(0).dict.find(key) >= 0;

function survival(s: MemoryStore, prefix: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (present(s, `${prefix}:${i}`)) n++;
  return n / (to - from);
}

function infoField(text: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

function setMaxmemoryToUsage(s: MemoryStore): number {
  const limit = used(s);
  s.command('CONFIG', 'SET', 'maxmemory', String(limit));
  return limit;
}

function oom(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    if (err instanceof ReplyError && err.message === OOM) return true;
    throw err;
  }
}

describe('eviction policies (library, manual clock)', () => {
  it('allkeys-lru keeps the recently used keys', () => {
    const { s, clock } = newStore('allkeys-lru');
    for (let i = 0; i < 2000; i++) s.command('SET', `old:${i}`, VALUE);
    clock.advance(100_000);
    for (let i = 0; i < 200; i++) s.command('GET', `old:${i}`);
    clock.advance(100_000);
    const limit = setMaxmemoryToUsage(s);
    for (let i = 0; i < 1000; i++) s.command('SET', `new:${i}`, VALUE);
    // Eviction runs before each command, so the last write may still be over the limit.
    s.command('PING');
    assert.ok(used(s) <= limit, `used ${used(s)} > maxmemory ${limit}`);
    const evicted = Number(infoField(String(s.command('INFO', 'stats')), 'evicted_keys'));
    assert.ok(evicted > 800, `evicted_keys ${evicted}`);
    const hot = survival(s, 'old', 0, 200);
    const cold = survival(s, 'old', 200, 2000);
    const fresh = survival(s, 'new', 0, 1000);
    assert.ok(hot >= 0.9, `recently read keys kept: ${hot}`);
    assert.ok(fresh >= 0.9, `new keys kept: ${fresh}`);
    assert.ok(cold <= 0.6, `idle keys evicted first: ${cold} kept`);
  });

  it('allkeys-lfu keeps the frequently used keys', () => {
    const { s } = newStore('allkeys-lfu');
    for (let i = 0; i < 2000; i++) s.command('SET', `old:${i}`, VALUE);
    for (let r = 0; r < 30; r++) for (let i = 0; i < 200; i++) s.command('GET', `old:${i}`);
    const limit = setMaxmemoryToUsage(s);
    for (let i = 0; i < 1000; i++) s.command('SET', `new:${i}`, VALUE);
    s.command('PING');
    assert.ok(used(s) <= limit);
    const hot = survival(s, 'old', 0, 200);
    const cold = survival(s, 'old', 200, 2000);
    assert.ok(hot >= 0.9, `frequently read keys kept: ${hot}`);
    assert.ok(cold <= 0.75, `rarely read keys evicted: ${cold} kept`);
    // OBJECT FREQ is the real counter: hot keys climbed above LFU_INIT_VAL (5), cold ones did not.
    let hotFreq = 0;
    for (let i = 0; i < 200; i++)
      if (present(s, `old:${i}`)) hotFreq += Number(s.command('OBJECT', 'FREQ', `old:${i}`));
    assert.ok(hotFreq / (hot * 200) > 6, `mean hot counter ${hotFreq / (hot * 200)}`);
  });

  it('allkeys-random evicts without regard to use', () => {
    const { s, clock } = newStore('allkeys-random');
    for (let i = 0; i < 2000; i++) s.command('SET', `old:${i}`, VALUE);
    clock.advance(100_000);
    for (let r = 0; r < 5; r++) for (let i = 0; i < 200; i++) s.command('GET', `old:${i}`);
    setMaxmemoryToUsage(s);
    for (let i = 0; i < 2000; i++) s.command('SET', `new:${i}`, VALUE);
    const hot = survival(s, 'old', 0, 200);
    const cold = survival(s, 'old', 200, 2000);
    const fresh = survival(s, 'new', 0, 2000);
    // About half of everything goes, the used keys no less than the others.
    for (const [name, kept] of [
      ['hot', hot],
      ['cold', cold],
      ['new', fresh],
    ] as const) {
      assert.ok(kept > 0.2 && kept < 0.85, `${name} keys kept: ${kept}`);
    }
  });

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random']) {
    it(`${policy} evicts only keys with a TTL, then refuses writes`, () => {
      const { s, clock } = newStore(policy);
      for (let i = 0; i < 1000; i++) s.command('SET', `keep:${i}`, VALUE);
      for (let i = 0; i < 1000; i++) s.command('SET', `ttl:${i}`, VALUE, 'EX', '100000');
      clock.advance(100_000);
      for (let r = 0; r < 20; r++) for (let i = 0; i < 100; i++) s.command('GET', `ttl:${i}`);
      const limit = setMaxmemoryToUsage(s);
      for (let i = 0; i < 500; i++) s.command('SET', `more:${i}`, VALUE);
      s.command('PING');
      assert.ok(used(s) <= limit);
      assert.equal(survival(s, 'keep', 0, 1000), 1, 'keys without a TTL are never evicted');
      assert.equal(survival(s, 'more', 0, 500), 1);
      const volatileKept = survival(s, 'ttl', 0, 1000);
      assert.ok(volatileKept < 0.7, `keys with a TTL evicted: ${volatileKept} kept`);
      if (policy !== 'volatile-random') {
        const hot = survival(s, 'ttl', 0, 100);
        assert.ok(hot >= 0.9, `${policy}: used keys with a TTL kept: ${hot}`);
      }
      // Once no key has a TTL, writes are refused with OOM; reads and deletions still work.
      let refused = false;
      for (let i = 0; i < 3000 && !refused; i++) refused = oom(() => s.command('SET', `flood:${i}`, VALUE));
      assert.ok(refused, 'a write is refused once nothing can be evicted');
      assert.equal(s.instance.ks.db(0).expires.size, 0, 'every key with a TTL went first');
      assert.equal(survival(s, 'keep', 0, 1000), 1);
      assert.equal(s.command('GET', 'keep:1'), VALUE);
      assert.equal(s.command('DEL', 'keep:1', 'keep:2', 'keep:3'), 3);
      s.command('SET', 'after-del', 'x');
    });
  }

  it('volatile-ttl evicts the keys that expire soonest', () => {
    const { s } = newStore('volatile-ttl');
    for (let i = 0; i < 1000; i++) s.command('SET', `keep:${i}`, VALUE);
    // ttl:i expires in 1000 + i seconds, inserted in a shuffled order.
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) s.command('SET', `ttl:${i}`, VALUE, 'EX', String(1000 + i));
    setMaxmemoryToUsage(s);
    for (let i = 0; i < 400; i++) s.command('SET', `more:${i}`, VALUE);
    assert.equal(survival(s, 'keep', 0, 1000), 1);
    const gone: number[] = [];
    for (let i = 0; i < 1000; i++) if (!present(s, `ttl:${i}`)) gone.push(i);
    assert.ok(gone.length > 300, `evicted ${gone.length}`);
    // Ideally the evicted keys are exactly the first gone.length ones.
    const soonest = gone.filter((i) => i < gone.length).length;
    assert.ok(
      soonest / gone.length >= 0.8,
      `${soonest} of ${gone.length} evicted keys were the soonest to expire`,
    );
  });

  it('noeviction refuses denyoom commands and lets the rest through', () => {
    const { s } = newStore('noeviction');
    for (let i = 0; i < 100; i++) s.command('SET', `k:${i}`, VALUE);
    setMaxmemoryToUsage(s);
    s.command('SET', 'k:100', VALUE); // at the limit: allowed, now over it
    assert.ok(oom(() => s.command('SET', 'k:101', VALUE)));
    assert.ok(oom(() => s.command('LPUSH', 'list', 'a')));
    assert.ok(oom(() => s.command('APPEND', 'k:1', 'more')));
    assert.equal(s.command('GET', 'k:1'), VALUE);
    assert.equal(s.command('EXISTS', 'k:101'), 0);
    // DEL is not denyoom; once under the limit again, writes are accepted.
    assert.equal(s.command('DEL', 'k:1', 'k:2'), 2);
    assert.equal(s.command('SET', 'k:101', 'x'), 'OK');
    const stats = String(s.command('INFO', 'stats'));
    assert.equal(infoField(stats, 'evicted_keys'), '0');
    assert.match(String(s.command('INFO', 'errorstats')), /errorstat_OOM:count=3/);
  });

  it('CONFIG SET maxmemory below the usage evicts down to it', async () => {
    const { s } = newStore('allkeys-random');
    for (let i = 0; i < 20_000; i++) s.command('SET', `k:${i}`, VALUE);
    const before = used(s);
    s.command('CONFIG', 'SET', 'maxmemory', String(Math.floor(before / 2)));
    // Eviction started within CONFIG SET (bounded in time by the tenacity), and goes on in the
    // background between commands until the usage is under the new limit.
    assert.ok(Number(s.command('DBSIZE')) < 20_000);
    const deadline = Date.now() + 5000;
    while (used(s) > before / 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.ok(used(s) <= before / 2, `used ${used(s)} after lowering maxmemory to ${before / 2}`);
    // More than half the keys go: the tables keep the capacity they grew to.
    const size = Number(s.command('DBSIZE'));
    assert.ok(size > 2000 && size < 11_000, `DBSIZE ${size}`);
    const stats = String(s.command('INFO', 'stats'));
    assert.equal(Number(infoField(stats, 'evicted_keys')), 20_000 - size);
  });

  it('tenacity 0 leaves the rest of the work to the timer, which finishes it', async () => {
    const { s } = newStore('allkeys-lru', { 'maxmemory-eviction-tenacity': '0' });
    for (let i = 0; i < 20_000; i++) s.command('SET', `k:${i}`, VALUE);
    const limit = Math.floor(used(s) / 4);
    s.command('CONFIG', 'SET', 'maxmemory', String(limit));
    // With no time allowed, a call stops after its first 16 keys.
    assert.ok(Number(s.command('DBSIZE')) >= 20_000 - 32);
    const deadline = Date.now() + 5000;
    while (used(s) > limit && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.ok(used(s) <= limit);
    const stats = String(s.command('INFO', 'stats'));
    assert.equal(infoField(stats, 'current_eviction_exceeded_time'), '0');
    assert.ok(Number(infoField(stats, 'total_eviction_exceeded_time')) >= 0);
  });

  it('LFU counters: logarithmic increment, decay per lfu-decay-time minutes, OBJECT FREQ', () => {
    const { s, clock } = newStore('allkeys-lfu', { 'lfu-log-factor': '0' });
    s.command('SET', 'k', 'v');
    assert.equal(s.command('OBJECT', 'FREQ', 'k'), 5); // LFU_INIT_VAL
    for (let i = 0; i < 10; i++) s.command('GET', 'k');
    assert.equal(s.command('OBJECT', 'FREQ', 'k'), 15); // log factor 0: every access counts
    clock.advance(3 * 60_000);
    assert.equal(s.command('OBJECT', 'FREQ', 'k'), 12); // one per minute
    s.command('CONFIG', 'SET', 'lfu-decay-time', '2');
    clock.advance(4 * 60_000); // 7 minutes since the last access: 3 periods of 2
    assert.equal(s.command('OBJECT', 'FREQ', 'k'), 12);
    s.command('CONFIG', 'SET', 'lfu-decay-time', '0');
    clock.advance(60 * 60_000);
    assert.equal(s.command('OBJECT', 'FREQ', 'k'), 15, 'decay time 0 never decays');
    // The default log factor: increments get rarer as the counter grows.
    s.command('CONFIG', 'SET', 'lfu-log-factor', '10');
    s.command('SET', 'h', 'v');
    for (let i = 0; i < 1000; i++) s.command('GET', 'h');
    const freq = Number(s.command('OBJECT', 'FREQ', 'h'));
    assert.ok(freq > 8 && freq < 30, `1000 hits: counter ${freq}`);
    // RESTORE ... FREQ sets the counter under an LFU policy.
    const dump = s.commandBuffer('DUMP', 'k') as Buffer;
    s.command('RESTORE', 'r', '0', dump, 'FREQ', '100');
    assert.equal(s.command('OBJECT', 'FREQ', 'r'), 100);
  });

  it('the used_memory accounting follows writes, overwrites and deletions exactly', () => {
    const { s } = newStore('noeviction');
    s.command('SET', 'first', 'x');
    const base = used(s);
    s.command('SET', 'k', 'x'.repeat(1000));
    const one = used(s) - base;
    // The string (16-byte header + 1000 chars) plus its slots in the key table.
    assert.ok(one >= 1016 && one < 1100, `one 1000-byte string: ${one}`);
    s.command('RPUSH', 'l', ...Array.from({ length: 100 }, (_, i) => `element-${i}`));
    s.command('HSET', 'h', ...Array.from({ length: 200 }, (_, i) => `f${i}`));
    s.command('SADD', 's', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    s.command('ZADD', 'z', ...Array.from({ length: 200 }, (_, i) => String(i)));
    s.command('APPEND', 'k', 'y'.repeat(5000));
    assert.ok(used(s) - base > 6000 + 100 * 24 + 100 * 24);
    s.command('DEL', 'k', 'l', 'h', 's', 'z');
    assert.equal(used(s), base, 'deleting everything returns to the start');
  });
});

describe('OOM rules and eviction over TCP, against redis-server', () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;
  before(async () => {
    [redis, mnemo] = await Promise.all([startRedis(), startMnemo()]);
  });
  after(async () => {
    await Promise.all([redis?.stop(), mnemo?.stop()]);
  });

  /**
   * Runs the steps on two connections (`a` and, for `b: true` steps, `b`) of each server. A
   * `near` step's integer replies may differ by one: a reading of the seconds clock that the two
   * servers may take on either side of a second's boundary.
   */
  async function both(steps: Array<{ argv: string[]; b?: boolean; near?: boolean }>): Promise<void> {
    const run = async (port: number) => {
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      const out: string[] = [];
      for (const step of steps) out.push(showRaw(await (step.b ? b : a).command(...step.argv)));
      await Promise.all([a.close(), b.close()]);
      return out;
    };
    const [want, got] = await Promise.all([run(redis.port), run(mnemo.port)]);
    for (let i = 0; i < steps.length; i++) {
      const what = `step ${i}: ${steps[i]!.argv.join(' ')}`;
      const g = /^:(-?\d+)\\r\\n$/.exec(got[i]!);
      const w = /^:(-?\d+)\\r\\n$/.exec(want[i]!);
      if (steps[i]!.near && g !== null && w !== null) {
        assert.ok(Math.abs(Number(g[1]) - Number(w[1])) <= 1, `${what}: ${got[i]} vs ${want[i]}`);
      } else assert.equal(got[i], want[i], what);
    }
  }

  const a = (...argv: string[]) => ({ argv });
  const b = (...argv: string[]) => ({ argv, b: true });
  const near = (...argv: string[]) => ({ argv, near: true });

  it('noeviction: denyoom commands refused, MULTI/EXEC rules', async () => {
    await both([
      a('FLUSHALL'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'),
      a('SET', 'a', '1'),
      // maxmemory 1: both servers are always over it.
      a('CONFIG', 'SET', 'maxmemory', '1'),
      a('SET', 'b', '1'),
      a('GET', 'a'),
      a('INCR', 'a'),
      a('RPUSH', 'l', 'x'),
      a('EXISTS', 'a'),
      a('PING'),
      // Inside MULTI every command but EXEC/DISCARD/QUIT/RESET is refused, even reads.
      a('MULTI'),
      a('GET', 'a'),
      a('EXEC'),
      a('MULTI'),
      a('PING'),
      a('DISCARD'),
      a('MULTI'),
      a('EXEC'),
      a('MULTI'),
      a('MULTI'),
      a('DISCARD'),
      // Queued while memory was available: EXEC is refused if any queued command is denyoom.
      b('CONFIG', 'SET', 'maxmemory', '0'),
      a('MULTI'),
      a('SET', 'c', '1'),
      a('GET', 'a'),
      b('CONFIG', 'SET', 'maxmemory', '1'),
      a('EXEC'),
      a('EXISTS', 'c'),
      // Only reads queued: EXEC runs.
      b('CONFIG', 'SET', 'maxmemory', '0'),
      a('MULTI'),
      a('GET', 'a'),
      a('DEL', 'zz'),
      b('CONFIG', 'SET', 'maxmemory', '1'),
      a('EXEC'),
      a('DEL', 'a'),
      a('SET', 'a', '2'),
      b('CONFIG', 'SET', 'maxmemory', '0'),
      a('SET', 'a', '2'),
    ]);
  });

  it('allkeys-lru with nothing left to evict answers OOM; CONFIG SET maxmemory evicts at once', async () => {
    await both([
      a('FLUSHALL'),
      a('CONFIG', 'SET', 'maxmemory', '0'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'),
      a('MSET', 'a', '1', 'b', '2', 'c', '3'),
      a('CONFIG', 'SET', 'maxmemory', '1'),
      a('DBSIZE'),
      a('SET', 'd', '4'),
      a('GET', 'a'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'),
      b('CONFIG', 'SET', 'maxmemory', '0'),
      a('SET', 'p', '1'),
      a('SET', 't', '1', 'EX', '100'),
      b('CONFIG', 'SET', 'maxmemory', '1'),
      a('EXISTS', 'p', 't'),
      a('SET', 'q', '1'),
      a('CONFIG', 'SET', 'maxmemory', '0'),
    ]);
    for (const port of [redis.port, mnemo.port]) {
      const stats = await sendCommand(port, ['INFO', 'stats']);
      assert.equal(stats.type === 'bulk' ? infoField(stats.value, 'evicted_keys') : undefined, '4');
    }
  });

  it('OBJECT FREQ / IDLETIME under LFU and LRU policies', async () => {
    await both([
      a('FLUSHALL'),
      a('CONFIG', 'SET', 'maxmemory', '0'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'),
      a('CONFIG', 'SET', 'lfu-log-factor', '0'),
      a('SET', 'k', 'v'),
      a('OBJECT', 'FREQ', 'k'),
      a('GET', 'k'),
      a('GET', 'k'),
      a('OBJECT', 'FREQ', 'k'),
      a('SET', 'k', 'w'),
      a('OBJECT', 'FREQ', 'k'),
      a('TOUCH', 'k'),
      a('OBJECT', 'FREQ', 'k'),
      a('OBJECT', 'IDLETIME', 'k'),
      a('OBJECT', 'FREQ', 'missing'),
      // Above 9999, so Redis does not use a shared integer object.
      a('SET', 'n', '100000'),
      a('INCR', 'n'),
      a('INCRBY', 'n', '5'),
      a('OBJECT', 'FREQ', 'n'),
      a('APPEND', 'k', 'x'),
      a('OBJECT', 'FREQ', 'k'),
      a('RPUSH', 'l', 'a'),
      a('LPUSH', 'l', 'b'),
      a('LRANGE', 'l', '0', '-1'),
      a('OBJECT', 'FREQ', 'l'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'),
      a('OBJECT', 'FREQ', 'k'),
      // The LFU bits read as an LRU clock: a large idle time that follows the current second.
      near('OBJECT', 'IDLETIME', 'k'),
      a('CONFIG', 'SET', 'lfu-log-factor', '10'),
      a('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'),
    ]);
  });

  it('evicted keys fire `evicted` events and are propagated as DEL (UNLINK when lazy)', async () => {
    const inst = mnemo.instance;
    const propagated: string[][] = [];
    const saved = inst.propagation.target;
    inst.propagation.target = { propagate: (ops) => propagated.push(...ops.map((o) => o.argv)) };
    const events = new Map<number, string[]>();
    try {
      for (const [i, port] of [redis.port, mnemo.port].entries()) {
        const sub = await RawClient.connect(port);
        const c = await RawClient.connect(port);
        await c.send([
          ['FLUSHALL'],
          ['CONFIG', 'SET', 'maxmemory', '0'],
          ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'],
          ['CONFIG', 'SET', 'notify-keyspace-events', 'Ee'],
          ['CONFIG', 'SET', 'lazyfree-lazy-eviction', 'no'],
        ]);
        await sub.command('SUBSCRIBE', '__keyevent@0__:evicted');
        const keys = Array.from({ length: 20 }, (_, j) => `e:${j}`);
        await c.command('MSET', ...keys.flatMap((k) => [k, 'v']));
        await c.command('CONFIG', 'SET', 'maxmemory', '1');
        await c.command('PING');
        const messages = await sub.read(20);
        events.set(
          i,
          messages.map((m) => m.toString('latin1').split('\r\n')[6]!),
        );
        await c.send([
          ['CONFIG', 'SET', 'maxmemory', '0'],
          ['CONFIG', 'SET', 'lazyfree-lazy-eviction', 'yes'],
          ['SET', 'lazy', 'v'],
          ['CONFIG', 'SET', 'maxmemory', '1'],
          ['PING'],
          ['CONFIG', 'SET', 'maxmemory', '0'],
          ['CONFIG', 'SET', 'lazyfree-lazy-eviction', 'no'],
          ['CONFIG', 'SET', 'notify-keyspace-events', ''],
          ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
        ]);
        await Promise.all([sub.close(), c.close()]);
      }
    } finally {
      inst.propagation.target = saved;
    }
    const want = Array.from({ length: 20 }, (_, j) => `e:${j}`).sort();
    assert.deepEqual([...events.get(0)!].sort(), want, 'redis: one evicted event per key');
    assert.deepEqual([...events.get(1)!].sort(), want, 'mnemo: one evicted event per key');
    const dels = propagated.filter((argv) => argv[0] === 'DEL').map((argv) => argv[1]!);
    assert.deepEqual(dels.sort(), want);
    assert.ok(
      propagated.some((argv) => argv[0] === 'UNLINK' && argv[1] === 'lazy'),
      'lazyfree-lazy-eviction yes propagates UNLINK',
    );
  });
});

describe('used_memory during a write burst (mnemo-server process)', () => {
  let server: MnemoProcess;
  before(async () => {
    server = await spawnMnemo(['--maxmemory', '32mb', '--maxmemory-policy', 'allkeys-lru']);
  });
  after(async () => {
    await server?.stop();
  });

  it('stays within a few per cent of maxmemory, as in Redis', async () => {
    const maxmemory = 32 * 1024 * 1024;
    let peak = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await sendCommand(server.port, ['INFO', 'memory']);
        if (r.type === 'bulk') peak = Math.max(peak, Number(infoField(r.value, 'used_memory')));
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const args = [
      '-p',
      String(server.port),
      '-t',
      'set',
      '-r',
      '1000000',
      '-n',
      '400000',
      '-d',
      '64',
      '-P',
      '16',
      '-q',
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn('redis-benchmark', args, { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`redis-benchmark exited ${code}`)),
      );
    });
    polling = false;
    await poller;
    const stats = await sendCommand(server.port, ['INFO', 'stats']);
    const evicted = stats.type === 'bulk' ? Number(infoField(stats.value, 'evicted_keys')) : 0;
    assert.ok(evicted > 10_000, `evicted_keys ${evicted}`);
    assert.ok(peak > maxmemory * 0.9, `the limit was reached: peak ${peak}`);
    assert.ok(peak <= maxmemory * 1.03, `peak used_memory ${peak} vs maxmemory ${maxmemory}`);
  });
});
