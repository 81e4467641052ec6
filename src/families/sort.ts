/**
 * SORT and SORT_RO (sort.c): sorting a list, set or sorted set numerically or with ALPHA, by
 * the element or by external keys (BY pattern, `->field` for hash fields, constant patterns
 * meaning "no sort"), LIMIT, GET patterns (`#` for the element), ASC/DESC, and STORE into a list.
 *
 * Ordering follows Redis exactly:
 *  - numeric scores are parsed as strtod parses them (leading white space, hex floats, inf;
 *    NaN, trailing bytes and ERANGE - overflow, or an inexact result below DBL_MIN - are errors,
 *    an empty string is 0), and equal scores fall back to comparing the elements' bytes;
 *  - ALPHA compares with strcoll, except with STORE, where Redis compares bytes. mnemo has no
 *    locale collation: strcoll is taken in the C locale, i.e. bytes up to the first NUL (what
 *    Redis does when started with LC_ALL=C or C.UTF-8; other locales order differently);
 *  - a full sort is stable, as glibc's merge-sort qsort is; a BY sort that LIMIT narrows uses a
 *    port of Redis's partial quicksort (pqsort.c), so ties land where Redis puts them;
 *  - BY without `*` keeps the container order (a list's, reversed by DESC; a set's own order; a
 *    sorted set's score order, DESC from the top, with LIMIT taken from that range). A set
 *    stored with BY nosort is sorted ALPHA instead, so the result is deterministic.
 * As in Redis, sorting a sorted set converts it to the skiplist encoding for good.
 */

import { intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { cstr, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import { HashValue } from '../engine/values/hash.js';
import { ListValue } from '../engine/values/list.js';
import { SetValue } from '../engine/values/set.js';
import { stringOf } from '../engine/values/string.js';
import { ZSetValue } from '../engine/values/zset.js';
import { isString, touched, wrongType } from './common.js';
import { command, keyRange } from './define.js';

// ---- strtod, as SORT uses it ----

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/;
const INF = /^[+-]?inf(?:inity)?$/i;
const DBL_MIN = 2 ** -1022;

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * A SORT score: `strtod(s, &end)` must consume the whole C string (up to the first NUL), not
 * return NaN, and not set ERANGE. Returns null where Redis reports "can't be converted".
 */
export function sortScore(s: string): number | null {
  const cs = cstr(s);
  if (cs.length === 0) return 0; // no conversion, but the end pointer is at the terminator
  let i = 0;
  while (i < cs.length && isSpace(cs.charCodeAt(i))) i++;
  const t = cs.slice(i);
  if (DECIMAL.test(t)) {
    const v = Number(t);
    if (!Number.isFinite(v)) return null; // overflow: ERANGE
    if (Math.abs(v) <= DBL_MIN && decimalUnderflows(t)) return null;
    return v;
  }
  if (INF.test(t)) return t.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const m = HEX.exec(t);
  if (m === null) return null;
  return hexValue(m[1] === '-', m[2]!, m[3]);
}

/**
 * glibc raises ERANGE for an underflow: a nonzero result that is tiny after rounding (below
 * DBL_MIN once rounded to 53 bits with an unbounded exponent, i.e. below 2^-1022 - 2^-1076) and
 * inexact (not a multiple of 2^-1074). Decided exactly on the decimal's digits.
 */
function decimalUnderflows(t: string): boolean {
  const m = /^[+-]?(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(t)!;
  const digits = `${m[1]}${m[2]}`.replace(/^0+/, '');
  if (digits === '') return false; // an exact zero
  if (Number(t) === 0) return true; // rounded to zero from a nonzero value
  const exp10 = Number(m[3] ?? '0') - m[2]!.length;
  // Here |x| <= DBL_MIN, so exp10 is negative and bounded by the digits given.
  const mant = BigInt(digits);
  const pow = 10n ** BigInt(-exp10);
  return underflows(mant, pow, 0);
}

/** Whether mant / den * 2^e2 (> 0) is tiny after rounding and inexact, as defined above. */
function underflows(mant: bigint, den: bigint, e2: number): boolean {
  // x < (2^54 - 1) * 2^-1076  <=>  mant * 2^(e2 + 1076) < (2^54 - 1) * den
  const lhsShift = e2 + 1076;
  const tiny =
    lhsShift >= 0
      ? mant << BigInt(lhsShift) < ((1n << 54n) - 1n) * den
      : mant < (((1n << 54n) - 1n) * den) << BigInt(-lhsShift);
  if (!tiny) return false;
  // exact <=> mant * 2^(e2 + 1074) / den is an integer
  const s = e2 + 1074;
  if (s >= 0) return (mant << BigInt(s)) % den !== 0n;
  return mant % (den << BigInt(-s)) !== 0n;
}

/** A hex float, correctly rounded (ties to even), or null on ERANGE. */
function hexValue(negative: boolean, digits: string, expText: string | undefined): number | null {
  const dot = digits.indexOf('.');
  const intPart = dot < 0 ? digits : digits.slice(0, dot);
  const frac = dot < 0 ? '' : digits.slice(dot + 1);
  const all = `${intPart}${frac}`.replace(/^0+/, '');
  const sign = negative ? -1 : 1;
  if (all === '') return sign * 0;
  const mant = BigInt(`0x${all}`);
  const expNum = Number(expText ?? '0');
  const bits = mant.toString(2).length;
  // The value is mant * 2^e2, its top bit at 2^(bits - 1 + e2).
  const e2 = expNum - 4 * frac.length;
  const top = bits - 1 + e2;
  if (!Number.isFinite(expNum) || top > 1023) return null; // overflow
  if (top < -1080) return null; // far below the smallest subnormal: rounds to 0, ERANGE
  if (underflows(mant, 1n, e2)) return null;
  // Keep 53 bits, or fewer in the subnormal range where the grid is 2^-1074.
  const lsb = Math.max(top - 52, -1074);
  let q: bigint;
  const shift = lsb - e2;
  if (shift <= 0) {
    q = mant << BigInt(-shift);
  } else {
    q = mant >> BigInt(shift);
    const rem = mant & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  }
  const v = Number(q) * 2 ** Math.max(lsb, -1022) * 2 ** Math.min(lsb + 1022, 0);
  if (!Number.isFinite(v)) return null; // rounded up past DBL_MAX
  return sign * v;
}

// ---- patterns ----

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` of the pattern is
 * replaced by the element, and a `->field` after it reads a hash field. Nothing when the pattern
 * has no `*`, the key is missing, or it holds the wrong type. Like Redis's C string functions,
 * the search for `*` and `->` stops at a NUL byte of the pattern.
 */
function lookupByPattern(c: Client, pattern: string, element: string): string | null {
  if (pattern.charCodeAt(0) === 35 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return element;
  const cpat = cstr(pattern);
  const star = cpat.indexOf('*');
  if (star < 0) return null;
  let arrow = cpat.indexOf('->', star + 1);
  if (arrow >= 0 && arrow + 2 >= cpat.length) arrow = -1;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, arrow >= 0 ? arrow : pattern.length);
  const v = c.db.lookupRead(key);
  if (v === undefined) return null;
  if (arrow >= 0) return v instanceof HashValue ? hashField(v, pattern.slice(arrow + 2)) : null;
  return isString(v) ? stringOf(v) : null;
}

function hashField(h: HashValue, field: string): string | null {
  return h.get(field) ?? null;
}

// ---- ordering ----

interface SortItem {
  obj: string;
  score: number;
  /** The BY value for ALPHA sorts by pattern (null: the key was missing). */
  cmp: string | null;
}

function bytesCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: strcmp, which stops at the first NUL. */
function collCompare(a: string, b: string): number {
  return bytesCompare(cstr(a), cstr(b));
}

/** sortCompare. */
function comparator(alpha: boolean, byPattern: boolean, store: boolean, desc: boolean) {
  const strings = store ? bytesCompare : collCompare;
  let cmp: (a: SortItem, b: SortItem) => number;
  if (!alpha) {
    cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : bytesCompare(a.obj, b.obj));
  } else if (byPattern) {
    cmp = (a, b) => {
      if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      return strings(a.cmp, b.cmp);
    };
  } else {
    cmp = (a, b) => strings(a.obj, b.obj);
  }
  return desc ? (a: SortItem, b: SortItem) => -cmp(a, b) : cmp;
}

/**
 * Redis's pqsort: Bentley-McIlroy quicksort that only recurses into partitions overlapping
 * [lrange, rrange]. Ported step by step (on indexes instead of bytes) because the order it
 * leaves equal elements in is visible in SORT ... BY ... ALPHA LIMIT replies.
 */
function pqsort<T>(v: T[], cmp: (a: T, b: T) => number, lrange: number, rrange: number): void {
  const swap = (i: number, j: number): void => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  const vecswap = (i: number, j: number, n: number): void => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const med3 = (a: number, b: number, c: number): number =>
    cmp(v[a]!, v[b]!) < 0
      ? cmp(v[b]!, v[c]!) < 0
        ? b
        : cmp(v[a]!, v[c]!) < 0
          ? c
          : a
      : cmp(v[b]!, v[c]!) > 0
        ? b
        : cmp(v[a]!, v[c]!) < 0
          ? a
          : c;
  const outside = (first: number, last: number): boolean =>
    (lrange < first && rrange < first) || (lrange > last && rrange > last);
  const sort = (a: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++) {
          for (let pl = pm; pl > a && cmp(v[pl - 1]!, v[pl]!) > 0; pl--) swap(pl, pl - 1);
        }
        return;
      }
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = a + 1;
      let pc = a + n - 1;
      let pd = a + n - 1;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = cmp(v[pb]!, v[a]!)) <= 0) {
          if (r === 0) {
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = cmp(v[pc]!, v[a]!)) >= 0) {
          if (r === 0) {
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        pb++;
        pc--;
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      r = pb - pa;
      if (r > 1 && !outside(a, a + r - 1)) sort(a, r);
      r = pd - pc;
      if (r <= 1) return;
      a = pn - r;
      n = r;
      if (outside(a, a + r - 1)) return;
    }
  };
  sort(0, v.length);
}

// ---- the command ----

const SCORE_ERROR = "ERR One or more scores can't be converted into double";
const ACL_DENIED = 'denied due to insufficient ACL permissions.';

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  // BY and GET patterns name keys no ACL check saw: they need read access to every key.
  let fullKeyAccess: boolean | undefined;
  const mayReadAnyKey = (): boolean => {
    if (c.aclUser.unrestricted) return true;
    const self = c.inst.acl.commandRecord(readonly ? 'sort_ro' : 'sort')!;
    fullKeyAccess ??= c.inst.acl.unrestrictedKeyAccess(c.aclUser, self, argv, ['access']);
    return fullKeyAccess;
  };
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const opt = argv[j]!;
    if (isWord(opt, 'asc')) {
      desc = false;
    } else if (isWord(opt, 'desc')) {
      desc = true;
    } else if (isWord(opt, 'alpha')) {
      alpha = true;
    } else if (isWord(opt, 'limit') && left >= 2) {
      limitStart = intArg(argv[j + 1]!);
      limitCount = intArg(argv[j + 2]!);
      j += 2;
    } else if (!readonly && isWord(opt, 'store') && left >= 1) {
      storekey = argv[++j]!;
    } else if (isWord(opt, 'by') && left >= 1) {
      sortby = argv[++j]!;
      // A pattern without `*` names no per-element key: nothing to sort by. This sticks even if
      // a later BY has a `*`.
      if (!cstr(sortby).includes('*')) dontsort = true;
      else if (!mayReadAnyKey()) throw new ReplyError(`ERR BY option of SORT ${ACL_DENIED}`);
    } else if (isWord(opt, 'get') && left >= 1) {
      if (!mayReadAnyKey()) throw new ReplyError(`ERR GET option of SORT ${ACL_DENIED}`);
      gets.push(argv[++j]!);
    } else {
      throw syntaxError();
    }
  }

  const v = c.db.lookupRead(argv[1]!);
  let value: ListValue | SetValue | ZSetValue;
  if (v === undefined) value = new ListValue();
  else if (v instanceof ListValue || v instanceof SetValue || v instanceof ZSetValue) value = v;
  else throw wrongType();

  // An unsorted set would store in its hash order; Redis sorts it ALPHA instead (and does the
  // same inside scripts, for replication: to apply when mnemo runs scripts).
  if (dontsort && value instanceof SetValue && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack sorted set to a skiplist before sorting it (zsetConvert).
  if (value instanceof ZSetValue) value.listpack = false;

  let vectorlen = value instanceof ListValue ? value.length : value.size;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  // Lists and sorted sets kept in their own order load only the range LIMIT selects.
  if (!(value instanceof SetValue) && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  const elements: string[] = [];
  if (value instanceof ListValue && dontsort) {
    if (end >= start) {
      const len = value.length;
      for (let k = 0; k < vectorlen; k++) elements.push(value.at(desc ? len - start - 1 - k : start + k));
      end -= start;
      start = 0;
    }
  } else if (value instanceof ListValue) {
    for (let k = 0; k < value.length; k++) elements.push(value.at(k));
  } else if (value instanceof SetValue) {
    for (const m of value.toArray()) elements.push(m);
  } else if (dontsort) {
    const len = value.size;
    if (vectorlen > 0) {
      value.index.walk(desc ? len - 1 - start : start, desc, (m) => {
        elements.push(m);
        return elements.length < vectorlen;
      });
    }
    end -= start;
    start = 0;
  } else {
    // Redis loads a sorted set to sort from its hash table, in that table's order.
    const keys = value.dict.keys;
    for (let k = 0; k < value.size; k++) elements.push(keys[k]!);
  }

  const items: SortItem[] = elements.map((obj) => ({ obj, score: 0, cmp: null }));
  let scoreError = false;
  if (!dontsort) {
    for (const item of items) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, item.obj);
        if (byval === null) continue;
      } else {
        byval = item.obj;
      }
      if (alpha) {
        if (sortby !== null) item.cmp = byval;
      } else {
        const score = sortScore(byval);
        if (score === null) scoreError = true;
        else item.score = score;
      }
    }
    const cmp = comparator(alpha, sortby !== null, storekey !== null, desc);
    if (scoreError) {
      // Redis sorts anyway, then answers the error; nothing observable depends on the order.
    } else if (sortby !== null && (start !== 0 || end !== items.length - 1)) {
      pqsort(items, cmp, start, end);
    } else {
      items.sort(cmp);
    }
  }

  const span = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * span : span;
  if (scoreError) throw new ReplyError(SCORE_ERROR);
  if (storekey === null) {
    const reply = c.reply;
    reply.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = items[j]!.obj;
      if (gets.length === 0) reply.bulk(obj);
      for (const pattern of gets) {
        const val = lookupByPattern(c, pattern, obj);
        if (val === null) reply.nil();
        else reply.bulk(val);
      }
    }
    return;
  }
  const list = new ListValue();
  for (let j = start; j <= end; j++) {
    const obj = items[j]!.obj;
    if (gets.length === 0) list.pushBack(obj);
    for (const pattern of gets) list.pushBack(lookupByPattern(c, pattern, obj) ?? '');
  }
  if (outputlen > 0) {
    c.db.setKey(storekey, list);
    c.inst.ks.notify(NOTIFY.LIST, 'sortstore', storekey, c.dbIndex);
    c.inst.dirty += outputlen;
  } else if (c.db.delete(storekey)) {
    touched(c, storekey, NOTIFY.GENERIC, 'del');
  }
  c.reply.int(outputlen);
}

/**
 * sortGetKeys: the sorted key, and the destination of the last STORE. Options are skipped
 * with their arguments (LIMIT 2, GET 1, BY 1); STORE's own argument is then read as an option
 * again, exactly as Redis's scan does.
 */
export function sortKeyRefs(argv: readonly string[]): Array<{ pos: number; flags: string[] }> {
  const keys = [{ pos: 1, flags: ['RO', 'access'] }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (isWord(a, 'limit')) i += 2;
    else if (isWord(a, 'store') && i + 1 < argv.length) store = i + 1;
    else if (isWord(a, 'get') || isWord(a, 'by')) i += 1;
  }
  if (store > 0) keys.push({ pos: store, flags: ['OW', 'update'] });
  return keys;
}

/** sortROGetKeys: only the sorted key. */
export function sortRoKeyRefs(): Array<{ pos: number; flags: string[] }> {
  return [{ pos: 1, flags: ['RO', 'access'] }];
}

// ---- registration ----

const SORT_COMPLEXITY =
  'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).';
const SORT_SYNTAX =
  'key [BY pattern]{#1} [LIMIT offset count] [GET pattern [GET pattern ...]]{#1} [ASC | DESC]{order} [ALPHA]{sorting}';
const BY_GET_SPEC = {
  notes:
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ['RO', 'access'],
  begin: { unknown: true as const },
  find: { unknown: true as const },
};

export const sortCommands: CommandSpec[] = [
  command(
    'sort',
    -2,
    'write denyoom movablekeys',
    [1, 1, 1],
    {
      group: 'generic',
      acl: 'set sortedset list dangerous',
      since: '1.0.0',
      keySpecs: [
        keyRange('RO access', 1),
        BY_GET_SPEC,
        {
          notes:
            "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
          flags: ['OW', 'update'],
          begin: { unknown: true },
          find: { unknown: true },
        },
      ],
      summary: 'Sort the elements in a list, set or sorted set',
      complexity: SORT_COMPLEXITY,
      syntax: `${SORT_SYNTAX} [STORE destination]{#2}`,
      getKeys: (argv) => sortKeyRefs(argv).map((k) => k.pos),
    },
    (c, a) => sortGeneric(c, a, false),
  ),
  command(
    'sort_ro',
    -2,
    'readonly movablekeys',
    [1, 1, 1],
    {
      group: 'generic',
      acl: 'set sortedset list dangerous',
      since: '7.0.0',
      keySpecs: [keyRange('RO access', 1), BY_GET_SPEC],
      summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
      complexity: SORT_COMPLEXITY,
      syntax: SORT_SYNTAX,
      getKeys: () => [1],
    },
    (c, a) => sortGeneric(c, a, true),
  ),
];
