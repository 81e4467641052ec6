/**
 * HashIndex and StrSet: the engine's hash tables, keyed by binary strings. They replace JS
 * Map/Set because the engine needs what those cannot give:
 *  - more than 2^24 entries (V8's Map/Set limit);
 *  - a uniformly random entry in O(1) (RANDOMKEY, SPOP, SRANDMEMBER);
 *  - stateless SCAN cursors with Redis's guarantee (every entry present for the whole scan is
 *    returned at least once, even across resizes), using Redis's reverse-binary bucket cursor;
 *  - a cursor the active-expire cycle can resume from, like Redis's expires_cursor.
 *
 * Layout: entries are dense, indexes [0, size): each entry's hash and chain link (and a
 * subclass's fixed-size fields) interleaved in one typed array, keys and other per-entry data
 * (e.g. ScoreTable's scores) in arrays beside it. HashIndex is the part
 * that does not depend on how keys are held, shared with SlabTable (engine/slabtable.ts), whose
 * keys live outside the heap. Buckets hold the head of a chain of entries whose hash & mask is
 * the bucket. A delete moves the last entry into the hole, so entries never have gaps; a resize
 * only rebuilds the bucket heads from the stored hashes. Load factor is kept between 1/8 and 1.
 * Links store entry index + 1 so that 0 means "none" in zero-filled typed arrays.
 *
 * Small tables (up to SMALL entries) have no hash arrays at all and are searched linearly, as
 * Redis does with listpacks: the typed arrays cost several hundred bytes, which would dwarf a
 * set or hash of a few members. Such a table is one bucket for SCAN.
 */

import { hashString } from './hash.js';

/** Up to this many entries a table is a plain array searched linearly. */
const SMALL = 16;
const NONE = new Int32Array(0);
/** The keys' hashes during a prefetch() (at most this many keys a call). */
export const PREFETCH_MAX = 32;
const prefetchHashes = new Int32Array(PREFETCH_MAX);
/** Offset of an entry's chain link in HashIndex.ent (its hash is at 0). */
export const NEXT = 1;

/** A table whose lookups of pipelined members can be prefetched (Database.memberTable). */
export interface MemberTable {
  readonly size: number;
  prefetch(keys: readonly string[], count: number, entries: Int32Array): number;
}

/**
 * The next capacity of a table's entry arrays: half as much again, not twice, so that they
 * carry a fifth of slack on average rather than a third, and a growth step past maxmemory
 * (which deleting a few keys must undo) is smaller.
 */
export function growCapacity(n: number): number {
  return n + (n >> 1);
}

/** A copy of the typed array `a` with room for `cap` elements. */
export function grown<A extends Int32Array | Uint32Array | Float64Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (length: number) => A)(cap);
  b.set(a);
  return b;
}

/**
 * The bucket structure every table shares, whatever holds its keys: entry hashes, chain links
 * and bucket heads over entries [0, size), with deletion by moving the last entry into the
 * hole, resizing, SCAN steps and random draws. An entry is `S` consecutive int32s of one typed
 * array (`ent`): its hash, its chain link, then whatever fixed-size fields the subclass keeps
 * (a key table's slab reference and access field). Interleaved, a lookup's entry is one cache
 * line where parallel arrays were one miss each: on a million keys, most of a lookup's time.
 * Subclasses own the keys and anything else per entry, and move it when told (moveEntry,
 * popEntry). A table with no buckets (NONE) is in linear mode: only StrSet uses it, for small
 * tables.
 */
export abstract class HashIndex {
  size = 0;
  /** Per entry, S int32s: [HASH, NEXT, the subclass's fields...]. */
  protected ent: Int32Array = NONE;
  /** Entries `ent` has room for. */
  protected cap = 0;
  protected buckets: Int32Array = NONE;
  protected mask = 0;

  /** `S`: int32s per entry, at least 2 (hash and chain link). */
  constructor(protected readonly S: number = 2) {}

  /** Moves entry `from`'s key and data outside `ent` to index `to` (deleteAt's hole filling). */
  protected abstract moveEntry(from: number, to: number): void;
  /** Drops the last entry's key and data outside `ent`. */
  protected abstract popEntry(): void;
  /** `ent` now has room for `cap` entries: arrays kept beside it must too. */
  protected growParallel(_cap: number): void {}

  /** Makes room in `ent` for entry `size`, before a subclass writes its fields there. */
  protected reserveEntry(): void {
    if (this.size === this.cap) this.growEntries();
  }

  /**
   * Links a new entry with hash `h` at index `size` (hashed mode; the caller has stored its key
   * and data) and returns its index.
   */
  protected linkNew(h: number): number {
    const e = this.size;
    if (e === this.cap) this.growEntries();
    const x = e * this.S;
    this.ent[x] = h;
    this.size = e + 1;
    if (this.size > this.mask + 1) {
      this.rebuild((this.mask + 1) * 2);
    } else {
      const b = h & this.mask;
      this.ent[x + NEXT] = this.buckets[b]!;
      this.buckets[b] = e + 1;
    }
    return e;
  }

  /** The hash of entry `e`'s key (hashed mode). */
  hashAt(e: number): number {
    return this.ent[e * this.S]!;
  }

  /**
   * For each of the first `count` keys, reads what a lookup of it will read (bucket head, then
   * the entry: its hash, chain link and fields) and stores its entry index in `entries`: -1
   * when it is absent, or deeper than second in its chain (left to its lookup). The reads go one
   * step at a time across all the keys, so that their cache misses overlap instead of each
   * lookup paying its own one after another (in a hashed table of a million keys nearly every
   * step misses). Subclasses then read each found entry's key the same way (prefetch). The keys'
   * hashes are left in `hs`. A hint for the lookups that follow: it changes nothing.
   */
  protected locate(
    keys: readonly string[],
    count: number,
    entries: Int32Array,
    hs: Int32Array = prefetchHashes,
  ): void {
    for (let i = 0; i < count; i++) hs[i] = hashString(keys[i]!);
    if (this.buckets === NONE) {
      entries.fill(-1, 0, count);
      return;
    }
    const buckets = this.buckets;
    const mask = this.mask;
    for (let i = 0; i < count; i++) entries[i] = buckets[hs[i]! & mask]! - 1;
    const ent = this.ent;
    const S = this.S;
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      if (e >= 0 && ent[e * S] !== hs[i]) entries[i] = ent[e * S + NEXT]! - 1;
    }
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      if (e >= 0 && ent[e * S] !== hs[i]) entries[i] = -1;
    }
  }

  /** Removes the entry at index `e`; the last entry moves into its place. */
  deleteAt(e: number): void {
    const last = this.size - 1;
    if (this.buckets === NONE) {
      if (e !== last) this.moveEntry(last, e);
      this.popEntry();
      this.size = last;
      return;
    }
    this.unlink(e);
    if (e !== last) {
      // Point whatever referenced `last` at `e`, then move its fields and data.
      const ent = this.ent;
      const S = this.S;
      const b = ent[last * S]! & this.mask;
      let i = this.buckets[b]!;
      if (i === last + 1) {
        this.buckets[b] = e + 1;
      } else {
        while (ent[(i - 1) * S + NEXT] !== last + 1) i = ent[(i - 1) * S + NEXT]!;
        ent[(i - 1) * S + NEXT] = e + 1;
      }
      for (let k = 0; k < S; k++) ent[e * S + k] = ent[last * S + k]!;
      this.moveEntry(last, e);
    }
    this.popEntry();
    this.size = last;
    if (this.mask + 1 > SMALL * 2 && this.size * 8 < this.mask + 1) this.shrink();
  }

  private unlink(e: number): void {
    const ent = this.ent;
    const S = this.S;
    const b = ent[e * S]! & this.mask;
    let i = this.buckets[b]!;
    if (i === e + 1) {
      this.buckets[b] = ent[e * S + NEXT]!;
      return;
    }
    while (ent[(i - 1) * S + NEXT] !== e + 1) i = ent[(i - 1) * S + NEXT]!;
    ent[(i - 1) * S + NEXT] = ent[e * S + NEXT]!;
  }

  /** Empties the bucket structure (subclasses drop their keys and data). */
  clear(): void {
    this.size = 0;
    this.ent = NONE;
    this.cap = 0;
    this.buckets = NONE;
    this.mask = 0;
  }

  /** A uniformly random entry index, or -1 when empty. */
  randomIndex(): number {
    return this.size === 0 ? -1 : Math.floor(Math.random() * this.size);
  }

  /** Starts hashed mode with room for `cap` entries (a power of two, at least 2 x SMALL). */
  protected startHashed(cap: number): void {
    this.ent = new Int32Array(cap * this.S);
    this.cap = cap;
    this.growParallel(cap);
  }

  private growEntries(): void {
    const cap = growCapacity(this.cap);
    this.ent = grown(this.ent, cap * this.S);
    this.cap = cap;
    this.growParallel(cap);
  }

  private shrink(): void {
    let nb = SMALL * 2;
    while (nb < this.size) nb *= 2;
    this.rebuild(nb);
    if (this.cap > nb * 2) {
      this.ent = this.ent.slice(0, nb * this.S);
      this.cap = nb;
    }
  }

  /** Rebuilds the bucket heads for `nbuckets` buckets (a power of two). */
  protected rebuild(nbuckets: number): void {
    const mask = nbuckets - 1;
    const buckets = new Int32Array(nbuckets);
    const ent = this.ent;
    const S = this.S;
    for (let e = 0, x = 0; e < this.size; e++, x += S) {
      const b = ent[x]! & mask;
      ent[x + NEXT] = buckets[b]!;
      buckets[b] = e + 1;
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  /**
   * One SCAN step: visits the bucket at `cursor`, calling `fn` with each entry index in it, and
   * returns the next cursor (0 when the scan is complete). Redis's reverse-binary increment
   * (dict.c dictScan), so entries are neither missed across grows nor shrinks. A small table is
   * a single bucket. `fn` must not modify the table.
   */
  scanStep(cursor: number, fn: (entry: number) => void): number {
    if (this.size === 0) return 0;
    if (this.buckets === NONE) {
      for (let e = 0; e < this.size; e++) fn(e);
      return 0;
    }
    const mask = this.mask;
    let i = this.buckets[cursor & mask]!;
    while (i !== 0) {
      fn(i - 1);
      i = this.ent[(i - 1) * this.S + NEXT]!;
    }
    let v = (cursor | ~mask) >>> 0;
    v = reverseBits(v);
    v = (v + 1) >>> 0;
    v = reverseBits(v);
    return v;
  }

  /** Copies the bucket structure and entries into `into` (typed arrays: memcpy-fast). */
  protected copyIndexTo(into: HashIndex): void {
    into.size = this.size;
    into.ent = this.ent === NONE ? NONE : this.ent.slice();
    into.cap = this.cap;
    into.buckets = this.buckets === NONE ? NONE : this.buckets.slice();
    into.mask = this.mask;
  }

  /** Bytes of the entry array and the buckets, for the memory accounting. */
  get indexBytes(): number {
    return this.ent.byteLength + this.buckets.byteLength;
  }

  /** Number of buckets (1 for a small table), for introspection and tests. */
  get bucketCount(): number {
    return this.buckets === NONE ? 1 : this.mask + 1;
  }
}

/** A table of binary-string keys held as JS strings (sets, hashes, the expires table). */
export class StrSet extends HashIndex {
  keys: string[] = [];

  /** Index of `key`'s entry, or -1. */
  find(key: string): number {
    if (this.buckets === NONE) return this.keys.indexOf(key);
    return this.chain(key, hashString(key));
  }

  /** `key`'s entry in the chain of hash `h` (hashed mode), or -1. */
  private chain(key: string, h: number): number {
    const ent = this.ent;
    const S = this.S;
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const e = i - 1;
      if (ent[e * S] === h && this.keys[e] === key) return e;
      i = ent[e * S + NEXT]!;
    }
    return -1;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** The key of entry `e`. */
  keyAt(e: number): string {
    return this.keys[e]!;
  }

  /**
   * locate(), then each found entry's key string: warms the cache for the lookups of `count`
   * keys about to be made. Returns a number made of what it read, so that the reads are not
   * optimised away.
   */
  prefetch(keys: readonly string[], count: number, entries: Int32Array): number {
    this.locate(keys, count, entries);
    let sink = 0;
    const stored = this.keys;
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      if (e >= 0) sink += stored[e]!.length;
    }
    return sink;
  }

  /** Adds `key` if absent; returns its entry index (`size` grows when it was new). */
  add(key: string): number {
    if (this.buckets === NONE) {
      const e = this.keys.indexOf(key);
      if (e >= 0) return e;
      if (this.size < SMALL) {
        this.keys.push(key);
        this.pushValue();
        return this.size++;
      }
      this.toHashed();
    }
    const h = hashString(key);
    const e = this.chain(key, h);
    return e >= 0 ? e : this.append(key, h);
  }

  /** Leaves linear mode: hashes every key and builds the buckets. */
  private toHashed(): void {
    let cap = SMALL * 2;
    while (cap < this.size * 2) cap *= 2;
    this.startHashed(cap);
    for (let e = 0; e < this.size; e++) this.ent[e * this.S] = hashString(this.keys[e]!);
    this.rebuild(cap);
  }

  /** Appends an entry known to be absent (hashed mode). */
  private append(key: string, h: number): number {
    this.keys.push(key);
    this.pushValue();
    return this.linkNew(h);
  }

  /** Hooks for subclasses that keep arrays parallel to keys. */
  protected pushValue(): void {}
  protected moveValue(_from: number, _to: number): void {}
  protected popValue(): void {}

  protected moveEntry(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.moveValue(from, to);
  }

  protected popEntry(): void {
    this.keys.pop();
    this.popValue();
  }

  delete(key: string): boolean {
    const e = this.find(key);
    if (e < 0) return false;
    this.deleteAt(e);
    return true;
  }

  override clear(): void {
    super.clear();
    this.keys = [];
  }

  /** Copies the table's arrays into `into` (typed arrays and key array are memcpy-fast). */
  protected copyTo(into: StrSet): void {
    this.copyIndexTo(into);
    into.keys = this.keys.slice(0, this.size);
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
