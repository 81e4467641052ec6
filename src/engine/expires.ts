/**
 * ExpireTable: which keys of a key table have a TTL, and when they expire (absolute Unix ms).
 * Redis keeps a second dict from the key's sds to the time; here an entry is the key table's
 * entry index and the time, in typed arrays, hashed by the key's own hash (which the key table
 * already stores), so a TTL costs no heap object and about 24 bytes. A lookup from a key-table
 * entry compares indexes, not keys. The key table keeps the index right: it tells this table when
 * it moves an entry (its deletions fill the hole with the last entry) and removes a key's TTL
 * when it deletes the key (engine/keytable.ts).
 *
 * Walking the table (the active-expire cycle's bucket cursor, the volatile eviction policies'
 * random draws) goes through HashIndex as for any table; keyAt names the key of an entry.
 */

import { grown, HashIndex, NEXT, PREFETCH_MAX } from './dict.js';
import { hashString } from './hash.js';

/** Entries a new or emptied table makes room for (as KeyTable). */
const INITIAL = 32;

const prefetchHeads = new Int32Array(PREFETCH_MAX);

/** What the table needs from the keys it indexes: a key table, or a frozen copy of one. */
export interface KeyRefs {
  keyAt(e: number): string;
  keyIs(e: number, key: string): boolean;
}

/** Offset of an entry's key-table entry in HashIndex.ent (after its hash and chain link). */
const KEY = 2;

export class ExpireTable extends HashIndex {
  /** Each entry's time, Unix ms. */
  private times: Float64Array = new Float64Array(0);

  constructor(private readonly keys: KeyRefs) {
    super(KEY + 1);
  }

  /** This table's entry for key-table entry `e`, whose key hashes to `h`, or -1. */
  private entryOf(e: number, h: number): number {
    if (this.size === 0) return -1;
    const ent = this.ent;
    const S = this.S;
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const x = (i - 1) * S;
      if (ent[x + KEY] === e) return i - 1;
      i = ent[x + NEXT]!;
    }
    return -1;
  }

  /** This table's entry `x`'s key-table entry. */
  private keyEntry(x: number): number {
    return this.ent[x * this.S + KEY]!;
  }

  /** The time of key-table entry `e` (whose key hashes to `h`), or undefined without a TTL. */
  timeOf(e: number, h: number): number | undefined {
    const x = this.entryOf(e, h);
    return x < 0 ? undefined : this.times[x];
  }

  /**
   * Warms the cache for the TTL lookups of the key-table entries a prefetch found (-1: none):
   * their bucket heads, then those entries' key-table entry and time, one step across all.
   * Changes nothing; returns a number made of what it read.
   */
  prefetch(entries: Int32Array, count: number, keys: { hashAt(e: number): number }): number {
    const heads = prefetchHeads;
    const buckets = this.buckets;
    const mask = this.mask;
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      heads[i] = e < 0 ? 0 : buckets[keys.hashAt(e) & mask]!;
    }
    let sink = 0;
    for (let i = 0; i < count; i++) {
      const x = heads[i]! - 1;
      if (x >= 0) sink += this.keyEntry(x) + this.times[x]!;
    }
    return sink;
  }

  /** The time of `key`, found by name (for frozen copies, which have no key lookup). */
  get(key: string): number | undefined {
    if (this.size === 0) return undefined;
    const h = hashString(key);
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const x = i - 1;
      if (this.hashAt(x) === h && this.keys.keyIs(this.keyEntry(x), key)) return this.times[x];
      i = this.ent[x * this.S + NEXT]!;
    }
    return undefined;
  }

  /** Sets the time of key-table entry `e`, whose key hashes to `h`. */
  set(e: number, h: number, at: number): void {
    const x = this.entryOf(e, h);
    if (x >= 0) {
      this.times[x] = at;
      return;
    }
    if (this.buckets.length === 0) {
      this.startHashed(INITIAL);
      this.rebuild(INITIAL);
    }
    const n = this.size;
    this.reserveEntry();
    this.ent[n * this.S + KEY] = e;
    this.times[n] = at;
    this.linkNew(h);
  }

  protected override growParallel(cap: number): void {
    this.times = grown(this.times, cap);
  }

  /** Removes key-table entry `e`'s TTL; true if it had one. */
  remove(e: number, h: number): boolean {
    const x = this.entryOf(e, h);
    if (x < 0) return false;
    this.deleteAt(x);
    return true;
  }

  /** The key table moved entry `from` (hash `h`) to `to`. */
  moved(from: number, to: number, h: number): void {
    const x = this.entryOf(from, h);
    if (x >= 0) this.ent[x * this.S + KEY] = to;
  }

  /** The key of this table's entry `x`. */
  keyAt(x: number): string {
    return this.keys.keyAt(this.keyEntry(x));
  }

  /** The time of this table's entry `x`. */
  timeAt(x: number): number {
    return this.times[x]!;
  }

  protected moveEntry(from: number, to: number): void {
    this.times[to] = this.times[from]!;
  }

  protected popEntry(): void {}

  override clear(): void {
    super.clear();
    this.times = new Float64Array(0);
  }

  /** An independent copy over `keys`, the key table's frozen entries (snapshots). */
  clone(keys: KeyRefs): ExpireTable {
    const t = new ExpireTable(keys);
    this.copyIndexTo(t);
    t.times = this.times.slice();
    return t;
  }

  /** Bytes of the times array beside the entries, for the memory accounting. */
  get parallelBytes(): number {
    return this.times.byteLength;
  }
}
