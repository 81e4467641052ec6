/**
 * The command record: one per command (and per subcommand), in the spirit of Redis's
 * src/commands/*.json. Dispatch (arity, MULTI queueing, flags), COMMAND INFO/DOCS/GETKEYS,
 * ACL categories and key extraction all read these records; handlers never re-check arity.
 */

import type { Client } from './client.js';
import type { LatencyHistogram } from './latency-histogram.js';

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

/** One key specification, as COMMAND INFO reports it (Redis 7.0 key specs). */
export interface KeySpec {
  /** e.g. ['RW', 'ACCESS', 'UPDATE'] */
  flags: string[];
  /**
   * begin_search: index of the first key, or a keyword to search for, or unknown (SORT's BY/GET
   * and STORE keys: the command's getKeys finds them).
   */
  begin: { index: number } | { keyword: string; startFrom: number } | { unknown: true };
  /** find_keys: a range (lastKey relative: -1 = last arg), a count argument, or unknown. */
  find:
    | { lastKey: number; step: number; limit: number }
    | { keyNumIdx: number; firstKey: number; step: number }
    | { unknown: true };
  notes?: string;
}

export type Handler = (c: Client, argv: string[]) => void;

export interface CommandSpec {
  /** Lowercase name; subcommands are "container|sub". */
  name: string;
  /** Redis convention: N exact argument count (command name included), -N at least N. */
  arity: number;
  flags: CommandFlag[];
  /** Legacy key positions (COMMAND INFO first/last/step). */
  firstKey: number;
  lastKey: number;
  step: number;
  keySpecs?: KeySpec[];
  /** Extra ACL categories beyond those implied by the flags (e.g. 'string', 'keyspace'). */
  acl?: string[];
  /** COMMAND DOCS */
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  /** Argument syntax in Redis's documentation notation, e.g. "key value [NX | XX]". */
  syntax?: string;
  tips?: string[];
  history?: Array<[string, string]>;
  doc_flags?: string[];
  /** COMMAND DOCS deprecated_since / replaced_by (deprecated commands). */
  deprecatedSince?: string;
  replacedBy?: string;
  handler?: Handler;
  /** For container commands (CONFIG, CLIENT, OBJECT, COMMAND): their subcommands. */
  subcommands?: CommandSpec[];
  /** Computes key positions for commands whose keys move (movablekeys). */
  getKeys?: (argv: string[]) => number[];
}

/** Bits the dispatcher checks on every call, precomputed from the flags. */
export const F = {
  WRITE: 1 << 0,
  READONLY: 1 << 1,
  DENYOOM: 1 << 2,
  ADMIN: 1 << 3,
  PUBSUB: 1 << 4,
  NOSCRIPT: 1 << 5,
  BLOCKING: 1 << 6,
  LOADING: 1 << 7,
  STALE: 1 << 8,
  FAST: 1 << 9,
  NO_AUTH: 1 << 10,
  NO_MULTI: 1 << 11,
  SKIP_MONITOR: 1 << 12,
  MOVABLEKEYS: 1 << 13,
  MAY_REPLICATE: 1 << 14,
  PROTECTED: 1 << 15,
} as const;

const FLAG_BITS: Partial<Record<CommandFlag, number>> = {
  write: F.WRITE,
  readonly: F.READONLY,
  denyoom: F.DENYOOM,
  admin: F.ADMIN,
  pubsub: F.PUBSUB,
  noscript: F.NOSCRIPT,
  blocking: F.BLOCKING,
  loading: F.LOADING,
  stale: F.STALE,
  fast: F.FAST,
  no_auth: F.NO_AUTH,
  no_multi: F.NO_MULTI,
  skip_monitor: F.SKIP_MONITOR,
  movablekeys: F.MOVABLEKEYS,
  may_replicate: F.MAY_REPLICATE,
  protected: F.PROTECTED,
};

export function flagBits(flags: readonly CommandFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f] ?? 0;
  return bits;
}

/**
 * ACL categories as Redis derives them (server.c setImplicitACLCategories) from the flags,
 * plus the record's explicit ones.
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>((spec.acl ?? []).map((c) => c.toLowerCase()));
  const f = spec.flags;
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.includes('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  // Redis lists categories in the order of its ACLCommandCategories table (acl.c).
  return [...cats].sort((a, b) => catRank(a) - catRank(b));
}

/** Every ACL category, in the order Redis's acl.c table lists them (ACL CAT, COMMAND INFO). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

function catRank(cat: string): number {
  const i = (ACL_CATEGORIES as readonly string[]).indexOf(cat);
  return i < 0 ? ACL_CATEGORIES.length : i;
}

/** The record after registration: flags as bits, subcommands indexed by lowercase name. */
export interface Command extends CommandSpec {
  bits: number;
  subs: Map<string, Command> | null;
  /** Counters for INFO commandstats, and the latency histogram (made on the first timed call). */
  stats: {
    calls: number;
    usec: number;
    rejected: number;
    failed: number;
    histogram: LatencyHistogram | null;
  };
  parent: Command | null;
  /** "get", or "config|get" for subcommands. */
  fullName: string;
  /**
   * Where the members of the hash, set or sorted set at the first key are among the arguments, as
   * [first, step] (HSET: [2, 2]), for prefetching them; null for other commands.
   */
  memberArgs: readonly [number, number] | null;
}
