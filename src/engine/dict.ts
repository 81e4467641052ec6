/**
 * StrSet and Dict: the engine's hash tables, keyed by binary strings. They replace JS Map/Set
 * because the engine needs what those cannot give:
 *  - more than 2^24 entries (V8's Map/Set limit);
 *  - a uniformly random entry in O(1) (RANDOMKEY, SPOP, SRANDMEMBER);
 *  - stateless SCAN cursors with Redis's guarantee (every entry present for the whole scan is
 *    returned at least once, even across resizes), using Redis's reverse-binary bucket cursor;
 *  - a cursor the active-expire cycle can resume from, like Redis's expires_cursor.
 *
 * Layout: entries are dense in parallel arrays (keys, hashes, chain links; Dict adds values),
 * indexes [0, size). Buckets hold the head of a chain of entries whose hash & mask is the
 * bucket. A delete moves the last entry into the hole, so entries never have gaps; a resize
 * only rebuilds the bucket heads from the stored hashes. Load factor is kept between 1/8 and 1.
 * Links store entry index + 1 so that 0 means "none" in zero-filled typed arrays.
 */

import { hashString } from './hash.js';

const MIN_BUCKETS = 4;

export class StrSet {
  size = 0;
  keys: string[] = [];
  protected hashes: Int32Array = new Int32Array(MIN_BUCKETS);
  protected next: Int32Array = new Int32Array(MIN_BUCKETS);
  protected buckets: Int32Array = new Int32Array(MIN_BUCKETS);
  protected mask = MIN_BUCKETS - 1;

  /** Index of `key`'s entry, or -1. */
  find(key: string): number {
    const h = hashString(key);
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const e = i - 1;
      if (this.hashes[e] === h && this.keys[e] === key) return e;
      i = this.next[e]!;
    }
    return -1;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Adds `key`; returns its entry index, and whether it was new via `size` growing. */
  add(key: string): number {
    const h = hashString(key);
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const e = i - 1;
      if (this.hashes[e] === h && this.keys[e] === key) return e;
      i = this.next[e]!;
    }
    return this.append(key, h);
  }

  /** Appends an entry known to be absent. */
  protected append(key: string, h: number): number {
    const e = this.size;
    if (e === this.hashes.length) this.growEntries();
    this.keys.push(key);
    this.pushValue();
    this.hashes[e] = h;
    this.size = e + 1;
    if (this.size > this.mask + 1) {
      this.rebuild((this.mask + 1) * 2);
    } else {
      const b = h & this.mask;
      this.next[e] = this.buckets[b]!;
      this.buckets[b] = e + 1;
    }
    return e;
  }

  /** Hook for Dict: keep the values array parallel to keys. */
  protected pushValue(): void {}
  protected moveValue(_from: number, _to: number): void {}
  protected popValue(): void {}

  delete(key: string): boolean {
    const e = this.find(key);
    if (e < 0) return false;
    this.deleteAt(e);
    return true;
  }

  /** Removes the entry at index `e`; the last entry moves into its place. */
  deleteAt(e: number): void {
    this.unlink(e);
    const last = this.size - 1;
    if (e !== last) {
      // Point whatever referenced `last` at `e`, then move its data.
      const h = this.hashes[last]!;
      const b = h & this.mask;
      let i = this.buckets[b]!;
      if (i === last + 1) {
        this.buckets[b] = e + 1;
      } else {
        while (this.next[i - 1] !== last + 1) i = this.next[i - 1]!;
        this.next[i - 1] = e + 1;
      }
      this.keys[e] = this.keys[last]!;
      this.hashes[e] = h;
      this.next[e] = this.next[last]!;
      this.moveValue(last, e);
    }
    this.keys.pop();
    this.popValue();
    this.size = last;
    if (this.mask + 1 > MIN_BUCKETS && this.size * 8 < this.mask + 1) this.shrink();
  }

  private unlink(e: number): void {
    const b = this.hashes[e]! & this.mask;
    let i = this.buckets[b]!;
    if (i === e + 1) {
      this.buckets[b] = this.next[e]!;
      return;
    }
    while (this.next[i - 1] !== e + 1) i = this.next[i - 1]!;
    this.next[i - 1] = this.next[e]!;
  }

  clear(): void {
    this.size = 0;
    this.keys = [];
    this.hashes = new Int32Array(MIN_BUCKETS);
    this.next = new Int32Array(MIN_BUCKETS);
    this.buckets = new Int32Array(MIN_BUCKETS);
    this.mask = MIN_BUCKETS - 1;
  }

  /** A uniformly random entry index, or -1 when empty. */
  randomIndex(): number {
    return this.size === 0 ? -1 : Math.floor(Math.random() * this.size);
  }

  protected growEntries(): void {
    const cap = this.hashes.length * 2;
    const h = new Int32Array(cap);
    h.set(this.hashes);
    this.hashes = h;
    const n = new Int32Array(cap);
    n.set(this.next);
    this.next = n;
  }

  private shrink(): void {
    let nb = MIN_BUCKETS;
    while (nb < this.size) nb *= 2;
    this.rebuild(nb);
    const cap = Math.max(nb, MIN_BUCKETS);
    if (this.hashes.length > cap * 2) {
      this.hashes = this.hashes.slice(0, cap);
      this.next = this.next.slice(0, cap);
    }
  }

  /** Rebuilds the bucket heads for `nbuckets` buckets (a power of two). */
  private rebuild(nbuckets: number): void {
    const mask = nbuckets - 1;
    const buckets = new Int32Array(nbuckets);
    const hashes = this.hashes;
    const next = this.next;
    for (let e = 0; e < this.size; e++) {
      const b = hashes[e]! & mask;
      next[e] = buckets[b]!;
      buckets[b] = e + 1;
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  /**
   * One SCAN step: visits the bucket at `cursor`, calling `fn` with each entry index in it, and
   * returns the next cursor (0 when the scan is complete). Redis's reverse-binary increment
   * (dict.c dictScan), so entries are neither missed across grows nor shrinks. `fn` must not
   * modify the table.
   */
  scanStep(cursor: number, fn: (entry: number) => void): number {
    if (this.size === 0) return 0;
    const mask = this.mask;
    let i = this.buckets[cursor & mask]!;
    while (i !== 0) {
      fn(i - 1);
      i = this.next[i - 1]!;
    }
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    v = reverseBits(v);
    return v;
  }

  /** Number of buckets (for DEBUG-style introspection and tests). */
  get bucketCount(): number {
    return this.mask + 1;
  }
}

export class Dict<V> extends StrSet {
  vals: V[] = [];

  get(key: string): V | undefined {
    const e = this.find(key);
    return e < 0 ? undefined : this.vals[e];
  }

  /** Sets `key` to `val`; returns true if the key was new. */
  set(key: string, val: V): boolean {
    const before = this.size;
    const e = this.add(key);
    this.vals[e] = val;
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

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}
