/**
 * The sorted set family (t_zset.c): ZADD/ZINCRBY, score and rank reads, the ZRANGE family by
 * rank, score and lex (with REV, LIMIT, WITHSCORES and ZRANGESTORE), removals by member and by
 * range, ZPOPMIN/ZPOPMAX/ZMPOP, ZRANDMEMBER, ZUNION/ZINTER/ZDIFF (and STORE, ZINTERCARD) with
 * WEIGHTS/AGGREGATE over sorted sets and sets, and ZSCAN. Replies, errors, keyspace events,
 * dirty counts and the listpack/skiplist encoding follow Redis 7.0, including its parsing quirks
 * (range bounds go through plain strtod, so "" is 0 and "1e999" is inf; lex bounds must start
 * with '(' or '[').
 *
 * Lex ranges over members with different scores are unspecified in Redis; for a listpack it
 * scans linearly and for a skiplist it searches, and so do we (ZSetValue.listpack), so small
 * sets answer exactly as Redis does even then.
 *
 * The blocking BZPOPMIN/BZPOPMAX/BZMPOP reuse `zpopAndReply`, which pops from one key, writes
 * the reply in the requested shape and does the bookkeeping.
 */

import { doubleArg, hexFloat, int64Arg, intArg, isWord, parseDouble, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { StrSet } from '../engine/dict.js';
import { NOTIFY } from '../engine/events.js';
import { globMatch } from '../engine/glob.js';
import type { SetValue } from '../engine/values/set.js';
import { ScoreTable, ZSetValue } from '../engine/values/zset.js';
import { formatDouble17g } from '../protocol/reply.js';
import { readAs, touched, writableAs, wrongType } from './common.js';
import { command, genericGetKeys, keyNum, keyRange } from './define.js';
import { scanCursorArg, scanOptions } from './keys.js';

const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const NAN_SCORE = 'ERR resulting score is not a number (NaN)';

export function readZSet(c: Client, key: string): ZSetValue | undefined {
  return readAs<ZSetValue>(c, key, 'zset');
}

export function writableZSet(c: Client, key: string): ZSetValue | undefined {
  return writableAs<ZSetValue>(c, key, 'zset');
}

function listpackLimits(c: Client): { entries: number; value: number } {
  return {
    entries: c.inst.thresholds.zsetEntries.num,
    value: c.inst.thresholds.zsetValue.num,
  };
}

// ---- score and lex ranges ----

interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF = /^[+-]?inf(?:inity)?$/i;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/;

/**
 * C's strtod over a whole C string, as zslParseRange uses it: the argument ends at its first NUL,
 * leading whitespace is skipped, nothing may follow the number; "" converts nothing and reads
 * as 0, overflow gives ±inf. Returns null where Redis rejects (garbage, NaN).
 */
function strtodWhole(arg: string): number | null {
  const nul = arg.indexOf('\0');
  const s = nul < 0 ? arg : arg.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const body = i === 0 ? s : s.slice(i);
  if (DECIMAL.test(body)) return Number(body);
  if (INF.test(body)) return body.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const m = HEX.exec(body);
  if (m !== null) return hexFloat(m[1] === '-', m[2]!, Number(m[3] ?? '0'));
  return null;
}

/** zslParseRange: `(` makes a bound exclusive. */
function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  const bound = (s: string): [number, boolean] => {
    const ex = s.charCodeAt(0) === 40;
    const v = strtodWhole(ex ? s.slice(1) : s);
    if (v === null) throw new ReplyError(NOT_FLOAT_RANGE);
    return [v, ex];
  };
  [r.min, r.minex] = bound(minArg);
  [r.max, r.maxex] = bound(maxArg);
  return r;
}

function gteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

function lteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** Rank of the first member in the score range, or -1 (zslFirstInRange). */
function firstInRange(z: ZSetValue, r: ScoreRange): number {
  if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return -1;
  const i = z.index.countUntil((s) => gteMin(s, r));
  if (i >= z.size) return -1;
  return lteMax(z.index.at(i)[1], r) ? i : -1;
}

/** Rank of the last member in the score range, or -1 (zslLastInRange). */
function lastInRange(z: ZSetValue, r: ScoreRange): number {
  if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return -1;
  const i = z.index.countUntil((s) => !lteMax(s, r)) - 1;
  if (i < 0) return -1;
  return gteMin(z.index.at(i)[1], r) ? i : -1;
}

/** A lex bound: -1 for "-", 1 for "+", 0 for a string. */
interface LexRange {
  min: string;
  max: string;
  minInf: number;
  maxInf: number;
  minex: boolean;
  maxex: boolean;
}

/** zslParseLexRangeItem: "+", "-", "(value" or "[value" (a C string: "+\0x" is "+"). */
function parseLexItem(s: string): [string, number, boolean] {
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    if (s.length > 1 && s.charCodeAt(1) !== 0) throw new ReplyError(NOT_LEX_RANGE);
    return ['', c0 === 43 ? 1 : -1, true];
  }
  if (c0 === 40) return [s.slice(1), 0, true];
  if (c0 === 91) return [s.slice(1), 0, false];
  throw new ReplyError(NOT_LEX_RANGE);
}

function parseLexRange(minArg: string, maxArg: string): LexRange {
  const [min, minInf, minex] = parseLexItem(minArg);
  const [max, maxInf, maxex] = parseLexItem(maxArg);
  return { min, max, minInf, maxInf, minex, maxex };
}

/** sdscmplex of a member with a bound. */
function cmpLex(v: string, bound: string, inf: number): number {
  if (inf !== 0) return -inf;
  return v < bound ? -1 : v > bound ? 1 : 0;
}

function lexGteMin(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.min, r.minInf);
  return r.minex ? c > 0 : c >= 0;
}

function lexLteMax(v: string, r: LexRange): boolean {
  const c = cmpLex(v, r.max, r.maxInf);
  return r.maxex ? c < 0 : c <= 0;
}

/** A range that can hold nothing whatever the set (min above max, or equal and exclusive). */
function lexEmpty(r: LexRange): boolean {
  let c: number;
  if (r.minInf !== 0 && r.minInf === r.maxInf) c = 0;
  else if (r.minInf === -1 || r.maxInf === 1) c = -1;
  else if (r.minInf === 1 || r.maxInf === -1) c = 1;
  else c = r.min < r.max ? -1 : r.min > r.max ? 1 : 0;
  return c > 0 || (c === 0 && (r.minex || r.maxex));
}

/** zzlIsInLexRange / zslIsInLexRange. */
function isInLexRange(z: ZSetValue, r: LexRange): boolean {
  if (lexEmpty(r) || z.size === 0) return false;
  return lexGteMin(z.index.at(z.size - 1)[0], r) && lexLteMax(z.index.at(0)[0], r);
}

/** Rank of the first member in the lex range, or -1: a linear scan for a listpack, a search otherwise. */
function firstInLexRange(z: ZSetValue, r: LexRange): number {
  if (!isInLexRange(z, r)) return -1;
  let i = -1;
  if (z.listpack) {
    let k = 0;
    z.index.walk(0, false, (m) => {
      if (lexGteMin(m, r)) {
        i = k;
        return false;
      }
      k++;
      return true;
    });
    if (i < 0) return -1;
  } else {
    i = z.index.countUntil((_s, m) => lexGteMin(m, r));
    if (i >= z.size) return -1;
  }
  return lexLteMax(z.index.at(i)[0], r) ? i : -1;
}

/** Rank of the last member in the lex range, or -1. */
function lastInLexRange(z: ZSetValue, r: LexRange): number {
  if (!isInLexRange(z, r)) return -1;
  let i = -1;
  if (z.listpack) {
    let k = z.size - 1;
    z.index.walk(k, true, (m) => {
      if (lexLteMax(m, r)) {
        i = k;
        return false;
      }
      k--;
      return true;
    });
    if (i < 0) return -1;
  } else {
    i = z.index.countUntil((_s, m) => !lexLteMax(m, r)) - 1;
    if (i < 0) return -1;
  }
  return lexGteMin(z.index.at(i)[0], r) ? i : -1;
}

/**
 * Redis's range loop: from rank `start`, skip `offset` members unchecked, then take members while
 * `inRange` holds, at most `limit` of them (a negative limit is no limit, a negative offset runs
 * off the end).
 */
function collectRange(
  z: ZSetValue,
  start: number,
  reverse: boolean,
  offset: number,
  limit: number,
  inRange: (member: string, score: number) => boolean,
  out: { members: string[]; scores: number[] },
): void {
  if (start < 0 || offset < 0) return;
  const from = reverse ? start - offset : start + offset;
  if (from < 0 || from >= z.size) return;
  z.index.walk(from, reverse, (m, s) => {
    if (limit === 0 || !inRange(m, s)) return false;
    limit--;
    out.members.push(m);
    out.scores.push(s);
    return true;
  });
}

// ---- adding ----

const IN_INCR = 1;
const IN_NX = 2;
const IN_XX = 4;
const IN_GT = 8;
const IN_LT = 16;

const OUT_NAN = 1;
const OUT_ADDED = 2;
const OUT_UPDATED = 4;
const OUT_NOP = 8;

/** The score zsetAdd settled on (Redis's *newscore out-parameter). */
let addedScore = 0;

/**
 * zsetAdd: adds or updates one member under the NX/XX/GT/LT/INCR rules, converting a listpack
 * that would grow past the configured limits. Returns OUT_* flags; the score is in addedScore.
 */
function zsetAdd(
  z: ZSetValue,
  score: number,
  member: string,
  flags: number,
  limits: { entries: number; value: number },
): number {
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & IN_NX) return OUT_NOP;
    if (flags & IN_INCR) {
      score += cur;
      if (Number.isNaN(score)) return OUT_NAN;
    }
    if ((flags & IN_LT && score >= cur) || (flags & IN_GT && score <= cur)) return OUT_NOP;
    addedScore = score;
    if (score !== cur) {
      z.update(member, cur, score);
      return OUT_UPDATED;
    }
    return 0;
  }
  if (flags & IN_XX) return OUT_NOP;
  if (z.listpack && (z.size + 1 > limits.entries || member.length > limits.value)) z.listpack = false;
  z.insert(member, score);
  addedScore = score;
  return OUT_ADDED;
}

/** A new zset for a key, encoded as Redis creates it for its first member. */
function newZSet(limits: { entries: number; value: number }, firstMember: string): ZSetValue {
  return new ZSetValue(limits.entries !== 0 && firstMember.length <= limits.value);
}

/** zaddGenericCommand: ZADD, and ZINCRBY (flags = IN_INCR). */
function zaddGeneric(c: Client, argv: string[], flags: number): void {
  const key = argv[1]!;
  let ch = false;
  let scoreIdx = 2;
  for (; scoreIdx < argv.length; scoreIdx++) {
    const opt = argv[scoreIdx]!;
    if (isWord(opt, 'nx')) flags |= IN_NX;
    else if (isWord(opt, 'xx')) flags |= IN_XX;
    else if (isWord(opt, 'ch')) ch = true;
    else if (isWord(opt, 'incr')) flags |= IN_INCR;
    else if (isWord(opt, 'gt')) flags |= IN_GT;
    else if (isWord(opt, 'lt')) flags |= IN_LT;
    else break;
  }
  const incr = (flags & IN_INCR) !== 0;
  const nx = (flags & IN_NX) !== 0;
  const gt = (flags & IN_GT) !== 0;
  const lt = (flags & IN_LT) !== 0;
  let elements = argv.length - scoreIdx;
  if (elements % 2 !== 0 || elements === 0) throw syntaxError();
  elements /= 2;
  if (nx && flags & IN_XX) throw new ReplyError('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    throw new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (incr && elements > 1) throw new ReplyError('ERR INCR option supports a single increment-element pair');
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) scores[j] = doubleArg(argv[scoreIdx + j * 2]!);

  let z = writableZSet(c, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined) {
    if (flags & IN_XX) {
      if (incr) c.reply.nil();
      else c.reply.int(0);
      return;
    }
    z = newZSet(listpackLimits(c), argv[scoreIdx + 1]!);
    c.db.add(key, z);
  }
  const limits = listpackLimits(c);
  for (let j = 0; j < elements; j++) {
    const out = zsetAdd(z, scores[j]!, argv[scoreIdx + 1 + j * 2]!, flags, limits);
    if (out & OUT_NAN) throw new ReplyError(NAN_SCORE);
    if (out & OUT_ADDED) added++;
    if (out & OUT_UPDATED) updated++;
    if (!(out & OUT_NOP)) processed++;
    score = addedScore;
  }
  if (added + updated > 0) touched(c, key, NOTIFY.ZSET, incr ? 'zincr' : 'zadd', added + updated);
  if (incr) {
    if (processed > 0) c.reply.double(score);
    else c.reply.nil();
  } else {
    c.reply.int(ch ? added + updated : added);
  }
}

// ---- removing ----

function zremCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const z = writableZSet(c, key);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.delete(argv[j]!)) deleted++;
    if (z.size === 0) {
      c.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    touched(c, key, NOTIFY.ZSET, 'zrem', deleted);
    if (keyRemoved) c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  c.reply.int(deleted);
}

type RangeKind = 'rank' | 'score' | 'lex';

/** zremrangeGenericCommand: ZREMRANGEBYRANK / BYSCORE / BYLEX. */
function zremrangeGeneric(c: Client, argv: string[], kind: RangeKind): void {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (kind === 'rank') {
    start = intArg(argv[2]!);
    end = intArg(argv[3]!);
  } else if (kind === 'score') {
    range = parseScoreRange(argv[2]!, argv[3]!);
  } else {
    lex = parseLexRange(argv[2]!, argv[3]!);
  }
  const z = writableZSet(c, key);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  let from = 0;
  let count = 0;
  if (kind === 'rank') {
    const len = z.size;
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) {
      c.reply.int(0);
      return;
    }
    if (end >= len) end = len - 1;
    from = start;
    count = end - start + 1;
  } else if (range !== null) {
    from = z.index.countUntil((s) => gteMin(s, range));
    count = Math.max(0, z.index.countUntil((s) => !lteMax(s, range)) - from);
  } else {
    const r = lex!;
    // A listpack checks the whole range first; a skiplist searches straight for min.
    from = z.listpack ? firstInLexRange(z, r) : z.index.countUntil((_s, m) => lexGteMin(m, r));
    if (from >= 0) {
      z.index.walk(from, false, (m) => {
        if (!lexLteMax(m, r)) return false;
        count++;
        return true;
      });
    }
  }
  if (count > 0) z.deleteRange(from, count);
  const keyRemoved = z.size === 0;
  if (keyRemoved) c.db.delete(key);
  if (count > 0) {
    const event =
      kind === 'rank' ? 'zremrangebyrank' : kind === 'score' ? 'zremrangebyscore' : 'zremrangebylex';
    touched(c, key, NOTIFY.ZSET, event, 0);
    if (keyRemoved) c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
  c.inst.dirty += count;
  c.reply.int(count);
}

// ---- reads ----

function zcardCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]!);
  c.reply.int(z === undefined ? 0 : z.size);
}

function zscoreCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]!);
  const score = z?.score(argv[2]!);
  if (score === undefined) c.reply.nil();
  else c.reply.double(score);
}

function zmscoreCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]!);
  c.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]!);
    if (score === undefined) c.reply.nil();
    else c.reply.double(score);
  }
}

function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  const z = readZSet(c, argv[1]!);
  const rank = z === undefined ? -1 : z.rank(argv[2]!, reverse);
  if (rank < 0) c.reply.nil();
  else c.reply.int(rank);
}

function zcountCommand(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2]!, argv[3]!);
  const z = readZSet(c, argv[1]!);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  const first = firstInRange(z, range);
  if (first < 0) {
    c.reply.int(0);
    return;
  }
  const last = lastInRange(z, range);
  c.reply.int(last < 0 ? z.size - first : last - first + 1);
}

function zlexcountCommand(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2]!, argv[3]!);
  const z = readZSet(c, argv[1]!);
  if (z === undefined) {
    c.reply.int(0);
    return;
  }
  const first = firstInLexRange(z, range);
  if (first < 0) {
    c.reply.int(0);
    return;
  }
  let count = 0;
  if (z.listpack) {
    z.index.walk(first, false, (m) => {
      if (!lexLteMax(m, range)) return false;
      count++;
      return true;
    });
  } else {
    const last = lastInLexRange(z, range);
    count = last < 0 ? z.size - first : last - first + 1;
  }
  c.reply.int(count);
}

/** Writes member/score pairs: flat in RESP2, [member, score] pairs in RESP3 (or members only). */
function replyPairs(c: Client, members: string[], scores: number[], withScores: boolean): void {
  const r = c.reply;
  const n = members.length;
  const nested = withScores && r.resp === 3;
  r.array(withScores && !nested ? n * 2 : n);
  for (let i = 0; i < n; i++) {
    if (nested) r.array(2);
    r.bulk(members[i]!);
    if (withScores) r.double(scores[i]!);
  }
}

type Direction = 'auto' | 'forward' | 'reverse';

/**
 * zrangeGenericCommand: ZRANGE, ZRANGESTORE and the deprecated Z[REV]RANGE[BYSCORE|BYLEX].
 * `at` is the index of the source key; `store` makes argv[1] the destination.
 */
function zrangeGeneric(
  c: Client,
  argv: string[],
  at: number,
  store: boolean,
  kindIn: RangeKind | 'auto',
  dirIn: Direction,
): void {
  let kind = kindIn;
  let dir = dirIn;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const a = argv[j]!;
    const left = argv.length - j - 1;
    if (!store && isWord(a, 'withscores')) withScores = true;
    else if (isWord(a, 'limit') && left >= 2) {
      offset = intArg(argv[j + 1]!);
      limit = intArg(argv[j + 2]!);
      j += 2;
    } else if (dir === 'auto' && isWord(a, 'rev')) dir = 'reverse';
    else if (kind === 'auto' && isWord(a, 'bylex')) kind = 'lex';
    else if (kind === 'auto' && isWord(a, 'byscore')) kind = 'score';
    else throw syntaxError();
  }
  const reverse = dir === 'reverse';
  if (kind === 'auto') kind = 'rank';
  if (limit !== -1 && kind === 'rank') {
    throw new ReplyError(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
  }
  if (withScores && kind === 'lex') {
    throw new ReplyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  let minIdx = at + 1;
  let maxIdx = at + 2;
  if (reverse && kind !== 'rank') {
    minIdx = at + 2;
    maxIdx = at + 1;
  }
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (kind === 'rank') {
    start = intArg(argv[minIdx]!);
    end = intArg(argv[maxIdx]!);
  } else if (kind === 'score') {
    range = parseScoreRange(argv[minIdx]!, argv[maxIdx]!);
  } else {
    lex = parseLexRange(argv[minIdx]!, argv[maxIdx]!);
  }

  const out = { members: [] as string[], scores: [] as number[] };
  // The size Redis announces when it starts a ZRANGESTORE result (it picks the encoding from it).
  let sizeHint = -1;
  const z = readZSet(c, argv[at]!);
  if (z !== undefined) {
    if (kind === 'rank') {
      const len = z.size;
      if (start < 0) start = len + start;
      if (end < 0) end = len + end;
      if (start < 0) start = 0;
      if (start > end || start >= len) {
        sizeHint = 0;
      } else {
        if (end >= len) end = len - 1;
        sizeHint = end - start + 1;
        const count = sizeHint;
        collectRange(z, reverse ? len - 1 - start : start, reverse, 0, count, () => true, out);
      }
    } else if (range !== null) {
      if (!(offset > 0 && offset >= z.size)) {
        const from = reverse ? lastInRange(z, range) : firstInRange(z, range);
        const inRange = reverse
          ? (_m: string, s: number) => gteMin(s, range)
          : (_m: string, s: number) => lteMax(s, range);
        collectRange(z, from, reverse, offset, limit, inRange, out);
      }
    } else {
      const r = lex!;
      const from = reverse ? lastInLexRange(z, r) : firstInLexRange(z, r);
      const inRange = reverse ? (m: string) => lexGteMin(m, r) : (m: string) => lexLteMax(m, r);
      collectRange(z, from, reverse, offset, limit, inRange, out);
    }
  }
  if (!store) {
    replyPairs(c, out.members, out.scores, withScores);
    return;
  }
  storeRangeResult(c, argv[1]!, out, sizeHint);
}

/** zrangeResultBeginStore..FinalizeStore: the members go in one by one, as Redis adds them. */
function storeRangeResult(
  c: Client,
  dst: string,
  out: { members: string[]; scores: number[] },
  sizeHint: number,
): void {
  const n = out.members.length;
  if (n === 0) {
    c.reply.int(0);
    if (c.db.delete(dst)) {
      c.inst.ks.keyModified(c.dbIndex, dst);
      c.inst.ks.notify(NOTIFY.GENERIC, 'del', dst, c.dbIndex);
      c.inst.dirty++;
    }
    return;
  }
  const limits = listpackLimits(c);
  const z = new ZSetValue(!(sizeHint > limits.entries));
  for (let i = 0; i < n; i++) zsetAdd(z, out.scores[i]!, out.members[i]!, 0, limits);
  c.db.setKey(dst, z);
  c.reply.int(n);
  c.inst.ks.notify(NOTIFY.ZSET, 'zrangestore', dst, c.dbIndex);
  c.inst.dirty++;
}

// ---- popping ----

/**
 * How a pop replies: `flat` member, score, ... (ZPOPMIN/ZPOPMAX in RESP2 or without COUNT);
 * `nested` [member, score] pairs (with COUNT in RESP3); `keyed-flat` key, member, score
 * (BZPOPMIN/BZPOPMAX); `keyed-nested` [key, [[member, score], ...]] (ZMPOP/BZMPOP).
 */
export type ZPopShape = 'flat' | 'nested' | 'keyed-flat' | 'keyed-nested';

/**
 * genericZpopCommand for one non-empty zset: pops up to `count` members from the low end (or
 * the high end when `max`), writes the reply in `shape`, and does the bookkeeping (zpopmin /
 * zpopmax event, dirty per member, key deleted with a del event when emptied). The entry point
 * for BZPOPMIN/BZPOPMAX/BZMPOP when a key they wait on becomes ready.
 */
export function zpopAndReply(
  c: Client,
  key: string,
  z: ZSetValue,
  max: boolean,
  count: number,
  shape: ZPopShape,
): void {
  const n = Math.min(count, z.size);
  const members: string[] = [];
  const scores: number[] = [];
  z.index.walk(max ? z.size - 1 : 0, max, (m, s) => {
    members.push(m);
    scores.push(s);
    return members.length < n;
  });
  z.deleteRange(max ? z.size - n : 0, n);
  const r = c.reply;
  if (shape === 'flat') r.array(n * 2);
  else if (shape === 'nested') r.array(n);
  else if (shape === 'keyed-flat') {
    r.array(n * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(n);
  }
  for (let i = 0; i < n; i++) {
    if (shape === 'nested' || shape === 'keyed-nested') r.array(2);
    r.bulk(members[i]!);
    r.double(scores[i]!);
  }
  touched(c, key, NOTIFY.ZSET, max ? 'zpopmax' : 'zpopmin', n);
  if (z.size === 0) {
    c.db.delete(key);
    c.inst.ks.notify(NOTIFY.GENERIC, 'del', key, c.dbIndex);
  }
}

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

function zpopMinMax(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) throw syntaxError();
  let count = -1;
  if (argv.length === 3) {
    count = intArg(argv[2]!, MUST_BE_POSITIVE);
    if (count < 0) throw new ReplyError(MUST_BE_POSITIVE);
  }
  const key = argv[1]!;
  const z = writableZSet(c, key);
  if (z === undefined || count === 0) {
    c.reply.array(0);
    return;
  }
  const nested = c.reply.resp === 3 && count !== -1;
  zpopAndReply(c, key, z, max, count === -1 ? 1 : count, nested ? 'nested' : 'flat');
}

/** Parses ZMPOP/BZMPOP arguments from the numkeys index on: [keys, max, count]. */
export function parseZmpopArgs(
  argv: string[],
  numkeysIdx: number,
): { keys: string[]; max: boolean; count: number } {
  const numkeys = int64Arg(argv[numkeysIdx]!, 'ERR numkeys should be greater than 0');
  if (numkeys < 1) throw new ReplyError('ERR numkeys should be greater than 0');
  const whereIdx = numkeysIdx + Number(numkeys) + 1;
  if (whereIdx >= argv.length) throw syntaxError();
  const where = argv[whereIdx]!;
  let max: boolean;
  if (isWord(where, 'min')) max = false;
  else if (isWord(where, 'max')) max = true;
  else throw syntaxError();
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && isWord(argv[j]!, 'count') && more > 0) {
      j++;
      const v = int64Arg(argv[j]!, 'ERR count should be greater than 0');
      if (v < 1) throw new ReplyError('ERR count should be greater than 0');
      count = Number(v);
    } else throw syntaxError();
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), max, count: count === -1 ? 1 : count };
}

function zmpopCommand(c: Client, argv: string[]): void {
  const { keys, max, count } = parseZmpopArgs(argv, 1);
  for (const key of keys) {
    const z = writableZSet(c, key);
    if (z === undefined) continue;
    const n = Math.min(count, z.size);
    zpopAndReply(c, key, z, max, count, 'keyed-nested');
    // Always propagated as ZPOPMIN/ZPOPMAX key count, as Redis does.
    c.rewriteCommand([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)]);
    return;
  }
  c.reply.nilArray();
}

// ---- random members ----

const LONG_MAX = 9223372036854775807n;

function zrandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length < 3) {
    const z = readZSet(c, argv[1]!);
    if (z === undefined) c.reply.nil();
    else c.reply.bulk(z.random()[0]);
    return;
  }
  const raw = BigInt(int64Arg(argv[2]!));
  if (raw < -LONG_MAX) {
    throw new ReplyError(
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
  }
  let withScores = false;
  if (argv.length > 4 || (argv.length === 4 && !isWord(argv[3]!, 'withscores'))) throw syntaxError();
  if (argv.length === 4) {
    withScores = true;
    if (raw < -LONG_MAX / 2n || raw > LONG_MAX / 2n) throw new ReplyError('ERR value is out of range');
  }
  const z = readZSet(c, argv[1]!);
  if (z === undefined) {
    c.reply.array(0);
    return;
  }
  const uniq = raw >= 0n;
  const count = Number(uniq ? raw : -raw);
  const size = z.size;
  const r = c.reply;
  const nested = withScores && r.resp === 3;
  const emit = (m: string, s: number) => {
    if (nested) r.array(2);
    r.bulk(m);
    if (withScores) r.double(s);
  };
  if (count === 0) {
    r.array(0);
    return;
  }
  if (!uniq || count === 1) {
    // Case 1: independent draws, repetitions allowed.
    r.array(withScores && !nested ? count * 2 : count);
    for (let i = 0; i < count; i++) {
      const [m, s] = z.random();
      emit(m, s);
    }
    return;
  }
  const n = Math.min(count, size);
  r.array(withScores && !nested ? n * 2 : n);
  if (count >= size) {
    // Case 2: the whole set, from the highest score down (Redis's zset iterator runs backwards).
    z.index.walk(size - 1, true, (m, s) => {
      emit(m, s);
      return true;
    });
    return;
  }
  if (count * 3 > size) {
    // Case 3: a large share of the set: a partial shuffle of the entries.
    const idx = new Int32Array(size);
    for (let i = 0; i < size; i++) idx[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
      const [m, s] = z.entry(idx[i]!);
      emit(m, s);
    }
    return;
  }
  // Case 4: a small share: draw until enough distinct members came up.
  const seen = new StrSet();
  while (seen.size < count) {
    const [m, s] = z.random();
    if (seen.has(m)) continue;
    seen.add(m);
    emit(m, s);
  }
}

// ---- union, intersection, difference ----

interface OpSource {
  z: ZSetValue | null;
  s: SetValue | null;
  /** The value object, to detect the same key given twice. */
  obj: object | null;
  weight: number;
  len: number;
}

function opFind(src: OpSource, member: string): number | undefined {
  if (src.z !== null) return src.z.score(member);
  if (src.s !== null) return src.s.has(member) ? 1 : undefined;
  return undefined;
}

/** Every member of a source with its score (1 for a set): a zset in order, a set in table order. */
function opEach(src: OpSource, fn: (member: string, score: number) => boolean | undefined): void {
  if (src.z !== null) {
    src.z.index.walk(0, false, (m, s) => fn(m, s) !== false);
  } else if (src.s !== null) {
    const members = src.s.members;
    const n = src.s.size;
    for (let e = 0; e < n; e++) if (fn(members.keyAt(e), 1) === false) return;
  }
}

const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const t = target + val;
    // inf + -inf is NaN; Redis makes it 0.
    return Number.isNaN(t) ? 0 : t;
  }
  // Not Math.min/max: a NaN value must leave the target alone, and -0 must not beat 0.
  // biome-ignore lint/complexity/useMathMinMax: C's ternary semantics are the point here
  if (agg === AGG_MIN) return val < target ? val : target;
  // biome-ignore lint/complexity/useMathMinMax: as above
  return val > target ? val : target;
}

type SetOp = 'union' | 'inter' | 'diff';

/** zunionInterDiffGenericCommand: every Z{UNION,INTER,DIFF}[STORE] and ZINTERCARD. */
function zsetOpGeneric(
  c: Client,
  argv: string[],
  name: string,
  dst: string | null,
  numkeysIdx: number,
  op: SetOp,
  cardOnly: boolean,
): void {
  const setnum = intArg(argv[numkeysIdx]!);
  if (setnum < 1) throw new ReplyError(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > argv.length - (numkeysIdx + 1)) throw syntaxError();
  const srcs: OpSource[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.lookupRead(argv[j]!);
    const src: OpSource = { z: null, s: null, obj: null, weight: 1, len: 0 };
    if (v !== undefined) {
      if (typeof v !== 'object' || (v.type !== 'zset' && v.type !== 'set')) throw wrongType();
      if (v.type === 'zset') src.z = v as ZSetValue;
      else src.s = v as SetValue;
      src.obj = v;
      src.len = (v as ZSetValue | SetValue).size;
    }
    srcs.push(src);
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const a = argv[j]!;
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && isWord(a, 'weights')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]!);
        if (w === null) throw new ReplyError('ERR weight value is not a float');
        srcs[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && isWord(a, 'aggregate')) {
      const v = argv[j + 1]!;
      if (isWord(v, 'sum')) agg = AGG_SUM;
      else if (isWord(v, 'min')) agg = AGG_MIN;
      else if (isWord(v, 'max')) agg = AGG_MAX;
      else throw syntaxError();
      j += 2;
    } else if (remaining >= 1 && dst === null && !cardOnly && isWord(a, 'withscores')) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && isWord(a, 'limit')) {
      const v = int64Arg(argv[j + 1]!, "ERR LIMIT can't be negative");
      if (v < 0) throw new ReplyError("ERR LIMIT can't be negative");
      limit = Number(v);
      j += 2;
    } else throw syntaxError();
  }
  // Smallest first (a stable sort, like glibc's qsort on these arrays): it decides the order
  // in which scores are aggregated, which matters for float sums.
  if (op !== 'diff') srcs.sort((a, b) => a.len - b.len);

  const result = new ScoreTable();
  let maxLen = 0;
  const keep = (m: string, score: number): void => {
    const e = result.add(m);
    result.scores[e] = score;
    if (m.length > maxLen) maxLen = m.length;
  };
  let cardinality = 0;
  const first = srcs[0]!;
  if (op === 'inter') {
    if (first.len > 0) {
      opEach(first, (m, s0) => {
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < srcs.length; k++) {
          const src = srcs[k]!;
          let value: number | undefined;
          if (src.obj === first.obj) value = s0 * src.weight;
          else {
            value = opFind(src, m);
            if (value === undefined) return true;
            value *= src.weight;
          }
          score = aggregate(score, value, agg);
        }
        if (cardOnly) {
          cardinality++;
          return !(limit > 0 && cardinality >= limit);
        }
        keep(m, score);
        return true;
      });
    }
  } else if (op === 'union') {
    for (const src of srcs) {
      if (src.len === 0) continue;
      opEach(src, (m, s0) => {
        let score = src.weight * s0;
        if (Number.isNaN(score)) score = 0;
        const e = result.find(m);
        if (e < 0) keep(m, score);
        else result.scores[e] = aggregate(result.scores[e]!, score, agg);
        return true;
      });
    }
  } else if (first.len > 0) {
    opEach(first, (m, s0) => {
      for (let k = 1; k < srcs.length; k++) {
        const src = srcs[k]!;
        if (src.obj === first.obj || opFind(src, m) !== undefined) return true;
      }
      keep(m, s0);
      return true;
    });
  }
  if (cardOnly) {
    c.reply.int(cardinality);
    return;
  }
  const sorted = sortByScore(result);
  if (dst === null) {
    replyPairs(c, sorted.members, sorted.scores, withScores);
    return;
  }
  const n = sorted.members.length;
  if (n === 0) {
    c.reply.int(0);
    if (c.db.delete(dst)) {
      c.inst.ks.keyModified(c.dbIndex, dst);
      c.inst.ks.notify(NOTIFY.GENERIC, 'del', dst, c.dbIndex);
      c.inst.dirty++;
    }
    return;
  }
  const limits = listpackLimits(c);
  // Built as a skiplist, then turned into a listpack when small enough (zsetConvertToListpackIfNeeded).
  const z = ZSetValue.fromSorted(n <= limits.entries && maxLen <= limits.value, sorted);
  c.db.setKey(dst, z);
  c.reply.int(n);
  c.inst.ks.notify(NOTIFY.ZSET, `z${op}store`, dst, c.dbIndex);
  c.inst.dirty++;
}

/** The entries of a table in (score, member) order. */
function sortByScore(t: ScoreTable): { members: string[]; scores: number[] } {
  const n = t.size;
  const keys = t.keys;
  const sc = t.scores;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const x = sc[a]!;
    const y = sc[b]!;
    if (x < y) return -1;
    if (x > y) return 1;
    const p = keys[a]!;
    const q = keys[b]!;
    return p < q ? -1 : p > q ? 1 : 0;
  });
  const members = new Array<string>(n);
  const scores = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    members[i] = keys[order[i]!]!;
    scores[i] = sc[order[i]!]!;
  }
  return { members, scores };
}

// ---- ZSCAN ----

/** How a listpack holds a score: integral values within ±2^62 as integers (d2string/double2ll). */
function listpackScoreText(v: number): string {
  if (Number.isInteger(v) && v >= -(2 ** 62) && v <= 2 ** 62) return BigInt(v).toString();
  return formatDouble17g(v);
}

function zscanCommand(c: Client, argv: string[]): void {
  let cursor = scanCursorArg(argv[2]!);
  const z = readZSet(c, argv[1]!);
  if (z === undefined) {
    c.reply.array(2);
    c.reply.bulk('0');
    c.reply.array(0);
    return;
  }
  const { count, pattern } = scanOptions(argv, 3, false);
  const found: string[] = [];
  if (z.listpack) {
    // A listpack is returned whole, in order, with the cursor back at 0.
    z.index.walk(0, false, (m, s) => {
      found.push(m, listpackScoreText(s));
      return true;
    });
    cursor = 0;
  } else {
    const d = z.dict;
    const want = count * 2;
    let iterations = want * 10;
    do {
      cursor = d.scanStep(cursor, (e) => found.push(d.keys[e]!, formatDouble17g(d.scores[e]!)));
    } while (cursor !== 0 && iterations-- > 0 && found.length < want);
  }
  const out: string[] = [];
  for (let i = 0; i < found.length; i += 2) {
    if (pattern !== null && !globMatch(pattern, found[i]!)) continue;
    out.push(found[i]!, found[i + 1]!);
  }
  c.reply.array(2);
  c.reply.bulk(String(cursor));
  c.reply.array(out.length);
  for (const s of out) c.reply.bulk(s);
}

// ---- registration ----

const Z = { group: 'sorted-set', acl: 'sortedset' } as const;

const RANGE_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).';
const REM_COMPLEXITY =
  'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.';
const POP_COMPLEXITY =
  'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.';
const UNION_COMPLEXITY =
  'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY =
  'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY =
  'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.';
const WEIGHTS_AGGREGATE = '[WEIGHTS weight{:integer}]{...} [AGGREGATE (SUM | MIN | MAX){aggregate}]';

export const zsetCommands: CommandSpec[] = [
  command(
    'zadd',
    -4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RW update', 1)],
      summary: 'Add one or more members to a sorted set, or update its score if it already exists',
      complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
      syntax:
        'key [NX | XX]{condition @3.0.2} [GT | LT]{comparison @6.2.0} [CH]{change @3.0.2} [INCR]{increment @3.0.2} score member [score member ...]',
      history: [
        ['2.4.0', 'Accepts multiple elements.'],
        ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
        ['6.2.0', 'Added the `GT` and `LT` options.'],
      ],
    },
    (c, a) => zaddGeneric(c, a, 0),
  ),
  command(
    'zincrby',
    4,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RW access update', 1)],
      summary: 'Increment the score of a member in a sorted set',
      complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
      syntax: 'key increment member',
    },
    (c, a) => zaddGeneric(c, a, IN_INCR),
  ),
  command(
    'zscore',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Get the score associated with the given member in a sorted set',
      complexity: 'O(1)',
      syntax: 'key member',
    },
    zscoreCommand,
  ),
  command(
    'zmscore',
    -3,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Get the score associated with the given members in a sorted set',
      complexity: 'O(N) where N is the number of members being requested.',
      syntax: 'key member [member ...]',
    },
    zmscoreCommand,
  ),
  command(
    'zcard',
    2,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RO', 1)],
      summary: 'Get the number of members in a sorted set',
      complexity: 'O(1)',
      syntax: 'key',
    },
    zcardCommand,
  ),
  command(
    'zcount',
    4,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Count the members in a sorted set with scores within the given values',
      complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
      syntax: 'key min{:double} max{:double}',
    },
    zcountCommand,
  ),
  command(
    'zlexcount',
    4,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '2.8.9',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Count the number of members in a sorted set between a given lexicographical range',
      complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
      syntax: 'key min max',
    },
    zlexcountCommand,
  ),
  command(
    'zrange',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return a range of members in a sorted set',
      complexity:
        'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
      syntax:
        'key start{:string} stop{:string} [BYSCORE | BYLEX]{sortby @6.2.0} [REV]{@6.2.0} [LIMIT offset count]{@6.2.0} [WITHSCORES]',
      history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'auto', 'auto'),
  ),
  command(
    'zrangestore',
    -5,
    'write denyoom',
    [1, 2, 1],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyRange('OW update', 1), keyRange('RO access', 2)],
      summary: 'Store a range of members from sorted set into another key',
      complexity:
        'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.',
      syntax: 'dst{:key} src{:key} min max [BYSCORE | BYLEX]{sortby} [REV] [LIMIT offset count]',
    },
    (c, a) => zrangeGeneric(c, a, 2, true, 'auto', 'auto'),
  ),
  command(
    'zrangebyscore',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '1.0.5',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return a range of members in a sorted set, by score',
      complexity: RANGE_COMPLEXITY,
      syntax: 'key min{:double} max{:double} [WITHSCORES]{@2.0.0} [LIMIT offset count]',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`ZRANGE` with the `BYSCORE` argument',
      history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'score', 'forward'),
  ),
  command(
    'zrevrangebyscore',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '2.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low',
      complexity: RANGE_COMPLEXITY,
      syntax: 'key max{:double} min{:double} [WITHSCORES] [LIMIT offset count]',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
      history: [['2.1.6', '`min` and `max` can be exclusive.']],
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'score', 'reverse'),
  ),
  command(
    'zrangebylex',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '2.8.9',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return a range of members in a sorted set, by lexicographical range',
      complexity: RANGE_COMPLEXITY,
      syntax: 'key min max [LIMIT offset count]',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`ZRANGE` with the `BYLEX` argument',
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'lex', 'forward'),
  ),
  command(
    'zrevrangebylex',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '2.8.9',
      keySpecs: [keyRange('RO access', 1)],
      summary:
        'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
      complexity: RANGE_COMPLEXITY,
      syntax: 'key max min [LIMIT offset count]',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'lex', 'reverse'),
  ),
  command(
    'zrevrange',
    -4,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low',
      complexity:
        'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
      syntax: 'key start stop [WITHSCORES]',
      doc_flags: ['deprecated'],
      deprecatedSince: '6.2.0',
      replacedBy: '`ZRANGE` with the `REV` argument',
    },
    (c, a) => zrangeGeneric(c, a, 1, false, 'rank', 'reverse'),
  ),
  command(
    'zrank',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Determine the index of a member in a sorted set',
      complexity: 'O(log(N))',
      syntax: 'key member',
    },
    (c, a) => zrankGeneric(c, a, false),
  ),
  command(
    'zrevrank',
    3,
    'readonly fast',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low',
      complexity: 'O(log(N))',
      syntax: 'key member',
    },
    (c, a) => zrankGeneric(c, a, true),
  ),
  command(
    'zrem',
    -3,
    'write fast',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove one or more members from a sorted set',
      complexity:
        'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
      syntax: 'key member [member ...]',
      history: [['2.4.0', 'Accepts multiple elements.']],
    },
    zremCommand,
  ),
  command(
    'zremrangebyrank',
    4,
    'write',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove all members in a sorted set within the given indexes',
      complexity: REM_COMPLEXITY,
      syntax: 'key start stop',
    },
    (c, a) => zremrangeGeneric(c, a, 'rank'),
  ),
  command(
    'zremrangebyscore',
    4,
    'write',
    [1, 1, 1],
    {
      ...Z,
      since: '1.2.0',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove all members in a sorted set within the given scores',
      complexity: REM_COMPLEXITY,
      syntax: 'key min{:double} max{:double}',
    },
    (c, a) => zremrangeGeneric(c, a, 'score'),
  ),
  command(
    'zremrangebylex',
    4,
    'write',
    [1, 1, 1],
    {
      ...Z,
      since: '2.8.9',
      keySpecs: [keyRange('RW delete', 1)],
      summary: 'Remove all members in a sorted set between the given lexicographical range',
      complexity: REM_COMPLEXITY,
      syntax: 'key min max',
    },
    (c, a) => zremrangeGeneric(c, a, 'lex'),
  ),
  command(
    'zpopmin',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...Z,
      since: '5.0.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Remove and return members with the lowest scores in a sorted set',
      complexity: POP_COMPLEXITY,
      syntax: 'key [count]',
    },
    (c, a) => zpopMinMax(c, a, false),
  ),
  command(
    'zpopmax',
    -2,
    'write fast',
    [1, 1, 1],
    {
      ...Z,
      since: '5.0.0',
      keySpecs: [keyRange('RW access delete', 1)],
      summary: 'Remove and return members with the highest scores in a sorted set',
      complexity: POP_COMPLEXITY,
      syntax: 'key [count]',
    },
    (c, a) => zpopMinMax(c, a, true),
  ),
  command(
    'zmpop',
    -4,
    'write movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '7.0.0',
      keySpecs: [keyNum('RW access delete', 1)],
      summary: 'Remove and return members with scores in a sorted set',
      complexity:
        'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.',
      syntax: 'numkeys key [key ...] (MIN | MAX){where} [COUNT count]',
      getKeys: genericGetKeys(0, 1, 2),
    },
    zmpopCommand,
  ),
  command(
    'zrandmember',
    -2,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Get one or multiple random elements from a sorted set',
      complexity: 'O(N) where N is the number of elements returned',
      syntax: 'key [count [WITHSCORES]]{options}',
      tips: ['nondeterministic_output'],
    },
    zrandmemberCommand,
  ),
  command(
    'zunion',
    -3,
    'readonly movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyNum('RO access', 1)],
      summary: 'Add multiple sorted sets',
      complexity: UNION_COMPLEXITY,
      syntax: `numkeys key [key ...] ${WEIGHTS_AGGREGATE} [WITHSCORES]`,
      getKeys: genericGetKeys(0, 1, 2),
    },
    (c, a) => zsetOpGeneric(c, a, 'zunion', null, 1, 'union', false),
  ),
  command(
    'zunionstore',
    -4,
    'write denyoom movablekeys',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('OW update', 1), keyNum('RO access', 2)],
      summary: 'Add multiple sorted sets and store the resulting sorted set in a new key',
      complexity:
        'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.',
      syntax: `destination numkeys key [key ...] ${WEIGHTS_AGGREGATE}`,
      getKeys: genericGetKeys(1, 2, 3),
    },
    (c, a) => zsetOpGeneric(c, a, 'zunionstore', a[1]!, 2, 'union', false),
  ),
  command(
    'zinter',
    -3,
    'readonly movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyNum('RO access', 1)],
      summary: 'Intersect multiple sorted sets',
      complexity: INTER_COMPLEXITY,
      syntax: `numkeys key [key ...] ${WEIGHTS_AGGREGATE} [WITHSCORES]`,
      getKeys: genericGetKeys(0, 1, 2),
    },
    (c, a) => zsetOpGeneric(c, a, 'zinter', null, 1, 'inter', false),
  ),
  command(
    'zinterstore',
    -4,
    'write denyoom movablekeys',
    [1, 1, 1],
    {
      ...Z,
      since: '2.0.0',
      keySpecs: [keyRange('OW update', 1), keyNum('RO access', 2)],
      summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key',
      complexity: INTER_COMPLEXITY,
      syntax: `destination numkeys key [key ...] ${WEIGHTS_AGGREGATE}`,
      getKeys: genericGetKeys(1, 2, 3),
    },
    (c, a) => zsetOpGeneric(c, a, 'zinterstore', a[1]!, 2, 'inter', false),
  ),
  command(
    'zintercard',
    -3,
    'readonly movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '7.0.0',
      keySpecs: [keyNum('RO access', 1)],
      summary: 'Intersect multiple sorted sets and return the cardinality of the result',
      complexity:
        'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
      syntax: 'numkeys key [key ...] [LIMIT limit{:integer}]',
      getKeys: genericGetKeys(0, 1, 2),
    },
    (c, a) => zsetOpGeneric(c, a, 'zintercard', null, 1, 'inter', true),
  ),
  command(
    'zdiff',
    -3,
    'readonly movablekeys',
    [0, 0, 0],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyNum('RO access', 1)],
      summary: 'Subtract multiple sorted sets',
      complexity: DIFF_COMPLEXITY,
      syntax: 'numkeys key [key ...] [WITHSCORES]',
      getKeys: genericGetKeys(0, 1, 2),
    },
    (c, a) => zsetOpGeneric(c, a, 'zdiff', null, 1, 'diff', false),
  ),
  command(
    'zdiffstore',
    -4,
    'write denyoom movablekeys',
    [1, 1, 1],
    {
      ...Z,
      since: '6.2.0',
      keySpecs: [keyRange('OW update', 1), keyNum('RO access', 2)],
      summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key',
      complexity: DIFF_COMPLEXITY,
      syntax: 'destination numkeys key [key ...]',
      getKeys: genericGetKeys(1, 2, 3),
    },
    (c, a) => zsetOpGeneric(c, a, 'zdiffstore', a[1]!, 2, 'diff', false),
  ),
  command(
    'zscan',
    -3,
    'readonly',
    [1, 1, 1],
    {
      ...Z,
      since: '2.8.0',
      keySpecs: [keyRange('RO access', 1)],
      summary: 'Incrementally iterate sorted sets elements and associated scores',
      complexity:
        'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
      syntax: 'key cursor [MATCH pattern] [COUNT count]',
      tips: ['nondeterministic_output'],
    },
    zscanCommand,
  ),
];
