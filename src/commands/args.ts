/**
 * Argument parsing shared by handlers, with Redis's rules and error replies: integers as
 * string2ll (strict), doubles as strtod with Redis's extra checks (no leading space, no NaN,
 * no overflow), case-insensitive option words.
 */

import { parseInt64 } from '../engine/values/string.js';
import { E, ReplyError } from './errors.js';

/** An int64 argument as a number (precision beyond 2^53 does not matter for ranges/counts). */
export function intArg(s: string, error: string = E.NOT_INTEGER): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(error);
  return typeof v === 'number' ? v : Number(v);
}

/**
 * Redis's `start < 0 && end < 0 && start > end` early-out (GETRANGE, BITCOUNT) on two int64
 * arguments already read with intArg, compared exactly: past 2^53 doubles merge neighbouring
 * integers (-2^63+1 and -2^63 are one double), so the arguments decide there.
 */
export function negativeAndReversed(startArg: string, endArg: string, start: number, end: number): boolean {
  if (!(start < 0 && end < 0)) return false;
  if (Number.isSafeInteger(start) && Number.isSafeInteger(end)) return start > end;
  return BigInt(startArg) > BigInt(endArg);
}

/** An int64 argument exactly (number when safe, bigint otherwise). */
export function int64Arg(s: string, error: string = E.NOT_INTEGER): number | bigint {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(error);
  return v;
}

/** An argument that must be an integer >= 0 and < 2^63, with a custom error. */
export function nonNegativeArg(s: string, error: string): number {
  const v = parseInt64(s);
  if (v === null || v < 0) throw new ReplyError(error);
  return Number(v);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF = /^[+-]?inf(?:inity)?$/i;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;

/**
 * strtod's grammar for a whole string, as Redis's string2d accepts it: returns the double or
 * null (empty, leading space, trailing garbage, NaN, overflow to ±inf, underflow to 0).
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5 * 1024) return null;
  if (DECIMAL.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // ERANGE overflow
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null; // ERANGE underflow
    return v;
  }
  if (INF.test(s)) return s.charCodeAt(0) === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const m = HEX.exec(s);
  if (m !== null) {
    const [, sign, digits, exp] = m as unknown as [string, string, string, string | undefined];
    const v = hexFloat(sign === '-', digits, Number(exp ?? '0'));
    if (!Number.isFinite(v)) return null; // ERANGE overflow
    if (v === 0 && /[1-9a-fA-F]/.test(digits)) return null; // ERANGE underflow
    return v;
  }
  return null;
}

/**
 * The double nearest to `digits` (hexadecimal, maybe with a '.') times 2^`exp`, rounded once,
 * half to even, as glibc's strtod rounds a hex float: ±0 on underflow, ±Infinity on overflow.
 * (Scaling a rounded mantissa by a power of two would round twice, and 2^exp alone underflows
 * below 2^-1074 where the product is still representable.)
 */
export function hexFloat(negative: boolean, digits: string, exp: number): number {
  const dot = digits.indexOf('.');
  let m = BigInt(`0x0${dot < 0 ? digits : digits.slice(0, dot) + digits.slice(dot + 1)}`);
  let e = exp - 4 * (dot < 0 ? 0 : digits.length - dot - 1);
  let v = 0;
  if (m !== 0n) {
    // Binary exponent of the leading bit; below -1076 even rounding up cannot reach 2^-1074.
    const top = m.toString(2).length - 1 + e;
    if (top > 1023) v = Number.POSITIVE_INFINITY;
    else if (top >= -1076) {
      // The result's last bit: 53 significant bits, or the subnormal quantum 2^-1074.
      const q = Math.max(top - 52, -1074);
      if (e < q) {
        const shift = BigInt(q - e);
        const rest = m & ((1n << shift) - 1n);
        const half = 1n << (shift - 1n);
        m >>= shift;
        if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
        e = q;
      }
      v = Number(m) * 2 ** e;
    }
  }
  return negative ? -v : v;
}

export function doubleArg(s: string, error: string = E.NOT_FLOAT): number {
  const v = parseDouble(s);
  if (v === null) throw new ReplyError(error);
  return v;
}

/**
 * Case-insensitive comparison with a lowercase ASCII word (an option, a command name), as
 * Redis's strcasecmp: char by char, with no lowercased copy of `arg` made.
 */
export function isWord(arg: string, lower: string): boolean {
  const n = lower.length;
  if (arg.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const c = arg.charCodeAt(i);
    const l = lower.charCodeAt(i);
    // An upper-case letter is its lower-case one minus 32.
    if (c !== l && (c !== l - 32 || l < 97 || l > 122)) return false;
  }
  return true;
}

export function syntaxError(): ReplyError {
  return new ReplyError(E.SYNTAX);
}
