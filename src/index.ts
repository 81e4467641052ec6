/**
 * The mnemo library entry: MemoryStore gives a Node program the same engine, data types,
 * expiry and commands as mnemo-server, in-process, with no socket. Every call (the generic
 * `command()` and the typed helpers alike) goes through the same dispatch() as the server.
 * This module never imports server/.
 */

import { Client } from './commands/client.js';
import { dispatch, dispatchResolved, resolve } from './commands/dispatch.js';
import { Instance } from './commands/instance.js';
import type { PubSubMessage, Subscriber } from './commands/pubsub.js';
import type { Command } from './commands/spec.js';
import { Config } from './config/config.js';
import type { Clock } from './engine/clock.js';
import { allCommands } from './families/index.js';
import type { PersistenceLogger } from './persistence/log.js';
import { Persistence } from './persistence/manager.js';
import { ReplyError } from './protocol/reply.js';
import {
  type BulkDecoding,
  decodeBulk,
  isAscii,
  type ReplyValue,
  ValueWriter,
} from './protocol/value-writer.js';

export type { Clock } from './engine/clock.js';
export { ManualClock, systemClock } from './engine/clock.js';
export { ReplyError } from './protocol/reply.js';
export type { BulkDecoding, ReplyValue } from './protocol/value-writer.js';

/** What a command argument may be: strings are sent as UTF-8, Buffers as their bytes. */
export type Arg = string | Buffer | number | bigint;

export interface MemoryStoreOptions {
  /** The time source for expiry (inject a ManualClock in tests). */
  clock?: Clock;
  /**
   * Configuration directives, as in redis.conf (e.g. `{ databases: '4', hz: '20' }`). Naming a
   * `dir` turns persistence on: see MemoryStore.
   */
  config?: Record<string, string | number>;
  /**
   * Run the periodic cron: active expiry and, with persistence, the save points, the automatic
   * AOF rewrite and the everysec fsync (default true; its timer never keeps Node alive).
   */
  activeExpire?: boolean;
  /**
   * Time every command, as redis-server does, for INFO commandstats (usec, usec_per_call), the
   * SLOWLOG and the LATENCY monitor (default false: two clock reads would be about 40% of a GET;
   * calls, errors and every other statistic are counted either way).
   */
  commandTiming?: boolean;
  /**
   * Keep string values of up to 64 bytes packed with their keys outside the JS heap, as the
   * server does (default false). Packed, a key with a small value costs about 40 bytes less and
   * leaves no object for the garbage collector; unpacked, GET hands back the stored string
   * instead of decoding a new one, which in-process is about twice as fast.
   */
  packValues?: boolean;
}

/**
 * Persistence logs nowhere in a library; it keeps its last warnings so that a failure the
 * manager only reports as "ERR ... Check logs" can be thrown with its cause.
 */
class WarningMemory implements PersistenceLogger {
  private lines: string[] = [];
  notice(): void {}
  warning(message: string): void {
    this.lines.push(message);
    if (this.lines.length > 4) this.lines.shift();
  }
  /** The warnings since the last call, as one clause. */
  take(): string {
    const text = this.lines.join('; ');
    this.lines = [];
    return text;
  }
}

export interface SetOptions {
  /** Time to live in seconds (EX). */
  ttl?: number;
  /** Time to live in milliseconds (PX). */
  px?: number;
  /** Only set if the key does not exist. */
  nx?: boolean;
  /** Only set if the key exists. */
  xx?: boolean;
  /** Keep the existing TTL. */
  keepTtl?: boolean;
}

export interface LposOptions {
  /** Which match to start from: 1 the first, -1 the first from the tail. */
  rank?: number;
  /** Return up to this many indexes (0: all); makes the reply an array. */
  count?: number;
  /** Compare at most this many elements. */
  maxlen?: number;
}

export interface SortOptions {
  /** BY pattern (`*` is the element, `->field` reads a hash field; no `*`: do not sort). */
  by?: string;
  /** LIMIT offset count. */
  limit?: [number, number];
  /** GET patterns (`#` is the element itself). */
  get?: string[];
  order?: 'ASC' | 'DESC';
  /** Compare as strings instead of numbers. */
  alpha?: boolean;
}

export interface ZAddOptions {
  /** Only add new members. */
  nx?: boolean;
  /** Only update existing members. */
  xx?: boolean;
  /** Only update when the new score is greater. */
  gt?: boolean;
  /** Only update when the new score is less. */
  lt?: boolean;
  /** Count changed members as well as added ones. */
  ch?: boolean;
}

export interface ZRangeOptions {
  /** start/stop are scores ("(1.5", "-inf", "+inf" allowed). */
  byScore?: boolean;
  /** start/stop are lex bounds ("[a", "(b", "-", "+"). */
  byLex?: boolean;
  /** From the highest to the lowest. */
  rev?: boolean;
  /** LIMIT offset count (with byScore or byLex). */
  limit?: [number, number];
  /** Also return the scores, as [member, score] pairs. */
  withScores?: boolean;
}

export interface StoreStats {
  keys: number;
  keysWithTtl: number;
  hits: number;
  misses: number;
  expired: number;
}

export interface StoreMetrics {
  opsTotal: number;
  hitRate: number;
  memory: { usedBytes: number; rssBytes: number };
}

/** A score as an argument: String(-0) would lose the sign. */
function scoreArg(n: number): Arg {
  return Object.is(n, -0) ? '-0' : n;
}

/** The engine's binary-string form of an argument. */
export function toBinary(a: Arg): string {
  if (typeof a === 'string') return isAscii(a) ? a : Buffer.from(a, 'utf8').latin1Slice();
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  return a.latin1Slice(0, a.length);
}

/** Commands queued for MemoryStore.multi(); `exec()` runs them as one MULTI/EXEC. */
export class Transaction {
  private readonly queued: string[][] = [];

  constructor(private readonly run: (queued: string[][]) => ReplyValue[] | null) {}

  /** Queues any command; chainable. */
  command(name: string, ...args: Arg[]): this {
    this.queued.push([name, ...args.map(toBinary)]);
    return this;
  }

  set(key: Arg, value: Arg): this {
    return this.command('SET', key, value);
  }
  get(key: Arg): this {
    return this.command('GET', key);
  }
  incr(key: Arg): this {
    return this.command('INCR', key);
  }
  del(...keys: Arg[]): this {
    return this.command('DEL', ...keys);
  }

  /** Runs the queued commands atomically; null when a watched key changed. */
  exec(): ReplyValue[] | null {
    return this.run(this.queued.splice(0));
  }
}

/** A Pub/Sub message delivered in-process. */
export interface Message {
  channel: string;
  message: string;
  /** The pattern that matched, for pattern subscriptions. */
  pattern?: string;
}

export type MessageHandler = (message: string, channel: string, pattern?: string) => void;

/** An in-process subscription: the registry's Subscriber, calling a handler asynchronously. */
class LocalSubscriber implements Subscriber {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  constructor(private readonly handler: MessageHandler) {}

  deliver(m: PubSubMessage): void {
    const message = decodeBulk(m.payload, 'utf8') as string;
    const channel = decodeBulk(m.channel, 'utf8') as string;
    const pattern = m.pattern === null ? undefined : (decodeBulk(m.pattern, 'utf8') as string);
    // Never inside the publishing command: a handler may itself call the store.
    queueMicrotask(() => this.handler(message, channel, pattern));
  }
}

/**
 * An in-process store. Persistence is on exactly when `config` names a `dir`: the store then
 * behaves like redis-server started in that directory (same files, same formats, Redis's
 * default save points "3600 1 300 100 60 10000" unless `save` is given; `save: ''` turns
 * snapshots off), loads the AOF (appendonly yes) or `dbfilename` at construction, and
 * save()/load()/close() act on the files. Without a `dir` nothing is ever written, whatever
 * the save points say (they are kept, as CONFIG GET shows, but never acted on); only
 * `appendonly yes` without a `dir` is refused, since it asks for durability outright.
 */
export class MemoryStore {
  readonly instance: Instance;
  /** The persistence manager, or null when `config` names no `dir`. */
  readonly persistence: Persistence | null = null;
  private readonly client: Client;
  private readonly writer: ValueWriter;
  private readonly resolved = new Map<string, Command>();
  private readonly warnings = new WarningMemory();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    const config = Config.defaults();
    const given = new Map(Object.entries(options.config ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    if (!given.has('dir') && given.get('appendonly')?.toLowerCase() === 'yes')
      throw new Error(
        "MemoryStore: appendonly yes needs a 'dir' in config: persistence is on only when a directory is named",
      );
    if (options.config) {
      // As config-file lines, so start-up-only parameters (databases) are accepted too.
      config.apply(
        Object.entries(options.config).map(([name, v], i) => {
          const value = String(v);
          return { line: i + 1, name, args: [value], raw: `${name} ${value}` };
        }),
      );
    }
    this.instance = new Instance({
      config,
      commands: allCommands,
      cron: options.activeExpire !== false,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    if (given.has('dir')) {
      const p = new Persistence(this.instance, this.warnings, (message) => {
        throw new Error(
          `MemoryStore: ${message}; the change is in memory but not on disk, and writes are refused until the AOF can be written`,
        );
      });
      try {
        p.loadAtStartup();
      } catch (err) {
        p.close();
        this.instance.close();
        throw new Error(
          `MemoryStore: error loading the dataset (${p.loadSource}): ${(err as Error).message}`,
        );
      }
      this.persistence = p;
    } else {
      // No files to write: turning the AOF on at runtime would only pretend to persist.
      config.addValidator('appendonly', (v) =>
        v === 'yes' ? 'persistence is off: this MemoryStore was created without a dir' : undefined,
      );
    }
    this.instance.ks.packValues = options.packValues === true;
    this.writer = new ValueWriter('utf8');
    this.client = new Client(this.instance, this.writer, null);
    // The library's own client cannot block or subscribe through command(): it has no socket
    // to wait on. store.subscribe() and the blocking helpers are the in-process forms.
    this.client.denyBlocking = true;
    this.client.timed = options.commandTiming === true;
    this.instance.clients.set(this.client.id, this.client);
  }

  /** Runs a command; bulk replies come back as UTF-8 strings. Error replies throw ReplyError. */
  command(name: string, ...args: Arg[]): ReplyValue {
    return this.run('utf8', name, args);
  }

  /** Like command(), with bulk replies as Buffers (for binary data). */
  commandBuffer(name: string, ...args: Arg[]): ReplyValue {
    return this.run('buffer', name, args);
  }

  private run(decoding: BulkDecoding, name: string, args: Arg[]): ReplyValue {
    const argv = new Array<string>(args.length + 1);
    argv[0] = name;
    for (let i = 0; i < args.length; i++) argv[i + 1] = toBinary(args[i]!);
    return this.exec(decoding, argv);
  }

  private exec(decoding: BulkDecoding, argv: string[]): ReplyValue {
    const w = this.writer;
    w.decoding = decoding;
    const cmd = this.cached(argv);
    if (cmd !== null) dispatchResolved(this.client, cmd, argv);
    // Values the command changed in place are measured again (memory accounting).
    this.instance.ks.settle();
    // The command's own clock snapshot: no extra clock read per library call.
    this.client.lastInteraction = this.instance.ks.accessNow;
    // The AOF's reply gate, unable to wait: with appendfsync always the write is on disk before
    // command() returns; everysec and no write at the end of this event-loop turn, as Redis does.
    const r = w.takeResult();
    const aofGate = this.instance.beforeReplies;
    // Throws when the write fails (AofHost.fatal): the command ran, its change is not on disk.
    if (aofGate !== null && this.instance.config.string('appendfsync') === 'always') aofGate(null);
    if (r instanceof ReplyError) throw r;
    return r;
  }

  /** Resolves a command once per name; subcommand containers resolve on every call. */
  private cached(argv: string[]): Command | null {
    const hit = this.resolved.get(argv[0]!);
    if (hit !== undefined) {
      const a = hit.arity;
      if ((a > 0 && argv.length === a) || (a < 0 && argv.length >= -a)) return hit;
    }
    const cmd = resolve(this.client, argv);
    if (cmd !== null && cmd.parent === null) this.resolved.set(argv[0]!, cmd);
    return cmd;
  }

  // ---- typed helpers: thin wrappers over command() ----

  set(key: Arg, value: Arg, options?: SetOptions): boolean {
    // The plain SET skips the option list (and command()'s rest array): it is the hot one.
    if (options === undefined) return this.exec('utf8', ['SET', toBinary(key), toBinary(value)]) === 'OK';
    const args: Arg[] = [key, value];
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    if (options.ttl !== undefined) args.push('EX', options.ttl);
    if (options.px !== undefined) args.push('PX', options.px);
    if (options.keepTtl) args.push('KEEPTTL');
    return this.command('SET', ...args) === 'OK';
  }

  get(key: Arg): string | null {
    return this.exec('utf8', ['GET', toBinary(key)]) as string | null;
  }

  getBuffer(key: Arg): Buffer | null {
    return this.commandBuffer('GET', key) as Buffer | null;
  }

  /** DEL: returns how many keys were removed. */
  delete(...keys: Arg[]): number {
    return this.command('DEL', ...keys) as number;
  }

  exists(...keys: Arg[]): number {
    return this.command('EXISTS', ...keys) as number;
  }

  expire(key: Arg, seconds: number): boolean {
    return this.command('EXPIRE', key, seconds) === 1;
  }

  pexpire(key: Arg, ms: number): boolean {
    return this.command('PEXPIRE', key, ms) === 1;
  }

  ttl(key: Arg): number {
    return this.command('TTL', key) as number;
  }

  pttl(key: Arg): number {
    return this.command('PTTL', key) as number;
  }

  persist(key: Arg): boolean {
    return this.command('PERSIST', key) === 1;
  }

  incr(key: Arg): number {
    return this.command('INCR', key) as number;
  }

  decr(key: Arg): number {
    return this.command('DECR', key) as number;
  }

  incrBy(key: Arg, by: number): number {
    return this.command('INCRBY', key, by) as number;
  }

  lpush(key: Arg, ...elements: Arg[]): number {
    return this.command('LPUSH', key, ...elements) as number;
  }

  rpush(key: Arg, ...elements: Arg[]): number {
    return this.command('RPUSH', key, ...elements) as number;
  }

  lpop(key: Arg): string | null {
    return this.command('LPOP', key) as string | null;
  }

  rpop(key: Arg): string | null {
    return this.command('RPOP', key) as string | null;
  }

  lrange(key: Arg, start: number, stop: number): string[] {
    return this.command('LRANGE', key, start, stop) as string[];
  }

  llen(key: Arg): number {
    return this.command('LLEN', key) as number;
  }

  /** LSET: throws ReplyError for a missing key or an index out of range. */
  lset(key: Arg, index: number, element: Arg): void {
    this.command('LSET', key, index, element);
  }

  /** LREM: count > 0 removes from the head, < 0 from the tail, 0 all; returns how many. */
  lrem(key: Arg, count: number, element: Arg): number {
    return this.command('LREM', key, count, element) as number;
  }

  ltrim(key: Arg, start: number, stop: number): void {
    this.command('LTRIM', key, start, stop);
  }

  /** LINSERT: the new length, -1 if the pivot is not found, 0 if the key does not exist. */
  linsert(key: Arg, where: 'BEFORE' | 'AFTER', pivot: Arg, element: Arg): number {
    return this.command('LINSERT', key, where, pivot, element) as number;
  }

  /** LPOS: the first match's index (or null); with `count`, every match's index up to count (0: all). */
  lpos(key: Arg, element: Arg, options?: { rank?: number; maxlen?: number }): number | null;
  lpos(key: Arg, element: Arg, options: { rank?: number; count: number; maxlen?: number }): number[];
  lpos(key: Arg, element: Arg, options: LposOptions = {}): number | null | number[] {
    const args: Arg[] = [key, element];
    if (options.rank !== undefined) args.push('RANK', options.rank);
    if (options.count !== undefined) args.push('COUNT', options.count);
    if (options.maxlen !== undefined) args.push('MAXLEN', options.maxlen);
    return this.command('LPOS', ...args) as number | null | number[];
  }

  /** LMOVE: the element moved, or null when `source` does not exist. */
  lmove(source: Arg, destination: Arg, from: 'LEFT' | 'RIGHT', to: 'LEFT' | 'RIGHT'): string | null {
    return this.command('LMOVE', source, destination, from, to) as string | null;
  }

  sadd(key: Arg, ...members: Arg[]): number {
    return this.command('SADD', key, ...members) as number;
  }

  srem(key: Arg, ...members: Arg[]): number {
    return this.command('SREM', key, ...members) as number;
  }

  smembers(key: Arg): string[] {
    return this.command('SMEMBERS', key) as string[];
  }

  sismember(key: Arg, member: Arg): boolean {
    return this.command('SISMEMBER', key, member) === 1;
  }

  scard(key: Arg): number {
    return this.command('SCARD', key) as number;
  }

  /** SPOP: one random member (null if none), or with `count` up to that many distinct ones. */
  spop(key: Arg): string | null;
  spop(key: Arg, count: number): string[];
  spop(key: Arg, count?: number): string | null | string[] {
    if (count === undefined) return this.command('SPOP', key) as string | null;
    return this.command('SPOP', key, count) as string[];
  }

  /** SRANDMEMBER: one random member, or `count` of them (negative: repetitions allowed). */
  srandmember(key: Arg): string | null;
  srandmember(key: Arg, count: number): string[];
  srandmember(key: Arg, count?: number): string | null | string[] {
    if (count === undefined) return this.command('SRANDMEMBER', key) as string | null;
    return this.command('SRANDMEMBER', key, count) as string[];
  }

  sinter(...keys: Arg[]): string[] {
    return this.command('SINTER', ...keys) as string[];
  }

  sunion(...keys: Arg[]): string[] {
    return this.command('SUNION', ...keys) as string[];
  }

  sdiff(...keys: Arg[]): string[] {
    return this.command('SDIFF', ...keys) as string[];
  }

  /** SMOVE: true if the member was moved. */
  smove(source: Arg, destination: Arg, member: Arg): boolean {
    return this.command('SMOVE', source, destination, member) === 1;
  }

  /**
   * SORT a list, set or sorted set. Returns the elements (GET patterns that find nothing give
   * null), or with `store` the length of the list stored there.
   */
  sort(key: Arg, options?: SortOptions & { store?: undefined }): (string | null)[];
  sort(key: Arg, options: SortOptions & { store: Arg }): number;
  sort(key: Arg, options: SortOptions & { store?: Arg } = {}): (string | null)[] | number {
    const args: Arg[] = [key];
    if (options.by !== undefined) args.push('BY', options.by);
    if (options.limit !== undefined) args.push('LIMIT', options.limit[0], options.limit[1]);
    for (const pattern of options.get ?? []) args.push('GET', pattern);
    if (options.order !== undefined) args.push(options.order);
    if (options.alpha) args.push('ALPHA');
    if (options.store !== undefined) args.push('STORE', options.store);
    return this.command('SORT', ...args) as (string | null)[] | number;
  }

  /** HSET with one field and value, or every entry of a record; returns how many fields were new. */
  hset(key: Arg, fieldOrRecord: Arg | Record<string, Arg>, value?: Arg): number {
    if (typeof fieldOrRecord === 'object' && !Buffer.isBuffer(fieldOrRecord)) {
      const args: Arg[] = [key];
      for (const [f, v] of Object.entries(fieldOrRecord)) args.push(f, v);
      return this.command('HSET', ...args) as number;
    }
    const args: Arg[] = [key, fieldOrRecord];
    if (value !== undefined) args.push(value);
    return this.command('HSET', ...args) as number;
  }

  hget(key: Arg, field: Arg): string | null {
    return this.command('HGET', key, field) as string | null;
  }

  /** HGETALL as a plain object (a field named `__proto__` is an ordinary own property). */
  hgetall(key: Arg): Record<string, string> {
    const m = this.command('HGETALL', key) as Map<string, string>;
    return Object.fromEntries(m);
  }

  hdel(key: Arg, ...fields: Arg[]): number {
    return this.command('HDEL', key, ...fields) as number;
  }

  hincrBy(key: Arg, field: Arg, by: number): number {
    return this.command('HINCRBY', key, field, by) as number;
  }

  hmget(key: Arg, ...fields: Arg[]): (string | null)[] {
    return this.command('HMGET', key, ...fields) as (string | null)[];
  }

  hkeys(key: Arg): string[] {
    return this.command('HKEYS', key) as string[];
  }

  hvals(key: Arg): string[] {
    return this.command('HVALS', key) as string[];
  }

  hlen(key: Arg): number {
    return this.command('HLEN', key) as number;
  }

  hexists(key: Arg, field: Arg): boolean {
    return this.command('HEXISTS', key, field) === 1;
  }

  /** SETBIT: returns the bit's previous value. */
  setbit(key: Arg, offset: number, value: 0 | 1): number {
    return this.command('SETBIT', key, offset, value) as number;
  }

  getbit(key: Arg, offset: number): number {
    return this.command('GETBIT', key, offset) as number;
  }

  /** BITCOUNT of the whole string, or of [start, end] in bytes (or bits with unit 'BIT'). */
  bitcount(key: Arg, start?: number, end?: number, unit?: 'BYTE' | 'BIT'): number {
    const args: Arg[] = [key];
    if (start !== undefined) args.push(start, end ?? -1);
    if (start !== undefined && unit !== undefined) args.push(unit);
    return this.command('BITCOUNT', ...args) as number;
  }

  /** PFADD: true if the estimate may have changed (a register was updated or the key created). */
  pfadd(key: Arg, ...elements: Arg[]): boolean {
    return this.command('PFADD', key, ...elements) === 1;
  }

  pfcount(...keys: Arg[]): number {
    return this.command('PFCOUNT', ...keys) as number;
  }

  pfmerge(destination: Arg, ...sources: Arg[]): void {
    this.command('PFMERGE', destination, ...sources);
  }

  // ---- Blocking operations: Promises that settle when the command is served or times out ----

  /**
   * Runs a blocking command (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN, ...) for a temporary client
   * of this store: resolves at once if it can be served, otherwise when another caller (in
   * process or over TCP) makes a key ready, or with null at the timeout. Rejects with
   * ReplyError for an error reply.
   */
  blocking(name: string, ...args: Arg[]): Promise<ReplyValue> {
    const writer = new ValueWriter('utf8');
    const client = new Client(this.instance, writer, null);
    client.select(this.client.dbIndex);
    this.instance.clients.set(client.id, client);
    const settle = (): ReplyValue => {
      this.instance.clientClosed(client);
      const r = writer.takeResult();
      if (r instanceof ReplyError) throw r;
      return r;
    };
    dispatch(client, [name, ...args.map(toBinary)]);
    if (client.blocked === null) {
      try {
        return Promise.resolve(settle());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise((resolve, reject) => {
      client.onUnblock = () => {
        try {
          resolve(settle());
        } catch (err) {
          reject(err);
        }
      };
    });
  }

  /** BLPOP: `[key, element]`, or null after `timeoutSeconds` (0 waits forever). */
  blpop(keys: Arg | Arg[], timeoutSeconds: number): Promise<[string, string] | null> {
    return this.blocking('BLPOP', ...(Array.isArray(keys) ? keys : [keys]), timeoutSeconds) as Promise<
      [string, string] | null
    >;
  }

  /** BRPOP: `[key, element]`, or null after `timeoutSeconds`. */
  brpop(keys: Arg | Arg[], timeoutSeconds: number): Promise<[string, string] | null> {
    return this.blocking('BRPOP', ...(Array.isArray(keys) ? keys : [keys]), timeoutSeconds) as Promise<
      [string, string] | null
    >;
  }

  /** BLMOVE: the moved element, or null after `timeoutSeconds`. */
  blmove(
    source: Arg,
    destination: Arg,
    from: 'LEFT' | 'RIGHT',
    to: 'LEFT' | 'RIGHT',
    timeoutSeconds: number,
  ): Promise<string | null> {
    return this.blocking('BLMOVE', source, destination, from, to, timeoutSeconds) as Promise<string | null>;
  }

  // ---- Transactions ----

  /**
   * Starts a transaction: queue commands on the returned object, then `exec()` runs them
   * atomically (MULTI/EXEC through the same dispatcher) and returns their replies, each error
   * reply as a ReplyError value in its slot; null if a WATCHed key changed.
   */
  multi(): Transaction {
    return new Transaction((argv) => this.execArgv(argv));
  }

  /** WATCH keys for the next multi().exec() of this store. */
  watch(...keys: Arg[]): void {
    this.command('WATCH', ...keys);
  }

  unwatch(): void {
    this.command('UNWATCH');
  }

  private execArgv(queued: string[][]): ReplyValue[] | null {
    this.exec('utf8', ['MULTI']);
    try {
      for (const argv of queued) this.exec('utf8', argv);
    } catch (err) {
      // A command rejected while queueing: EXEC would abort; discard and report the error.
      if (this.client.multi !== null) this.exec('utf8', ['DISCARD']);
      throw err;
    }
    return this.exec('utf8', ['EXEC']) as ReplyValue[] | null;
  }

  // ---- Pub/Sub: in-process subscribers share channels with TCP clients ----

  /** PUBLISH: returns how many subscribers (TCP and in-process) received the message. */
  publish(channel: Arg, message: Arg): number {
    return this.command('PUBLISH', channel, message) as number;
  }

  /**
   * Subscribes `handler` to channels. Messages arrive asynchronously (a microtask after the
   * publishing command), decoded as UTF-8. Returns a function that unsubscribes.
   */
  subscribe(channels: string | string[], handler: MessageHandler): () => void {
    return this.listen('channel', channels, handler);
  }

  /** Subscribes `handler` to glob patterns (PSUBSCRIBE rules). */
  psubscribe(patterns: string | string[], handler: MessageHandler): () => void {
    return this.listen('pattern', patterns, handler);
  }

  /**
   * The async-iterator form: `for await (const m of store.messages('news')) { ... }`.
   * Leaving the loop (break/return) unsubscribes.
   */
  messages(channels: string | string[], options: { pattern?: boolean } = {}): AsyncIterableIterator<Message> {
    const queue: Message[] = [];
    let wake: ((r: IteratorResult<Message>) => void) | null = null;
    let done = false;
    const stop = this.listen(
      options.pattern ? 'pattern' : 'channel',
      channels,
      (message, channel, pattern) => {
        const m: Message = pattern === undefined ? { channel, message } : { channel, message, pattern };
        if (wake !== null) {
          const w = wake;
          wake = null;
          w({ value: m, done: false });
        } else queue.push(m);
      },
    );
    const finish = (): Promise<IteratorResult<Message>> => {
      done = true;
      stop();
      if (wake !== null) wake({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        const m = queue.shift();
        if (m !== undefined) return Promise.resolve({ value: m, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => {
          wake = r;
        });
      },
      return: finish,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private listen(kind: 'channel' | 'pattern', names: string | string[], handler: MessageHandler): () => void {
    const sub = new LocalSubscriber(handler);
    const ps = this.instance.pubsub;
    const list = (Array.isArray(names) ? names : [names]).map((n) => toBinary(n));
    for (const n of list) {
      if (kind === 'channel') ps.subscribe(sub, n);
      else ps.psubscribe(sub, n);
    }
    return () => ps.removeAll(sub);
  }

  /**
   * ZADD: `zadd(key, score, member, score2, member2, ...)` or `zadd(key, [[score, member], ...],
   * options)`. Returns how many members were added (with `ch`, added or updated).
   */
  zadd(key: Arg, score: number, member: Arg, ...morePairs: Arg[]): number;
  zadd(key: Arg, pairs: Array<[number, Arg]>, options?: ZAddOptions): number;
  zadd(key: Arg, first: number | Array<[number, Arg]>, ...rest: unknown[]): number {
    const args: Arg[] = [key];
    if (Array.isArray(first)) {
      const o = (rest[0] ?? {}) as ZAddOptions;
      if (o.nx) args.push('NX');
      if (o.xx) args.push('XX');
      if (o.gt) args.push('GT');
      if (o.lt) args.push('LT');
      if (o.ch) args.push('CH');
      for (const [score, member] of first) args.push(scoreArg(score), member);
    } else {
      args.push(scoreArg(first));
      const more = rest as Arg[];
      for (let i = 0; i < more.length; i++) {
        const a = more[i]!;
        args.push(i % 2 === 1 && typeof a === 'number' ? scoreArg(a) : a);
      }
    }
    return this.command('ZADD', ...args) as number;
  }

  /** ZRANGE with its options; `withScores` gives [member, score] pairs. */
  zrange(key: Arg, start: Arg, stop: Arg, options?: ZRangeOptions & { withScores?: false }): string[];
  zrange(
    key: Arg,
    start: Arg,
    stop: Arg,
    options: ZRangeOptions & { withScores: true },
  ): Array<[string, number]>;
  zrange(key: Arg, start: Arg, stop: Arg, options: ZRangeOptions = {}): string[] | Array<[string, number]> {
    const args: Arg[] = [key, start, stop];
    if (options.byScore) args.push('BYSCORE');
    if (options.byLex) args.push('BYLEX');
    if (options.rev) args.push('REV');
    if (options.limit) args.push('LIMIT', options.limit[0], options.limit[1]);
    if (options.withScores) args.push('WITHSCORES');
    return this.command('ZRANGE', ...args) as string[] | Array<[string, number]>;
  }

  /** ZRANK (or ZREVRANK with `rev`): the member's 0-based rank, or null. */
  zrank(key: Arg, member: Arg, rev = false): number | null {
    return this.command(rev ? 'ZREVRANK' : 'ZRANK', key, member) as number | null;
  }

  zscore(key: Arg, member: Arg): number | null {
    return this.command('ZSCORE', key, member) as number | null;
  }

  zrem(key: Arg, ...members: Arg[]): number {
    return this.command('ZREM', key, ...members) as number;
  }

  zcard(key: Arg): number {
    return this.command('ZCARD', key) as number;
  }

  /** ZINCRBY: the member's new score. */
  zincrBy(key: Arg, increment: number, member: Arg): number {
    return this.command('ZINCRBY', key, increment, member) as number;
  }

  /** Switches the store's current database (SELECT). */
  select(db: number): void {
    this.command('SELECT', db);
  }

  stats(): StoreStats {
    const ks = this.instance.ks;
    let keys = 0;
    let keysWithTtl = 0;
    for (const db of ks.dbs) {
      keys += db.size;
      keysWithTtl += db.expires.size;
    }
    return { keys, keysWithTtl, hits: ks.stats.hits, misses: ks.stats.misses, expired: ks.stats.expiredKeys };
  }

  metrics(): StoreMetrics {
    const ks = this.instance.ks.stats;
    const lookups = ks.hits + ks.misses;
    return {
      opsTotal: this.instance.stats.commands,
      hitRate: lookups === 0 ? 0 : ks.hits / lookups,
      // The store's own data (INFO used_memory, what its maxmemory is held to); RSS is the process's.
      memory: { usedBytes: this.instance.memory.used(), rssBytes: process.memoryUsage.rss() },
    };
  }

  /** Runs one active-expiry cycle now (what the timer does at `hz`). */
  activeExpireCycle(): void {
    this.instance.cron();
  }

  private requirePersistence(what: string): Persistence {
    if (this.persistence === null)
      throw new Error(`${what} needs persistence: create the MemoryStore with a 'dir' in config`);
    return this.persistence;
  }

  /** SAVE: writes the RDB file synchronously (a temporary file renamed over `dbfilename`). */
  save(): void {
    const p = this.requirePersistence('save()');
    if (p.bgsaveInProgress) throw new Error('save(): a background save is in progress');
    this.warnings.take();
    if (p.save() !== undefined) throw new Error(`save(): ${this.warnings.take() || 'failed'}`);
  }

  /**
   * Replaces the dataset with the RDB file's (DEBUG RELOAD without saving first). Refused with
   * appendonly yes (memory already equals the AOF) and when there is no file; on a corrupt
   * file it throws and leaves the store empty.
   */
  load(): void {
    this.requirePersistence('load()').reload();
  }

  /**
   * Stops the store's timers; the data stays readable. With persistence, first does what
   * SHUTDOWN does: the AOF is flushed and fsynced, then the RDB is saved if save points are
   * configured. If that fails it throws and the store stays open (call close() again).
   * Calling it again after it succeeded does nothing.
   */
  close(): void {
    if (this.closed) return;
    const p = this.persistence;
    if (p !== null) {
      this.warnings.take();
      const err = p.saveOnShutdown(null);
      if (err !== undefined) throw new Error(`close(): ${this.warnings.take() || err}`);
      p.close();
    }
    this.closed = true;
    this.instance.close();
  }
}
