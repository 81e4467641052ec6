/**
 * The union of everything a key can hold, and the type names TYPE and SCAN TYPE report.
 * Add a value type here first; `typeName` is the single place that tells types apart.
 */

import { ListValue } from './list.js';
import type { SetValue } from './set.js';
import { ByteString, type StringValue } from './string.js';

export type Value = StringValue | ListValue | SetValue;

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export function typeName(v: Value): TypeName {
  if (typeof v !== 'object' || v instanceof ByteString) return 'string';
  if (v instanceof ListValue) return 'list';
  return 'set';
}

/** OBJECT ENCODING's answer for a value, as Redis 7.0 would give it. */
export function encodingName(v: Value): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return v.length <= 44 ? 'embstr' : 'raw';
  if (v instanceof ByteString) return 'raw';
  if (v instanceof ListValue) return 'quicklist';
  return v.encoding;
}
