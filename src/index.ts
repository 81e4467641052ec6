/**
 * The mnemo library entry: MemoryStore gives a Node program the same engine, data types,
 * expiry and commands as mnemo-server, in-process, with no socket. Every call (the generic
 * `command()` and the typed helpers alike) goes through the same dispatch() as the server.
 * This module never imports server/.
 */

import { Client } from './commands/client.js';
import { call, resolve } from './commands/dispatch.js';
import { Instance } from './commands/instance.js';
import type { Command } from './commands/spec.js';
import { Config } from './config/config.js';
import type { Clock } from './engine/clock.js';
import { allCommands } from './families/index.js';
import { ReplyError } from './protocol/reply.js';
import { type BulkDecoding, type ReplyValue, ValueWriter } from './protocol/value-writer.js';

export type { Clock } from './engine/clock.js';
export { ManualClock, systemClock } from './engine/clock.js';
export { ReplyError } from './protocol/reply.js';
export type { BulkDecoding, ReplyValue } from './protocol/value-writer.js';

/** What a command argument may be: strings are sent as UTF-8, Buffers as their bytes. */
export type Arg = string | Buffer | number | bigint;

export interface MemoryStoreOptions {
  /** The time source for expiry (inject a ManualClock in tests). */
  clock?: Clock;
  /** Configuration directives, as in redis.conf (e.g. `{ databases: '4', hz: '20' }`). */
  config?: Record<string, string | number>;
  /** Run the periodic active-expiry cycle (default true; its timer never keeps Node alive). */
  activeExpire?: boolean;
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

const NON_ASCII = /[^\x00-\x7f]/;

/** The engine's binary-string form of an argument. */
export function toBinary(a: Arg): string {
  if (typeof a === 'string') return NON_ASCII.test(a) ? Buffer.from(a, 'utf8').latin1Slice() : a;
  if (typeof a === 'number' || typeof a === 'bigint') return String(a);
  return a.latin1Slice(0, a.length);
}

export class MemoryStore {
  readonly instance: Instance;
  private readonly client: Client;
  private readonly writer: ValueWriter;
  private readonly resolved = new Map<string, Command>();

  constructor(options: MemoryStoreOptions = {}) {
    const config = Config.defaults();
    if (options.config) {
      config.set(Object.entries(options.config).map(([k, v]) => [k, String(v)] as const));
    }
    this.instance = new Instance({
      config,
      commands: allCommands,
      cron: options.activeExpire !== false,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.writer = new ValueWriter('utf8');
    this.client = new Client(this.instance, this.writer, null);
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
    this.client.lastInteraction = this.instance.ks.clock.now();
    const cmd = this.cached(argv);
    if (cmd !== null) call(this.client, cmd, argv);
    const r = w.takeResult();
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

  set(key: Arg, value: Arg, options: SetOptions = {}): boolean {
    const args: Arg[] = [key, value];
    if (options.nx) args.push('NX');
    if (options.xx) args.push('XX');
    if (options.ttl !== undefined) args.push('EX', options.ttl);
    if (options.px !== undefined) args.push('PX', options.px);
    if (options.keepTtl) args.push('KEEPTTL');
    return this.command('SET', ...args) === 'OK';
  }

  get(key: Arg): string | null {
    return this.command('GET', key) as string | null;
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
    const mem = process.memoryUsage();
    return {
      opsTotal: this.instance.stats.commands,
      hitRate: lookups === 0 ? 0 : ks.hits / lookups,
      memory: { usedBytes: mem.heapUsed + mem.external, rssBytes: mem.rss },
    };
  }

  /** Runs one active-expiry cycle now (what the timer does at `hz`). */
  activeExpireCycle(): void {
    this.instance.cron();
  }

  /** Stops the store's timer. The data stays readable. */
  close(): void {
    this.instance.close();
  }
}
