/**
 * The engine's hash tables (src/engine/dict.ts): StrSet, with a value per entry kept through its
 * subclass hooks (as ScoreTable keeps scores), checked against a Map model
 * under random operation sequences (fast-check), their load-factor bounds through growth and
 * shrink, the swap-remove of deleteAt keeping every index consistent, the uniformity of
 * randomIndex (a loose chi-square bound), and SCAN's guarantee: an entry present for the whole
 * scan is returned at least once, even when the table grows and shrinks between steps.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StrSet } from '../src/engine/dict.js';

/** A StrSet with a value per entry, moved by the table through pushValue/moveValue/popValue. */
class Dict<V> extends StrSet {
  vals: V[] = [];

  get(key: string): V | undefined {
    const e = this.find(key);
    return e < 0 ? undefined : this.vals[e];
  }

  set(key: string, val: V): boolean {
    const before = this.size;
    this.vals[this.add(key)] = val;
    return this.size !== before;
  }

  protected override pushValue(): void {
    this.vals.push(undefined as V);
  }
  protected override moveValue(from: number, to: number): void {
    this.vals[to] = this.vals[from]!;
  }
  protected override popValue(): void {
    this.vals.pop();
  }
  override clear(): void {
    super.clear();
    this.vals = [];
  }
}

/** Every structural invariant a table must keep, checked against the model. */
function checkTable(d: Dict<number>, model: Map<string, number>): void {
  assert.equal(d.size, model.size);
  assert.equal(d.keys.length, d.size);
  assert.equal(d.vals.length, d.size);
  // A small table (one bucket) holds at most 16 entries and is searched linearly; a hashed
  // one keeps its load factor between 1/8 and 1 (32 buckets at least).
  if (d.bucketCount === 1) assert.ok(d.size <= 16, `small table with ${d.size} entries`);
  else {
    assert.ok(d.size <= d.bucketCount, `size ${d.size} > buckets ${d.bucketCount}`);
    assert.ok(
      d.bucketCount === 32 || d.size * 8 >= d.bucketCount,
      `size ${d.size}, buckets ${d.bucketCount}`,
    );
  }
  assert.equal(d.bucketCount & (d.bucketCount - 1), 0, 'buckets are a power of two');
  const seen = new Set<string>();
  for (let i = 0; i < d.size; i++) {
    const k = d.keys[i]!;
    assert.ok(!seen.has(k), `duplicate key ${JSON.stringify(k)}`);
    seen.add(k);
    assert.equal(d.find(k), i, `find(${JSON.stringify(k)}) must be its index`);
    assert.equal(d.vals[i], model.get(k));
  }
  for (const [k, v] of model) {
    assert.ok(d.has(k), `missing ${JSON.stringify(k)}`);
    assert.equal(d.get(k), v);
  }
}

type Op =
  | { op: 'set'; key: string; val: number }
  | { op: 'delete'; key: string }
  | { op: 'deleteAt'; at: number }
  | { op: 'get'; key: string }
  | { op: 'clear' };

/** Keys from a small alphabet (many repeats), binary bytes included. */
const key = fc.oneof(
  fc.constantFrom('', 'a', 'b', 'ab', 'ba', '\0', '\xff', '\x80\x00', 'key:1', 'key:2'),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\0', '\xff'), maxLength: 4 }),
  fc.integer({ min: 0, max: 300 }).map(String),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, val: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteAt' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('Dict against a Map model', () => {
  it('random insert/delete/deleteAt/lookup/clear sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const d = new Dict<number>();
        const model = new Map<string, number>();
        for (const o of ops) {
          switch (o.op) {
            case 'set':
              assert.equal(d.set(o.key, o.val), !model.has(o.key));
              model.set(o.key, o.val);
              break;
            case 'delete':
              assert.equal(d.delete(o.key), model.delete(o.key));
              break;
            case 'deleteAt': {
              if (d.size === 0) break;
              const at = o.at % d.size;
              const victim = d.keys[at]!;
              const last = d.keys[d.size - 1]!;
              const lastVal = d.vals[d.size - 1]!;
              d.deleteAt(at);
              model.delete(victim);
              assert.equal(d.find(victim), -1);
              if (victim !== last) {
                // The last entry moved into the hole, with its value.
                assert.equal(d.keys[at], last);
                assert.equal(d.vals[at], lastVal);
                assert.equal(d.find(last), at);
              }
              break;
            }
            case 'get':
              assert.equal(d.get(o.key), model.get(o.key));
              assert.equal(d.find(o.key) >= 0, model.has(o.key));
              break;
            case 'clear':
              d.clear();
              model.clear();
              break;
          }
          assert.equal(d.size, model.size);
        }
        checkTable(d, model);
      }),
      { numRuns: 300 },
    );
  });

  it('StrSet.add returns the existing index for a present key', () => {
    const s = new StrSet();
    const a = s.add('x');
    const b = s.add('y');
    assert.equal(s.add('x'), a);
    assert.equal(s.add('y'), b);
    assert.equal(s.size, 2);
  });
});

describe('Dict growth and shrink', () => {
  it('grows to 200,000 entries and shrinks back, keeping every invariant', () => {
    const d = new Dict<number>();
    const model = new Map<string, number>();
    const n = 200_000;
    let lastBuckets = d.bucketCount;
    for (let i = 0; i < n; i++) {
      d.set(`k${i}`, i);
      model.set(`k${i}`, i);
      assert.ok(d.bucketCount >= lastBuckets, 'never shrinks while growing');
      lastBuckets = d.bucketCount;
      if ((i & (i - 1)) === 0) checkTable(d, model);
    }
    checkTable(d, model);
    assert.equal(d.bucketCount, 262_144);
    // Delete in an order unrelated to insertion, by key and by index.
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) {
        assert.ok(d.delete(`k${(i * 7919) % n}`) || !model.has(`k${(i * 7919) % n}`));
        model.delete(`k${(i * 7919) % n}`);
      } else if (d.size > 0) {
        const at = (i * 31) % d.size;
        model.delete(d.keys[at]!);
        d.deleteAt(at);
      }
      if (i % 20_000 === 0) checkTable(d, model);
    }
    for (const k of [...model.keys()]) {
      d.delete(k);
      model.delete(k);
    }
    checkTable(d, model);
    assert.equal(d.size, 0);
    assert.equal(d.bucketCount, 32, 'an emptied table is back to the minimum hashed size');
  });

  it('clear resets to the minimum table and stays usable', () => {
    const d = new Dict<string>();
    for (let i = 0; i < 1000; i++) d.set(String(i), `v${i}`);
    d.clear();
    assert.equal(d.size, 0);
    assert.equal(d.bucketCount, 1, 'a cleared table is small again');
    assert.equal(d.get('5'), undefined);
    d.set('a', 'b');
    assert.equal(d.get('a'), 'b');
  });
});

describe('randomIndex', () => {
  it('is uniform (chi-square, loose bound) and -1 when empty', () => {
    const s = new StrSet();
    assert.equal(s.randomIndex(), -1);
    for (let i = 0; i < 80; i++) s.add(`m${i}`);
    // Holes from deletes are filled by swap-remove, so indexes stay dense.
    for (let i = 0; i < 80; i += 3) s.delete(`m${i}`);
    const n = s.size;
    const draws = n * 2000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) {
      const e = s.randomIndex();
      assert.ok(e >= 0 && e < n);
      counts[e]!++;
    }
    const expected = draws / n;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    // df = n - 1 (~52): mean 52, sd ~10. 150 is far beyond any honest uniform sample.
    assert.ok(chi2 < 150, `chi-square ${chi2.toFixed(1)} with ${n - 1} degrees of freedom`);
    assert.ok(Math.min(...counts) > 0);
  });
});

describe('scanStep: Redis SCAN guarantees', () => {
  function fullScan(s: StrSet, between?: (step: number) => void): string[] {
    const out: string[] = [];
    let cursor = 0;
    let step = 0;
    do {
      cursor = s.scanStep(cursor, (e) => out.push(s.keys[e]!));
      between?.(step++);
      assert.ok(step < 10_000_000, 'the scan must terminate');
    } while (cursor !== 0);
    return out;
  }

  it('an unchanging table: every entry exactly once', () => {
    for (const n of [0, 1, 3, 4, 5, 100, 1000, 4097]) {
      const s = new StrSet();
      for (let i = 0; i < n; i++) s.add(`k${i}`);
      const got = fullScan(s);
      assert.equal(got.length, n);
      assert.equal(new Set(got).size, n);
    }
  });

  it('entries present for the whole scan are returned while the table grows between steps', () => {
    const s = new StrSet();
    const stable = new Set<string>();
    for (let i = 0; i < 300; i++) {
      s.add(`stable${i}`);
      stable.add(`stable${i}`);
    }
    let extra = 0;
    const seen = new Set(
      fullScan(s, () => {
        // Growing forever would outrun the cursor: grow for a while, then let the scan finish.
        for (let i = 0; i < 40 && extra < 10_000; i++) s.add(`grow${extra++}`);
      }),
    );
    for (const k of stable) assert.ok(seen.has(k), `missed ${k}`);
    assert.ok(s.bucketCount >= 4096, `the table grew (${s.bucketCount} buckets)`);
  });

  it('entries present for the whole scan are returned while the table shrinks between steps', () => {
    const s = new StrSet();
    const stable = new Set<string>();
    for (let i = 0; i < 50; i++) {
      s.add(`stable${i}`);
      stable.add(`stable${i}`);
    }
    for (let i = 0; i < 20_000; i++) s.add(`junk${i}`);
    const startBuckets = s.bucketCount;
    let next = 0;
    const seen = new Set(
      fullScan(s, () => {
        for (let i = 0; i < 400 && next < 20_000; i++) s.delete(`junk${next++}`);
      }),
    );
    for (const k of stable) assert.ok(seen.has(k), `missed ${k}`);
    assert.ok(s.bucketCount < startBuckets / 16, `the table shrank (${startBuckets} -> ${s.bucketCount})`);
  });

  it('property: random growth and shrink between steps never loses a stable entry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.integer({ min: -600, max: 600 }), { minLength: 1, maxLength: 200 }),
        (stableCount, initialJunk, churn) => {
          const s = new StrSet();
          for (let i = 0; i < stableCount; i++) s.add(`s${i}`);
          const junk: string[] = [];
          let made = 0;
          for (let i = 0; i < initialJunk; i++) {
            const k = `j${made++}`;
            s.add(k);
            junk.push(k);
          }
          let cursor = 0;
          let step = 0;
          const seen = new Set<string>();
          do {
            cursor = s.scanStep(cursor, (e) => seen.add(s.keys[e]!));
            // Between steps: add (positive) or delete (negative) junk, forcing resizes both ways.
            const c = churn[step % churn.length]!;
            if (c >= 0) {
              for (let i = 0; i < c && junk.length < 5000; i++) {
                const k = `j${made++}`;
                s.add(k);
                junk.push(k);
              }
            } else {
              for (let i = 0; i < -c && junk.length > 0; i++) s.delete(junk.pop()!);
            }
            step++;
          } while (cursor !== 0 && step < 100_000);
          assert.equal(cursor, 0, 'the scan must end');
          for (let i = 0; i < stableCount; i++) assert.ok(seen.has(`s${i}`), `missed s${i}`);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('Dict: the full cursor loop with values, under churn', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 1000; i++) d.set(`v${i}`, i);
    const got = new Map<string, number>();
    let cursor = 0;
    let round = 0;
    do {
      cursor = d.scanStep(cursor, (e) => got.set(d.keys[e]!, d.vals[e]!));
      if (round % 2 === 0) for (let i = 0; i < 100; i++) d.set(`tmp${round}-${i}`, -1);
      else for (let i = 0; i < 100; i++) d.delete(`tmp${round - 1}-${i}`);
      round++;
    } while (cursor !== 0);
    for (let i = 0; i < 1000; i++) assert.equal(got.get(`v${i}`), i);
  });
});

describe('prefetch', () => {
  it('finds each key that heads or follows its bucket head, -1 otherwise, and changes nothing', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 5000; i++) d.set(`key:${i}`, i);
    const probe = ['missing', 'also missing'];
    for (let i = 0; i < 30; i++) probe.push(`key:${i * 97}`);
    const entries = new Int32Array(probe.length);
    const before = JSON.stringify([d.keys, d.vals, d.size, d.bucketCount]);
    d.prefetch(probe, probe.length, entries);
    assert.equal(JSON.stringify([d.keys, d.vals, d.size, d.bucketCount]), before);
    let found = 0;
    for (let i = 0; i < probe.length; i++) {
      const e = entries[i]!;
      // Found: the key's own entry. Not found: absent, or third or later in its chain.
      if (e >= 0) {
        assert.equal(e, d.find(probe[i]!), probe[i]);
        found++;
      }
    }
    assert.equal(entries[0], -1);
    assert.equal(entries[1], -1);
    assert.ok(found >= 25, `${found} of 30 present keys found within two chain steps`);
  });

  it('a small (linear) table reports no entries', () => {
    const d = new Dict<number>();
    d.set('a', 1);
    const entries = new Int32Array(2).fill(7);
    d.prefetch(['a', 'b'], 2, entries);
    assert.deepEqual([...entries], [-1, -1]);
  });
});
