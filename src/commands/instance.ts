/**
 * Instance: one running mnemo, the object the TCP server and the in-process MemoryStore each
 * create. It owns the keyspace, the live configuration, the command table, the client
 * registry, the server-wide statistics INFO reports, and the periodic cron (active expiry,
 * instantaneous metrics) that Redis runs from serverCron at `hz` times per second.
 * It performs no I/O; what only a network server knows reaches it through ServerHooks.
 */

import { randomBytes } from 'node:crypto';
import { Config, type LiveNumber } from '../config/config.js';
import { type Clock, systemClock } from '../engine/clock.js';
import type { KeyspaceListener } from '../engine/events.js';
import { Keyspace } from '../engine/keyspace.js';
import { Acl } from './acl.js';
import { BlockingRegistry } from './blocking.js';
import type { Client } from './client.js';
import { Evictor } from './eviction.js';
import { MemoryAccounting, type MemoryMode } from './memory.js';
import { Propagation } from './propagation.js';
import { PubSub } from './pubsub.js';
import { Introspection } from './slowlog.js';
import type { CommandSpec } from './spec.js';
import { CommandTable } from './table.js';
import { Tracking } from './tracking.js';
import { WatchRegistry } from './watch.js';

/** What the network server contributes (absent for the library). */
export interface ServerHooks {
  readonly tcpPort: number;
  readonly configFile: string;
  readonly executable: string;
  /** SHUTDOWN: returns an error text when it refuses, otherwise never returns normally. */
  shutdown(options: { save: boolean | null; now: boolean; force: boolean }): string | undefined;
  /** CONFIG REWRITE: writes the file; returns an error text on failure. */
  rewriteConfig(): string | undefined;
  /** Bytes sitting in clients' input buffers (INFO clients). */
  clientBufferStats(): { maxInput: number; maxOutput: number };
}

/** What the persistence layer (server side) offers to commands and INFO. */
export interface PersistenceHooks {
  /** SAVE; returns an error text or undefined. */
  save(): string | undefined;
  /** BGSAVE [SCHEDULE]; returns the status reply text or throws a ReplyError-worthy text via `error`. */
  bgsave(schedule: boolean): { ok: string } | { error: string };
  /** Whether save points are configured (FLUSHALL then saves, as Redis does). */
  hasSavePoints(): boolean;
  /** INFO persistence fields. */
  info(): Array<[string, string | number]>;
  /** BGREWRITEAOF; same shape as bgsave. */
  bgrewriteaof(): { ok: string } | { error: string };
  /** writeCommandsDeniedByDiskError: the -MISCONF text while writes must be refused, else null. */
  diskError(): string | null;
}

export interface InstanceStats {
  commands: number;
  connections: number;
  rejectedConnections: number;
  netInput: number;
  netOutput: number;
  errorReplies: number;
  errorCodes: Map<string, number>;
  readsProcessed: number;
  writesProcessed: number;
  clientsClosedByOutputLimit: number;
}

/** Redis's instantaneous metrics: a 16-slot ring of per-second rates sampled every 100 ms. */
class RateSampler {
  private readonly samples = new Float64Array(16);
  private idx = 0;
  private lastValue = 0;
  private lastTime = 0;

  sample(value: number, nowMs: number): void {
    if (this.lastTime !== 0) {
      const dt = nowMs - this.lastTime;
      this.samples[this.idx] = dt > 0 ? ((value - this.lastValue) * 1000) / dt : 0;
      this.idx = (this.idx + 1) & 15;
    }
    this.lastValue = value;
    this.lastTime = nowMs;
  }

  get rate(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return sum / 16;
  }
}

export interface InstanceOptions {
  clock?: Clock;
  config?: Config;
  commands: readonly CommandSpec[];
  /** Run the cron timer (active expiry, metrics). The library may turn it off. */
  cron?: boolean;
  /**
   * What used_memory measures (commands/memory.ts): the whole process, for a server that owns
   * it, or (the default, for the library) the dataset alone.
   */
  memory?: MemoryMode;
}

/**
 * The encoding thresholds writes read on every call, as live views of their parameters (a
 * lookup by name per HSET was 3% of its CPU).
 */
export interface Thresholds {
  readonly hashEntries: LiveNumber;
  readonly hashValue: LiveNumber;
  readonly zsetEntries: LiveNumber;
  readonly zsetValue: LiveNumber;
  readonly setIntsetEntries: LiveNumber;
}

export class Instance implements KeyspaceListener {
  readonly ks: Keyspace;
  readonly config: Config;
  readonly thresholds: Thresholds;
  /** latency-tracking, live: whether timed commands feed their latency histograms. */
  readonly latencyTracking: LiveNumber;
  readonly commands: CommandTable;
  /** Users, permissions and the ACL log. */
  readonly acl: Acl;
  readonly clients = new Map<number, Client>();
  nextClientId = 1;
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  readonly startTime: number;
  readonly runId = randomBytes(20).toString('hex');
  readonly stats: InstanceStats = {
    commands: 0,
    connections: 0,
    rejectedConnections: 0,
    netInput: 0,
    netOutput: 0,
    errorReplies: 0,
    errorCodes: new Map(),
    readsProcessed: 0,
    writesProcessed: 0,
    clientsClosedByOutputLimit: 0,
  };
  readonly opsRate = new RateSampler();
  readonly inputRate = new RateSampler();
  readonly outputRate = new RateSampler();
  server: ServerHooks | null = null;
  persistence: PersistenceHooks | null = null;
  readonly watches: WatchRegistry;
  readonly pubsub = new PubSub();
  readonly blocking: BlockingRegistry;
  readonly tracking = new Tracking();
  readonly propagation = new Propagation();
  readonly monitors = new Set<Client>();
  /** CLIENT PAUSE: until when (ms), and whether every command or only writes wait. */
  pause: { until: number; all: boolean; timer: NodeJS.Timeout } | null = null;
  /** Clients holding a command back until the pause ends. */
  readonly postponed = new Set<Client>();
  /**
   * The append-only file's hold on replies (null when AOF is off). A connection calls it before
   * writing replies: true means they must wait, and `resume` is called once the AOF data they may
   * depend on is written (and fsynced with appendfsync always), as Redis writes the AOF in
   * beforeSleep before any reply. `resume` null: the caller cannot wait; make it durable now.
   */
  beforeReplies: ((resume: (() => void) | null) => boolean) | null = null;
  /** Extra periodic work registered by the layers above (client timeouts, persistence). */
  readonly cronHooks: Array<() => void> = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private lastMetricsSample = 0;
  private cronTicks = 0;
  /** used_memory and its peak (commands/memory.ts). */
  readonly memory: MemoryAccounting;
  /** maxmemory: eviction and the OOM rules (commands/eviction.ts). */
  readonly eviction: Evictor;
  /** When the dataset was last saved (or the instance started), ms. */
  lastSave: number;
  /** The slow log and the latency monitor, fed by call() (families/introspection.ts). */
  readonly introspection: Introspection;

  constructor(options: InstanceOptions) {
    const clock = options.clock ?? systemClock;
    this.config = options.config ?? Config.defaults();
    this.thresholds = {
      hashEntries: this.config.live('hash-max-listpack-entries'),
      hashValue: this.config.live('hash-max-listpack-value'),
      zsetEntries: this.config.live('zset-max-listpack-entries'),
      zsetValue: this.config.live('zset-max-listpack-value'),
      setIntsetEntries: this.config.live('set-max-intset-entries'),
    };
    this.latencyTracking = this.config.live('latency-tracking');
    this.ks = new Keyspace(this.config.number('databases'), clock);
    this.memory = new MemoryAccounting(this.ks, options.memory ?? 'dataset');
    this.eviction = new Evictor(this);
    this.introspection = new Introspection(this.config, () => clock.now());
    this.commands = new CommandTable(options.commands);
    this.acl = new Acl(this);
    this.watches = new WatchRegistry(this.ks);
    this.blocking = new BlockingRegistry(this.ks.dbs.length);
    this.ks.listener = this;
    this.startTime = clock.now();
    this.lastSave = this.startTime;
    if (options.cron !== false) this.startCron();
    this.ks.notifyFlags = this.config.keyspaceEvents();
    this.config.onChange('notify-keyspace-events', () => {
      this.ks.notifyFlags = this.config.keyspaceEvents();
    });
    this.config.onChange('hz', () => {
      if (this.cronTimer !== null) this.startCron();
    });
  }

  /** Redis's serverCron: every 1000/hz ms. */
  private startCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    const hz = Math.min(500, Math.max(1, this.config.number('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  cron(): void {
    const hz = Math.min(500, Math.max(1, this.config.number('hz')));
    // Slow expire cycle: up to 25% (+2% per effort step) of the cron period.
    const effort = this.config.number('active-expire-effort');
    // Like serverCron's cached clocks: the access stamps of untimed library calls follow the time.
    this.ks.tick();
    const limitMs = ((25 + 2 * (effort - 1)) * 1000) / hz / 100;
    // While clients are paused the dataset must not change under them: no active expiry.
    if (this.pause === null) {
      this.ks.activeExpireCycle(limitMs, effort);
      this.propagation.flush(false);
    }
    const now = performance.now();
    if (now - this.lastMetricsSample >= 100) {
      this.lastMetricsSample = now;
      this.opsRate.sample(this.stats.commands, now);
      this.inputRate.sample(this.stats.netInput, now);
      this.outputRate.sample(this.stats.netOutput, now);
    }
    this.eviction.cron();
    // Once a second: the memory peak, the AOF buffer (memory not counted for eviction).
    if (++this.cronTicks % hz === 0) {
      this.memory.used();
      const aof = this.persistence?.info().find(([k]) => k === 'aof_buffer_length')?.[1];
      this.eviction.notCounted = typeof aof === 'number' ? aof : 0;
    }
    for (const hook of this.cronHooks) hook();
  }

  // ---- KeyspaceListener: the engine's events fan out to the features that need them ----

  /** The client whose command is running (for NOLOOP tracking), or null. */
  currentClient: Client | null = null;

  keyModified(db: number, key: string): void {
    this.watches.keyModified(db, key);
    if (this.tracking.active) this.tracking.keyModified(db, key, this.currentClient);
  }

  dbModified(db: number, replacedWith?: number): void {
    this.watches.dbModified(db, replacedWith);
    // A flush invalidates every tracked key; SWAPDB (replacedWith set) does not, as in Redis 7.0.
    if (replacedWith === undefined && this.tracking.active) this.tracking.dbFlushed(db);
  }

  /** CLIENT PAUSE: hold back commands (all, or only writes) until `until` (ms). */
  pauseClients(until: number, all: boolean): void {
    if (this.pause !== null) {
      // A second pause only extends and escalates the current one (Redis keeps the max of both).
      clearTimeout(this.pause.timer);
      until = Math.max(until, this.pause.until);
      all ||= this.pause.all;
    }
    const timer = setTimeout(() => this.unpauseClients(), Math.max(0, until - this.ks.clock.now()));
    this.pause = { until, all, timer };
  }

  unpauseClients(): void {
    if (this.pause === null) return;
    clearTimeout(this.pause.timer);
    this.pause = null;
    const waiting = [...this.postponed];
    this.postponed.clear();
    for (const c of waiting) c.unblocked();
  }

  /**
   * A key was deleted by expiry or eviction: the AOF gets a DEL (UNLINK when lazy, as Redis).
   * An eviction goes out at once, before the command it made room for (Redis 7.0's propagateNow).
   */
  keyDeleted(db: number, key: string, evicted = false): void {
    const target = this.propagation.target;
    if (target === null) return;
    const lazy = this.config.bool(evicted ? 'lazyfree-lazy-eviction' : 'lazyfree-lazy-expire');
    const argv = [lazy ? 'UNLINK' : 'DEL', key];
    if (evicted) target.propagate([{ db, argv }]);
    else this.propagation.add(db, argv);
  }

  keyReady(db: number, key: string): void {
    this.blocking.keyReady(db, key);
  }

  /** After SWAPDB: keys someone waits on may now hold a list or sorted set. */
  rescanBlockedKeys(db: number): void {
    const database = this.ks.db(db);
    for (const key of this.blocking.blockedKeys(db)) {
      const v = database.get(key);
      if (typeof v === 'object' && (v.type === 'list' || v.type === 'zset')) this.blocking.keyReady(db, key);
    }
  }

  notify(_type: number, event: string, key: string, db: number): void {
    this.pubsub.notifyKeyspaceEvent(this.ks.notifyFlags, event, key, db);
  }

  /** A client went away: drop everything that refers to it. */
  clientClosed(c: Client): void {
    this.watches.unwatchAll(c);
    this.pubsub.removeAll(c);
    this.blocking.forget(c);
    this.tracking.clientClosed(c);
    this.monitors.delete(c);
    this.postponed.delete(c);
    this.clients.delete(c.id);
  }

  countError(message: string): void {
    this.stats.errorReplies++;
    const sp = message.indexOf(' ');
    const code = sp < 0 ? message : message.slice(0, sp);
    this.stats.errorCodes.set(code, (this.stats.errorCodes.get(code) ?? 0) + 1);
  }

  resetStats(): void {
    this.stats.commands = 0;
    this.stats.connections = 0;
    this.stats.rejectedConnections = 0;
    this.stats.netInput = 0;
    this.stats.netOutput = 0;
    this.stats.errorReplies = 0;
    this.stats.errorCodes.clear();
    this.stats.readsProcessed = 0;
    this.stats.writesProcessed = 0;
    this.stats.clientsClosedByOutputLimit = 0;
    this.ks.resetStats();
    this.commands.resetStats();
    this.memory.resetPeak();
    this.eviction.resetStats();
  }

  close(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = null;
    this.eviction.close();
    this.memory.close();
  }
}

/** Bytes the process uses for data: the V8 heap plus memory held outside it by buffers. */
export function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
