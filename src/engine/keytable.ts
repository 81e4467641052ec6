/**
 * KeyTable: a database's key -> value table, a SlabTable (keys, and small string values in the
 * server, outside the JS heap) plus, per key, Redis's 24-bit access field (robj.lru: an LRU
 * clock in seconds, or under an LFU policy 16 bits of minutes and an 8-bit counter;
 * engine/evict.ts) in a parallel typed array, and the ExpireTable of the keys with a TTL, which
 * it keeps in step with its entries.
 */

import { grown } from './dict.js';
import { ExpireTable, type KeyRefs } from './expires.js';
import { type FrozenEntries, SlabTable } from './slabtable.js';
import type { Value } from './values/types.js';

/** A key table's entries and TTLs at one moment, for snapshots (see KeyTable.freeze). */
export interface FrozenKeys extends FrozenEntries<Value> {
  readonly expires: ExpireTable;
}

export class KeyTable extends SlabTable<Value> {
  lru: Uint32Array = new Uint32Array(this.refs.length);
  /** Estimated bytes of every value held on the heap (memsize; the slab counts its own). */
  bytes = 0;
  /** The keys with a TTL. */
  readonly expires: ExpireTable = new ExpireTable(this);

  protected override growParallel(cap: number): void {
    super.growParallel(cap);
    this.lru = grown(this.lru, cap);
  }

  /** Removes entry `e` (its key and value, and its TTL if it has one). */
  override deleteAt(e: number): void {
    if (this.expires.size !== 0) this.expires.remove(e, this.hashes[e]!);
    super.deleteAt(e);
  }

  protected override moveEntry(from: number, to: number): void {
    // HashIndex.deleteAt has already moved the hash.
    if (this.expires.size !== 0) this.expires.moved(from, to, this.hashes[to]!);
    super.moveEntry(from, to);
    this.lru[to] = this.lru[from]!;
  }

  override clear(): void {
    super.clear();
    this.lru = new Uint32Array(this.refs.length);
    this.expires.clear();
    this.bytes = 0;
  }

  /** The entries and TTLs as they are now, unaffected by later changes. */
  freeze(): FrozenKeys {
    const entries = this.freezeEntries();
    const keys: KeyRefs = entries;
    return { ...entries, expires: this.expires.clone(keys) };
  }

  /** Bytes of the typed arrays parallel to the entries (refs, lru), for the memory accounting. */
  override get parallelBytes(): number {
    return super.parallelBytes + this.lru.byteLength;
  }
}
