/**
 * Compact constructors for the CommandSpec records at the bottom of each family module, so a
 * record reads as one line of facts (name, arity, flags, key positions, docs) plus its handler.
 */

import type { Client } from '../commands/client.js';
import type { CommandFlag, CommandSpec, Handler, KeySpec } from '../commands/spec.js';

export interface Meta {
  group: string;
  since: string;
  summary: string;
  complexity?: string;
  syntax?: string;
  /** Space-separated explicit ACL categories, e.g. "keyspace string". */
  acl?: string;
  tips?: string[];
  keySpecs?: KeySpec[];
  history?: Array<[string, string]>;
  doc_flags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  getKeys?: (argv: string[]) => number[];
}

export function command(
  name: string,
  arity: number,
  flags: string,
  keys: readonly [number, number, number],
  meta: Meta,
  handler: Handler | null,
  subcommands?: CommandSpec[],
): CommandSpec {
  const spec: CommandSpec = {
    name,
    arity,
    flags: flags === '' ? [] : (flags.split(' ') as CommandFlag[]),
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    group: meta.group,
    since: meta.since,
    summary: meta.summary,
  };
  if (meta.complexity !== undefined) spec.complexity = meta.complexity;
  if (meta.syntax !== undefined) spec.syntax = meta.syntax;
  if (meta.acl !== undefined) spec.acl = meta.acl.split(' ');
  if (meta.tips !== undefined) spec.tips = meta.tips;
  if (meta.keySpecs !== undefined) spec.keySpecs = meta.keySpecs;
  if (meta.history !== undefined) spec.history = meta.history;
  if (meta.doc_flags !== undefined) spec.doc_flags = meta.doc_flags;
  if (meta.deprecatedSince !== undefined) spec.deprecatedSince = meta.deprecatedSince;
  if (meta.replacedBy !== undefined) spec.replacedBy = meta.replacedBy;
  if (meta.getKeys !== undefined) spec.getKeys = meta.getKeys;
  if (handler !== null) spec.handler = handler;
  if (subcommands !== undefined) spec.subcommands = subcommands;
  return spec;
}

/** A key spec with a fixed first-key index and a range of keys after it. */
export function keyRange(flags: string, index: number, lastKey = 0, step = 1, limit = 0): KeySpec {
  return { flags: flags.split(' '), begin: { index }, find: { lastKey, step, limit } };
}

/** A key spec whose keys follow a `numkeys` argument (LMPOP, SINTERCARD, ZUNION, EVAL...). */
export function keyNum(flags: string, index: number, keyNumIdx = 0, firstKey = 1, step = 1): KeySpec {
  return { flags: flags.split(' '), begin: { index }, find: { keyNumIdx, firstKey, step } };
}

/**
 * Redis's genericGetKeys for movable-key commands: `numkeys` at `countIndex` (read with atoi),
 * keys from `firstIndex` every `step`, plus the destination at `storeIndex` when it is not 0.
 * No keys when numkeys is below 1 or more than the arguments hold.
 */
export function genericGetKeys(
  storeIndex: number,
  countIndex: number,
  firstIndex: number,
  step = 1,
): (argv: string[]) => number[] {
  return (argv) => {
    const num = atoi(argv[countIndex] ?? '');
    if (num < 1 || num > Math.trunc((argv.length - firstIndex) / step)) return [];
    const keys: number[] = [];
    for (let i = 0; i < num; i++) keys.push(firstIndex + i * step);
    if (storeIndex !== 0) keys.push(storeIndex);
    return keys;
  };
}

/** C's atoi as glibc does it: strtol (leading space, sign, digits, clamped), cut to an int. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[1]!);
  if (v > 9223372036854775807n) v = 9223372036854775807n;
  if (v < -9223372036854775808n) v = -9223372036854775808n;
  return Number(BigInt.asIntN(32, v));
}

/** Redis's addReplyHelp: the help lines (usage, subcommands, then HELP) as simple strings. */
export function replyHelp(c: Client, lines: readonly string[]): void {
  c.reply.array(lines.length);
  for (const l of lines) c.reply.simple(l);
}

/**
 * A container's HELP subcommand, the same record for every container: arity 2, loading and
 * stale, O(1), answering `lines`.
 */
export function helpSubcommand(
  container: string,
  base: { readonly group: string; readonly acl?: string },
  since: string,
  lines: readonly string[],
  // LATENCY HELP's summary ends with a period in Redis.
  summary = 'Show helpful text about the different subcommands',
): CommandSpec {
  return command(
    `${container}|help`,
    2,
    'loading stale',
    [0, 0, 0],
    { ...base, since, summary, complexity: 'O(1)' },
    (c) => replyHelp(c, lines),
  );
}
