/**
 * The in-process comparison: MemoryStore (the library, through its public command() API)
 * against a plain JavaScript Map doing the same SETs and GETs. The Map is the floor: what
 * storing the same strings costs with no command layer at all. Each side runs once to warm
 * the JIT, then the best of a few rounds on fresh instances counts (the machine is shared and
 * a single 100k-op round is short enough for one GC or preemption to skew it). Every GET
 * result is checked, which also keeps the optimiser from discarding the loop.
 */

import { MemoryStore } from '../src/index.js';

export interface OpsPerSecond {
  set: number;
  get: number;
}

export interface InProcessResult {
  ops: number;
  memoryStore: OpsPerSecond;
  map: OpsPerSecond;
}

function keysAndValues(n: number): { keys: string[]; values: string[]; expected: number } {
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

function timeStore(keys: string[], values: string[], expected: number): OpsPerSecond {
  const store = new MemoryStore({ activeExpire: false });
  try {
    const n = keys.length;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) store.command('SET', keys[i]!, values[i]!);
    const t1 = performance.now();
    let total = 0;
    for (let i = 0; i < n; i++) total += (store.command('GET', keys[i]!) as string).length;
    const t2 = performance.now();
    if (total !== expected) throw new Error(`MemoryStore GETs returned ${total} bytes, expected ${expected}`);
    return { set: (n * 1000) / (t1 - t0), get: (n * 1000) / (t2 - t1) };
  } finally {
    store.close();
  }
}

function timeMap(keys: string[], values: string[], expected: number): OpsPerSecond {
  const map = new Map<string, string>();
  const n = keys.length;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) map.set(keys[i]!, values[i]!);
  const t1 = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) total += map.get(keys[i]!)!.length;
  const t2 = performance.now();
  if (total !== expected) throw new Error(`Map GETs returned ${total} bytes, expected ${expected}`);
  return { set: (n * 1000) / (t1 - t0), get: (n * 1000) / (t2 - t1) };
}

function best(runs: OpsPerSecond[]): OpsPerSecond {
  return { set: Math.max(...runs.map((r) => r.set)), get: Math.max(...runs.map((r) => r.get)) };
}

/** Best of `rounds` measured rounds per side (after a warm-up round), alternating the sides. */
export function runInProcess(ops: number, rounds = 3): InProcessResult {
  const { keys, values, expected } = keysAndValues(ops);
  timeStore(keys, values, expected);
  timeMap(keys, values, expected);
  const store: OpsPerSecond[] = [];
  const map: OpsPerSecond[] = [];
  for (let i = 0; i < rounds; i++) {
    store.push(timeStore(keys, values, expected));
    map.push(timeMap(keys, values, expected));
  }
  return { ops, memoryStore: best(store), map: best(map) };
}
