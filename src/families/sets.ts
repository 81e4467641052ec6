/**
 * The set family (t_set.c): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SMOVE, SPOP and
 * SRANDMEMBER (with counts), SINTER/SUNION/SDIFF and their STORE forms, SINTERCARD and SSCAN.
 * A set that becomes empty is deleted. Membership replies use RESP3's set type where Redis does
 * (SRANDMEMBER's are arrays). Results are built the way Redis builds them, starting as an intset
 * and converting on the first non-integer or past set-max-intset-entries, so the encoding a
 * *STORE destination gets, and the ascending order of an intset result, match Redis's.
 */

import { isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { globMatch } from '../engine/glob.js';
import { SetValue } from '../engine/values/set.js';
import { parseInt64 } from '../engine/values/string.js';
import { readSet, touched, writableSet, wrongType } from './common.js';
import { command, genericGetKeys, keyNum, keyRange } from './define.js';
import { scanCursorArg, scanOptions } from './keys.js';

function saddCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  let set = writableSet(c, key);
  if (set === undefined) {
    set = SetValue.forFirstMember(argv[2]!);
    c.db.add(key, set);
  }
  const max = c.inst.thresholds.setIntsetEntries.num;
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.add(argv[j]!, max)) added++;
  if (added > 0) touched(c, key, NOTIFY.SET, 'sadd', added);
  c.reply.int(added);
}

function sremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const set = writableSet(c, key);
  if (set === undefined) {
    c.reply.int(0);
    return;
  }
  let removed = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (set.delete(argv[j]!)) {
      removed++;
      if (set.size === 0) {
        c.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (removed > 0) {
    touched(c, key, NOTIFY.SET, 'srem', removed);
    if (keyRemoved) c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  c.reply.int(removed);
}

function smembersCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  if (set === undefined) {
    c.reply.set(0);
    return;
  }
  const members = set.toArray();
  c.reply.set(members.length);
  for (const m of members) c.reply.bulk(m);
}

function sismemberCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.int(set?.has(argv[2]!) ? 1 : 0);
}

function smismemberCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.reply.int(set?.has(argv[j]!) ? 1 : 0);
}

function scardCommand(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]!);
  c.reply.int(set === undefined ? 0 : set.size);
}

function maxIntset(c: Client): number {
  return c.inst.thresholds.setIntsetEntries.num;
}

function smoveCommand(c: Client, argv: string[]): void {
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const member = argv[3]!;
  // Both keys are looked up first; a missing source answers 0 before any type check.
  const src = c.db.get(srcKey);
  let dst = c.db.get(dstKey);
  if (src === undefined) {
    c.reply.int(0);
    return;
  }
  if (!(src instanceof SetValue) || (dst !== undefined && !(dst instanceof SetValue))) throw wrongType();
  if (src === dst) {
    c.reply.int(src.has(member) ? 1 : 0);
    return;
  }
  if (!src.delete(member)) {
    c.reply.int(0);
    return;
  }
  const ks = c.inst.ks;
  ks.notify(NOTIFY.SET, 'srem', srcKey, c.dbIndex);
  if (src.size === 0) {
    c.db.delete(srcKey);
    ks.notify(NOTIFY.GENERIC, 'del', srcKey, c.dbIndex);
  }
  if (dst === undefined) {
    dst = SetValue.forFirstMember(member);
    c.db.add(dstKey, dst);
  }
  ks.keyModified(c.dbIndex, srcKey);
  c.inst.dirty++;
  if (dst.add(member, maxIntset(c))) touched(c, dstKey, NOTIFY.SET, 'sadd');
  c.reply.int(1);
}

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

/** getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply with one message for all. */
function atLeastArg(s: string, min: number, message: string): number {
  const v = parseInt64(s);
  if (v === null || v < min) throw new ReplyError(message);
  return Number(v);
}

/** SPOP key count (spopWithCountCommand). Redis propagates it as SREMs (or a DEL). */
function spopWithCount(c: Client, argv: string[]): void {
  const count = atLeastArg(argv[2]!, 0, MUST_BE_POSITIVE);
  const key = argv[1]!;
  const set = writableSet(c, key);
  if (set === undefined || count === 0) {
    c.reply.set(0);
    return;
  }
  const size = set.size;
  const ks = c.inst.ks;
  ks.notify(NOTIFY.SET, 'spop', key, c.dbIndex);
  c.inst.dirty += Math.min(count, size);
  if (count >= size) {
    // The whole set, replied the way SUNION would reply it.
    replySet(c, combine(c, [set], 'union'));
    c.db.delete(key);
    ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
    ks.keyModified(c.dbIndex, key);
    c.rewriteCommand(['DEL', key]);
    return;
  }
  const remaining = size - count;
  c.reply.set(count);
  // The random draw is propagated as what it removed: SREMs of up to 1024 members each (7.2's
  // batching; 7.0 sends one SREM per member, which replays the same), never SPOP itself.
  let batch: string[] = ['SREM', key];
  const removed = (m: string): void => {
    batch.push(m);
    if (batch.length === 1024 + 2) {
      c.alsoPropagate(batch);
      batch = ['SREM', key];
    }
  };
  c.preventPropagation();
  if (remaining * 5 > count) {
    // Few to pop: draw them one at a time.
    for (let i = 0; i < count; i++) {
      const m = set.popRandom()!;
      c.reply.bulk(m);
      removed(m);
    }
  } else {
    // Most of the set goes: draw the survivors into a new set (encoded for its first member,
    // as Redis's setTypeCreate decides) and reply with what is left in the old one.
    const max = maxIntset(c);
    let kept: SetValue | null = null;
    for (let i = 0; i < remaining; i++) {
      const m = set.popRandom()!;
      kept ??= SetValue.forFirstMember(m);
      kept.add(m, max);
    }
    for (const m of set.toArray()) {
      c.reply.bulk(m);
      removed(m);
    }
    c.db.overwrite(key, kept!);
  }
  if (batch.length > 2) c.alsoPropagate(batch);
  ks.keyModified(c.dbIndex, key);
}

function spopCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(c, argv);
    return;
  }
  if (argv.length > 3) throw syntaxError();
  const key = argv[1]!;
  const set = writableSet(c, key);
  if (set === undefined) {
    c.reply.nil();
    return;
  }
  const m = set.popRandom()!;
  const ks = c.inst.ks;
  ks.notify(NOTIFY.SET, 'spop', key, c.dbIndex);
  c.reply.bulk(m);
  c.rewriteCommand(['SREM', key, m]);
  if (set.size === 0) {
    c.db.delete(key);
    ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  ks.keyModified(c.dbIndex, key);
  c.inst.dirty++;
}

const INT64_MIN = -9223372036854775808n;

/** SRANDMEMBER key count (srandmemberWithCountCommand): always an array, never a RESP3 set. */
function srandmemberWithCount(c: Client, argv: string[]): void {
  const v = parseInt64(argv[2]!);
  if (v === null) throw new ReplyError(E.NOT_INTEGER);
  if (v === INT64_MIN) {
    throw new ReplyError(
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
  }
  const set = readSet(c, argv[1]!);
  if (set === undefined || v === 0) {
    c.reply.array(0);
    return;
  }
  const count = Math.abs(Number(v));
  const members = set.members;
  const size = members.size;
  if (v < 0 || count === 1) {
    // With repetitions, each draw independent.
    c.reply.array(count);
    for (let i = 0; i < count; i++) c.reply.bulk(members.keyAt(members.randomIndex()));
    return;
  }
  if (count >= size) {
    const all = set.toArray();
    c.reply.array(all.length);
    for (const m of all) c.reply.bulk(m);
    return;
  }
  // Distinct members. Near the set's size, a partial shuffle of a copy; otherwise draw and
  // reject repeats (Redis's CASE 3 and CASE 4). Either way the order is random.
  const out: string[] = [];
  if (count * 3 > size) {
    const keys = new Array<string>(size);
    for (let i = 0; i < size; i++) keys[i] = members.keyAt(i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = keys[j]!;
      keys[j] = keys[i]!;
      keys[i] = t;
      out.push(t);
    }
  } else {
    const seen = new Set<number>();
    while (out.length < count) {
      const i = members.randomIndex();
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(members.keyAt(i));
    }
  }
  c.reply.array(count);
  for (const m of out) c.reply.bulk(m);
}

function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(c, argv);
    return;
  }
  if (argv.length > 3) throw syntaxError();
  const set = readSet(c, argv[1]!);
  if (set === undefined) c.reply.nil();
  else c.reply.bulk(set.randomMember()!);
}

/** The sets behind `keys` (missing keys are undefined); WRONGTYPE if any key holds another type. */
function readSets(c: Client, keys: readonly string[]): Array<SetValue | undefined> {
  return keys.map((k) => readSet(c, k));
}

function replySet(c: Client, set: SetValue): void {
  const members = set.toArray();
  c.reply.set(members.length);
  for (const m of members) c.reply.bulk(m);
}

/** Stores a *STORE result, or deletes the destination when it is empty (setKey / dbDelete). */
function storeResult(c: Client, dst: string, result: SetValue, event: string): void {
  const n = result.size;
  if (n > 0) {
    c.db.setKey(dst, result);
    c.reply.int(n);
    c.inst.ks.notify(NOTIFY.SET, event, dst, c.dbIndex);
    c.inst.dirty++;
    return;
  }
  c.reply.int(0);
  if (c.db.delete(dst)) touched(c, dst, NOTIFY.GENERIC, 'del');
}

/**
 * SINTER / SINTERSTORE / SINTERCARD (sinterGenericCommand). The smallest set is iterated (a
 * stable sort by cardinality, as glibc's qsort is for this input) and each member tested against
 * the others, so an intset smallest set yields ascending order as in Redis.
 */
function sinterGeneric(
  c: Client,
  keys: readonly string[],
  dst: string | null,
  cardOnly: boolean,
  limit: number,
): void {
  const found = readSets(c, keys);
  if (found.some((s) => s === undefined)) {
    if (dst !== null) {
      if (c.db.delete(dst)) touched(c, dst, NOTIFY.GENERIC, 'del');
      c.reply.int(0);
    } else if (cardOnly) {
      c.reply.int(0);
    } else {
      c.reply.set(0);
    }
    return;
  }
  const sets = (found as SetValue[]).sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const out: string[] = [];
  let cardinality = 0;
  for (const m of first.toArray()) {
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      const other = sets[j]!;
      if (other !== first && !other.has(m)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    cardinality++;
    if (cardOnly) {
      if (limit !== 0 && cardinality >= limit) break;
    } else {
      out.push(m);
    }
  }
  if (cardOnly) {
    c.reply.int(cardinality);
  } else if (dst !== null) {
    const result = new SetValue(true); // createIntsetObject
    const max = maxIntset(c);
    for (const m of out) result.add(m, max);
    storeResult(c, dst, result, 'sinterstore');
  } else {
    c.reply.set(out.length);
    for (const m of out) c.reply.bulk(m);
  }
}

/**
 * The SUNION/SDIFF result set, built step by step as sunionDiffGenericCommand builds it: an
 * intset to start with, and for SDIFF the same choice between adding the survivors of the first
 * set (algorithm 1) or adding all of it and removing the others (algorithm 2), because a
 * transient non-integer or oversize member leaves the result a hashtable for good.
 */
function combine(c: Client, sets: ReadonlyArray<SetValue | undefined>, op: 'union' | 'diff'): SetValue {
  const max = maxIntset(c);
  const result = new SetValue(true);
  const first = sets[0];
  if (op === 'union') {
    for (const s of sets) if (s !== undefined) for (const m of s.toArray()) result.add(m, max);
    return result;
  }
  if (first === undefined) return result;
  for (let j = 1; j < sets.length; j++) if (sets[j] === first) return result; // same key: empty
  let algoOne = 0;
  let algoTwo = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    algoOne += first.size;
    algoTwo += s.size;
  }
  algoOne = Math.floor(algoOne / 2);
  if (algoOne <= algoTwo) {
    for (const m of first.toArray()) {
      let keep = true;
      for (let j = 1; j < sets.length; j++) {
        if (sets[j]?.has(m)) {
          keep = false;
          break;
        }
      }
      if (keep) result.add(m, max);
    }
    return result;
  }
  for (let j = 0; j < sets.length; j++) {
    const s = sets[j];
    if (s === undefined) continue;
    for (const m of s.toArray()) {
      if (j === 0) result.add(m, max);
      else result.delete(m);
    }
    if (result.size === 0) break;
  }
  return result;
}

function sunionDiffGeneric(
  c: Client,
  keys: readonly string[],
  dst: string | null,
  op: 'union' | 'diff',
): void {
  const result = combine(c, readSets(c, keys), op);
  if (dst === null) replySet(c, result);
  else storeResult(c, dst, result, op === 'union' ? 'sunionstore' : 'sdiffstore');
}

function sintercardCommand(c: Client, argv: string[]): void {
  const numkeys = atLeastArg(argv[1]!, 1, 'ERR numkeys should be greater than 0');
  if (numkeys > argv.length - 2)
    throw new ReplyError("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (isWord(argv[j]!, 'limit') && j < argv.length - 1) {
      limit = atLeastArg(argv[++j]!, 0, "ERR LIMIT can't be negative");
    } else {
      throw syntaxError();
    }
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), null, true, limit);
}

function sscanCommand(c: Client, argv: string[]): void {
  let cursor = scanCursorArg(argv[2]!);
  const set = readSet(c, argv[1]!);
  if (set === undefined) {
    c.reply.array(2);
    c.reply.bulk('0');
    c.reply.array(0);
    return;
  }
  const { count, pattern } = scanOptions(argv, 3, false);
  let found: string[];
  if (set.intset) {
    // Redis returns an intset whole, in ascending order, and ends the scan.
    found = set.toArray();
    cursor = 0;
  } else {
    const members = set.members;
    found = [];
    let iterations = count * 10;
    do {
      cursor = members.scanStep(cursor, (e) => found.push(members.keyAt(e)));
    } while (cursor !== 0 && iterations-- > 0 && found.length < count);
  }
  const out = pattern === null ? found : found.filter((m) => globMatch(pattern, m));
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.array(out.length);
  for (const m of out) c.reply.bulk(m);
}

// ---- registration ----

const S = { group: 'set', acl: 'set' } as const;

export const setCommands: CommandSpec[] = [
  command(
    'sadd',
    -3,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Add one or more members to a set',
      complexity:
        'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
      syntax: 'key member [member ...]',
      history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    },
    saddCommand,
  ),
  command(
    'srem',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove one or more members from a set',
      complexity: 'O(N) where N is the number of members to be removed.',
      syntax: 'key member [member ...]',
      history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    },
    sremCommand,
  ),
  command(
    'smembers',
    2,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      summary: 'Get all the members in a set',
      complexity: 'O(N) where N is the set cardinality.',
      syntax: 'key',
      tips: ['nondeterministic_output_order'],
    },
    smembersCommand,
  ),
  command(
    'sismember',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Determine if a given value is a member of a set',
      complexity: 'O(1)',
      syntax: 'key member',
    },
    sismemberCommand,
  ),
  command(
    'smismember',
    -3,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '6.2.0',
      summary: 'Returns the membership associated with the given elements for a set',
      complexity: 'O(N) where N is the number of elements being checked for membership',
      syntax: 'key member [member ...]',
    },
    smismemberCommand,
  ),
  command(
    'scard',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the number of members in a set',
      complexity: 'O(1)',
      syntax: 'key',
    },
    scardCommand,
  ),
  command(
    'smove',
    4,
    'write fast',
    [1, 2, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1), keyRange('RW insert', 2)],
      summary: 'Move a member from one set to another',
      complexity: 'O(1)',
      syntax: 'source destination member',
    },
    smoveCommand,
  ),
  command(
    'spop',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Remove and return one or multiple random members from a set',
      complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
      syntax: 'key [count]{@3.2.0}',
      history: [['3.2.0', 'Added the `count` argument.']],
      tips: ['nondeterministic_output'],
    },
    spopCommand,
  ),
  command(
    'srandmember',
    -2,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Get one or multiple random members from a set',
      complexity:
        'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
      syntax: 'key [count]{@2.6.0}',
      history: [['2.6.0', 'Added the optional `count` argument.']],
      tips: ['nondeterministic_output'],
    },
    srandmemberCommand,
  ),
  command(
    'sinter',
    -2,
    'readonly',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO access', 1, -1)],
      summary: 'Intersect multiple sets',
      complexity:
        'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
      syntax: 'key [key ...]',
      tips: ['nondeterministic_output_order'],
    },
    (c, a) => sinterGeneric(c, a.slice(1), null, false, 0),
  ),
  command(
    'sinterstore',
    -3,
    'write denyoom',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RW update', 1), keyRange('RO access', 2, -1)],
      summary: 'Intersect multiple sets and store the resulting set in a key',
      complexity:
        'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
      syntax: 'destination key [key ...]',
    },
    (c, a) => sinterGeneric(c, a.slice(2), a[1]!, false, 0),
  ),
  command(
    'sintercard',
    -3,
    'readonly movablekeys',
    [0, 0, 0],
    {
      ...S,
      since: '7.0.0',
      keySpecs: [keyNum('RO access', 1)],
      summary: 'Intersect multiple sets and return the cardinality of the result',
      complexity:
        'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
      syntax: 'numkeys key [key ...] [LIMIT limit{:integer}]',
      getKeys: genericGetKeys(0, 1, 2),
    },
    sintercardCommand,
  ),
  command(
    'sunion',
    -2,
    'readonly',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO access', 1, -1)],
      summary: 'Add multiple sets',
      complexity: 'O(N) where N is the total number of elements in all given sets.',
      syntax: 'key [key ...]',
      tips: ['nondeterministic_output_order'],
    },
    (c, a) => sunionDiffGeneric(c, a.slice(1), null, 'union'),
  ),
  command(
    'sunionstore',
    -3,
    'write denyoom',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('OW update', 1), keyRange('RO access', 2, -1)],
      summary: 'Add multiple sets and store the resulting set in a key',
      complexity: 'O(N) where N is the total number of elements in all given sets.',
      syntax: 'destination key [key ...]',
    },
    (c, a) => sunionDiffGeneric(c, a.slice(2), a[1]!, 'union'),
  ),
  command(
    'sdiff',
    -2,
    'readonly',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('RO access', 1, -1)],
      summary: 'Subtract multiple sets',
      complexity: 'O(N) where N is the total number of elements in all given sets.',
      syntax: 'key [key ...]',
      tips: ['nondeterministic_output_order'],
    },
    (c, a) => sunionDiffGeneric(c, a.slice(1), null, 'diff'),
  ),
  command(
    'sdiffstore',
    -3,
    'write denyoom',
    [1, -1, 1],
    {
      ...S,
      since: '1.0.0',
      keySpecs: [keyRange('OW update', 1), keyRange('RO access', 2, -1)],
      summary: 'Subtract multiple sets and store the resulting set in a key',
      complexity: 'O(N) where N is the total number of elements in all given sets.',
      syntax: 'destination key [key ...]',
    },
    (c, a) => sunionDiffGeneric(c, a.slice(2), a[1]!, 'diff'),
  ),
  command(
    'sscan',
    -3,
    'readonly',
    [1, 1, 1],
    {
      ...S,
      since: '2.8.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Incrementally iterate Set elements',
      complexity:
        'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
      syntax: 'key cursor [MATCH pattern] [COUNT count]',
      tips: ['nondeterministic_output'],
    },
    sscanCommand,
  ),
];
