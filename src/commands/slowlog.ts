/**
 * The slow log and the latency monitor of an Instance (Redis's slowlog.c and latency.c state):
 * entries and samples recorded by dispatch's call() with the duration it already measures for
 * commandstats, read by SLOWLOG and LATENCY (families/introspection.ts).
 */

import type { Config } from '../config/config.js';
import type { Client } from './client.js';
import type { Command } from './spec.js';

/** slowlog.h: what an entry keeps of a command's arguments. */
const SLOWLOG_MAX_ARGC = 32;
const SLOWLOG_MAX_STRING = 128;
/** latency.h: samples kept per event. */
const LATENCY_TS_LEN = 160;

interface SlowlogEntry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  peer: string;
  name: string;
}

interface LatencyEvent {
  /** Ring of [unix seconds, ms], oldest first once full. */
  samples: Array<[number, number]>;
  idx: number;
  max: number;
}

/**
 * The slow log and latency monitor of one Instance. `threshold` (µs) is the smallest duration
 * either of them wants, so call() pays one comparison per command while both are idle.
 */
export class Introspection {
  threshold = Number.POSITIVE_INFINITY;
  private slowerThan = 10000;
  private maxLen = 128;
  /** latency-monitor-threshold in ms, 0 = off. */
  latencyMs = 0;
  /** Newest first, as Redis's list (listAddNodeHead). */
  readonly slowlog: SlowlogEntry[] = [];
  private nextId = 0;
  readonly events = new Map<string, LatencyEvent>();

  constructor(
    config: Config,
    readonly now: () => number,
  ) {
    const refresh = (): void => {
      this.slowerThan = config.number('slowlog-log-slower-than');
      this.maxLen = config.number('slowlog-max-len');
      this.latencyMs = config.number('latency-monitor-threshold');
      const slow = this.slowerThan < 0 ? Number.POSITIVE_INFINITY : this.slowerThan;
      const lat = this.latencyMs > 0 ? this.latencyMs * 1000 : Number.POSITIVE_INFINITY;
      this.threshold = Math.min(slow, lat);
      this.trim();
    };
    refresh();
    for (const p of ['slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold'])
      config.onChange(p, refresh);
  }

  /**
   * A command took `usec` µs (at least `threshold`): log it as call() does, unless it is still
   * blocked (Redis logs those when they are served) or its record says skip_slowlog.
   */
  record(c: Client, cmd: Command, argv: string[], usec: number): void {
    if (c.blocked !== null) return;
    const duration = Math.floor(usec);
    if (this.latencyMs > 0) {
      const ms = Math.floor(duration / 1000);
      if (ms >= this.latencyMs) this.addSample(cmd.flags.includes('fast') ? 'fast-command' : 'command', ms);
    }
    if (this.slowerThan < 0 || duration < this.slowerThan || cmd.flags.includes('skip_slowlog')) return;
    this.slowlog.unshift({
      id: this.nextId++,
      time: Math.floor(this.now() / 1000),
      usec: duration,
      argv: slowlogArgv(argv),
      peer: c.conn?.addr ?? '',
      name: c.name,
    });
    this.trim();
  }

  private trim(): void {
    if (this.slowlog.length > this.maxLen) this.slowlog.length = this.maxLen;
  }

  /** latencyAddSample: one slot per second, keeping the worst of that second. */
  addSample(event: string, ms: number): void {
    const now = Math.floor(this.now() / 1000);
    let ev = this.events.get(event);
    if (ev === undefined) {
      ev = { samples: [], idx: 0, max: 0 };
      this.events.set(event, ev);
    }
    if (ms > ev.max) ev.max = ms;
    const prev = ev.samples[(ev.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
    if (prev !== undefined && prev[0] === now) {
      if (ms > prev[1]) prev[1] = ms;
      return;
    }
    ev.samples[ev.idx] = [now, ms];
    ev.idx = (ev.idx + 1) % LATENCY_TS_LEN;
  }

  /** The samples of an event, oldest first. */
  history(event: string): Array<[number, number]> {
    const ev = this.events.get(event);
    if (ev === undefined) return [];
    const n = ev.samples.length;
    const out: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) out.push(ev.samples[(ev.idx + j) % n]!);
    return out;
  }
}

/** slowlogCreateEntry: at most 32 arguments (the last says how many more), strings cut at 128. */
function slowlogArgv(argv: string[]): string[] {
  const argc = argv.length;
  const n = Math.min(argc, SLOWLOG_MAX_ARGC);
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    if (n !== argc && j === n - 1) {
      out.push(`... (${argc - n + 1} more arguments)`);
      break;
    }
    const a = argv[j]!;
    out.push(
      a.length > SLOWLOG_MAX_STRING
        ? `${a.slice(0, SLOWLOG_MAX_STRING)}... (${a.length - SLOWLOG_MAX_STRING} more bytes)`
        : a,
    );
  }
  return out;
}
