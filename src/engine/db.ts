/**
 * One logical database: the key -> value table and the key -> expire-time table, with Redis's
 * lazy expiry on every lookup (db.c expireIfNeeded: a key is expired once now > its time) and
 * the sampling step of the active-expire cycle (expire.c), which walks the expires table with
 * a persistent bucket cursor exactly as Redis 7.0 does. Times are Unix milliseconds taken from
 * the keyspace's clock snapshot, so one command sees one instant.
 */

import { Dict } from './dict.js';
import { NOTIFY } from './events.js';
import type { Keyspace } from './keyspace.js';
import type { Value } from './values/types.js';

/**
 * The key table: a Dict of values plus each key's access clock (Redis's 24-bit LRU field, in
 * seconds), kept in a parallel typed array so it costs 4 bytes a key and no object.
 */
export class KeyTable extends Dict<Value> {
  lru: Uint32Array = new Uint32Array(16);

  protected override pushValue(): void {
    super.pushValue();
    if (this.size >= this.lru.length) {
      const next = new Uint32Array(this.lru.length * 2);
      next.set(this.lru);
      this.lru = next;
    }
  }
  protected override moveValue(from: number, to: number): void {
    super.moveValue(from, to);
    this.lru[to] = this.lru[from]!;
  }
  override clear(): void {
    super.clear();
    this.lru = new Uint32Array(16);
  }
}

/** Redis's LRU_CLOCK: seconds, wrapping at 24 bits. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

export class Database {
  readonly dict = new KeyTable();
  readonly expires = new Dict<number>();
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

  /**
   * The entry index of a live key, or -1. Deletes the key if its time has passed. This is the
   * lookup every command uses; it does not count hits or misses (see lookupRead).
   */
  find(key: string): number {
    const e = this.dict.find(key);
    if (e < 0 || this.expires.size === 0) return e;
    const at = this.expires.get(key);
    if (at === undefined || this.ks.now <= at || this.ks.loading) return e;
    this.expireKey(key);
    return -1;
  }

  /** Value of a live key for a write (lookupKeyWrite): no hit/miss accounting. */
  get(key: string): Value | undefined {
    const e = this.find(key);
    if (e < 0) return undefined;
    this.dict.lru[e] = lruClock(this.ks.now);
    const v = this.dict.vals[e]!;
    // A running snapshot must see the value as it is before the caller changes it.
    if (this.ks.snapshot !== null && typeof v === 'object') this.ks.snapshot.beforeWrite(this.id, key, v);
    return v;
  }

  /** Like get, counting keyspace hits and misses as Redis's lookupKeyRead does. */
  lookupRead(key: string): Value | undefined {
    const e = this.find(key);
    if (e < 0) {
      this.ks.stats.misses++;
      this.ks.notify(NOTIFY.KEY_MISS, 'keymiss', key, this.id);
      return undefined;
    }
    this.ks.stats.hits++;
    this.dict.lru[e] = lruClock(this.ks.now);
    const v = this.dict.vals[e]!;
    // Some reads still touch a value (PFCOUNT caches its count): snapshots see it first.
    if (this.ks.snapshot !== null && typeof v === 'object') this.ks.snapshot.beforeWrite(this.id, key, v);
    return v;
  }

  /** Adds a key that does not exist (dbAdd). */
  add(key: string, value: Value): void {
    this.store(key, value);
    this.ks.notify(NOTIFY.NEW, 'new', key, this.id);
    // Redis's dbAdd signals lists and sorted sets as ready for blocked clients.
    if (typeof value === 'object' && (value.type === 'list' || value.type === 'zset'))
      this.ks.keyReady(this.id, key);
  }

  /** Stores a value, stamping the access clock as a new object gets in Redis; true if new. */
  private store(key: string, value: Value): boolean {
    const before = this.dict.size;
    const e = this.dict.add(key);
    this.dict.vals[e] = value;
    this.dict.lru[e] = lruClock(this.ks.now);
    return this.dict.size !== before;
  }

  /** Sets a key's access clock back `seconds` (RESTORE ... IDLETIME). */
  setIdleSeconds(key: string, seconds: number): void {
    const e = this.dict.find(key);
    if (e < 0) return;
    const clock = lruClock(this.ks.now);
    this.dict.lru[e] =
      seconds >= clock
        ? (LRU_CLOCK_MAX + 1 + clock - (seconds % (LRU_CLOCK_MAX + 1))) & LRU_CLOCK_MAX
        : clock - seconds;
  }

  /** Seconds since the key was last accessed (OBJECT IDLETIME), or -1 if missing. */
  idleSeconds(key: string): number {
    const e = this.find(key);
    if (e < 0) return -1;
    const clock = lruClock(this.ks.now);
    const lru = this.dict.lru[e]!;
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
    if (this.store(key, value)) {
      this.ks.notify(NOTIFY.NEW, 'new', key, this.id);
      // A new key goes through Redis's dbAdd, which wakes clients blocked on it (SORT STORE,
      // ZUNIONSTORE, ZRANGESTORE... creating the key a BLPOP or BZPOPMIN waits for).
      if (typeof value === 'object' && (value.type === 'list' || value.type === 'zset'))
        this.ks.keyReady(this.id, key);
    } else if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    this.ks.keyModified(this.id, key);
  }

  /** Replaces the value of an existing key in place, keeping its TTL (dbOverwrite-like). */
  overwrite(key: string, value: Value): void {
    this.store(key, value);
  }

  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  setExpire(key: string, at: number): void {
    this.expires.set(key, at);
  }

  /** Removes a TTL; true if there was one. */
  persist(key: string): boolean {
    return this.expires.size !== 0 && this.expires.delete(key);
  }

  /** Deletes an expired key, counting it and firing the `expired` event. */
  expireKey(key: string): void {
    this.delete(key);
    this.ks.keyDeleted(this.id, key);
    this.ks.stats.expiredKeys++;
    this.ks.notify(NOTIFY.EXPIRED, 'expired', key, this.id);
    this.ks.keyModified(this.id, key);
  }

  /** A random live key (RANDOMKEY), expiring the dead ones it draws. */
  randomKey(): string | undefined {
    for (;;) {
      const e = this.dict.randomIndex();
      if (e < 0) return undefined;
      const key = this.dict.keys[e]!;
      if (this.find(key) >= 0) return key;
    }
  }

  /** Removes everything; returns how many keys there were. */
  clear(): number {
    const n = this.dict.size;
    this.dict.clear();
    this.expires.clear();
    this.expireCursor = 0;
    this.avgTtl = 0;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    // Database fields are readonly for everyone else; SWAPDB is the one place they move.
    const a = this as unknown as { dict: KeyTable; expires: Dict<number> };
    const b = other as unknown as { dict: KeyTable; expires: Dict<number> };
    const dict = a.dict;
    const expires = a.expires;
    a.dict = b.dict;
    a.expires = b.expires;
    b.dict = dict;
    b.expires = expires;
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
        const at = expires.vals[e]!;
        if (now > at) dead.push(expires.keys[e]!);
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
