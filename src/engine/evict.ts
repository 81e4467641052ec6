/**
 * The engine half of Redis's evict.c: what the per-key 24-bit access field means under each
 * maxmemory policy (an LRU clock in seconds, or Redis's LFU layout of 16 bits of minutes and an
 * 8-bit logarithmic counter), and how a victim is chosen: the approximated LRU/LFU/TTL of Redis
 * with its eviction pool (EVPOOL_SIZE best candidates kept across calls, refilled by sampling
 * maxmemory-samples keys per database) or a random key for the random policies. Deleting the
 * victim, the time budget and the statistics belong to commands/eviction.ts.
 */

import type { Keyspace } from './keyspace.js';

/** Redis's LRU_CLOCK_MAX: the LRU clock is in seconds and wraps at 24 bits. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;

/** LRU_CLOCK for a time in ms. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

/** The counter a new key starts with, so it is not evicted before it had a chance (Redis's LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;

/** LFUGetTimeInMinutes: Unix minutes, wrapping at 16 bits. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** The LFU field of a key created now. */
export function lfuInit(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/**
 * LFUDecrAndReturn: the counter after the decay owed since the field's last access (one per
 * lfu-decay-time minutes elapsed; decay time 0 never decays). The field is not changed.
 */
export function lfuCounter(field: number, nowMs: number, decayTime: number): number {
  const ldt = field >>> 8;
  const counter = field & 255;
  if (decayTime <= 0) return counter;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = Math.floor(elapsed / decayTime);
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** LFULogIncr: increments with probability 1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1). */
export function lfuLogIncr(counter: number, logFactor: number): number {
  if (counter === 255) return 255;
  const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
  return Math.random() < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/** updateLFU: decay, then a logarithmic increment, stamped with the current minute. */
export function lfuTouch(field: number, nowMs: number, logFactor: number, decayTime: number): number {
  const counter = lfuLogIncr(lfuCounter(field, nowMs, decayTime), logFactor);
  return (lfuMinutes(nowMs) << 8) | counter;
}

export type PolicyKind = 'none' | 'lru' | 'lfu' | 'random' | 'ttl';

export interface Policy {
  kind: PolicyKind;
  /** allkeys-*: any key; volatile-*: only keys with a TTL (sampled from the expires table). */
  allKeys: boolean;
}

/** maxmemory-policy as kind + scope. */
export function parsePolicy(name: string): Policy {
  if (name === 'noeviction') return { kind: 'none', allKeys: false };
  const allKeys = name.startsWith('allkeys-');
  const kind = name.slice(name.indexOf('-') + 1);
  return {
    kind: kind === 'lru' || kind === 'lfu' || kind === 'random' || kind === 'ttl' ? kind : 'none',
    allKeys,
  };
}

/** Redis's EVPOOL_SIZE. */
export const EVPOOL_SIZE = 16;

/**
 * The eviction pool: up to EVPOOL_SIZE candidates sorted by ascending "idle" score (the higher,
 * the better to evict: idle time for LRU, 255 - counter for LFU, the reverse of the expire time
 * for volatile-ttl). Entries survive between evictions, so every sampling round improves on the
 * best candidates seen so far rather than starting over.
 */
export class EvictionPool {
  readonly keys: Array<string | null> = new Array<string | null>(EVPOOL_SIZE).fill(null);
  readonly idle = new Float64Array(EVPOOL_SIZE);
  readonly db = new Int32Array(EVPOOL_SIZE);

  clear(): void {
    this.keys.fill(null);
  }

  /** evictionPoolPopulate's insertion: keep the pool sorted, drop the worst when it is full. */
  insert(key: string, idle: number, db: number): void {
    const keys = this.keys;
    let k = 0;
    while (k < EVPOOL_SIZE && keys[k] !== null && this.idle[k]! < idle) k++;
    if (k === 0 && keys[EVPOOL_SIZE - 1] !== null) return; // worse than everything in a full pool
    if (k < EVPOOL_SIZE && keys[k] === null) {
      // An empty slot: insert here.
    } else if (keys[EVPOOL_SIZE - 1] === null) {
      // Room at the end: shift [k, end) right.
      for (let i = EVPOOL_SIZE - 1; i > k; i--) this.move(i - 1, i);
    } else {
      // Full: drop the worst (slot 0) by shifting [1, k) left, insert at k - 1.
      k--;
      for (let i = 0; i < k; i++) this.move(i + 1, i);
    }
    keys[k] = key;
    this.idle[k] = idle;
    this.db[k] = db;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.idle[to] = this.idle[from]!;
    this.db[to] = this.db[from]!;
  }
}

/**
 * Samples `samples` keys of one database (from the key table, or the expires table for the
 * volatile policies) into the pool. HashIndex.randomIndex draws uniformly, where Redis's
 * dictGetSomeKeys reads a run of neighbouring buckets.
 */
function populate(ks: Keyspace, dbIndex: number, policy: Policy, samples: number, pool: EvictionPool): void {
  const db = ks.dbs[dbIndex]!;
  const dict = db.dict;
  const now = ks.now;
  const clock = lruClock(now);
  const lfu = policy.kind === 'lfu';
  const decay = ks.lfuDecayTime;
  for (let s = 0; s < samples; s++) {
    let key: string;
    let e: number;
    if (policy.allKeys) {
      e = dict.randomIndex();
      if (e < 0) return;
      key = dict.keyAt(e);
    } else {
      const x = db.expires.randomIndex();
      if (x < 0) return;
      key = db.expires.keyAt(x);
      if (policy.kind === 'ttl') {
        // The sooner it expires, the better a candidate.
        pool.insert(key, Number.MAX_SAFE_INTEGER - db.expires.timeAt(x), dbIndex);
        continue;
      }
      e = dict.find(key);
      if (e < 0) continue;
    }
    const field = dict.accessAt(e);
    // LFU: the lower the counter, the better; LRU: estimateObjectIdleTime, in ms.
    const idle = lfu
      ? 255 - lfuCounter(field, now, decay)
      : (clock >= field ? clock - field : clock + (LRU_CLOCK_MAX - field)) * 1000;
    pool.insert(key, idle, dbIndex);
  }
}

/** The next key to evict as [db, key], or null when no key qualifies. */
export function selectVictim(
  ks: Keyspace,
  policy: Policy,
  samples: number,
  pool: EvictionPool,
  cursor: { nextDb: number },
): [number, string] | null {
  const dbs = ks.dbs;
  if (policy.kind === 'random') {
    for (let i = 0; i < dbs.length; i++) {
      cursor.nextDb = (cursor.nextDb + 1) % dbs.length;
      const db = dbs[cursor.nextDb]!;
      if (policy.allKeys) {
        const e = db.dict.randomIndex();
        if (e >= 0) return [cursor.nextDb, db.dict.keyAt(e)];
      } else {
        const e = db.expires.randomIndex();
        if (e >= 0) return [cursor.nextDb, db.expires.keyAt(e)];
      }
    }
    return null;
  }
  if (policy.kind === 'none') return null;
  for (;;) {
    let total = 0;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[i]!;
      const n = policy.allKeys ? db.dict.size : db.expires.size;
      if (n === 0) continue;
      populate(ks, i, policy, samples, pool);
      total += n;
    }
    if (total === 0) return null;
    // The best candidate is at the end; one that vanished since it was pooled is skipped.
    for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
      const key = pool.keys[k];
      if (key === null || key === undefined) continue;
      const dbIndex = pool.db[k]!;
      pool.keys[k] = null;
      pool.idle[k] = 0;
      const db = dbs[dbIndex]!;
      if (policy.allKeys ? db.dict.find(key) >= 0 : db.getExpire(key) !== undefined) return [dbIndex, key];
    }
  }
}
