/**
 * The union of everything a key can hold, and the names TYPE, SCAN TYPE and OBJECT ENCODING
 * report. Primitive values (JS strings, numbers, bigints) are strings; every value object
 * carries its own `type` and `encoding`, so adding a value type means adding it to the union
 * and nothing else here.
 */

import type { HashValue } from './hash.js';
import type { ListValue } from './list.js';
import type { SetValue } from './set.js';
import type { StringValue } from './string.js';
import type { ZSetValue } from './zset.js';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/**
 * The snapshot epoch (engine/snapshot.ts): every value object records the epoch it was created
 * or last serialized in, which is how a running snapshot knows in O(1) whether a value it is
 * told about existed when it started and is still to be written.
 */
export const epoch = { current: 0 };

/** What every value object exposes. */
export interface ValueObject {
  readonly type: TypeName;
  readonly encoding: string;
  /** Snapshot epoch of creation or last serialization (see `epoch`). */
  snap: number;
  /**
   * The bytes the key table last counted for this value (memory accounting, Database.store and
   * remeasure): kept on the object rather than in a per-key array, since only objects change
   * size in place (a string's size follows from the string).
   */
  measured: number;
  /** A deep copy (COPY). */
  clone(): ValueObject;
}

export type Value = StringValue | ListValue | SetValue | HashValue | ZSetValue;

export function typeName(v: Value): TypeName {
  return typeof v === 'object' ? v.type : 'string';
}

/** OBJECT ENCODING's answer for a value, as Redis 7.0 would give it. */
export function encodingName(v: Value): string {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return v.length <= 44 ? 'embstr' : 'raw';
  return v.encoding;
}
