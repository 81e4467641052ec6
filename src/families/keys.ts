/**
 * The generic keyspace family (db.c, expire.c, object.c): DEL/UNLINK/EXISTS/TYPE/TOUCH, the
 * EXPIRE family with NX/XX/GT/LT, TTL reads, RENAME, KEYS, SCAN, RANDOMKEY, COPY, MOVE,
 * SWAPDB, DBSIZE, FLUSHDB/FLUSHALL and OBJECT.
 */

import { int64Arg, intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { cstr, E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { globMatch } from '../engine/glob.js';
import { encodingName, typeName, type Value } from '../engine/values/types.js';
import { delVerb, msArg, touched } from './common.js';
import { command, helpSubcommand, keyRange } from './define.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** getIntFromObjectOrReply: an int64 that must also fit in 32 bits. */
export function int32Arg(s: string, error?: string): number {
  const v = intArg(s, error);
  if (v < -2147483648 || v > 2147483647) {
    throw new ReplyError(error ?? 'ERR value is out of range, value must between -2147483648 and 2147483647');
  }
  return v;
}

function delGeneric(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i]!;
    c.db.find(key); // expire first, so an expired key is not counted as deleted
    if (c.db.delete(key)) {
      touched(c, key, NOTIFY.GENERIC, 'del');
      n++;
    }
  }
  c.reply.int(n);
}

function existsCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]!) !== undefined) n++;
  c.reply.int(n);
}

function typeCommand(c: Client, argv: string[]): void {
  const v = c.db.lookupRead(argv[1]!);
  c.reply.simple(v === undefined ? 'none' : typeName(v));
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/** expireGenericCommand: `basetime` is 0 for absolute forms, `unitMs` 1000 for seconds. */
function expireGeneric(c: Client, argv: string[], basetime: number, unitMs: number, name: string): void {
  const key = argv[1]!;
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!;
    if (isWord(opt, 'nx')) flags |= NX;
    else if (isWord(opt, 'xx')) flags |= XX;
    else if (isWord(opt, 'gt')) flags |= GT;
    else if (isWord(opt, 'lt')) flags |= LT;
    else throw new ReplyError(`ERR Unsupported option ${cstr(opt)}`);
  }
  if (flags & NX && flags & (XX | GT | LT)) throw new ReplyError(E.NX_XX_GT_LT);
  if (flags & GT && flags & LT) throw new ReplyError(E.GT_LT_NX);
  let when = BigInt(int64Arg(argv[2]!));
  if (unitMs === 1000) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw new ReplyError(E.INVALID_EXPIRE(name));
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(basetime)) throw new ReplyError(E.INVALID_EXPIRE(name));
  when += BigInt(basetime);
  if (c.db.get(key) === undefined) {
    c.reply.int(0);
    return;
  }
  const at = Number(when);
  if (flags !== 0) {
    const cur = c.db.getExpire(key);
    const refused =
      (flags & NX && cur !== undefined) ||
      (flags & XX && cur === undefined) ||
      (flags & GT && (cur === undefined || at <= cur)) ||
      (flags & LT && cur !== undefined && at >= cur);
    if (refused) {
      c.reply.int(0);
      return;
    }
  }
  // checkAlreadyExpired: while the AOF loads, a past time is set, not turned into a deletion.
  if (at <= c.inst.ks.now && !c.inst.ks.loading) {
    c.db.delete(key);
    touched(c, key, NOTIFY.GENERIC, 'del');
    c.rewriteCommand([delVerb(c, 'lazyfree-lazy-expire'), key]);
  } else {
    c.db.setExpire(key, at);
    touched(c, key, NOTIFY.GENERIC, 'expire');
    // Propagated as PEXPIREAT with the absolute time (options kept), as Redis does.
    if (name !== 'pexpireat') {
      const out = argv.slice();
      out[0] = 'PEXPIREAT';
      out[2] = msArg(at);
      c.rewriteCommand(out);
    }
  }
  c.reply.int(1);
}

function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): void {
  if (c.db.lookupRead(key) === undefined) {
    c.reply.int(-2);
    return;
  }
  const at = c.db.getExpire(key);
  if (at === undefined) {
    c.reply.int(-1);
    return;
  }
  let ttl = absolute ? at : at - c.inst.ks.now;
  if (ttl < 0) ttl = 0;
  // Expire times are doubles: PXAT 9223372036854775807 is stored as 2^63, which is not an
  // int64. Answer Redis's maximum instead of a number no client can parse as a 64-bit integer.
  if (ms && ttl >= 2 ** 63) {
    c.reply.int(9223372036854775807n);
    return;
  }
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  if (c.db.get(key) === undefined || !c.db.persist(key)) {
    c.reply.int(0);
    return;
  }
  touched(c, key, NOTIFY.GENERIC, 'persist');
  c.reply.int(1);
}

function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  const v = c.db.get(src);
  if (v === undefined) throw new ReplyError(E.NO_SUCH_KEY);
  if (src === dst) {
    if (nx) c.reply.int(0);
    else c.reply.ok();
    return;
  }
  const expire = c.db.getExpire(src);
  if (c.db.get(dst) !== undefined) {
    if (nx) {
      c.reply.int(0);
      return;
    }
    c.db.delete(dst);
  }
  c.db.add(dst, v);
  if (expire !== undefined) c.db.setExpire(dst, expire);
  c.db.delete(src);
  const ks = c.inst.ks;
  ks.keyModified(c.dbIndex, src);
  ks.keyModified(c.dbIndex, dst);
  ks.notify(NOTIFY.GENERIC, 'rename_from', src, c.dbIndex);
  ks.notify(NOTIFY.GENERIC, 'rename_to', dst, c.dbIndex);
  c.inst.dirty++;
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function keysCommand(c: Client, argv: string[]): void {
  const pattern = argv[1]!;
  const all = pattern === '*';
  const dict = c.db.dict;
  const expires = c.db.expires;
  const now = c.inst.ks.now;
  const out: string[] = [];
  for (let i = 0; i < dict.size; i++) {
    const key = dict.keyAt(i);
    if (!all && !globMatch(pattern, key)) continue;
    if (expires.size !== 0) {
      const at = expires.get(key);
      if (at !== undefined && now > at) continue;
    }
    out.push(key);
  }
  c.reply.array(out.length);
  for (const k of out) c.reply.bulk(k);
}

const ULONG_MAX = 18446744073709551615n;

/** parseScanCursorOrReply: strtoul rules (sign allowed, no leading space, no overflow). */
export function scanCursorArg(s: string): number {
  if (s.length > 0 && !/^[+-]?\d+$/.test(s)) throw new ReplyError(E.INVALID_CURSOR);
  if (s.length === 0) return 0;
  let v = BigInt(s);
  const abs = v < 0n ? -v : v;
  if (abs > ULONG_MAX) throw new ReplyError(E.INVALID_CURSOR);
  if (v < 0n) v = ULONG_MAX + 1n + v;
  // Only the low bits address buckets; the tables never exceed 2^32 buckets.
  return Number(v & 0xffffffffn);
}

interface ScanOptions {
  count: number;
  pattern: string | null;
  type: string | null;
}

/** Parses COUNT/MATCH/TYPE from `from` on, as Redis's scanGenericCommand does. */
export function scanOptions(argv: string[], from: number, allowType: boolean): ScanOptions {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length; ) {
    const left = argv.length - i;
    const opt = argv[i]!;
    if (isWord(opt, 'count') && left >= 2) {
      o.count = intArg(argv[i + 1]!);
      if (o.count < 1) throw syntaxError();
      i += 2;
    } else if (isWord(opt, 'match') && left >= 2) {
      const p = argv[i + 1]!;
      o.pattern = p === '*' ? null : p;
      i += 2;
    } else if (allowType && isWord(opt, 'type') && left >= 2) {
      o.type = argv[i + 1]!;
      i += 2;
    } else throw syntaxError();
  }
  return o;
}

function scanCommand(c: Client, argv: string[]): void {
  let cursor = scanCursorArg(argv[1]!);
  const { count, pattern, type } = scanOptions(argv, 2, true);
  const dict = c.db.dict;
  const found: string[] = [];
  let iterations = count * 10;
  do {
    cursor = dict.scanStep(cursor, (e) => found.push(dict.keyAt(e)));
  } while (cursor !== 0 && iterations-- > 0 && found.length < count);
  const out: string[] = [];
  for (const key of found) {
    if (pattern !== null && !globMatch(pattern, key)) continue;
    if (type !== null) {
      const v = c.db.lookupRead(key);
      if (v === undefined || typeName(v).toLowerCase() !== type.toLowerCase()) continue;
    }
    if (c.db.find(key) < 0) continue; // expired: Redis deletes it and leaves it out
    out.push(key);
  }
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.array(out.length);
  for (const k of out) c.reply.bulk(k);
}

function randomkeyCommand(c: Client): void {
  const key = c.db.randomKey();
  if (key === undefined) c.reply.nil();
  else c.reply.bulk(key);
}

function touchCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]!) !== undefined) n++;
  c.reply.int(n);
}

/** A copy of a value for COPY; primitive strings are immutable and shared, like embstr. */
function duplicate(v: Value): Value {
  return typeof v === 'object' ? (v.clone() as Value) : v;
}

function dbIndexArg(c: Client, s: string): number {
  const id = int32Arg(s);
  if (id < 0 || id >= c.inst.ks.dbs.length) throw new ReplyError(E.DB_INDEX);
  return id;
}

function copyCommand(c: Client, argv: string[]): void {
  const src = argv[1]!;
  const dst = argv[2]!;
  let replace = false;
  let dbid = c.dbIndex;
  for (let j = 3; j < argv.length; j++) {
    if (isWord(argv[j]!, 'replace')) replace = true;
    else if (isWord(argv[j]!, 'db') && j < argv.length - 1) dbid = dbIndexArg(c, argv[++j]!);
    else throw syntaxError();
  }
  if (dbid === c.dbIndex && src === dst) throw new ReplyError(E.SAME_OBJECT);
  const v = c.db.lookupRead(src);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const expire = c.db.getExpire(src);
  const target = c.inst.ks.db(dbid);
  if (target.get(dst) !== undefined) {
    if (!replace) {
      c.reply.int(0);
      return;
    }
    target.delete(dst);
  }
  target.add(dst, duplicate(v));
  if (expire !== undefined) target.setExpire(dst, expire);
  c.inst.ks.keyModified(dbid, dst);
  c.inst.ks.notify(NOTIFY.GENERIC, 'copy_to', dst, dbid);
  c.inst.dirty++;
  c.reply.int(1);
}

function moveCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const dbid = dbIndexArg(c, argv[2]!);
  if (dbid === c.dbIndex) throw new ReplyError(E.SAME_OBJECT);
  const v = c.db.get(key);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  const expire = c.db.getExpire(key);
  const target = c.inst.ks.db(dbid);
  if (target.get(key) !== undefined) {
    c.reply.int(0);
    return;
  }
  target.add(key, v);
  if (expire !== undefined) target.setExpire(key, expire);
  c.db.delete(key);
  const ks = c.inst.ks;
  ks.keyModified(c.dbIndex, key);
  ks.keyModified(dbid, key);
  ks.notify(NOTIFY.GENERIC, 'move_from', key, c.dbIndex);
  ks.notify(NOTIFY.GENERIC, 'move_to', key, dbid);
  c.inst.dirty++;
  c.reply.int(1);
}

function swapdbCommand(c: Client, argv: string[]): void {
  const a = int32Arg(argv[1]!, 'ERR invalid first DB index');
  const b = int32Arg(argv[2]!, 'ERR invalid second DB index');
  const n = c.inst.ks.dbs.length;
  if (a < 0 || a >= n || b < 0 || b >= n) throw new ReplyError(E.DB_INDEX);
  if (a !== b) {
    c.inst.ks.swap(a, b);
    c.inst.rescanBlockedKeys(a);
    c.inst.rescanBlockedKeys(b);
  }
  c.inst.dirty++;
  c.reply.ok();
}

function flushArgs(argv: string[]): void {
  if (argv.length > 2) throw syntaxError();
  if (argv.length === 2 && !isWord(argv[1]!, 'sync') && !isWord(argv[1]!, 'async')) throw syntaxError();
}

function flushdbCommand(c: Client, argv: string[]): void {
  flushArgs(argv);
  c.inst.ks.dbModified(c.dbIndex);
  c.inst.dirty += c.db.clear();
  c.reply.ok();
}

function flushallCommand(c: Client, argv: string[]): void {
  flushArgs(argv);
  c.inst.dirty += c.inst.ks.flushAll();
  // Redis saves right away after FLUSHALL when save points are configured.
  const p = c.inst.persistence;
  if (p?.hasSavePoints()) p.save();
  c.inst.dirty++;
  c.reply.ok();
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function objectLookup(c: Client, key: string): Value | undefined {
  const e = c.db.find(key);
  return e < 0 ? undefined : c.db.dict.valueAt(e);
}

function objectEncoding(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]!);
  if (v === undefined) c.reply.nil();
  else c.reply.bulk(encodingName(v));
}

function objectRefcount(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]!);
  if (v === undefined) {
    c.reply.nil();
    return;
  }
  // Redis shares the objects of integers 0..9999 (OBJ_SHARED_REFCOUNT) unless an LRU/LFU
  // eviction policy needs per-object access data; with no maxmemory set they are shared anyway.
  const policy = c.inst.config.string('maxmemory-policy');
  const sharedInts =
    c.inst.config.number('maxmemory') === 0 || (!policy.includes('lru') && !policy.includes('lfu'));
  c.reply.int(sharedInts && typeof v === 'number' && v >= 0 && v < 10000 ? 2147483647 : 1);
}

function objectIdletime(c: Client, argv: string[]): void {
  if (c.inst.config.string('maxmemory-policy').includes('lfu')) {
    throw new ReplyError(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  const idle = c.db.idleSeconds(argv[2]!);
  if (idle < 0) c.reply.nil();
  else c.reply.int(idle);
}

function objectFreq(c: Client, argv: string[]): void {
  if (!c.inst.config.string('maxmemory-policy').includes('lfu')) {
    throw new ReplyError(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  // LFUDecrAndReturn: the counter with its decay applied, without counting this as an access.
  const freq = c.db.frequency(argv[2]!);
  if (freq < 0) c.reply.nil();
  else c.reply.int(freq);
}

// ---- registration ----

const K = { group: 'generic', acl: 'keyspace' } as const;

export const keyCommands: CommandSpec[] = [
  command(
    'del',
    -2,
    'write',
    [1, -1, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RM delete', 1, -1)],
      summary: 'Delete a key',
      complexity:
        'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
      syntax: 'key [key ...]',
      tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    },
    delGeneric,
  ),
  command(
    'unlink',
    -2,
    'write fast',
    [1, -1, 1],
    {
      ...K,
      since: '4.0.0',
      keySpecs: [keyRange('RM delete', 1, -1)],
      summary:
        'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
      complexity:
        'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
      syntax: 'key [key ...]',
      tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    },
    delGeneric,
  ),
  command(
    'exists',
    -2,
    'readonly fast',
    [1, -1, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1, -1)],
      summary: 'Determine if a key exists',
      complexity: 'O(N) where N is the number of keys to check.',
      syntax: 'key [key ...]',
      history: [['3.0.3', 'Accepts multiple `key` arguments.']],
      tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    },
    existsCommand,
  ),
  command(
    'type',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Determine the type stored at key',
      complexity: 'O(1)',
      syntax: 'key',
    },
    typeCommand,
  ),
  command(
    'expire',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: "Set a key's time to live in seconds",
      complexity: 'O(1)',
      syntax: 'key seconds [NX | XX | GT | LT]{condition @7.0.0}',
      history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    },
    (c, a) => expireGeneric(c, a, c.inst.ks.now, 1000, 'expire'),
  ),
  command(
    'pexpire',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...K,
      since: '2.6.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: "Set a key's time to live in milliseconds",
      complexity: 'O(1)',
      syntax: 'key milliseconds [NX | XX | GT | LT]{condition @7.0.0}',
      history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    },
    (c, a) => expireGeneric(c, a, c.inst.ks.now, 1, 'pexpire'),
  ),
  command(
    'expireat',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...K,
      since: '1.2.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Set the expiration for a key as a UNIX timestamp',
      complexity: 'O(1)',
      syntax: 'key unix-time-seconds [NX | XX | GT | LT]{condition @7.0.0}',
      history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    },
    (c, a) => expireGeneric(c, a, 0, 1000, 'expireat'),
  ),
  command(
    'pexpireat',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...K,
      since: '2.6.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
      complexity: 'O(1)',
      syntax: 'key unix-time-milliseconds [NX | XX | GT | LT]{condition @7.0.0}',
      history: [['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.']],
    },
    (c, a) => expireGeneric(c, a, 0, 1, 'pexpireat'),
  ),
  command(
    'ttl',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...K,
      since: '1.0.0',
      summary: 'Get the time to live for a key in seconds',
      complexity: 'O(1)',
      syntax: 'key',
      tips: ['nondeterministic_output'],
      history: [['2.8.0', 'Added the -2 reply.']],
    },
    (c, a) => ttlGeneric(c, a[1]!, false, false),
  ),
  command(
    'pttl',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...K,
      since: '2.6.0',
      summary: 'Get the time to live for a key in milliseconds',
      complexity: 'O(1)',
      syntax: 'key',
      tips: ['nondeterministic_output'],
      history: [['2.8.0', 'Added the -2 reply.']],
    },
    (c, a) => ttlGeneric(c, a[1]!, true, false),
  ),
  command(
    'expiretime',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...K,
      since: '7.0.0',
      summary: 'Get the expiration Unix timestamp for a key',
      complexity: 'O(1)',
      syntax: 'key',
    },
    (c, a) => ttlGeneric(c, a[1]!, false, true),
  ),
  command(
    'pexpiretime',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...K,
      since: '7.0.0',
      summary: 'Get the expiration Unix timestamp for a key in milliseconds',
      complexity: 'O(1)',
      syntax: 'key',
    },
    (c, a) => ttlGeneric(c, a[1]!, true, true),
  ),
  command(
    'persist',
    2,
    'write fast',
    [1, 1, 1],
    {
      ...K,
      since: '2.2.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Remove the expiration from a key',
      complexity: 'O(1)',
      syntax: 'key',
    },
    persistCommand,
  ),
  command(
    'rename',
    3,
    'write',
    [1, 2, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1), keyRange('OW update', 2)],
      summary: 'Rename a key',
      complexity: 'O(1)',
      syntax: 'key newkey',
    },
    (c, a) => renameGeneric(c, a, false),
  ),
  command(
    'renamenx',
    3,
    'write fast',
    [1, 2, 1],
    {
      ...K,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1), keyRange('OW insert', 2)],
      summary: 'Rename a key, only if the new key does not exist',
      complexity: 'O(1)',
      syntax: 'key newkey',
      history: [
        ['3.2.0', 'The command no longer returns an error when source and destination names are the same.'],
      ],
    },
    (c, a) => renameGeneric(c, a, true),
  ),
  command(
    'keys',
    2,
    'readonly',
    [0, 0, 0],
    {
      ...K,
      acl: 'keyspace dangerous',
      since: '1.0.0',
      summary: 'Find all keys matching the given pattern',
      complexity:
        'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
      syntax: 'pattern',
      tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    },
    keysCommand,
  ),
  command(
    'scan',
    -2,
    'readonly',
    [0, 0, 0],
    {
      ...K,
      since: '2.8.0',
      summary: 'Incrementally iterate the keys space',
      complexity:
        'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
      syntax: 'cursor [MATCH pattern] [COUNT count] [TYPE type]{@6.0.0}',
      history: [['6.0.0', 'Added the `TYPE` subcommand.']],
      tips: ['nondeterministic_output', 'request_policy:special'],
    },
    scanCommand,
  ),
  command(
    'randomkey',
    1,
    'readonly',
    [0, 0, 0],
    {
      ...K,
      since: '1.0.0',
      summary: 'Return a random key from the keyspace',
      complexity: 'O(1)',
      tips: ['request_policy:all_shards', 'nondeterministic_output'],
    },
    randomkeyCommand,
  ),
  command(
    'touch',
    -2,
    'readonly fast',
    [1, -1, 1],
    {
      ...K,
      since: '3.2.1',
      keySpecs: [keyRange('RO', 1, -1)],
      summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
      complexity: 'O(N) where N is the number of keys that will be touched.',
      syntax: 'key [key ...]',
      tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
    },
    touchCommand,
  ),
  command(
    'copy',
    -3,
    'write denyoom',
    [1, 2, 1],
    {
      ...K,
      since: '6.2.0',
      keySpecs: [keyRange('RO access', 1), keyRange('OW update', 2)],
      summary: 'Copy a key',
      complexity:
        'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
      syntax: 'source destination [DB destination-db] [REPLACE]',
    },
    copyCommand,
  ),
  command(
    'move',
    3,
    'write fast',
    [1, 1, 1],
    { ...K, since: '1.0.0', summary: 'Move a key to another database', complexity: 'O(1)', syntax: 'key db' },
    moveCommand,
  ),
  command(
    'swapdb',
    3,
    'write fast',
    [0, 0, 0],
    {
      ...K,
      group: 'server',
      acl: 'keyspace dangerous',
      since: '4.0.0',
      summary: 'Swaps two Redis databases',
      complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
      syntax: 'index1 index2',
    },
    swapdbCommand,
  ),
  command(
    'dbsize',
    1,
    'readonly fast',
    [0, 0, 0],
    {
      ...K,
      group: 'server',
      since: '1.0.0',
      summary: 'Return the number of keys in the selected database',
      complexity: 'O(1)',
      tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    },
    (c) => c.reply.int(c.db.size),
  ),
  command(
    'flushdb',
    -1,
    'write',
    [0, 0, 0],
    {
      group: 'server',
      acl: 'keyspace dangerous',
      since: '1.0.0',
      summary: 'Remove all keys from the current database',
      complexity: 'O(N) where N is the number of keys in the selected database',
      syntax: '[ASYNC{@4.0.0} | SYNC{@6.2.0}]{async}',
      history: [
        ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
        ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
      ],
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    },
    flushdbCommand,
  ),
  command(
    'flushall',
    -1,
    'write',
    [0, 0, 0],
    {
      group: 'server',
      acl: 'keyspace dangerous',
      since: '1.0.0',
      summary: 'Remove all keys from all databases',
      complexity: 'O(N) where N is the total number of keys in all databases',
      syntax: '[ASYNC{@4.0.0} | SYNC{@6.2.0}]{async}',
      history: [
        ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
        ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
      ],
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    },
    flushallCommand,
  ),
  command(
    'object',
    -2,
    '',
    [0, 0, 0],
    {
      group: 'generic',
      since: '2.2.3',
      summary: 'A container for object introspection commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'object|encoding',
        3,
        'readonly',
        [2, 2, 1],
        {
          ...K,
          acl: 'keyspace',
          since: '2.2.3',
          keySpecs: [keyRange('RO', 2)],
          summary: 'Inspect the internal encoding of a Redis object',
          complexity: 'O(1)',
          syntax: 'key',
          tips: ['nondeterministic_output'],
        },
        objectEncoding,
      ),
      command(
        'object|freq',
        3,
        'readonly',
        [2, 2, 1],
        {
          ...K,
          since: '4.0.0',
          keySpecs: [keyRange('RO', 2)],
          summary: 'Get the logarithmic access frequency counter of a Redis object',
          complexity: 'O(1)',
          syntax: 'key',
          tips: ['nondeterministic_output'],
        },
        objectFreq,
      ),
      command(
        'object|idletime',
        3,
        'readonly',
        [2, 2, 1],
        {
          ...K,
          since: '2.2.3',
          keySpecs: [keyRange('RO', 2)],
          summary: 'Get the time since a Redis object was last accessed',
          complexity: 'O(1)',
          syntax: 'key',
          tips: ['nondeterministic_output'],
        },
        objectIdletime,
      ),
      command(
        'object|refcount',
        3,
        'readonly',
        [2, 2, 1],
        {
          ...K,
          since: '2.2.3',
          keySpecs: [keyRange('RO', 2)],
          summary: 'Get the number of references to the value of the key',
          complexity: 'O(1)',
          syntax: 'key',
          tips: ['nondeterministic_output'],
        },
        objectRefcount,
      ),
      helpSubcommand('object', K, '6.2.0', OBJECT_HELP),
    ],
  ),
];
