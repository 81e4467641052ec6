/**
 * The sorted-set index (src/engine/values/zset.ts) against a model: a plain array of
 * (score, member) pairs kept sorted in Redis's order. fast-check drives random sequences of
 * inserts, deletes, score updates, rank and range reads, bulk range deletes and predicate
 * searches over trees big enough to split and merge at every level, and the tree's own
 * invariant checker (order, counts, separators, fill, equal depth, leaf links) runs after each
 * sequence. Also: bulk loading, the height bound that makes every operation O(log n), ZSetValue's
 * hash table staying in step with the tree, and the listpack rule that stores -0 as 0.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ZIndex, ZSetValue } from '../src/engine/values/zset.js';

type Pair = [number, string];

function less(a: Pair, b: Pair): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** The sorted-array model. */
class Model {
  pairs: Pair[] = [];
  private find(p: Pair): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (less(this.pairs[mid]!, p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  has(member: string): Pair | undefined {
    return this.pairs.find((p) => p[1] === member);
  }
  insert(score: number, member: string): void {
    this.pairs.splice(this.find([score, member]), 0, [score, member]);
  }
  delete(score: number, member: string): void {
    const i = this.find([score, member]);
    assert.deepEqual(this.pairs[i], [score, member]);
    this.pairs.splice(i, 1);
  }
  rank(score: number, member: string): number {
    return this.find([score, member]);
  }
}

function walkAll(t: ZIndex, start: number, reverse: boolean, limit = Number.POSITIVE_INFINITY): Pair[] {
  const out: Pair[] = [];
  t.walk(start, reverse, (m, s) => {
    out.push([s, m]);
    return out.length < limit;
  });
  return out;
}

// Few distinct scores and short members, so that ties on score (ordered by member) are common.
const scoreArb = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, -1e300),
  fc.double({ noNaN: true }),
);
const memberArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u0000', '\u00ff', 'z'), maxLength: 4 });

type Op =
  | { t: 'insert'; score: number; member: string }
  | { t: 'delete'; pick: number }
  | { t: 'update'; pick: number; score: number }
  | { t: 'rank'; pick: number }
  | { t: 'walk'; pick: number; reverse: boolean; limit: number }
  | { t: 'deleteRange'; pick: number; count: number }
  | { t: 'drain'; pick: number; count: number; step: number }
  | { t: 'countUntil'; score: number; strict: boolean }
  | { t: 'bulk'; n: number; base: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('insert' as const), score: scoreArb, member: memberArb }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('update' as const), pick: fc.nat(), score: scoreArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('rank' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('walk' as const),
      pick: fc.nat(),
      reverse: fc.boolean(),
      limit: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('deleteRange' as const),
      pick: fc.nat(),
      count: fc.integer({ min: 0, max: 2500 }),
    }),
  },
  // Deletes one by one around a spot: leaves fall under the minimum next to full siblings
  // (borrowing), inner nodes lose children (rotations and merges).
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('drain' as const),
      pick: fc.nat(),
      count: fc.integer({ min: 1, max: 4000 }),
      step: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('countUntil' as const), score: scoreArb, strict: fc.boolean() }),
  },
  // A burst of distinct members, so trees grow past one level and then shrink back.
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('bulk' as const),
      n: fc.integer({ min: 1, max: 3000 }),
      base: fc.integer({ min: 0, max: 1_000_000 }),
    }),
  },
);

/** Runs ops on a ZIndex and the model side by side; returns the index for final checks. */
function run(ops: Op[], seedPairs: Pair[] = []): { t: ZIndex; model: Model } {
  const t = new ZIndex();
  const model = new Model();
  const members = new Map<string, number>();
  const add = (score: number, member: string) => {
    t.insert(score, member);
    model.insert(score, member);
    members.set(member, score);
  };
  for (const [s, m] of seedPairs) if (!members.has(m)) add(s, m);
  for (const op of ops) {
    const n = model.pairs.length;
    switch (op.t) {
      case 'insert': {
        if (members.has(op.member)) break;
        add(op.score, op.member);
        break;
      }
      case 'bulk': {
        for (let i = 0; i < op.n; i++) {
          const m = `k${op.base + i}`;
          if (!members.has(m)) add((op.base * 7 + i * 13) % 101, m);
        }
        break;
      }
      case 'delete': {
        if (n === 0) break;
        const [s, m] = model.pairs[op.pick % n]!;
        assert.equal(t.delete(s, m), true);
        model.delete(s, m);
        members.delete(m);
        assert.equal(t.delete(s, m), false);
        break;
      }
      case 'update': {
        if (n === 0) break;
        const [s, m] = model.pairs[op.pick % n]!;
        if (Object.is(s, op.score) || s === op.score) break;
        t.update(s, m, op.score);
        model.delete(s, m);
        model.insert(op.score, m);
        members.set(m, op.score);
        break;
      }
      case 'rank': {
        if (n === 0) break;
        const [s, m] = model.pairs[op.pick % n]!;
        assert.equal(t.rank(s, m), op.pick % n);
        assert.equal(t.rank(s, `${m}-absent`), -1);
        assert.deepEqual(t.at(op.pick % n), [m, s]);
        break;
      }
      case 'walk': {
        if (n === 0) break;
        const start = op.pick % n;
        const got = walkAll(t, start, op.reverse, op.limit);
        const want = op.reverse
          ? model.pairs.slice(Math.max(0, start - op.limit + 1), start + 1).reverse()
          : model.pairs.slice(start, start + op.limit);
        assert.deepEqual(got, want);
        break;
      }
      case 'deleteRange': {
        if (n === 0) break;
        const start = op.pick % n;
        const removed: Pair[] = [];
        t.deleteRange(start, op.count, (m, s) => removed.push([s, m]));
        const want = model.pairs.splice(start, op.count);
        assert.deepEqual(removed, want);
        for (const [, m] of want) members.delete(m);
        break;
      }
      case 'drain': {
        let at = n === 0 ? 0 : op.pick % n;
        for (let i = 0; i < op.count && model.pairs.length > 0; i++) {
          at = Math.min(at, model.pairs.length - 1);
          const [s, m] = model.pairs[at]!;
          assert.equal(t.delete(s, m), true);
          model.delete(s, m);
          members.delete(m);
          // step 0 drains forward from one rank, 1..3 also walks left so both siblings empty.
          if (op.step > 0 && i % (op.step + 1) === 0 && at > 0) at--;
        }
        break;
      }
      case 'countUntil': {
        const pred = op.strict ? (s: number) => s > op.score : (s: number) => s >= op.score;
        const want = model.pairs.findIndex(([s]) => pred(s));
        assert.equal(t.countUntil(pred), want < 0 ? n : want);
        break;
      }
    }
    assert.equal(t.size, model.pairs.length);
  }
  return { t, model };
}

describe('ZIndex against a sorted-array model', () => {
  it('random operation sequences keep every invariant and every answer', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const { t, model } = run(ops);
        t.check();
        assert.deepEqual(walkAll(t, 0, false), model.pairs);
      }),
      { numRuns: 150 },
    );
  });

  it('sequences on a tree that starts three levels deep', () => {
    // 20k pairs: leaves of up to 64 under inner nodes of up to 64 children.
    const seed: Pair[] = [];
    for (let i = 0; i < 20_000; i++) seed.push([i % 97, `s${i}`]);
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { t, model } = run(ops, seed);
        t.check();
        assert.deepEqual(walkAll(t, 0, false), model.pairs);
      }),
      { numRuns: 25 },
    );
  });

  it('sequences on packed trees (bulk-loaded and sequentially loaded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60, max: 40_000 }),
        fc.boolean(),
        fc.array(opArb, { maxLength: 40 }),
        (n, bulk, ops) => {
          const seed: Pair[] = [];
          for (let i = 0; i < n; i++) seed.push([i >> 2, `p${String(i).padStart(6, '0')}`]);
          let t: ZIndex;
          let model: Model;
          if (bulk) {
            // fromSorted, then the same ops through run() on a copy fed the same way.
            const built = ZIndex.fromSorted(
              seed.map((p) => p[1]),
              seed.map((p) => p[0]),
            );
            built.check();
            ({ t, model } = run(ops, seed));
            assert.deepEqual(walkAll(built, 0, false), seed);
          } else {
            ({ t, model } = run(ops, seed));
          }
          t.check();
          assert.deepEqual(walkAll(t, 0, false), model.pairs);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('draining a bulk-built tree borrows, rotates and merges at every level', () => {
    // 150k pairs in leaves of 56: 2679 leaves under 48 inner nodes under the root.
    const n = 150_000;
    const members: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < n; i++) {
      members.push(`q${String(i).padStart(7, '0')}`);
      scores.push(i);
    }
    const t = ZIndex.fromSorted(members, scores);
    assert.equal(t.height, 2);
    const alive = new Set(members.keys());
    // Punch holes of varying sizes at spread-out places, checking the whole tree after each.
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 40; round++) {
      const start = Math.floor(rnd() * n);
      const len = Math.floor(rnd() * 6000);
      for (let i = start; i < Math.min(n, start + len); i++) {
        if (!alive.has(i)) continue;
        assert.ok(t.delete(scores[i]!, members[i]!));
        alive.delete(i);
      }
      t.check();
    }
    const left = [...alive].sort((a, b) => a - b);
    assert.deepEqual(
      walkAll(t, 0, false).map((p) => p[1]),
      left.map((i) => members[i]!),
    );
    for (let r = 0; r < left.length; r += 997) assert.equal(t.rank(scores[left[r]!]!, members[left[r]!]!), r);
  });

  it('deleting everything, one by one and in ranges, empties the tree cleanly', () => {
    const t = new ZIndex();
    const pairs: Pair[] = [];
    for (let i = 0; i < 50_000; i++) pairs.push([Math.floor(Math.random() * 1000), `m${i}`]);
    for (const [s, m] of pairs) t.insert(s, m);
    t.check();
    pairs.sort((a, b) => (less(a, b) ? -1 : 1));
    // Every other pair individually, then the rest in chunks from the middle.
    for (let i = 0; i < pairs.length; i += 2) assert.ok(t.delete(pairs[i]![0], pairs[i]![1]));
    t.check();
    while (t.size > 0) {
      t.deleteRange(Math.floor(t.size / 3), 777);
      t.check();
    }
    assert.equal(t.height, 0);
    assert.deepEqual(walkAll(t, 0, false), []);
  });

  it('ascending and descending loads pack the leaves and keep the invariants', () => {
    for (const dir of [1, -1]) {
      const t = new ZIndex();
      const n = 100_000;
      for (let i = 0; i < n; i++) t.insert(dir * i, 'm');
      t.check();
      assert.equal(t.size, n);
      // Packed leaves: three levels of 64-wide nodes hold 262,144 pairs.
      assert.ok(t.height <= 2, `height ${t.height}`);
      assert.deepEqual(t.at(0), ['m', dir > 0 ? 0 : -(n - 1)]);
    }
  });

  it('a lopsided edge leaf can grow and drain at either end (regression)', () => {
    // Found by fast-check: after an ascending load, a pair inserted in front split the first leaf
    // 1 + 64 and (then) the root 1 + 64; deleting that pair left an inner node with no sibling.
    for (const n of [4033, 64 * 64 + 1, 20_000]) {
      const t = new ZIndex();
      for (let i = 0; i < n; i++) t.insert(i >> 2, `p${String(i).padStart(6, '0')}`);
      t.insert(0, '');
      t.check();
      assert.equal(t.rank(0, ''), 0);
      assert.ok(t.delete(0, ''));
      t.check();
      for (let i = 0; i < 200; i++) t.insert(-1 - i, 'front');
      t.insert(1e9, 'back');
      t.check();
      for (let i = 0; i < 200; i++) assert.ok(t.delete(-1 - i, 'front'));
      assert.ok(t.delete(1e9, 'back'));
      t.check();
      assert.equal(t.size, n);
    }
  });

  it('height stays logarithmic (every operation is O(height * 64))', () => {
    const t = new ZIndex();
    const n = 200_000;
    for (let i = 0; i < n; i++) t.insert(Math.random(), `m${i}`);
    t.check();
    // With at least 16 pairs per leaf and 16 children per inner node (root aside), a tree of
    // height h holds at least 2 * 16^h pairs; 200k pairs give h <= 4. Random inserts fill
    // about 70%, which gives 3.
    assert.ok(t.height <= Math.ceil(Math.log(n / 2) / Math.log(16)), `height ${t.height}`);
    assert.ok(t.height <= 3, `height ${t.height}`);
  });

  it('fromSorted builds the same order as inserts', () => {
    for (const n of [0, 1, 55, 56, 57, 200, 3136, 3137, 10_000]) {
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < n; i++) {
        members.push(`m${String(i).padStart(6, '0')}`);
        scores.push(Math.floor(i / 10));
      }
      const t = ZIndex.fromSorted(members, scores);
      t.check();
      assert.equal(t.size, n);
      const got = walkAll(t, 0, false);
      assert.deepEqual(
        got.map((p) => p[1]),
        members,
      );
      if (n > 0) {
        assert.equal(t.rank(scores[n - 1]!, members[n - 1]!), n - 1);
        // It stays a normal tree afterwards.
        t.insert(-1, 'first');
        t.delete(scores[0]!, members[0]!);
        t.check();
      }
    }
  });

  it('orders members by bytes and treats -0 and 0 as the same score', () => {
    const t = new ZIndex();
    t.insert(0, 'b');
    t.insert(-0, 'a');
    t.insert(0, '\u00ff');
    t.insert(0, 'a\u0000');
    t.insert(-1, '\u00ff');
    assert.deepEqual(
      walkAll(t, 0, false).map((p) => p[1]),
      ['\u00ff', 'a', 'a\u0000', 'b', '\u00ff'],
    );
    assert.equal(t.rank(0, 'a'), 1);
    assert.equal(t.rank(-0, 'a'), 1);
  });
});

describe('ZSetValue', () => {
  it('keeps its hash table and its tree in step', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'del', 'upd'), memberArb, scoreArb), { maxLength: 300 }),
        (ops) => {
          const z = new ZSetValue(false);
          const m = new Map<string, number>();
          for (const [op, member, score] of ops) {
            const cur = z.score(member);
            assert.equal(cur, m.get(member));
            if (op === 'add' && cur === undefined) {
              z.insert(member, score);
              m.set(member, score);
            } else if (op === 'del') {
              assert.equal(z.delete(member), cur !== undefined);
              m.delete(member);
            } else if (op === 'upd' && cur !== undefined && cur !== score) {
              z.update(member, cur, score);
              m.set(member, score);
            }
          }
          z.index.check();
          assert.equal(z.size, m.size);
          assert.equal(z.index.size, m.size);
          const sorted = [...m.entries()]
            .map(([k, v]) => [v, k] as Pair)
            .sort((a, b) => (less(a, b) ? -1 : 1));
          sorted.forEach(([s, k], i) => {
            assert.equal(z.rank(k, false), i);
            assert.equal(z.rank(k, true), sorted.length - 1 - i);
            assert.ok(Object.is(z.score(k), s));
          });
          if (z.size > 0) {
            const [rm, rs] = z.random();
            assert.ok(Object.is(m.get(rm), rs));
          }
          const copy = z.clone();
          copy.index.check();
          assert.deepEqual(copy.index.toArrays(), z.index.toArrays());
          assert.equal(copy.encoding, z.encoding);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers the same with and without its hash table (built past 128 members or on demand)', () => {
    const model = new Map<string, number>();
    const z = new ZSetValue(false);
    const check = () => {
      z.index.check();
      assert.equal(z.size, model.size);
      const sorted = [...model.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      sorted.forEach(([m, sc], i) => {
        assert.equal(z.score(m), sc);
        assert.equal(z.rank(m, false), i);
      });
      assert.equal(z.score('absent'), undefined);
      for (let i = 0; i < z.size; i++) {
        const [m, sc] = z.entry(i);
        assert.equal(model.get(m), sc);
      }
    };
    for (let i = 0; i < 300; i++) {
      z.insert(`m${i}`, i % 17);
      model.set(`m${i}`, i % 17);
      if (i === 5 || i === 127 || i === 128 || i === 299) check();
    }
    for (let i = 0; i < 300; i += 2) {
      assert.ok(z.delete(`m${i}`));
      model.delete(`m${i}`);
    }
    z.update('m1', 1, 99);
    model.set('m1', 99);
    check();
    // A small zset builds its table when something asks for it, and keeps it in step.
    const small = new ZSetValue(false);
    small.insert('a', 1);
    small.insert('b', 2);
    assert.deepEqual(small.dict.keys.slice(0, small.dict.size), ['a', 'b']);
    small.insert('c', 3);
    small.update('a', 1, 5);
    assert.ok(small.delete('b'));
    small.deleteRange(0, 1);
    assert.equal(small.dict.size, 1);
    assert.equal(small.score('a'), 5);
    assert.equal(small.dict.scores[small.dict.find('a')], 5);
  });

  it('stores -0 as 0 while it is a listpack, and keeps -0 once a skiplist', () => {
    const lp = new ZSetValue(true);
    lp.insert('a', -0);
    assert.ok(Object.is(lp.score('a'), 0));
    assert.equal(lp.encoding, 'listpack');
    const sl = new ZSetValue(false);
    sl.insert('a', -0);
    assert.ok(Object.is(sl.score('a'), -0));
    assert.equal(sl.encoding, 'skiplist');
    sl.toListpack();
    assert.ok(Object.is(sl.score('a'), 0));
    assert.ok(Object.is(sl.index.at(0)[1], 0));
  });

  it('deleteRange removes members from the hash table too', () => {
    const z = new ZSetValue(false);
    for (let i = 0; i < 1000; i++) z.insert(`m${i}`, i);
    const seen: string[] = [];
    z.deleteRange(100, 800, (m) => seen.push(m));
    assert.equal(seen.length, 800);
    assert.equal(z.size, 200);
    assert.equal(z.score('m100'), undefined);
    assert.equal(z.score('m99'), 99);
    assert.equal(z.score('m900'), 900);
    z.index.check();
  });
});
