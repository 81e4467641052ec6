/**
 * The key table with its keys in a KeySlab: lookups, deletions with the slab's compaction, and
 * frozen views (snapshots) that must keep reading the keys of their moment while the live
 * table deletes, compacts and adds. Checked against a Map doing the same operations.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INLINE_MAX, KeySlab } from '../src/engine/keyslab.js';
import { KeyTable } from '../src/engine/keytable.js';
import type { Value } from '../src/engine/values/types.js';
import { prng } from './helpers/random.js';

/** A binary key: mostly short, sometimes 64+ bytes (long header), rarely over BIG (own segment). */
function randomKey(r: () => number, id: number): string {
  const roll = r();
  const len = roll < 0.9 ? Math.floor(r() * 40) : roll < 0.99 ? 64 + Math.floor(r() * 200) : 9000;
  let s = `${id}:`;
  while (s.length < len) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

/** A value of each kind the table holds: an integer, a string kept in the slab, a longer one. */
function valueFor(r: () => number, id: number): Value {
  const roll = r();
  if (roll < 0.3) return id;
  const len = roll < 0.8 ? Math.floor(r() * (INLINE_MAX + 1)) : INLINE_MAX + 1 + Math.floor(r() * 100);
  let s = '';
  while (s.length < len) s += String.fromCharCode(Math.floor(r() * 256));
  return s;
}

function check(t: KeyTable, ref: Map<string, Value>): void {
  assert.equal(t.size, ref.size);
  for (const [k, v] of ref) {
    const e = t.find(k);
    assert.ok(e >= 0, `missing ${JSON.stringify(k.slice(0, 20))}`);
    assert.equal(t.valueAt(e), v);
    assert.equal(t.keyAt(e), k);
  }
  const seen = new Set<string>();
  for (let e = 0; e < t.size; e++) seen.add(t.keyAt(e));
  assert.equal(seen.size, ref.size);
}

describe('KeyTable (keys in a KeySlab)', () => {
  it('matches a Map through adds, deletes and compactions', () => {
    const r = prng(7);
    const t = new KeyTable();
    const ref = new Map<string, Value>();
    const live: string[] = [];
    let id = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 20000; i++) {
        const k = randomKey(r, id++);
        const v = valueFor(r, id);
        t.setValue(t.add(k), v);
        ref.set(k, v);
        live.push(k);
      }
      // Replace a third of the values: strings kept in the slab move to new records.
      for (let i = 0; i < live.length; i += 3) {
        const v = valueFor(r, -i);
        t.setValue(t.find(live[i]!), v);
        ref.set(live[i]!, v);
      }
      // Delete three quarters at random: most segments fall under half live and are compacted.
      for (let i = 0; i < 15000; i++) {
        const j = Math.floor(r() * live.length);
        const k = live[j]!;
        live[j] = live[live.length - 1]!;
        live.pop();
        const e = t.find(k);
        assert.ok(e >= 0);
        t.deleteAt(e);
        ref.delete(k);
        assert.equal(t.find(k), -1);
      }
      check(t, ref);
    }
    // Compaction keeps the slab near its live records (a full segment is compacted once under
    // half live), where the 80,000 keys written took four times as much.
    let liveBytes = 0;
    for (const [k, v] of ref)
      liveBytes += KeySlab.recordBytes(k) + (typeof v === 'string' ? v.length + 4 : 0);
    assert.ok(t.slab.bytes < 2.5 * liveBytes, `slab holds ${t.slab.bytes} bytes for ${liveBytes} live`);
  });

  it('keeps binary and empty keys apart', () => {
    const t = new KeyTable();
    const keys = ['', '\u0000', '\u00ff\u0000', 'a', 'a\u0000', '\u0080'.repeat(70), '\u0080'.repeat(71)];
    keys.forEach((k, i) => {
      t.setValue(t.add(k), i);
    });
    keys.forEach((k, i) => {
      assert.equal(t.valueAt(t.find(k)), i);
      assert.equal(t.keyAt(t.find(k)), k);
    });
    assert.equal(t.find('\u0080'.repeat(69)), -1);
  });

  it('a frozen view reads the keys of its moment', () => {
    const r = prng(11);
    const t = new KeyTable();
    const keys: string[] = [];
    for (let i = 0; i < 30000; i++) {
      const k = randomKey(r, i);
      t.setValue(t.add(k), valueFor(r, i));
      keys.push(k);
    }
    const frozen = t.freeze();
    const before = Array.from({ length: frozen.size }, (_, i) => [frozen.keyAt(i), frozen.valueAt(i)]);
    // Replace values, delete almost everything (the live slab compacts and drops segments), then
    // add new keys that reuse the dropped segments' slots.
    for (let i = 0; i < 30000; i += 2) t.setValue(t.find(keys[i]!), 'x'.repeat(i % 70), false);
    for (let i = 0; i < 29000; i++) t.deleteAt(t.find(keys[i]!));
    for (let i = 0; i < 30000; i++) t.setValue(t.add(randomKey(r, 100000 + i)), -i);
    const after = Array.from({ length: frozen.size }, (_, i) => [frozen.keyAt(i), frozen.valueAt(i)]);
    assert.deepEqual(after, before);
    assert.equal(new Set(after.map(([k]) => k)).size, 30000);
  });

  it('keeps each TTL with its key while deletions move entries', () => {
    const r = prng(3);
    const t = new KeyTable();
    const ref = new Map<string, number | undefined>();
    const ttlOf = (k: string) => {
      const e = t.find(k);
      return t.expires.timeOf(e, t.hashAt(e));
    };
    let id = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10000; i++) {
        const k = randomKey(r, id++);
        const e = t.add(k);
        t.setValue(e, valueFor(r, id));
        const at = r() < 0.5 ? 1e12 + id : undefined;
        if (at !== undefined) t.expires.set(e, t.hashAt(e), at);
        ref.set(k, at);
      }
      const keys = [...ref.keys()];
      for (let i = 0; i < 6000; i++) {
        const k = keys[Math.floor(r() * keys.length)]!;
        if (!ref.has(k)) continue;
        const roll = r();
        const e = t.find(k);
        if (roll < 0.7) {
          t.deleteAt(e);
          ref.delete(k);
        } else if (roll < 0.85) {
          t.expires.remove(e, t.hashAt(e));
          ref.set(k, undefined);
        } else {
          t.expires.set(e, t.hashAt(e), 5e12 + i);
          ref.set(k, 5e12 + i);
        }
      }
      let withTtl = 0;
      for (const [k, at] of ref) {
        assert.equal(ttlOf(k), at);
        assert.equal(t.expires.get(k), at);
        if (at !== undefined) withTtl++;
      }
      assert.equal(t.expires.size, withTtl);
      for (let x = 0; x < t.expires.size; x++) assert.equal(ref.get(t.expires.keyAt(x)), t.expires.timeAt(x));
    }
    // A frozen copy keeps the TTLs of its moment.
    const frozen = t.freeze();
    const before = [...ref];
    for (const k of [...ref.keys()].slice(0, 5000)) t.deleteAt(t.find(k));
    for (const [k, at] of before) assert.equal(frozen.expires.get(k), at);
  });

  it('prefetched lookups and adds find the same entries as unprefetched ones', () => {
    // The prefetch leaves the keys' hashes for the lookups that follow (SlabTable.hashOf); a
    // wrong one would file a key under the wrong bucket. Batches are prefetched on an empty
    // table (emptied every 50 batches) and on a full one, then added and looked up in prefetch
    // order, out of order and with repeats; every key of the batch is then looked up by a fresh
    // copy of its string, which no hint can serve.
    const r = prng(11);
    const t = new KeyTable();
    const ref = new Map<string, Value>();
    const found = new Int32Array(32);
    let keys: string[] = [];
    let id = 0;
    const copy = (k: string) => Buffer.from(k, 'latin1').latin1Slice();
    for (let round = 0; round < 3000; round++) {
      if (round % 50 === 0) {
        t.clear();
        ref.clear();
        keys = [];
      }
      const n = 1 + Math.floor(r() * 32);
      const batch: string[] = [];
      for (let i = 0; i < n; i++) {
        const reuse = keys.length > 0 && r() < 0.5;
        batch.push(reuse ? keys[Math.floor(r() * keys.length)]! : randomKey(r, id++));
      }
      t.prefetch(batch, n, found);
      const order = r() < 0.7 ? batch : [...batch].reverse();
      for (const k of order) {
        if (r() < 0.6) {
          const v = valueFor(r, id);
          if (!ref.has(k)) keys.push(k);
          t.setValue(t.add(k), v);
          ref.set(k, v);
        } else {
          const e = t.find(k);
          assert.equal(e >= 0, ref.has(k));
          if (e >= 0) assert.equal(t.valueAt(e), ref.get(k));
        }
      }
      for (const k of batch) {
        const e = t.find(copy(k));
        assert.equal(e >= 0, ref.has(k), `round ${round}: ${JSON.stringify(k.slice(0, 20))}`);
        if (e >= 0) assert.equal(t.valueAt(e), ref.get(k));
      }
    }
    check(t, ref);
  });

  it('clear() empties the table and its slab', () => {
    const t = new KeyTable();
    for (let i = 0; i < 5000; i++) t.setValue(t.add(`k${i}`), i);
    t.clear();
    assert.equal(t.size, 0);
    assert.equal(t.find('k1'), -1);
    assert.equal(t.slab.bytes, 0);
    t.setValue(t.add('k1'), 1);
    assert.equal(t.valueAt(t.find('k1')), 1);
  });
});
