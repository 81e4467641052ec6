/**
 * Keyspace event plumbing shared by the engine and the command families: the notification
 * class bits of Redis's notify.c (for notify-keyspace-events) and the listener interface that
 * WATCH, client tracking and keyspace notifications attach to. The engine only calls these
 * hooks; what they do lives with the features that use them.
 */

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m
  LOADED: 1 << 12,
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n
} as const;

export interface KeyspaceListener {
  /** A key's value changed or the key vanished (Redis's signalModifiedKey). */
  keyModified(db: number, key: string): void;
  /**
   * A whole database is about to be emptied (FLUSHDB, FLUSHALL; `db` -1 for all), or about to
   * get the contents of database `replacedWith` (SWAPDB calls it for both sides, before swapping).
   */
  dbModified(db: number, replacedWith?: number): void;
  /**
   * A key was removed by expiry or (`evicted`) by the maxmemory policy rather than by a command:
   * propagate a DEL.
   */
  keyDeleted?(db: number, key: string, evicted?: boolean): void;
  /** A list or sorted set was added under `key`: clients blocked on it may be served. */
  keyReady?(db: number, key: string): void;
  /** A keyspace notification of class `type`; only called when the class is enabled. */
  notify(type: number, event: string, key: string, db: number): void;
}
