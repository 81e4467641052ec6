/**
 * KeyTable: a database's key -> value table, a SlabTable (keys, and small string values in the
 * server, outside the JS heap) plus, per key, Redis's 24-bit access field (robj.lru: an LRU
 * clock in seconds, or under an LFU policy 16 bits of minutes and an 8-bit counter;
 * engine/evict.ts) as a fourth int32 of the entry, beside its hash, chain link and slab
 * reference (so a GET's lookup and access stamp touch one cache line), and the ExpireTable of
 * the keys with a TTL, which it keeps in step with its entries.
 */

import { ExpireTable, type KeyRefs } from './expires.js';
import { type FrozenEntries, REF, SlabTable } from './slabtable.js';
import type { Value } from './values/types.js';

/** A key table's entries and TTLs at one moment, for snapshots (see KeyTable.freeze). */
export interface FrozenKeys extends FrozenEntries<Value> {
  readonly expires: ExpireTable;
}

/** Offset of an entry's access field in HashIndex.ent. */
const ACCESS = REF + 1;

export class KeyTable extends SlabTable<Value> {
  /** Estimated bytes of every value held on the heap (memsize; the slab counts its own). */
  bytes = 0;
  /** The keys with a TTL. */
  readonly expires: ExpireTable = new ExpireTable(this);

  constructor() {
    super(ACCESS + 1);
  }

  /** Entry `e`'s access field (LRU clock or LFU minutes and counter). */
  accessAt(e: number): number {
    return this.ent[e * this.S + ACCESS]!;
  }

  setAccess(e: number, v: number): void {
    this.ent[e * this.S + ACCESS] = v;
  }

  /** Removes entry `e` (its key and value, and its TTL if it has one). */
  override deleteAt(e: number): void {
    if (this.expires.size !== 0) this.expires.remove(e, this.hashAt(e));
    super.deleteAt(e);
  }

  protected override moveEntry(from: number, to: number): void {
    // HashIndex.deleteAt has already moved the entry's hash and fields.
    if (this.expires.size !== 0) this.expires.moved(from, to, this.hashAt(to));
    super.moveEntry(from, to);
  }

  override clear(): void {
    super.clear();
    this.expires.clear();
    this.bytes = 0;
  }

  /** The entries and TTLs as they are now, unaffected by later changes. */
  freeze(): FrozenKeys {
    const entries = this.freezeEntries();
    const keys: KeyRefs = entries;
    return { ...entries, expires: this.expires.clone(keys) };
  }
}
