/**
 * Helpers every family uses: typed key lookups that raise WRONGTYPE like Redis's checkType,
 * writing a string value as a bulk reply in whichever form it is stored, and the
 * modified-key bookkeeping (signal + notification + dirty counter) that follows every write.
 */

import type { Client } from '../commands/client.js';
import { E, ReplyError } from '../commands/errors.js';
import { ListValue } from '../engine/values/list.js';
import { SetValue } from '../engine/values/set.js';
import { ByteString, type StringValue } from '../engine/values/string.js';
import type { TypeName, Value } from '../engine/values/types.js';
import type { Reply } from '../protocol/reply.js';

export function wrongType(): ReplyError {
  return new ReplyError(E.WRONGTYPE);
}

export function isString(v: Value): v is StringValue {
  return typeof v !== 'object' || v instanceof ByteString;
}

/** A string key for reading (counts hits/misses); WRONGTYPE if it holds another type. */
export function readString(c: Client, key: string): StringValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined || isString(v)) return v;
  throw wrongType();
}

/** A string key for writing (no hit/miss accounting). */
export function writableString(c: Client, key: string): StringValue | undefined {
  const v = c.db.get(key);
  if (v === undefined || isString(v)) return v;
  throw wrongType();
}

export function readList(c: Client, key: string): ListValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined || v instanceof ListValue) return v;
  throw wrongType();
}

export function writableList(c: Client, key: string): ListValue | undefined {
  const v = c.db.get(key);
  if (v === undefined || v instanceof ListValue) return v;
  throw wrongType();
}

export function readSet(c: Client, key: string): SetValue | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined || v instanceof SetValue) return v;
  throw wrongType();
}

export function writableSet(c: Client, key: string): SetValue | undefined {
  const v = c.db.get(key);
  if (v === undefined || v instanceof SetValue) return v;
  throw wrongType();
}

/** A key of the given object type for reading (counts hits/misses); WRONGTYPE otherwise. */
export function readAs<T extends Value>(c: Client, key: string, type: TypeName): T | undefined {
  const v = c.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'object' && v.type === type) return v as T;
  throw wrongType();
}

/** A key of the given object type for writing; WRONGTYPE otherwise. */
export function writableAs<T extends Value>(c: Client, key: string, type: TypeName): T | undefined {
  const v = c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'object' && v.type === type) return v as T;
  throw wrongType();
}

/** Replies with a string value as a bulk, without converting it when avoidable. */
export function replyString(reply: Reply, v: StringValue): void {
  if (typeof v === 'string') reply.bulk(v);
  else if (typeof v === 'number' || typeof v === 'bigint') reply.bulkInt(v);
  else v.replyRange(reply);
}

/** After a write: WATCH/tracking signal, keyspace notification, dirty counter. */
export function touched(c: Client, key: string, type: number, event: string, dirty = 1): void {
  const ks = c.inst.ks;
  ks.keyModified(c.dbIndex, key);
  ks.notify(type, event, key, c.dbIndex);
  c.inst.dirty += dirty;
}

/**
 * An absolute expire time (Unix ms, stored as a double) as the integer the append-only file
 * gets in PXAT/PEXPIREAT: exact digits (never an exponent), capped at INT64_MAX, which 2^63
 * (what PXAT 9223372036854775807 becomes as a double) would exceed.
 */
export function msArg(at: number): string {
  return at >= 2 ** 63 ? '9223372036854775807' : BigInt(Math.trunc(at)).toString();
}

/** DEL or UNLINK, as Redis chooses for a deletion it propagates (lazyfree-lazy-expire/-user-del). */
export function delVerb(c: Client, lazyParam: 'lazyfree-lazy-expire' | 'lazyfree-lazy-user-del'): string {
  return c.inst.config.bool(lazyParam) ? 'UNLINK' : 'DEL';
}
