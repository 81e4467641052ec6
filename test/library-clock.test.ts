/**
 * The library's time: untimed calls (the default) read the clock only when the command needs the
 * time, yet TTLs, access stamps and INFO stay right; commandTiming: true times every call as
 * redis-server does. The clock here is a manual one marked costly, counting its readings.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Clock, MemoryStore } from '../src/index.js';

/** A test clock that behaves like the system clock for laziness and counts its readings. */
class CountingClock implements Clock {
  readonly costly = true;
  reads = 0;
  constructor(public ms = 1_700_000_000_000) {}
  now(): number {
    this.reads++;
    return this.ms;
  }
}

function commandStat(store: MemoryStore, name: string): Record<string, number> {
  const info = store.command('INFO', 'commandstats') as string;
  const line = info.split('\r\n').find((l) => l.startsWith(`cmdstat_${name}:`));
  assert.ok(line, `cmdstat_${name} in INFO`);
  const fields: Record<string, number> = {};
  for (const kv of line.slice(line.indexOf(':') + 1).split(',')) {
    const [k, v] = kv.split('=');
    fields[k!] = Number(v);
  }
  return fields;
}

/** Runs `fn` on a fresh store reading a fresh counting clock, then closes the store. */
function withStore(fn: (store: MemoryStore, clock: CountingClock) => void): void {
  const clock = new CountingClock();
  const store = new MemoryStore({ clock, activeExpire: false });
  try {
    fn(store, clock);
  } finally {
    store.close();
  }
}

describe('library clock', () => {
  it('reads no clock for GET and SET of keys without a TTL', () =>
    withStore((store, clock) => {
      store.set('a', '1');
      const before = clock.reads;
      for (let i = 0; i < 100; i++) {
        store.set(`k${i}`, 'v');
        assert.equal(store.get(`k${i}`), 'v');
      }
      assert.equal(clock.reads, before);
    }));

  it('still expires keys at the right instant', () =>
    withStore((store, clock) => {
      store.set('k', 'v', { px: 100 });
      assert.equal(store.command('PTTL', 'k'), 100);
      clock.ms += 100;
      assert.equal(store.get('k'), 'v', 'alive at its deadline, as in Redis (expired once now > time)');
      clock.ms += 1;
      assert.equal(store.get('k'), null);
      assert.equal(store.command('EXISTS', 'k'), 0);
    }));

  it('keeps one instant per command and takes a new one for the next', () =>
    withStore((store, clock) => {
      store.set('k', 'v', { px: 1000 });
      const reads = clock.reads;
      store.command('PTTL', 'k');
      store.command('PTTL', 'k');
      assert.equal(clock.reads - reads, 2, 'one reading per command that needs the time');
    }));

  it('stamps accesses from the last reading and reports idle time from a fresh one', () =>
    withStore((store, clock) => {
      store.set('k', 'v');
      assert.equal(store.command('OBJECT', 'IDLETIME', 'k'), 0);
      clock.ms += 5000;
      assert.equal(store.command('OBJECT', 'IDLETIME', 'k'), 5);
      // OBJECT IDLETIME read the clock: the GET's stamp is that reading, so the key is fresh.
      store.get('k');
      assert.equal(store.command('OBJECT', 'IDLETIME', 'k'), 0);
    }));

  it('refreshes the access clock within a long run of untimed calls', () =>
    withStore((store, clock) => {
      store.set('k', 'v');
      clock.ms += 10_000;
      for (let i = 0; i < 2048; i++) store.get('k');
      assert.ok(clock.reads > 0);
      assert.equal(store.command('OBJECT', 'IDLETIME', 'k'), 0);
    }));

  it('counts calls without timing them by default, and times them with commandTiming', () => {
    const untimed = new MemoryStore({ activeExpire: false });
    const timed = new MemoryStore({ activeExpire: false, commandTiming: true });
    try {
      for (const store of [untimed, timed]) {
        store.set('big', 'x'.repeat(1 << 20));
        for (let i = 0; i < 200; i++) store.command('STRLEN', 'big');
        store.command('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
        store.command('GET', 'big');
      }
      assert.equal(commandStat(untimed, 'strlen').calls, 200);
      assert.equal(commandStat(untimed, 'strlen').usec, 0);
      assert.equal(untimed.command('SLOWLOG', 'LEN'), 0);
      assert.equal(commandStat(timed, 'strlen').calls, 200);
      assert.ok((commandStat(timed, 'strlen').usec ?? 0) > 0);
      assert.ok((timed.command('SLOWLOG', 'LEN') as number) >= 1);
    } finally {
      untimed.close();
      timed.close();
    }
  });
});
