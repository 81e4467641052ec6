/**
 * The sorted set value type: members (binary strings) with double scores, ordered by (score,
 * member bytes) exactly as Redis orders them. Two structures, as in Redis's skiplist encoding:
 *  - ScoreTable, a hash table member -> score (O(1) ZSCORE, membership, random member, ZSCAN),
 *    built only once a zset outgrows TABLE_MIN members: below that a scan of its few leaves is
 *    about as fast and a table would cost more than the rest of the zset;
 *  - ZIndex, an order-statistic B+tree over (score, member) pairs (O(log n) insert, delete,
 *    score update and rank; O(log n + m) ranges by rank, score and lex).
 *
 * Why a B+tree and not a skiplist: a pointer-based skiplist node costs 100+ bytes in V8. Here a
 * leaf holds up to LEAF_MAX pairs in two plain arrays (members, and scores kept unboxed as a
 * double array), and inner nodes keep, per child, the number of pairs below it (for ranks) and
 * a lower-bound separator key. Leaves are doubly linked for range walks. Descents record their
 * path in module-level scratch arrays, so nodes need no parent pointers.
 *
 * Separators: sepM/sepS[i] (i >= 1) is a key <= every key under kids[i] and > every key under
 * kids[i-1]. Deletes leave separators alone (they stay valid bounds); splits, merges and
 * rotations set them. Entry 0 of a node, which descents skip, holds the node's own lower bound
 * (its parent's separator for it; a placeholder in the leftmost node of a level, which has
 * none), read when the node is split or merged into its left sibling.
 *
 * The value also carries the encoding Redis 7.0 would use ("listpack" while it stays within
 * zset-max-listpack-entries/value, "skiplist" after, for good); the families decide the
 * conversions. A listpack stores an integral score as an integer, so -0 becomes 0 there: the
 * value reproduces that while it is a listpack.
 */

import { StrSet } from '../dict.js';
import { epoch } from './types.js';

const LEAF_MAX = 64;
const LEAF_MIN = 16;
const INNER_MAX = 64;
const INNER_MIN = 16;
/** Leaves built in bulk (clone, ZUNIONSTORE results) are filled to this, leaving room to grow. */
const BULK_FILL = 56;

class Leaf {
  prev: Leaf | null = null;
  next: Leaf | null = null;
  constructor(
    public m: string[],
    public s: number[],
  ) {}
}

class Inner {
  constructor(
    public kids: Array<Leaf | Inner>,
    public cnt: number[],
    public sepM: string[],
    public sepS: number[],
  ) {}
}

type Node = Leaf | Inner;

/** The path of the current descent: inner nodes from the root and the child index taken. */
const PATH_N: Inner[] = [];
const PATH_I: number[] = [];

/** (s1, m1) < (s2, m2) in Redis's order: score, then member bytes (latin1 strings compare as bytes). */
function less(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

function insertAt<T>(a: T[], i: number, v: T): void {
  let j = a.length;
  a.push(v);
  while (j > i) {
    a[j] = a[j - 1]!;
    j--;
  }
  a[i] = v;
}

/** Up to this many pairs a leaf's arrays are reallocated at their exact size on insert. */
const SMALL_LEAF = 16;

/** A copy of `a` with `v` inserted at `i`, allocated at its exact length. */
function withInserted<T>(a: T[], i: number, v: T): T[] {
  const n = a.length;
  const out = new Array<T>(n + 1);
  for (let j = 0; j < i; j++) out[j] = a[j]!;
  out[i] = v;
  for (let j = i; j < n; j++) out[j + 1] = a[j]!;
  return out;
}

function removeAt<T>(a: T[], i: number): void {
  const n = a.length - 1;
  for (let j = i; j < n; j++) a[j] = a[j + 1]!;
  a.pop();
}

function sum(a: number[], from = 0, to = a.length): number {
  let t = 0;
  for (let i = from; i < to; i++) t += a[i]!;
  return t;
}

/**
 * The ordered index: an order-statistic B+tree of (score, member) pairs, each pair present at
 * most once. It trusts its caller about presence (ZSetValue checks its hash table first).
 */
export class ZIndex {
  private root: Node;
  /** Inner levels above the leaves (0: the root is a leaf). */
  height = 0;
  size = 0;
  private head: Leaf;
  private tail: Leaf;

  constructor() {
    const leaf = new Leaf([], []);
    this.root = leaf;
    this.head = leaf;
    this.tail = leaf;
  }

  /** Largest i >= 1 with sep[i] <= key, else 0. */
  private static childFor(n: Inner, score: number, member: string): number {
    let lo = 1;
    let hi = n.kids.length - 1;
    let r = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (less(score, member, n.sepS[mid]!, n.sepM[mid]!)) hi = mid - 1;
      else {
        r = mid;
        lo = mid + 1;
      }
    }
    return r;
  }

  /** First index in the leaf whose key is >= (score, member). */
  private static lowerBound(leaf: Leaf, score: number, member: string): number {
    let lo = 0;
    let hi = leaf.m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (less(leaf.s[mid]!, leaf.m[mid]!, score, member)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Descends to the leaf that holds (or would hold) the key, recording the path. */
  private descend(score: number, member: string): Leaf {
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      const i = ZIndex.childFor(inner, score, member);
      PATH_N[d] = inner;
      PATH_I[d] = i;
      node = inner.kids[i]!;
    }
    return node as Leaf;
  }

  /** Descends to the leaf holding rank `r` (0 <= r < size); returns it, PATH_POS set to the index. */
  private descendRank(r: number): Leaf {
    let node = this.root;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      const cnt = inner.cnt;
      let i = 0;
      const last = cnt.length - 1;
      while (i < last && r >= cnt[i]!) {
        r -= cnt[i]!;
        i++;
      }
      PATH_N[d] = inner;
      PATH_I[d] = i;
      node = inner.kids[i]!;
    }
    rankPos = r;
    return node as Leaf;
  }

  /** Inserts a key that is not present. */
  insert(score: number, member: string): void {
    const leaf = this.descend(score, member);
    for (let d = 0; d < this.height; d++) PATH_N[d]!.cnt[PATH_I[d]!]!++;
    const pos = ZIndex.lowerBound(leaf, score, member);
    if (leaf.m.length < SMALL_LEAF) {
      // A push would grow the arrays by at least 16 slots (V8), more than a small zset holds.
      leaf.m = withInserted(leaf.m, pos, member);
      leaf.s = withInserted(leaf.s, pos, score);
    } else {
      insertAt(leaf.m, pos, member);
      insertAt(leaf.s, pos, score);
    }
    this.size++;
    if (leaf.m.length > LEAF_MAX) this.splitLeaf(leaf, pos);
  }

  private splitLeaf(leaf: Leaf, pos: number): void {
    const n = leaf.m.length;
    // Appending at the very end (or prepending at the very start) keeps the full side full, so
    // sequential loads (timestamps, counters) leave packed leaves instead of half-empty ones. Only
    // leaves split lopsided: an inner node must keep siblings to merge with (fixLeaf).
    let cut = n >>> 1;
    if (pos === n - 1 && leaf.next === null) cut = n - 1;
    else if (pos === 0 && leaf.prev === null) cut = 1;
    const right = new Leaf(leaf.m.slice(cut), leaf.s.slice(cut));
    leaf.m.length = cut;
    leaf.s.length = cut;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.tail = right;
    right.prev = leaf;
    leaf.next = right;
    this.addSibling(this.height - 1, leaf, cut, right, n - cut, right.m[0]!, right.s[0]!);
  }

  /**
   * Puts `right` after `left` (the child taken at path level d) in its parent, or makes a new
   * root when `left` was the root; splits the parent when it overflows.
   */
  private addSibling(
    d: number,
    left: Node,
    leftCount: number,
    right: Node,
    rightCount: number,
    sepM: string,
    sepS: number,
  ): void {
    if (d < 0) {
      this.root = new Inner([left, right], [leftCount, rightCount], ['', sepM], [0, sepS]);
      this.height++;
      return;
    }
    const p = PATH_N[d]!;
    const i = PATH_I[d]!;
    p.cnt[i] = leftCount;
    insertAt(p.kids, i + 1, right);
    insertAt(p.cnt, i + 1, rightCount);
    insertAt(p.sepM, i + 1, sepM);
    insertAt(p.sepS, i + 1, sepS);
    if (p.kids.length <= INNER_MAX) return;
    const cut = p.kids.length >>> 1;
    const r = new Inner(p.kids.slice(cut), p.cnt.slice(cut), p.sepM.slice(cut), p.sepS.slice(cut));
    p.kids.length = cut;
    p.cnt.length = cut;
    p.sepM.length = cut;
    p.sepS.length = cut;
    this.addSibling(d - 1, p, sum(p.cnt), r, sum(r.cnt), r.sepM[0]!, r.sepS[0]!);
  }

  /** Removes a key; false if it is not there. */
  delete(score: number, member: string): boolean {
    const leaf = this.descend(score, member);
    const pos = ZIndex.lowerBound(leaf, score, member);
    if (pos >= leaf.m.length || leaf.m[pos] !== member || leaf.s[pos] !== score) return false;
    removeAt(leaf.m, pos);
    removeAt(leaf.s, pos);
    for (let d = 0; d < this.height; d++) PATH_N[d]!.cnt[PATH_I[d]!]!--;
    this.size--;
    if (leaf.m.length < LEAF_MIN && this.height > 0) this.fixLeaf();
    return true;
  }

  /** Changes the score of a present key, in place when its position does not change. */
  update(oldScore: number, member: string, newScore: number): void {
    const leaf = this.descend(oldScore, member);
    const i = ZIndex.lowerBound(leaf, oldScore, member);
    const n = leaf.m.length;
    const up = less(oldScore, member, newScore, member);
    // The left bound: the previous pair, or for a leaf's first pair the separator, which is <= the
    // old key (so moving up keeps it valid). The right bound likewise.
    const leftOk = i > 0 ? less(leaf.s[i - 1]!, leaf.m[i - 1]!, newScore, member) : up || leaf.prev === null;
    const rightOk =
      i < n - 1 ? less(newScore, member, leaf.s[i + 1]!, leaf.m[i + 1]!) : !up || leaf.next === null;
    if (leftOk && rightOk && i < n && leaf.m[i] === member) {
      leaf.s[i] = newScore;
      return;
    }
    this.delete(oldScore, member);
    this.insert(newScore, member);
  }

  /** Rebalances a leaf that fell under LEAF_MIN (path recorded down to it). */
  private fixLeaf(): void {
    const d = this.height - 1;
    const p = PATH_N[d]!;
    const i = PATH_I[d]!;
    const li = i > 0 ? i - 1 : 0;
    const L = p.kids[li] as Leaf;
    const R = p.kids[li + 1] as Leaf;
    if (L.m.length + R.m.length <= LEAF_MAX) {
      for (let j = 0; j < R.m.length; j++) {
        L.m.push(R.m[j]!);
        L.s.push(R.s[j]!);
      }
      L.next = R.next;
      if (R.next !== null) R.next.prev = L;
      else this.tail = L;
      p.cnt[li] = p.cnt[li]! + p.cnt[li + 1]!;
      removeAt(p.kids, li + 1);
      removeAt(p.cnt, li + 1);
      removeAt(p.sepM, li + 1);
      removeAt(p.sepS, li + 1);
      this.fixInner(d);
      return;
    }
    // Borrow: even out the two leaves.
    const total = L.m.length + R.m.length;
    const wantLeft = total >>> 1;
    if (L.m.length > wantLeft) {
      const t = L.m.length - wantLeft;
      R.m = L.m.slice(wantLeft).concat(R.m);
      R.s = L.s.slice(wantLeft).concat(R.s);
      L.m.length = wantLeft;
      L.s.length = wantLeft;
      p.cnt[li] = p.cnt[li]! - t;
      p.cnt[li + 1] = p.cnt[li + 1]! + t;
    } else {
      const t = wantLeft - L.m.length;
      for (let j = 0; j < t; j++) {
        L.m.push(R.m[j]!);
        L.s.push(R.s[j]!);
      }
      R.m = R.m.slice(t);
      R.s = R.s.slice(t);
      p.cnt[li] = p.cnt[li]! + t;
      p.cnt[li + 1] = p.cnt[li + 1]! - t;
    }
    p.sepM[li + 1] = R.m[0]!;
    p.sepS[li + 1] = R.s[0]!;
  }

  /** Rebalances the inner node at path level d after it lost a child. */
  private fixInner(d: number): void {
    const node = PATH_N[d]!;
    if (d === 0) {
      if (node.kids.length === 1) {
        this.root = node.kids[0]!;
        this.height--;
      }
      return;
    }
    if (node.kids.length >= INNER_MIN) return;
    const p = PATH_N[d - 1]!;
    const i = PATH_I[d - 1]!;
    const li = i > 0 ? i - 1 : 0;
    const L = p.kids[li] as Inner;
    const R = p.kids[li + 1] as Inner;
    // R's first child gets its true lower bound: the parent's separator for R.
    R.sepM[0] = p.sepM[li + 1]!;
    R.sepS[0] = p.sepS[li + 1]!;
    if (L.kids.length + R.kids.length <= INNER_MAX) {
      for (let j = 0; j < R.kids.length; j++) {
        L.kids.push(R.kids[j]!);
        L.cnt.push(R.cnt[j]!);
        L.sepM.push(R.sepM[j]!);
        L.sepS.push(R.sepS[j]!);
      }
      p.cnt[li] = p.cnt[li]! + p.cnt[li + 1]!;
      removeAt(p.kids, li + 1);
      removeAt(p.cnt, li + 1);
      removeAt(p.sepM, li + 1);
      removeAt(p.sepS, li + 1);
      this.fixInner(d - 1);
      return;
    }
    const total = L.kids.length + R.kids.length;
    const wantLeft = total >>> 1;
    if (L.kids.length > wantLeft) {
      const moved = sum(L.cnt, wantLeft);
      R.kids = L.kids.slice(wantLeft).concat(R.kids);
      R.cnt = L.cnt.slice(wantLeft).concat(R.cnt);
      R.sepM = L.sepM.slice(wantLeft).concat(R.sepM);
      R.sepS = L.sepS.slice(wantLeft).concat(R.sepS);
      L.kids.length = wantLeft;
      L.cnt.length = wantLeft;
      L.sepM.length = wantLeft;
      L.sepS.length = wantLeft;
      p.cnt[li] = p.cnt[li]! - moved;
      p.cnt[li + 1] = p.cnt[li + 1]! + moved;
    } else {
      const t = wantLeft - L.kids.length;
      const moved = sum(R.cnt, 0, t);
      for (let j = 0; j < t; j++) {
        L.kids.push(R.kids[j]!);
        L.cnt.push(R.cnt[j]!);
        L.sepM.push(R.sepM[j]!);
        L.sepS.push(R.sepS[j]!);
      }
      R.kids = R.kids.slice(t);
      R.cnt = R.cnt.slice(t);
      R.sepM = R.sepM.slice(t);
      R.sepS = R.sepS.slice(t);
      p.cnt[li] = p.cnt[li]! + moved;
      p.cnt[li + 1] = p.cnt[li + 1]! - moved;
    }
    p.sepM[li + 1] = R.sepM[0]!;
    p.sepS[li + 1] = R.sepS[0]!;
  }

  /** The score of a member by a linear scan (for small trees, which have no hash table). */
  scanScore(member: string): number | undefined {
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      const i = leaf.m.indexOf(member);
      if (i >= 0) return leaf.s[i];
    }
    return undefined;
  }

  /** 0-based rank of a present key, or -1. */
  rank(score: number, member: string): number {
    let node = this.root;
    let base = 0;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      const i = ZIndex.childFor(inner, score, member);
      base += sum(inner.cnt, 0, i);
      node = inner.kids[i]!;
    }
    const leaf = node as Leaf;
    const pos = ZIndex.lowerBound(leaf, score, member);
    if (pos >= leaf.m.length || leaf.m[pos] !== member || leaf.s[pos] !== score) return -1;
    return base + pos;
  }

  /**
   * The number of leading pairs for which `pred` is false, when `pred` is monotone in the order
   * (false...false true...true): the rank of the first pair where it holds, or size. For a
   * predicate that is not monotone (a lex range over mixed scores) the answer is some boundary
   * of the descent, as a skiplist search would give.
   */
  countUntil(pred: (score: number, member: string) => boolean): number {
    let node = this.root;
    let base = 0;
    for (let d = 0; d < this.height; d++) {
      const inner = node as Inner;
      // First separator index (>= 1) where pred holds; the boundary is in the child before it.
      let lo = 1;
      let hi = inner.kids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(inner.sepS[mid]!, inner.sepM[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      const i = lo - 1;
      base += sum(inner.cnt, 0, i);
      node = inner.kids[i]!;
    }
    const leaf = node as Leaf;
    let lo = 0;
    let hi = leaf.m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(leaf.s[mid]!, leaf.m[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return base + lo;
  }

  /**
   * Walks pairs from rank `start` (0 <= start < size) forward, or backward when `reverse`,
   * calling fn until it returns false or the pairs run out.
   */
  walk(start: number, reverse: boolean, fn: (member: string, score: number) => boolean | undefined): void {
    if (start < 0 || start >= this.size) return;
    let leaf: Leaf | null = this.descendRank(start);
    let i = rankPos;
    while (leaf !== null) {
      const m = leaf.m;
      const s = leaf.s;
      if (reverse) {
        for (; i >= 0; i--) if (fn(m[i]!, s[i]!) === false) return;
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.m.length - 1;
      } else {
        for (; i < m.length; i++) if (fn(m[i]!, s[i]!) === false) return;
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** The pair at a rank (0 <= r < size) as [member, score]. */
  at(r: number): [string, number] {
    const leaf = this.descendRank(r);
    return [leaf.m[rankPos]!, leaf.s[rankPos]!];
  }

  /** Removes `count` pairs from rank `start` on, reporting each; O(log n + count). */
  deleteRange(start: number, count: number, onRemove?: (member: string, score: number) => void): void {
    if (start < 0) start = 0;
    if (start + count > this.size) count = this.size - start;
    while (count > 0) {
      const leaf = this.descendRank(start);
      const pos = rankPos;
      const k = Math.min(count, leaf.m.length - pos);
      if (k <= 0) throw new Error('ZIndex: counts out of step with the leaves');
      if (onRemove !== undefined) for (let j = pos; j < pos + k; j++) onRemove(leaf.m[j]!, leaf.s[j]!);
      leaf.m.splice(pos, k);
      leaf.s.splice(pos, k);
      for (let d = 0; d < this.height; d++) PATH_N[d]!.cnt[PATH_I[d]!]! -= k;
      this.size -= k;
      count -= k;
      if (leaf.m.length < LEAF_MIN && this.height > 0) this.fixLeaf();
    }
  }

  /** Builds a tree from pairs already in order (ascending, distinct); O(n). */
  static fromSorted(members: readonly string[], scores: readonly number[]): ZIndex {
    const t = new ZIndex();
    const n = members.length;
    if (n === 0) return t;
    const leaves: Leaf[] = [];
    const nLeaves = Math.ceil(n / BULK_FILL);
    for (let k = 0; k < nLeaves; k++) {
      // Spread evenly so that no leaf ends up under the minimum.
      const from = Math.floor((k * n) / nLeaves);
      const to = Math.floor(((k + 1) * n) / nLeaves);
      const leaf = new Leaf(members.slice(from, to), scores.slice(from, to));
      const prev = leaves[leaves.length - 1];
      if (prev !== undefined) {
        prev.next = leaf;
        leaf.prev = prev;
      }
      leaves.push(leaf);
    }
    t.head = leaves[0]!;
    t.tail = leaves[leaves.length - 1]!;
    t.size = n;
    let level: Node[] = leaves;
    let counts = leaves.map((l) => l.m.length);
    let firstM = leaves.map((l) => l.m[0]!);
    let firstS = leaves.map((l) => l.s[0]!);
    while (level.length > 1) {
      const groups = Math.ceil(level.length / BULK_FILL);
      const up: Node[] = [];
      const upCounts: number[] = [];
      const upM: string[] = [];
      const upS: number[] = [];
      for (let g = 0; g < groups; g++) {
        const from = Math.floor((g * level.length) / groups);
        const to = Math.floor(((g + 1) * level.length) / groups);
        const node = new Inner(
          level.slice(from, to),
          counts.slice(from, to),
          firstM.slice(from, to),
          firstS.slice(from, to),
        );
        up.push(node);
        upCounts.push(sum(node.cnt));
        upM.push(firstM[from]!);
        upS.push(firstS[from]!);
      }
      level = up;
      counts = upCounts;
      firstM = upM;
      firstS = upS;
      t.height++;
    }
    t.root = level[0]!;
    return t;
  }

  /** Every pair in order (for conversions and tests). */
  toArrays(): { members: string[]; scores: number[] } {
    const members: string[] = [];
    const scores: number[] = [];
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.m.length; i++) {
        members.push(leaf.m[i]!);
        scores.push(leaf.s[i]!);
      }
    }
    return { members, scores };
  }

  /** Rewrites every score with f (used to turn -0 into 0 when a zset becomes a listpack). */
  mapScores(f: (s: number) => number): void {
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.s.length; i++) leaf.s[i] = f(leaf.s[i]!);
    }
    // Separators only bound keys; -0 and 0 order alike, so they need no rewrite.
  }

  /**
   * Checks every structural invariant (order, counts, separators, fill, equal depth, leaf
   * links); throws on the first violation. For tests.
   */
  check(): void {
    const leaves: Leaf[] = [];
    // Only leaves on the leftmost or rightmost edge may be under the minimum: splits there are
    // lopsided on purpose (see splitLeaf).
    const visit = (
      node: Node,
      depth: number,
      lo: [number, string] | null,
      lEdge: boolean,
      rEdge: boolean,
    ): number => {
      const edge = lEdge || rEdge;
      if (depth === this.height) {
        const leaf = node as Leaf;
        if (leaf.m.length !== leaf.s.length) throw new Error('leaf arrays differ in length');
        if (!edge && leaf.m.length < LEAF_MIN) throw new Error(`leaf underfull: ${leaf.m.length}`);
        if (leaf.m.length > LEAF_MAX) throw new Error(`leaf overfull: ${leaf.m.length}`);
        for (let i = 0; i < leaf.m.length; i++) {
          if (i > 0 && !less(leaf.s[i - 1]!, leaf.m[i - 1]!, leaf.s[i]!, leaf.m[i]!))
            throw new Error('leaf order');
          if (lo !== null && less(leaf.s[i]!, leaf.m[i]!, lo[0], lo[1]))
            throw new Error('key below separator');
        }
        leaves.push(leaf);
        return leaf.m.length;
      }
      const inner = node as Inner;
      const k = inner.kids.length;
      if (inner.cnt.length !== k || inner.sepM.length !== k || inner.sepS.length !== k) {
        throw new Error('inner arrays differ in length');
      }
      if (depth === 0 ? k < 2 : k < INNER_MIN) throw new Error(`inner underfull: ${k}`);
      if (k > INNER_MAX) throw new Error(`inner overfull: ${k}`);
      let total = 0;
      for (let i = 0; i < k; i++) {
        const bound: [number, string] | null = i === 0 ? lo : [inner.sepS[i]!, inner.sepM[i]!];
        const c = visit(inner.kids[i]!, depth + 1, bound, lEdge && i === 0, rEdge && i === k - 1);
        if (c !== inner.cnt[i]) throw new Error(`count ${inner.cnt[i]} != ${c}`);
        total += c;
        if (i > 0) {
          // Every key of the previous child is below this separator.
          const prevLast = lastKey(inner.kids[i - 1]!, depth + 1, this.height);
          if (prevLast !== null && !less(prevLast[0], prevLast[1], inner.sepS[i]!, inner.sepM[i]!)) {
            throw new Error('separator not above the left child');
          }
        }
      }
      return total;
    };
    const n = visit(this.root, 0, null, true, true);
    if (n !== this.size) throw new Error(`size ${this.size} != ${n}`);
    if (leaves[0] !== this.head || leaves[leaves.length - 1] !== this.tail) throw new Error('head/tail');
    for (let i = 0; i < leaves.length; i++) {
      if (leaves[i]!.prev !== (leaves[i - 1] ?? null)) throw new Error('prev link');
      if (leaves[i]!.next !== (leaves[i + 1] ?? null)) throw new Error('next link');
    }
  }
}

/** Leaf position found by the last descendRank (a module scratch, like the path arrays). */
let rankPos = 0;

function lastKey(node: Node, depth: number, height: number): [number, string] | null {
  while (depth < height) {
    const inner = node as Inner;
    node = inner.kids[inner.kids.length - 1]!;
    depth++;
  }
  const leaf = node as Leaf;
  const n = leaf.m.length;
  return n === 0 ? null : [leaf.s[n - 1]!, leaf.m[n - 1]!];
}

/**
 * member -> score. The scores live in a plain number array that only ever holds numbers, so V8
 * keeps them unboxed (8 bytes each); a JS array of numbers would box every non-integer score.
 */
export class ScoreTable extends StrSet {
  scores: number[] = [];

  protected override pushValue(): void {
    this.scores.push(0);
  }
  protected override moveValue(from: number, to: number): void {
    this.scores[to] = this.scores[from]!;
  }
  protected override popValue(): void {
    this.scores.pop();
  }
  override clear(): void {
    super.clear();
    this.scores = [];
  }
}

/**
 * Up to this many members a zset keeps no hash table: a lookup scans its (at most three) leaves,
 * a bounded cost like Redis's scan of a small listpack. A table costs hundreds of bytes to a few
 * KB, more than the whole of a small zset.
 */
const TABLE_MIN = 128;

export class ZSetValue {
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  /** Bytes the key table last counted for this value (see ValueObject.measured). */
  measured = 0;
  get type(): 'zset' {
    return 'zset';
  }
  /** True while Redis would still hold this zset as a listpack. */
  listpack: boolean;
  index = new ZIndex();
  /** member -> score, once the zset has grown past TABLE_MIN (or someone asked for it). */
  private table: ScoreTable | null = null;

  constructor(listpack: boolean) {
    this.listpack = listpack;
  }

  get encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.index.size;
  }

  /** The member -> score table if built (null otherwise), for prefetching its entries. */
  get scoreTable(): ScoreTable | null {
    return this.table;
  }

  /** The member -> score table, built on first use for a small zset and kept from then on. */
  get dict(): ScoreTable {
    if (this.table === null) this.table = this.buildTable();
    return this.table;
  }

  private buildTable(): ScoreTable {
    const t = new ScoreTable();
    this.index.walk(0, false, (m, s) => {
      t.scores[t.add(m)] = s;
      return true;
    });
    return t;
  }

  score(member: string): number | undefined {
    const t = this.table;
    if (t === null) return this.index.scanScore(member);
    const e = t.find(member);
    return e < 0 ? undefined : t.scores[e];
  }

  /** Adds a member that is not present. */
  insert(member: string, score: number): void {
    if (this.listpack && score === 0) score = 0;
    this.index.insert(score, member);
    const t = this.table;
    if (t !== null) t.scores[t.add(member)] = score;
    else if (this.index.size > TABLE_MIN) this.table = this.buildTable();
  }

  /** Changes a present member's score (callers skip equal scores, as Redis does). */
  update(member: string, oldScore: number, score: number): void {
    if (this.listpack && score === 0) score = 0;
    const t = this.table;
    if (t !== null) t.scores[t.find(member)] = score;
    this.index.update(oldScore, member, score);
  }

  delete(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.table?.delete(member);
    this.index.delete(score, member);
    return true;
  }

  /** 0-based rank from the lowest score (or from the highest when `reverse`), or -1. */
  rank(member: string, reverse: boolean): number {
    const score = this.score(member);
    if (score === undefined) return -1;
    const r = this.index.rank(score, member);
    return reverse ? this.size - 1 - r : r;
  }

  /** Removes `count` pairs from rank `start` on; calls `onRemove` for each, in order. */
  deleteRange(start: number, count: number, onRemove?: (member: string, score: number) => void): void {
    const t = this.table;
    this.index.deleteRange(start, count, (m, s) => {
      if (t !== null) t.delete(m);
      if (onRemove !== undefined) onRemove(m, s);
    });
  }

  /**
   * The i-th pair (0 <= i < size) in some fixed order: the table's entry order when there is a
   * table (O(1)), else the sorted order (the zset is small). For uniform random picks.
   */
  entry(i: number): [string, number] {
    const t = this.table;
    return t === null ? this.index.at(i) : [t.keys[i]!, t.scores[i]!];
  }

  /** A uniformly random pair (O(1)), as [member, score]. */
  random(): [string, number] {
    return this.entry(Math.floor(Math.random() * this.size));
  }

  /** Switches to the listpack encoding (scores as a listpack stores them: -0 becomes 0). */
  toListpack(): void {
    if (this.listpack) return;
    this.listpack = true;
    const t = this.table;
    if (t !== null) for (let e = 0; e < t.size; e++) if (t.scores[e] === 0) t.scores[e] = 0;
    this.index.mapScores((s) => (s === 0 ? 0 : s));
  }

  clone(): ZSetValue {
    return ZSetValue.fromSorted(this.listpack, this.index.toArrays());
  }

  /** A zset from pairs already in (score, member) order without duplicates; O(n). */
  static fromSorted(listpack: boolean, pairs: { members: string[]; scores: number[] }): ZSetValue {
    const z = new ZSetValue(listpack);
    const { members, scores } = pairs;
    if (listpack) for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0;
    if (members.length > TABLE_MIN) {
      const t = new ScoreTable();
      for (let i = 0; i < members.length; i++) t.scores[t.add(members[i]!)] = scores[i]!;
      z.table = t;
    }
    z.index = ZIndex.fromSorted(members, scores);
    return z;
  }
}
