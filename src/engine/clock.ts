/**
 * Time for the engine. Everything that reads the time takes it from a Clock, so tests inject
 * a manual clock and TTL behaviour is exact and instant.
 */

export interface Clock {
  /** Unix time in milliseconds. */
  now(): number;
  /**
   * Unix time in milliseconds for a `performance.now()` reading the caller already took (the
   * command loop times each command anyway): one clock read per command instead of two.
   */
  at?(monotonic: number): number;
  /**
   * Reading costs a system call's worth of work (about 40 ns here, a third of a library GET):
   * commands that do not need the time skip it (Keyspace.lazyTick).
   */
  readonly costly?: boolean;
}

/** The global `performance` is a lazy getter in Node 20, run on every access: held once here. */
const perf = performance;

/** How long the system clock trusts the monotonic clock before reading the wall clock again. */
const REANCHOR_MS = 1000;

/**
 * The wall clock as the monotonic clock advances from the last Date.now() reading, which is taken
 * again once a second (so a change of the system time shows within a second, and the drift
 * between the two clocks never adds up). Always whole milliseconds, as Date.now().
 */
class SystemClock implements Clock {
  readonly costly = true;
  private wall = Date.now();
  private mono = perf.now();

  now(): number {
    return this.at(perf.now());
  }

  at(monotonic: number): number {
    const since = monotonic - this.mono;
    if (since >= REANCHOR_MS || since < 0) {
      this.wall = Date.now();
      this.mono = monotonic;
      return this.wall;
    }
    return Math.floor(this.wall + since);
  }
}

export const systemClock: Clock = new SystemClock();

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
