/**
 * maxmemory, as Redis 7.0's evict.c enforces it: performEvictions() runs before every command
 * while a limit is set and frees memory by deleting keys the policy chooses (engine/evict.ts),
 * for at most the time maxmemory-eviction-tenacity allows per call; work left over continues on
 * a timer (evictionTimeProc) between commands. When nothing more can be evicted (noeviction, or
 * no candidate keys), commands flagged denyoom are refused with -OOM (commands/dispatch.ts).
 *
 * A second limit protects the process itself: V8 aborts the whole process when its heap limit
 * is reached, so once the live memory passes HEAP_GUARD of the old generation's limit, denyoom
 * commands are refused even without maxmemory (and with maxmemory, eviction aims below that line
 * too).
 */

import { EvictionPool, type Policy, parsePolicy, selectVictim } from '../engine/evict.js';
import type { Instance } from './instance.js';

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Share of V8's old-generation limit the live memory may reach before writes are refused. */
export const HEAP_GUARD = 0.8;
/**
 * What heap_size_limit reserves for the young generation (3 x the 16 MB semi-space of 64-bit
 * V8; mnemo-server's worker is given exactly this): the old generation, where the data lives,
 * can only use the rest.
 */
export const YOUNG_GENERATION = 48 * 1024 * 1024;

export const EVICT_OK = 0;
/** Over the limit, still evicting on the timer: commands go on. */
export const EVICT_RUNNING = 1;
/** Over the limit and nothing can be evicted: denyoom commands are refused. */
export const EVICT_FAIL = 2;

/** evictionTimeLimitUs: 0..500 µs linearly up to tenacity 10, then +15% a step, none at 100. */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * 1.15 ** (tenacity - 10));
  return Number.POSITIVE_INFINITY;
}

export class Evictor {
  /** maxmemory in bytes (0: none). */
  maxmemory = 0;
  policy: Policy = { kind: 'none', allKeys: false };
  private samples = 5;
  private tenacity = 10;
  private readonly pool = new EvictionPool();
  private readonly cursor = { nextDb: 0 };
  /** The heap guard's line: HEAP_GUARD of V8's heap limit. */
  readonly heapGuard: number;
  /**
   * Set by the cron while the process uses more than half the heap guard: from then on every
   * command checks the guard (below that, a tick of writes cannot reach it).
   */
  heapWatch = false;
  private timer: NodeJS.Immediate | null = null;
  /** When the memory went over the limit and stayed (performance.now() ms), or 0. */
  private exceededSince = 0;
  /** Microseconds spent over the limit in finished episodes (INFO total_eviction_exceeded_time). */
  private exceededTotalUs = 0;
  /** Memory outside the dataset's control (the AOF buffer), refreshed by the cron. */
  notCounted = 0;

  constructor(private readonly inst: Instance) {
    const config = inst.config;
    const limit = inst.memory.heapLimit;
    this.heapGuard = Math.floor(Math.max(limit - YOUNG_GENERATION, limit / 2) * HEAP_GUARD);
    const load = () => {
      this.maxmemory = config.number('maxmemory');
      this.policy = parsePolicy(config.string('maxmemory-policy'));
      this.samples = config.number('maxmemory-samples');
      this.tenacity = config.number('maxmemory-eviction-tenacity');
      inst.ks.lfu = this.policy.kind === 'lfu';
      inst.ks.lfuLogFactor = config.number('lfu-log-factor');
      inst.ks.lfuDecayTime = config.number('lfu-decay-time');
    };
    load();
    for (const name of [
      'maxmemory-policy',
      'maxmemory-samples',
      'maxmemory-eviction-tenacity',
      'lfu-log-factor',
      'lfu-decay-time',
    ]) {
      config.onChange(name, () => {
        load();
        if (name === 'maxmemory-policy') this.pool.clear();
      });
    }
    // updateMaxmemory: a lower limit takes effect at once.
    config.onChange('maxmemory', () => {
      load();
      if (this.maxmemory !== 0) this.perform();
    });
  }

  /** Whether commands must go through perform() first (a limit is set, or the heap is short). */
  get armed(): boolean {
    return this.maxmemory !== 0 || this.heapWatch;
  }

  /** The limit in force: maxmemory, lowered to the heap guard when that is tighter. */
  private limit(): number {
    const m = this.maxmemory;
    return m === 0 || m > this.heapGuard ? this.heapGuard : m;
  }

  /** Bytes over the limit (0 when within it): getMaxmemoryState. */
  overLimit(): number {
    const mem = this.inst.memory;
    const limit = this.limit();
    // The heap guard looks at the process; maxmemory at used_memory.
    const used = limit === this.maxmemory ? mem.used() : mem.processUsed();
    if (used <= limit) return 0;
    const counted = used - this.notCounted;
    return counted > limit ? counted - limit : 0;
  }

  /** Clients paused or data loading: the dataset must not change (isSafeToPerformEvictions). */
  private safe(): boolean {
    return this.inst.pause === null && !this.inst.ks.loading;
  }

  /** performEvictions: EVICT_OK, EVICT_RUNNING or EVICT_FAIL. */
  perform(): number {
    if (!this.safe()) return EVICT_OK;
    let result = EVICT_FAIL;
    const toFree = this.overLimit();
    if (toFree === 0) result = EVICT_OK;
    else if (this.maxmemory !== 0 && this.policy.kind !== 'none') result = this.evict(toFree);
    this.updateMetrics(result);
    return result;
  }

  private evict(toFree: number): number {
    const ks = this.inst.ks;
    const limitUs = evictionTimeLimitUs(this.tenacity);
    const start = performance.now();
    let freed = 0;
    let keys = 0;
    while (freed < toFree) {
      const victim = selectVictim(ks, this.policy, this.samples, this.pool, this.cursor);
      if (victim === null) return EVICT_FAIL;
      // What the key and its value cost: the tables keep their capacity.
      const db = ks.db(victim[0]);
      const before = db.dict.bytes + db.dict.slab.liveBytes;
      db.evictKey(victim[1]);
      freed += before - db.dict.bytes - db.dict.slab.liveBytes;
      keys++;
      if (keys % 16 === 0 && (performance.now() - start) * 1000 > limitUs) {
        // Out of time: go on between commands, which meanwhile are let through.
        this.startTimer();
        return EVICT_RUNNING;
      }
    }
    return this.timer !== null ? EVICT_RUNNING : EVICT_OK;
  }

  /** evictionTimeProc: keeps evicting on the event loop until the memory is within the limit. */
  private startTimer(): void {
    if (this.timer !== null) return;
    const tick = () => {
      this.timer = null;
      this.inst.ks.tick();
      if (this.perform() === EVICT_RUNNING && this.timer === null) this.startTimer();
    };
    this.timer = setImmediate(tick);
    this.timer.unref();
  }

  private updateMetrics(result: number): void {
    if (result !== EVICT_OK) {
      if (this.exceededSince === 0) this.exceededSince = performance.now();
    } else if (this.exceededSince !== 0) {
      this.exceededTotalUs += (performance.now() - this.exceededSince) * 1000;
      this.exceededSince = 0;
    }
  }

  /** [total_eviction_exceeded_time, current_eviction_exceeded_time] in ms, as INFO stats shows them. */
  exceededTimes(): [number, number] {
    const currentUs = this.exceededSince === 0 ? 0 : (performance.now() - this.exceededSince) * 1000;
    return [Math.floor((this.exceededTotalUs + currentUs) / 1000), Math.floor(currentUs / 1000)];
  }

  resetStats(): void {
    this.exceededTotalUs = 0;
    this.exceededSince = 0;
  }

  /** From the cron, every tick: whether commands must watch the heap guard. */
  cron(): void {
    this.heapWatch = this.inst.memory.processUsed() > this.heapGuard / 2;
  }

  close(): void {
    if (this.timer !== null) clearImmediate(this.timer);
    this.timer = null;
  }
}
