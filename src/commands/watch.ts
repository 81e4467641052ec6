/**
 * WATCH bookkeeping (Redis's multi.c watch*): which clients watch which keys, and marking
 * their transactions dirty (CAS failure) when a watched key is modified, deleted, expires, or
 * its database is flushed or swapped. The registry is per database and costs nothing while no
 * client watches anything.
 */

import type { Database } from '../engine/db.js';
import type { Keyspace } from '../engine/keyspace.js';
import type { Client } from './client.js';

/** One watched key of one client. */
export interface WatchedKey {
  db: number;
  key: string;
  /** The key was already logically expired when WATCH ran (Redis 7.0's wk->expired). */
  expired: boolean;
}

export class WatchRegistry {
  /** Per database: key -> clients watching it. */
  private readonly byDb: Array<Map<string, Set<Client>>>;
  private count = 0;

  constructor(private readonly ks: Keyspace) {
    this.byDb = ks.dbs.map(() => new Map());
  }

  watch(c: Client, db: number, key: string): void {
    if (c.watching.some((w) => w.db === db && w.key === key)) return;
    const database = this.ks.db(db);
    const present = database.dict.find(key) >= 0;
    const at = present ? database.getExpire(key) : undefined;
    c.watching.push({ db, key, expired: at !== undefined && this.ks.now > at });
    const map = this.byDb[db]!;
    let clients = map.get(key);
    if (clients === undefined) {
      clients = new Set();
      map.set(key, clients);
    }
    clients.add(c);
    this.count++;
  }

  unwatchAll(c: Client): void {
    for (const w of c.watching) {
      const map = this.byDb[w.db]!;
      const clients = map.get(w.key);
      if (clients === undefined) continue;
      clients.delete(c);
      if (clients.size === 0) map.delete(w.key);
      this.count--;
    }
    c.watching.length = 0;
  }

  /** signalModifiedKey -> touchWatchedKey. */
  keyModified(db: number, key: string): void {
    if (this.count === 0) return;
    const clients = this.byDb[db]?.get(key);
    if (clients === undefined) return;
    for (const c of [...clients]) {
      const w = c.watching.find((x) => x.db === db && x.key === key);
      if (w?.expired) {
        // Already expired at WATCH time: its deletion is not a change.
        if (this.ks.db(db).dict.find(key) < 0) {
          w.expired = false;
          continue;
        }
      }
      c.dirtyCas = true;
      // A dirty transaction needs no further tracking (Redis unwatches at once too).
      this.unwatchAll(c);
    }
  }

  /**
   * Redis's touchAllWatchedKeysInDb: database `db` is about to be flushed (`db` -1 = every
   * database), or to get the contents of `replacedWith` (SWAPDB). Clients watching a key that
   * exists on either side are dirty, except where nothing changes logically: a key already
   * expired at WATCH time that goes away or stays expired, or a missing key replaced by an
   * expired one (which then counts as expired at WATCH time).
   */
  dbModified(db: number, replacedWith?: number): void {
    if (this.count === 0) return;
    const other = replacedWith === undefined ? null : this.ks.db(replacedWith);
    for (let i = 0; i < this.byDb.length; i++) {
      if (db !== -1 && i !== db) continue;
      const database = this.ks.db(i);
      for (const [key, clients] of [...this.byDb[i]!]) {
        const inEmptied = database.dict.find(key) >= 0;
        const inOther = other !== null && other.dict.find(key) >= 0;
        if (!inEmptied && !inOther) continue;
        for (const c of [...clients]) {
          const w = c.watching.find((x) => x.db === i && x.key === key);
          if (w === undefined) continue;
          if (w.expired) {
            if (!inOther) {
              w.expired = false;
              continue;
            }
            if (this.isExpired(other!, key)) continue;
          } else if (!inEmptied && this.isExpired(other!, key)) {
            w.expired = true;
            continue;
          }
          c.dirtyCas = true;
          this.unwatchAll(c);
        }
      }
    }
  }

  /** keyIsExpired: present with a TTL in the past. */
  private isExpired(database: Database, key: string): boolean {
    const at = database.dict.find(key) >= 0 ? database.getExpire(key) : undefined;
    return at !== undefined && this.ks.now > at;
  }

  /** EXEC's isWatchedKeyExpired: a watched key that was live at WATCH time has expired. */
  anyExpired(c: Client): boolean {
    for (const w of c.watching) {
      if (w.expired) continue;
      const database = this.ks.db(w.db);
      const at = database.dict.find(w.key) >= 0 ? database.getExpire(w.key) : undefined;
      if (at !== undefined && this.ks.now > at) return true;
    }
    return false;
  }

  /** Number of keys watched across all clients (INFO watching_clients-style stats). */
  get watchedKeys(): number {
    return this.count;
  }
}
