/**
 * The keyspace: the numbered databases, the clock snapshot commands run at, the keyspace
 * statistics INFO reports, the event hooks (WATCH, tracking, notifications) and the active
 * expire cycle of Redis's expire.c (slow cycle: bounded in time, adaptive to how many sampled
 * keys turn out to be stale).
 */

import type { Clock } from './clock.js';
import { Database } from './db.js';
import type { KeyspaceListener } from './events.js';
import type { Snapshot } from './snapshot.js';

export interface KeyspaceStats {
  hits: number;
  misses: number;
  expiredKeys: number;
  /** Running estimate of the share of stale keys among those the cycle samples (0..1). */
  expiredStalePerc: number;
  expiredTimeCapReached: number;
  /** Microseconds spent in the active-expire cycle. */
  expireCycleTimeUsed: number;
  /** Keys deleted by the maxmemory policy. */
  evictedKeys: number;
}

/** Untimed commands between forced clock readings, so access stamps stay close to the time. */
const LAZY_REFRESH = 1024;

export class Keyspace {
  readonly dbs: Database[];
  private nowMs: number;
  /** Set by lazyTick(): the clock is read on the first use of `now` in the command. */
  private nowStale = false;
  /**
   * The time of the last real clock reading (ms): what access stamps (LRU clock, LFU minutes)
   * are taken from, as Redis stamps objects with its cached server.lruclock rather than reading
   * the clock per access. Equal to `now` whenever the command took the time eagerly.
   */
  accessNow: number;
  /** lazyTick() calls since the clock was last read (see LAZY_REFRESH). */
  private lazyTicks = 0;
  /** notify-keyspace-events as class bits; 0 disables notifications cheaply. */
  notifyFlags = 0;
  listener: KeyspaceListener | null = null;
  /** The snapshot being written (BGSAVE, BGREWRITEAOF), which writes must consult first. */
  snapshot: Snapshot | null = null;
  /**
   * Set while the append-only file is replayed: nothing expires (Redis's keyIsExpired and
   * checkAlreadyExpired while server.loading), because later commands in the file may still
   * use a key whose time has passed since they were written; it expires once loading is over.
   */
  loading = false;
  readonly stats: KeyspaceStats = {
    hits: 0,
    misses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReached: 0,
    expireCycleTimeUsed: 0,
    evictedKeys: 0,
  };
  private expireDb = 0;
  /**
   * How the per-key access field is kept (engine/evict.ts): an LRU clock, or with an LFU
   * maxmemory policy Redis's LFU minutes + counter, with lfu-log-factor and lfu-decay-time.
   */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /**
   * Keys whose value object was handed out for writing or stored since the last settle(): db,
   * key and entry, measured again by settle() (after a connection's batch of commands, after a
   * library call, and before anything reads the totals).
   */
  private readonly resizedDbs: number[] = [];
  private readonly resizedKeys: string[] = [];
  /** Where each key's entry was then: the command may have moved it (a delete moves entries). */
  private readonly resizedEntries: number[] = [];
  /** Entries in use in the three arrays above (a count: truncating an array is a runtime call). */
  private resizedCount = 0;

  constructor(
    count: number,
    readonly clock: Clock,
  ) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
    this.nowMs = this.accessNow = clock.now();
  }

  /**
   * Whether small string values are packed into the key slabs (KeyTable.packValues): the
   * server's choice; a library store may keep them as JS strings.
   */
  set packValues(on: boolean) {
    for (const db of this.dbs) db.dict.packValues = on;
  }

  /** The time the current command runs at (ms): one instant for the whole command. */
  get now(): number {
    if (this.nowStale) this.readClock();
    return this.nowMs;
  }

  /** Takes the time commands run at; `monotonic` is a performance.now() reading just taken. */
  tick(monotonic?: number): number {
    const clock = this.clock;
    this.nowMs = this.accessNow =
      monotonic !== undefined && clock.at !== undefined ? clock.at(monotonic) : clock.now();
    this.nowStale = false;
    this.lazyTicks = 0;
    return this.nowMs;
  }

  /**
   * Starts a command that reads the clock only if it needs the time (a TTL to check or to set,
   * OBJECT IDLETIME, ...): the library's untimed calls, where a clock read is a large share of a
   * GET. Access stamps meanwhile come from the last reading, refreshed by the cron and every
   * LAZY_REFRESH commands. A clock that is not `costly` (a test's ManualClock) is read at once.
   */
  lazyTick(): void {
    if (this.clock.costly !== true || ++this.lazyTicks >= LAZY_REFRESH) this.tick();
    else this.nowStale = true;
  }

  private readClock(): void {
    this.nowMs = this.accessNow = this.clock.now();
    this.nowStale = false;
    this.lazyTicks = 0;
  }

  db(index: number): Database {
    return this.dbs[index]!;
  }

  keyModified(db: number, key: string): void {
    if (this.listener !== null) this.listener.keyModified(db, key);
  }

  notify(type: number, event: string, key: string, db: number): void {
    if ((this.notifyFlags & type) !== 0 && this.listener !== null) this.listener.notify(type, event, key, db);
  }

  keyDeleted(db: number, key: string, evicted = false): void {
    if (this.listener?.keyDeleted !== undefined) this.listener.keyDeleted(db, key, evicted);
  }

  /** A value object under `key`, at entry `entry`, may change size in place (see settle). */
  resized(db: number, key: string, entry: number): void {
    let n = this.resizedCount;
    if (n !== 0 && this.resizedKeys[n - 1] === key && this.resizedDbs[n - 1] === db) return;
    // Outside commands (loading a snapshot) nothing settles the list: keep it bounded.
    if (n >= 65536) {
      this.settle();
      n = 0;
    }
    this.resizedDbs[n] = db;
    this.resizedKeys[n] = key;
    this.resizedEntries[n] = entry;
    this.resizedCount = n + 1;
  }

  /**
   * Measures again the values changed in place since the last call, so the keyspace's memory
   * totals (KeyTable.bytes) are current. Called after each batch of commands of a connection,
   * after each library call, and by whatever reads the totals (keyspaceBytes, MEMORY USAGE).
   */
  settle(): void {
    const n = this.resizedCount;
    if (n === 0) return;
    this.resizedCount = 0;
    const keys = this.resizedKeys;
    const dbs = this.resizedDbs;
    const entries = this.resizedEntries;
    for (let i = 0; i < n; i++) {
      this.dbs[dbs[i]!]!.remeasure(keys[i]!, entries[i]!);
      // Not kept alive by the list once measured.
      keys[i] = '';
    }
  }

  keyReady(db: number, key: string): void {
    if (this.listener?.keyReady !== undefined) this.listener.keyReady(db, key);
  }

  dbModified(db: number, replacedWith?: number): void {
    if (this.listener !== null) this.listener.dbModified(db, replacedWith);
  }

  swap(a: number, b: number): void {
    // Values changed in place are measured where they are now: settle() finds them by db index.
    this.settle();
    if (this.snapshot !== null) {
      this.snapshot.drainDb(a);
      this.snapshot.drainDb(b);
    }
    // Signalled before, with both sides in view (Redis's touchAllWatchedKeysInDb(db1, db2)).
    this.dbModified(a, b);
    this.dbModified(b, a);
    this.dbs[a]!.swapWith(this.dbs[b]!);
  }

  /** Empties every database; returns the number of keys removed. */
  flushAll(): number {
    // Signalled first: listeners look at which watched keys exist before they are gone.
    this.dbModified(-1);
    let n = 0;
    for (const db of this.dbs) n += db.clear();
    return n;
  }

  resetStats(): void {
    this.stats.hits = 0;
    this.stats.misses = 0;
    this.stats.expiredKeys = 0;
    this.stats.expiredStalePerc = 0;
    this.stats.expiredTimeCapReached = 0;
    this.stats.expireCycleTimeUsed = 0;
    this.stats.evictedKeys = 0;
  }

  /**
   * Redis's slow active-expire cycle. `timeLimitMs` bounds the work; `effort` is
   * active-expire-effort (1..10); `elapsed` measures real time (not the semantic clock, which a
   * test may have frozen).
   */
  activeExpireCycle(
    timeLimitMs: number,
    effort: number,
    elapsed: () => number = () => performance.now(),
  ): void {
    const e = effort - 1;
    const keysPerLoop = 20 + (20 / 4) * e;
    const acceptableStale = 10 - e;
    const start = elapsed();
    this.tick();
    let totalSampled = 0;
    let totalExpired = 0;
    let timedOut = false;
    for (let j = 0; j < this.dbs.length && !timedOut; j++) {
      const db = this.dbs[this.expireDb % this.dbs.length]!;
      this.expireDb = (this.expireDb + 1) % this.dbs.length;
      let iteration = 0;
      for (;;) {
        if (db.expires.size === 0) {
          db.avgTtl = 0;
          break;
        }
        iteration++;
        const [sampled, expired] = db.sampleExpires(keysPerLoop);
        totalSampled += sampled;
        totalExpired += expired;
        if ((iteration & 0xf) === 0 && elapsed() - start > timeLimitMs) {
          timedOut = true;
          this.stats.expiredTimeCapReached++;
          break;
        }
        if (sampled !== 0 && (expired * 100) / sampled <= acceptableStale) break;
      }
    }
    this.stats.expireCycleTimeUsed += Math.round((elapsed() - start) * 1000);
    const perc = totalSampled === 0 ? 0 : totalExpired / totalSampled;
    this.stats.expiredStalePerc = perc * 0.05 + this.stats.expiredStalePerc * 0.95;
  }
}
