/**
 * Blocked clients (Redis's blocked.c): BLPOP and friends park a client on one or more keys
 * until another command makes a key ready, the timeout passes, or CLIENT UNBLOCK releases it.
 * Clients blocked on the same key are served first-come first-served. Keys become ready when
 * a list or sorted set is added under them (dbAdd, as in Redis 7.0, so a push inside MULTI or a
 * script wakes waiters once, after the whole transaction), and ready keys are served after each
 * top-level command.
 */

import type { Client } from './client.js';
import { recordLatency } from './latency-histogram.js';

/** The global `performance` is a lazy getter in Node 20: held once. */
const perf = performance;

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface BlockState {
  db: number;
  keys: string[];
  /** How long to wait in ms, or 0 to wait forever. */
  timeoutMs: number;
  /** Tries to serve the client from `key`, which became ready; true once it wrote its reply. */
  retry: (key: string) => boolean;
  /** Writes the reply for a timeout (a null of the right kind). */
  onTimeout: () => void;
  timer: NodeJS.Timeout | null;
}

export class BlockingRegistry {
  /** Per database: key -> clients blocked on it, in arrival order. */
  private readonly byDb: Array<Map<string, Client[]>>;
  private readonly ready: Array<{ db: number; key: string }> = [];
  private readonly readySet = new Set<string>();
  count = 0;

  constructor(databases: number) {
    this.byDb = Array.from({ length: databases }, () => new Map());
  }

  block(c: Client, state: Omit<BlockState, 'timer'>): void {
    const st: BlockState = { ...state, timer: null };
    c.blocked = st;
    const map = this.byDb[state.db]!;
    for (const key of state.keys) {
      let list = map.get(key);
      if (list === undefined) {
        list = [];
        map.set(key, list);
      }
      if (!list.includes(c)) list.push(c);
    }
    this.count++;
    if (state.timeoutMs > 0) this.arm(c, st, Date.now() + state.timeoutMs);
  }

  /** setTimeout caps a delay at 2^31-1 ms (about 24.8 days), so longer waits re-arm in steps. */
  private arm(c: Client, st: BlockState, deadline: number): void {
    const left = deadline - Date.now();
    st.timer =
      left > MAX_TIMER_MS
        ? setTimeout(() => this.arm(c, st, deadline), MAX_TIMER_MS)
        : setTimeout(() => this.timeout(c), Math.max(0, left));
  }

  private detach(c: Client): void {
    const st = c.blocked;
    if (st === null) return;
    if (st.timer !== null) clearTimeout(st.timer);
    const map = this.byDb[st.db]!;
    for (const key of st.keys) {
      const list = map.get(key);
      if (list === undefined) continue;
      const i = list.indexOf(c);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) map.delete(key);
    }
    c.blocked = null;
    this.count--;
  }

  /** Releases a client after its reply was written; its connection resumes reading. */
  private release(c: Client): void {
    this.detach(c);
    c.unblocked();
  }

  private timeout(c: Client): void {
    const st = c.blocked;
    if (st === null) return;
    st.onTimeout();
    this.release(c);
  }

  /** CLIENT UNBLOCK: false if the client was not blocked. */
  unblock(c: Client, withError: boolean): boolean {
    const st = c.blocked;
    if (st === null) return false;
    if (withError) c.reply.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else st.onTimeout();
    this.release(c);
    return true;
  }

  /** A client disconnected while blocked. */
  forget(c: Client): void {
    this.detach(c);
  }

  /** A list or sorted set appeared under `key` (signalKeyAsReady). */
  keyReady(db: number, key: string): void {
    if (this.count === 0 || !this.byDb[db]!.has(key)) return;
    const id = `${db}\0${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push({ db, key });
  }

  /** Keys someone is blocked on in `db` (SWAPDB rescans them). */
  blockedKeys(db: number): string[] {
    return [...this.byDb[db]!.keys()];
  }

  get hasReady(): boolean {
    return this.ready.length !== 0;
  }

  /** handleClientsBlockedOnKeys: serve waiters of every ready key, FIFO, while they can be served. */
  serveReady(): void {
    while (this.ready.length !== 0) {
      const batch = this.ready.splice(0);
      this.readySet.clear();
      for (const { db, key } of batch) {
        const list = this.byDb[db]!.get(key);
        if (list === undefined) continue;
        for (const c of [...list]) {
          if (c.blocked === null) continue;
          const start = c.timed ? perf.now() : 0;
          // Not served (the key holds another type than this waiter pops, or is empty now):
          // the next waiter may be of the other kind, as Redis skips by block type.
          if (!c.blocked.retry(key)) continue;
          if (c.timed) served(c, (perf.now() - start) * 1000);
          this.release(c);
        }
      }
    }
  }
}

/**
 * updateStatsOnUnblock: a blocking command served by a key becoming ready is timed as its first
 * run plus the serving (not the wait), in INFO commandstats and in its latency histogram. A
 * timeout or CLIENT UNBLOCK adds nothing. As in Redis 7.0, the first run is then in the usec
 * total twice (call() counted it already).
 */
function served(c: Client, usec: number): void {
  const cmd = c.lastCommand;
  if (cmd === null) return;
  const total = c.blockedUsec + usec;
  cmd.stats.usec += total;
  if (c.inst.latencyTracking.num !== 0) recordLatency(cmd.stats, total);
}
