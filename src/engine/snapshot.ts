/**
 * Point-in-time snapshots of the keyspace without fork(): what BGSAVE and BGREWRITEAOF
 * serialize while the server keeps serving. Taking one copies each database's key references
 * and value array (a memcpy-speed slice: 12 bytes a key), the key slab's segment list (its
 * records are never overwritten: engine/keyslab.ts) and the expires table. Strings are
 * immutable, so the copy already holds their snapshot-time contents; mutable values (lists,
 * sets, hashes, sorted sets, modified strings) are copy-on-write at the granularity of a whole
 * value: before a command modifies one that the serializer has not reached yet, the database
 * hands it to the snapshot, which serializes it first (out of order, which RDB allows).
 */

import type { Keyspace } from './keyspace.js';
import type { FrozenKeys } from './keytable.js';
import { epoch, type Value } from './values/types.js';

/** Receives entries in any order; `db` says which database each belongs to. */
export type EntrySink = (db: number, key: string, value: Value, expireAt: number | undefined) => void;

export class Snapshot {
  private readonly frozen: FrozenKeys[];
  /** This snapshot's epoch: value objects with `snap` below it existed when it started. */
  private readonly epoch: number;
  private db = 0;
  private index = 0;
  readonly totalKeys: number;
  emitted = 0;

  constructor(
    ks: Keyspace,
    private readonly sink: EntrySink,
  ) {
    this.epoch = ++epoch.current;
    this.frozen = ks.dbs.map((d) => d.dict.freeze());
    this.totalKeys = this.frozen.reduce((n, f) => n + f.size, 0);
  }

  /** Sizes of each database at snapshot time: [keys, keys with a TTL]. */
  sizes(db: number): [number, number] {
    const f = this.frozen[db]!;
    return [f.size, f.expires.size];
  }

  get done(): boolean {
    return this.db >= this.frozen.length;
  }

  /** Whether a value object still has to be written by this snapshot. */
  private pending(v: Value): boolean {
    return typeof v === 'object' && v.snap < this.epoch;
  }

  /**
   * The copy-on-write hook: `value` (under `key` in `db`) is about to be modified. If it existed
   * when the snapshot started and is not written yet, write it now, as it still is. Moves
   * between keys or databases go through a write lookup of the source first (RENAME, MOVE),
   * so the key and database given here are the snapshot-time ones.
   */
  beforeWrite(db: number, key: string, value: Value): void {
    if (!this.pending(value)) return;
    (value as { snap: number }).snap = this.epoch;
    const f = this.frozen[db]!;
    this.sink(db, key, value, f.expires.size === 0 ? undefined : f.expires.get(key));
    this.emitted++;
  }

  /** SWAPDB moves whole databases without lookups: write out what is left of them first. */
  drainDb(db: number): void {
    const f = this.frozen[db]!;
    const from = db === this.db ? this.index : db > this.db ? 0 : f.size;
    for (let i = from; i < f.size; i++) {
      const v = f.valueAt(i);
      if (this.pending(v)) this.beforeWrite(db, f.keyAt(i), v);
    }
  }

  /** Writes entries until `deadline` (performance.now() ms) or the end; true when done. */
  step(deadline: number): boolean {
    let n = 0;
    while (this.db < this.frozen.length) {
      const f = this.frozen[this.db]!;
      if (this.index >= f.size) {
        this.db++;
        this.index = 0;
        continue;
      }
      const i = this.index++;
      const v = f.valueAt(i);
      if (typeof v === 'object') {
        if (v.snap >= this.epoch) continue; // already written early (or born after: cannot be here)
        (v as { snap: number }).snap = this.epoch;
      }
      const key = f.keyAt(i);
      this.sink(this.db, key, v, f.expires.size === 0 ? undefined : f.expires.get(key));
      this.emitted++;
      // Checking the clock every 64 entries keeps its cost negligible.
      if ((++n & 63) === 0 && performance.now() >= deadline) return false;
    }
    return true;
  }
}
