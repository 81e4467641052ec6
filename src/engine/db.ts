/**
 * One logical database: the key -> value table and the key -> expire-time table, with Redis's
 * lazy expiry on every lookup (db.c expireIfNeeded: a key is expired once now > its time) and
 * the sampling step of the active-expire cycle (expire.c), which walks the expires table with
 * a persistent bucket cursor exactly as Redis 7.0 does. Times are Unix milliseconds taken from
 * the keyspace's clock snapshot, so one command sees one instant.
 */

import { type MemberTable, PREFETCH_MAX } from './dict.js';
import { NOTIFY } from './events.js';
import { LRU_CLOCK_MAX, lfuCounter, lfuInit, lfuMinutes, lfuTouch, lruClock } from './evict.js';
import type { ExpireTable } from './expires.js';
import type { Keyspace } from './keyspace.js';
import { KeyTable } from './keytable.js';
import { countedBytes, measure } from './memsize.js';
import type { Value } from './values/types.js';

export { LRU_CLOCK_MAX, lruClock } from './evict.js';
export { KeyTable } from './keytable.js';

/** What entry `e`'s value adds to the table's `bytes`: its size if held on the heap. */
export function heldBytes(d: KeyTable, e: number): number {
  const v = d.heapValueAt(e);
  return v === undefined ? 0 : countedBytes(v);
}

const prefetchEntries = new Int32Array(PREFETCH_MAX);

export class Database {
  readonly dict = new KeyTable();
  /** Where the active-expire cycle resumes in the expires table. */
  expireCursor = 0;
  /** Running estimate of the TTL of keys with one (INFO keyspace avg_ttl), in ms. */
  avgTtl = 0;

  constructor(
    readonly id: number,
    private readonly ks: Keyspace,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** The keys with a TTL (the key table's own expires table). */
  get expires(): ExpireTable {
    return this.dict.expires;
  }

  /**
   * Warms the cache for the lookups of `count` keys about to be made by pipelined commands:
   * the key table's entries (KeyTable.prefetch), then each found entry's access field and value
   * (a string, or the head of a value object), and the expires table's entries when it has
   * any. Changes nothing.
   */
  prefetch(keys: readonly string[], count: number): number {
    const found = prefetchEntries;
    const d = this.dict;
    // The entries (with their access fields), key records and string values (KeyTable.prefetch),
    // then objects.
    let sink = d.prefetch(keys, count, found);
    for (let i = 0; i < count; i++) {
      const e = found[i]!;
      if (e < 0) continue;
      const v = d.heapValueAt(e);
      // The object's first fields (a hash, list, set or sorted set).
      if (typeof v === 'object') sink += v.measured;
    }
    if (d.expires.size !== 0) sink += d.expires.prefetch(found, count, d);
    return sink;
  }

  /**
   * The member table of the hash, set or sorted set at `key` (a hashed hash's fields, a set's
   * members, a sorted set's member -> score table once built), or null: for prefetching the
   * members pipelined commands name. Changes nothing, not even an expired key.
   */
  memberTable(key: string): MemberTable | null {
    const e = this.dict.find(key);
    if (e < 0) return null;
    const v = this.dict.heapValueAt(e);
    if (typeof v !== 'object') return null;
    if (v.type === 'hash') return v.fieldTable;
    if (v.type === 'set') return v.members;
    if (v.type === 'zset') return v.scoreTable;
    return null;
  }

  /**
   * The entry index of a live key, or -1. Deletes the key if its time has passed. This is the
   * lookup every command uses; it does not count hits or misses (see lookupRead).
   */
  find(key: string): number {
    const d = this.dict;
    const e = d.find(key);
    if (e < 0 || d.expires.size === 0) return e;
    const at = d.expires.timeOf(e, d.hashAt(e));
    if (at === undefined || this.ks.now <= at || this.ks.loading) return e;
    this.expireKey(key);
    return -1;
  }

  /** Value of a live key for a write (lookupKeyWrite): no hit/miss accounting. */
  get(key: string): Value | undefined {
    const e = this.find(key);
    if (e < 0) return undefined;
    this.touch(e);
    const v = this.dict.valueAt(e);
    if (typeof v === 'object') {
      // A running snapshot must see the value as it is before the caller changes it.
      if (this.ks.snapshot !== null) this.ks.snapshot.beforeWrite(this.id, key, v);
      // The caller may change the value in place: measure it again after the command.
      this.ks.resized(this.id, key, e);
    }
    return v;
  }

  /**
   * lookupRead's lookup alone: the entry of a live key, or -1, with the hit or miss counted and
   * the access recorded. For GET, which replies with a small string straight from the key slab.
   */
  lookupReadEntry(key: string): number {
    const e = this.find(key);
    if (e < 0) {
      this.ks.stats.misses++;
      this.ks.notify(NOTIFY.KEY_MISS, 'keymiss', key, this.id);
      return -1;
    }
    this.ks.stats.hits++;
    this.touch(e);
    return e;
  }

  /** Records an access in the key's LRU/LFU field (Redis's lookupKey without NOTOUCH). */
  private touch(e: number): void {
    const ks = this.ks;
    this.dict.setAccess(
      e,
      ks.lfu
        ? lfuTouch(this.dict.accessAt(e), ks.accessNow, ks.lfuLogFactor, ks.lfuDecayTime)
        : lruClock(ks.accessNow),
    );
  }

  /** Like get, counting keyspace hits and misses as Redis's lookupKeyRead does. */
  lookupRead(key: string): Value | undefined {
    const e = this.lookupReadEntry(key);
    if (e < 0) return undefined;
    const v = this.dict.valueAt(e);
    // Some reads still touch a value (PFCOUNT caches its count): snapshots see it first.
    if (this.ks.snapshot !== null && typeof v === 'object') this.ks.snapshot.beforeWrite(this.id, key, v);
    return v;
  }

  /** Adds a key that does not exist (dbAdd). */
  add(key: string, value: Value): void {
    this.store(key, value, false);
    this.ks.notify(NOTIFY.NEW, 'new', key, this.id);
    // Redis's dbAdd signals lists and sorted sets as ready for blocked clients.
    if (typeof value === 'object' && (value.type === 'list' || value.type === 'zset'))
      this.ks.keyReady(this.id, key);
  }

  /**
   * Stores a value; true if the key is new. A new key's access field starts as a new object's
   * does in Redis (the LRU clock, or LFU_INIT_VAL). A replaced value keeps the LFU history as
   * dbSetValue does; `access` counts the write as one access, for callers that did not look the
   * key up first (setKey's own lookupKeyWrite).
   */
  private store(key: string, value: Value, access: boolean): boolean {
    const d = this.dict;
    const before = d.size;
    const e = d.add(key);
    const fresh = d.size !== before;
    // Read before the new value is measured: it may be the same object.
    const replaced = fresh ? 0 : heldBytes(d, e);
    const ks = this.ks;
    d.setValue(e, value, ks.snapshot === null);
    if (!ks.lfu) d.setAccess(e, lruClock(ks.accessNow));
    else if (fresh) d.setAccess(e, lfuInit(ks.accessNow));
    else if (access) d.setAccess(e, lfuTouch(d.accessAt(e), ks.accessNow, ks.lfuLogFactor, ks.lfuDecayTime));
    // A small string kept in the key's slab record is counted by the slab.
    const bytes = d.isInline(e) ? 0 : measure(value);
    d.bytes += bytes - replaced;
    // An object may be filled in after it is stored: measure it again after the command.
    if (typeof value === 'object') ks.resized(this.id, key, e);
    return fresh;
  }

  /**
   * Measures a key's value again (after it changed in place): the keyspace's memory total
   * follows. `entry` is where the key was; it is looked up again only if it has moved since.
   */
  remeasure(key: string, entry: number): void {
    const d = this.dict;
    const e = entry < d.size && d.keyIs(entry, key) ? entry : d.find(key);
    if (e < 0) return;
    const v = d.heapValueAt(e);
    // Only objects change in place; a string under the key was counted when it was stored.
    if (typeof v !== 'object') return;
    const before = v.measured;
    d.bytes += measure(v) - before;
  }

  /** Sets a key's access clock back `seconds` (RESTORE ... IDLETIME); ignored under an LFU policy. */
  setIdleSeconds(key: string, seconds: number): void {
    const e = this.dict.find(key);
    if (e < 0 || this.ks.lfu) return;
    const clock = lruClock(this.ks.now);
    this.dict.setAccess(
      e,
      seconds >= clock
        ? (LRU_CLOCK_MAX + 1 + clock - (seconds % (LRU_CLOCK_MAX + 1))) & LRU_CLOCK_MAX
        : clock - seconds,
    );
  }

  /** Sets a key's LFU counter (RESTORE ... FREQ); ignored unless an LFU policy is in force. */
  setFrequency(key: string, freq: number): void {
    const e = this.dict.find(key);
    if (e < 0 || !this.ks.lfu) return;
    this.dict.setAccess(e, (lfuMinutes(this.ks.now) << 8) | (freq & 255));
  }

  /** The decayed LFU counter of a key without touching it (OBJECT FREQ), or -1 if missing. */
  frequency(key: string): number {
    const e = this.find(key);
    return e < 0 ? -1 : lfuCounter(this.dict.accessAt(e), this.ks.now, this.ks.lfuDecayTime);
  }

  /** Seconds since the key was last accessed (OBJECT IDLETIME), or -1 if missing. */
  idleSeconds(key: string): number {
    const e = this.find(key);
    if (e < 0) return -1;
    const clock = lruClock(this.ks.now);
    const lru = this.dict.accessAt(e);
    return clock >= lru ? clock - lru : LRU_CLOCK_MAX - lru + clock;
  }

  /**
   * Sets a key's value whatever it held (setKey): the TTL is dropped unless keepTtl, and
   * watchers are signalled.
   */
  setKey(key: string, value: Value, keepTtl = false): void {
    // Expire a dead key first, as Redis's lookupKeyWrite does: it counts as expired, and KEEPTTL
    // must not carry its past time over to the new value.
    if (this.expires.size !== 0) this.find(key);
    if (this.store(key, value, true)) {
      this.ks.notify(NOTIFY.NEW, 'new', key, this.id);
      // A new key goes through Redis's dbAdd, which wakes clients blocked on it (SORT STORE,
      // ZUNIONSTORE, ZRANGESTORE... creating the key a BLPOP or BZPOPMIN waits for).
      if (typeof value === 'object' && (value.type === 'list' || value.type === 'zset'))
        this.ks.keyReady(this.id, key);
    } else if (!keepTtl) this.persist(key);
    this.ks.keyModified(this.id, key);
  }

  /**
   * Replaces the value of an existing key the caller has already looked up (so already counted as
   * an access), keeping its TTL (dbOverwrite).
   */
  overwrite(key: string, value: Value): void {
    this.store(key, value, false);
  }

  delete(key: string): boolean {
    const d = this.dict;
    const e = d.find(key);
    if (e < 0) return false;
    d.bytes -= heldBytes(d, e);
    d.deleteAt(e);
    return true;
  }

  getExpire(key: string): number | undefined {
    const d = this.dict;
    if (d.expires.size === 0) return undefined;
    const e = d.find(key);
    return e < 0 ? undefined : d.expires.timeOf(e, d.hashAt(e));
  }

  /** Sets the TTL of an existing key (a missing key is left alone: callers check first). */
  setExpire(key: string, at: number): void {
    const d = this.dict;
    const e = d.find(key);
    if (e >= 0) d.expires.set(e, d.hashAt(e), at);
  }

  /** Removes a TTL; true if there was one. */
  persist(key: string): boolean {
    const d = this.dict;
    if (d.expires.size === 0) return false;
    const e = d.find(key);
    return e >= 0 && d.expires.remove(e, d.hashAt(e));
  }

  /** Deletes an expired key, counting it and firing the `expired` event. */
  expireKey(key: string): void {
    this.delete(key);
    this.ks.keyDeleted(this.id, key);
    this.ks.stats.expiredKeys++;
    this.ks.notify(NOTIFY.EXPIRED, 'expired', key, this.id);
    this.ks.keyModified(this.id, key);
  }

  /**
   * Deletes a key chosen by the maxmemory policy (performEvictions): watchers and tracking are
   * signalled, the `evicted` event fires and the deletion is propagated.
   */
  evictKey(key: string): void {
    this.delete(key);
    this.ks.stats.evictedKeys++;
    this.ks.keyModified(this.id, key);
    this.ks.notify(NOTIFY.EVICTED, 'evicted', key, this.id);
    this.ks.keyDeleted(this.id, key, true);
  }

  /** A random live key (RANDOMKEY), expiring the dead ones it draws. */
  randomKey(): string | undefined {
    for (;;) {
      const e = this.dict.randomIndex();
      if (e < 0) return undefined;
      const key = this.dict.keyAt(e);
      if (this.find(key) >= 0) return key;
    }
  }

  /** Removes everything; returns how many keys there were. */
  clear(): number {
    const n = this.dict.size;
    this.dict.clear();
    this.expireCursor = 0;
    this.avgTtl = 0;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    // Database fields are readonly for everyone else; SWAPDB is the one place they move.
    const a = this as unknown as { dict: KeyTable };
    const b = other as unknown as { dict: KeyTable };
    const dict = a.dict;
    a.dict = b.dict;
    b.dict = dict;
    const cursor = this.expireCursor;
    this.expireCursor = other.expireCursor;
    other.expireCursor = cursor;
    const ttl = this.avgTtl;
    this.avgTtl = other.avgTtl;
    other.avgTtl = ttl;
  }

  /**
   * One sampling round of the active-expire cycle: visits buckets of the expires table from the
   * saved cursor until `want` keys were looked at (or 20x that many buckets), expiring the dead.
   * Returns [sampled, expired].
   */
  sampleExpires(want: number): [number, number] {
    const expires = this.expires;
    const now = this.ks.now;
    let sampled = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    const dead: string[] = [];
    let buckets = 0;
    const maxBuckets = want * 20;
    let cursor = this.expireCursor;
    do {
      cursor = expires.scanStep(cursor, (e) => {
        sampled++;
        const at = expires.timeAt(e);
        if (now > at) dead.push(expires.keyAt(e));
        else {
          ttlSum += at - now;
          ttlSamples++;
        }
      });
      buckets++;
    } while (cursor !== 0 && sampled < want && buckets < maxBuckets);
    this.expireCursor = cursor;
    for (const key of dead) this.expireKey(key);
    if (ttlSamples > 0) {
      const avg = ttlSum / ttlSamples;
      // Redis's running average: the new sample weighs 2%.
      this.avgTtl = this.avgTtl === 0 ? avg : (this.avgTtl / 50) * 49 + avg / 50;
    }
    return [sampled, dead.length];
  }
}
