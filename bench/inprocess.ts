/**
 * The in-process comparison: MemoryStore (the library) doing SETs and GETs through its public
 * API, both the generic `command('SET', ...)` and the typed helpers `store.set()`/`store.get()`,
 * against a plain JavaScript Map and the in-process caches people reach for instead: lru-cache,
 * node-cache and ioredis-mock (a Redis emulation behind ioredis's promise API). The Map is the
 * floor: what storing the same strings costs with no command layer at all. Each side has its
 * own timing loop (one shared loop calling through an interface would go megamorphic and slow
 * the fast sides down), runs once to warm the JIT, then the best of a few rounds on fresh
 * instances counts (the machine is shared and a single 100k-op round is short enough for one GC
 * or preemption to skew it). Every GET result is checked, which also keeps the optimiser from
 * discarding the loop.
 */

import RedisMock from 'ioredis-mock';
import { LRUCache } from 'lru-cache';
import NodeCache from 'node-cache';
import { MemoryStore } from '../src/index.js';

export interface OpsPerSecond {
  set: number;
  get: number;
}

export interface InProcessResult {
  ops: number;
  /** MemoryStore through command('SET' | 'GET', ...). */
  memoryStore: OpsPerSecond;
  map: OpsPerSecond;
  /** MemoryStore through store.set() / store.get() (absent in older results, as are the caches). */
  memoryStoreTyped?: OpsPerSecond;
  lruCache?: OpsPerSecond;
  nodeCache?: OpsPerSecond;
  ioredisMock?: OpsPerSecond;
}

interface Data {
  keys: string[];
  values: string[];
  /** Total length of the values: what the checked GETs must add up to. */
  expected: number;
}

function keysAndValues(n: number): Data {
  const keys = new Array<string>(n);
  const values = new Array<string>(n);
  let expected = 0;
  for (let i = 0; i < n; i++) {
    keys[i] = `key:${i}`;
    values[i] = `val:${i}`;
    expected += values[i]!.length;
  }
  return { keys, values, expected };
}

function rates(name: string, d: Data, t0: number, t1: number, t2: number, total: number): OpsPerSecond {
  if (total !== d.expected) throw new Error(`${name} GETs returned ${total} bytes, expected ${d.expected}`);
  const n = d.keys.length;
  return { set: (n * 1000) / (t1 - t0), get: (n * 1000) / (t2 - t1) };
}

function timeStore({ keys, values, ...d }: Data): OpsPerSecond {
  const store = new MemoryStore({ activeExpire: false });
  try {
    const n = keys.length;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) store.command('SET', keys[i]!, values[i]!);
    const t1 = performance.now();
    let total = 0;
    for (let i = 0; i < n; i++) total += (store.command('GET', keys[i]!) as string).length;
    return rates('MemoryStore.command', { keys, values, ...d }, t0, t1, performance.now(), total);
  } finally {
    store.close();
  }
}

function timeStoreTyped({ keys, values, ...d }: Data): OpsPerSecond {
  const store = new MemoryStore({ activeExpire: false });
  try {
    const n = keys.length;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) store.set(keys[i]!, values[i]!);
    const t1 = performance.now();
    let total = 0;
    for (let i = 0; i < n; i++) total += store.get(keys[i]!)!.length;
    return rates('MemoryStore.get', { keys, values, ...d }, t0, t1, performance.now(), total);
  } finally {
    store.close();
  }
}

function timeMap({ keys, values, ...d }: Data): OpsPerSecond {
  const map = new Map<string, string>();
  const n = keys.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) map.set(keys[i]!, values[i]!);
  const t1 = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) total += map.get(keys[i]!)!.length;
  return rates('Map', { keys, values, ...d }, t0, t1, performance.now(), total);
}

function timeLru({ keys, values, ...d }: Data): OpsPerSecond {
  // Room for every key: this measures storing, not evicting.
  const cache = new LRUCache<string, string>({ max: keys.length });
  const n = keys.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) cache.set(keys[i]!, values[i]!);
  const t1 = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) total += cache.get(keys[i]!)!.length;
  return rates('lru-cache', { keys, values, ...d }, t0, t1, performance.now(), total);
}

function timeNodeCache({ keys, values, ...d }: Data): OpsPerSecond {
  // No expiry sweep timer; no cloning (its default deep-copies every value in and out).
  const cache = new NodeCache({ checkperiod: 0, useClones: false });
  try {
    const n = keys.length;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) cache.set(keys[i]!, values[i]!);
    const t1 = performance.now();
    let total = 0;
    for (let i = 0; i < n; i++) total += cache.get<string>(keys[i]!)!.length;
    return rates('node-cache', { keys, values, ...d }, t0, t1, performance.now(), total);
  } finally {
    cache.close();
  }
}

/** One awaited call at a time, as application code using it in place of a client would. */
async function timeIoredisMock({ keys, values, ...d }: Data): Promise<OpsPerSecond> {
  const redis = new RedisMock();
  try {
    // ioredis-mock instances share one dataset per host and port: start from an empty one.
    await redis.flushall();
    const n = keys.length;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await redis.set(keys[i]!, values[i]!);
    const t1 = performance.now();
    let total = 0;
    for (let i = 0; i < n; i++) total += (await redis.get(keys[i]!))!.length;
    return rates('ioredis-mock', { keys, values, ...d }, t0, t1, performance.now(), total);
  } finally {
    redis.disconnect();
  }
}

function best(runs: OpsPerSecond[]): OpsPerSecond {
  return { set: Math.max(...runs.map((r) => r.set)), get: Math.max(...runs.map((r) => r.get)) };
}

/** Best of `rounds` measured rounds per side (after a warm-up round), alternating the sides. */
export async function runInProcess(ops: number, rounds = 7): Promise<InProcessResult> {
  const d = keysAndValues(ops);
  const sync = {
    memoryStore: timeStore,
    memoryStoreTyped: timeStoreTyped,
    map: timeMap,
    lruCache: timeLru,
    nodeCache: timeNodeCache,
  };
  const runs = new Map<string, OpsPerSecond[]>();
  const record = (name: string, r: OpsPerSecond) => runs.set(name, [...(runs.get(name) ?? []), r]);
  for (const f of Object.values(sync)) f(d);
  await timeIoredisMock(d);
  for (let i = 0; i < rounds; i++) {
    for (const [name, f] of Object.entries(sync)) record(name, f(d));
    record('ioredisMock', await timeIoredisMock(d));
  }
  const of = (name: string) => best(runs.get(name) ?? []);
  return {
    ops,
    memoryStore: of('memoryStore'),
    memoryStoreTyped: of('memoryStoreTyped'),
    map: of('map'),
    lruCache: of('lruCache'),
    nodeCache: of('nodeCache'),
    ioredisMock: of('ioredisMock'),
  };
}
