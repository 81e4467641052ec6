/**
 * What a key and its value cost in the V8 heap: the size model behind mnemo's memory accounting
 * (INFO used_memory, maxmemory). Redis counts every malloc; a JS engine cannot, so the keyspace
 * keeps a running total of these estimates (engine/db.ts) and commands/memory.ts anchors it to
 * the heap V8 measures after each major GC.
 *
 * The model is V8's object layout on x64 without pointer compression (Node's builds): 8-byte
 * tagged fields, a 24-byte object header (map, properties, elements), 16-byte headers on strings
 * and fixed arrays, everything rounded up to 8 bytes. A one-byte string of n chars costs
 * 16 + n; empty and single-char strings are V8's shared constants and cost nothing; a string of
 * a megabyte or more that Node made from a buffer is external (its chars are off-heap, but they
 * still count). Integers in the Smi range cost nothing beyond their slot; other numbers are
 * 16-byte HeapNumbers. Collections add their containers (JS arrays grown by V8's 1.5x + 16 rule,
 * typed arrays for hash tables) and their elements. A big collection's elements are measured on
 * SAMPLES evenly spaced members and extrapolated, and the mean is reused while the size stays
 * close, so an estimate is O(1) in the collection's size.
 *
 * Value classes keep their layout private; the few fields read here are named in the *Layout
 * interfaces below, next to the structure they mirror. test/memory.test.ts checks the model
 * against the real heap, so a layout change that breaks it shows up there.
 */

import type { Database } from './db.js';
import { StrSet } from './dict.js';
import type { ExpireTable } from './expires.js';
import type { Keyspace } from './keyspace.js';
import type { SlabTable } from './slabtable.js';
import { HashValue } from './values/hash.js';
import { ListValue } from './values/list.js';
import { SetValue } from './values/set.js';
import { ByteString } from './values/string.js';
import type { Value } from './values/types.js';
import { type ScoreTable, ZSetValue } from './values/zset.js';

/** Elements measured per collection; smaller collections are measured exactly. */
const SAMPLES = 16;
/** A JS object's header: map, properties, elements. */
const OBJECT = 24;
/** A JSArray object (header + length) and its FixedArray header. */
const JS_ARRAY = 32 + 16;
/** A typed array's JS objects (JSTypedArray, JSArrayBuffer) and off-heap bookkeeping: measured. */
const TYPED_ARRAY = 184;
const HEAP_NUMBER = 16;
/** Node creates strings this long (EXTERN_APEX) or longer from buffers as external strings. */
const EXTERNAL_STRING_MIN = 0xfbee9;
const EXTERNAL_STRING = 40;

const round8 = (n: number) => (n + 7) & ~7;

/** Bytes of a binary (one-byte) string. */
export function stringBytes(s: string): number {
  const n = s.length;
  if (n <= 1) return 0;
  if (n >= EXTERNAL_STRING_MIN) return EXTERNAL_STRING + round8(n);
  return (16 + n + 7) & ~7;
}

/**
 * Slots V8 gives an array grown by push() to `n` elements. V8 grows to 1.5 x the needed length
 * + 16, so the capacity is 1 to 1.5 times the length, 1.23 on average over lengths: that average
 * is used rather than the exact step, which depends on the array's history (pop() trims it) and
 * would make the estimate jump by a third of an array at each growth.
 */
export function jsArrayCapacity(n: number): number {
  return n === 0 ? 0 : Math.ceil(n * 1.23) + 16;
}

/** A push-grown JS array of `n` elements (not counting what the elements point to). */
function jsArrayBytes(n: number): number {
  return n === 0 ? 32 : JS_ARRAY + 8 * jsArrayCapacity(n);
}

/** A JS array of known capacity (the key tables track theirs exactly). */
function arrayOfCapacity(capacity: number): number {
  return capacity === 0 ? 32 : JS_ARRAY + 8 * capacity;
}

function typedBytes(a: { byteLength: number }): number {
  return a.byteLength === 0 ? 0 : TYPED_ARRAY + a.byteLength;
}

/**
 * typedBytes for the hash tables' arrays, which every write to a set or hash measures: reading
 * `length` of one array type stays a fast property load where `byteLength` of many is not.
 */
function int32Bytes(a: Int32Array): number {
  return a.length === 0 ? 0 : TYPED_ARRAY + 4 * a.length;
}

// ---- the layouts read here (see dict.ts, values/*.ts) ----

interface TableLayout {
  ent: Int32Array;
  buckets: Int32Array;
}
interface HashLayout {
  packed: string;
  table: SlabTable<string> | null;
}
interface ZSetLayout {
  table: ScoreTable | null;
}
interface ByteStringLayout {
  str: string | null;
  buf: Uint8Array | null;
}

/**
 * A hash table's own structure (StrSet): the object, its key array and typed arrays, and
 * `parallel` more push-grown arrays beside the keys (a ScoreTable's scores).
 * The strings the table holds are not included.
 */
export function tableBytes(t: StrSet, parallel: number, fields = 7 + parallel): number {
  const l = t as unknown as TableLayout;
  return (
    OBJECT + 8 * fields + (1 + parallel) * jsArrayBytes(t.size) + int32Bytes(l.ent) + int32Bytes(l.buckets)
  );
}

/**
 * The mean element size measured for a big collection and its size then. A write to a big
 * collection is measured again after every command; while its size stays within 1/64 of the
 * last sampling the mean is reused, so an LPUSH to a list of a million is not 16 random reads.
 */
const sampled = new WeakMap<object, { n: number; mean: number }>();

/**
 * Sum of `bytes(i)` over the `n` elements of `owner`: exact up to SAMPLES, else extrapolated
 * from SAMPLES evenly spaced picks (remembered while the size stays close, see `sampled`).
 */
function elements(owner: object, n: number, bytes: (i: number) => number): number {
  if (n <= SAMPLES) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += bytes(i);
    return sum;
  }
  let last = sampled.get(owner);
  if (last === undefined || Math.abs(n - last.n) * 64 > last.n) {
    let sum = 0;
    for (let j = 0; j < SAMPLES; j++) sum += bytes(Math.floor(((j + 0.5) * n) / SAMPLES));
    if (last === undefined) {
      last = { n, mean: 0 };
      sampled.set(owner, last);
    }
    last.n = n;
    last.mean = sum / SAMPLES;
  }
  return round8(Math.ceil(last.mean * n));
}

function listBytes(v: ListValue): number {
  const loose = v.looseCount;
  const chunks = v.chunkCount;
  // ListValue: snap, measured, front, chunks, back, length, packedChars, cached, cachedStart,
  // cachedItems; Chunks: strs, counts, head; four arrays (two of loose elements, two per chunk,
  // whose free room in front is left out: at most one slot per chunk of CHUNK elements); each
  // chunk one string (a 16-byte header, its characters, rounded to 8).
  return (
    OBJECT +
    10 * 8 +
    OBJECT +
    3 * 8 +
    4 * JS_ARRAY +
    8 * (loose + 2 * chunks) +
    v.packedChars +
    chunks * (16 + 7) +
    elements(v, loose, (i) => stringBytes(v.looseAt(i)))
  );
}

function setBytes(v: SetValue): number {
  const m = v.members;
  // SetValue: snap, measured, members, intset.
  if (m instanceof StrSet)
    return OBJECT + 4 * 8 + tableBytes(m, 0) + elements(v, m.size, (i) => stringBytes(m.keys[i]!));
  return OBJECT + 4 * 8 + slabTableBytes(m, 7);
}

function hashBytes(v: HashValue): number {
  const l = v as unknown as HashLayout;
  // HashValue: snap, measured, packed, packedSize, table.
  const own = OBJECT + 5 * 8;
  const t = l.table;
  if (t === null) return own + stringBytes(l.packed);
  return (
    own +
    slabTableBytes(t, 7) +
    elements(v, t.size, (i) => {
      const value = t.heapValueAt(i);
      return value === undefined ? 0 : stringBytes(value);
    })
  );
}

/** A leaf object (prev, next, m, s) with its two arrays' headers. */
const LEAF = OBJECT + 4 * 8 + 2 * JS_ARRAY;
/**
 * Per pair in a B+tree of more than one small leaf: the member and score slots of leaves that
 * run 50-100% full with arrays grown by push, plus the inner nodes. Measured: 31 bytes a pair
 * for ascending inserts (full leaves), 45 for random ones.
 */
const TREE_PAIR = 40;

function zsetBytes(v: ZSetValue): number {
  const n = v.size;
  const t = (v as unknown as ZSetLayout).table;
  // ZSetValue: snap, measured, listpack, index, table; ZIndex: root, height, size, head, tail.
  let bytes = OBJECT + 5 * 8 + OBJECT + 5 * 8;
  bytes += elements(v, n, (i) => stringBytes(v.entry(i)[0]));
  // Up to 16 pairs, one leaf with exact-size arrays (a pointer and an unboxed double a pair).
  bytes += n <= 16 ? LEAF + 16 + 16 * n : LEAF + TREE_PAIR * n;
  if (t !== null) bytes += tableBytes(t, 1);
  return bytes;
}

function byteStringBytes(v: ByteString): number {
  const l = v as unknown as ByteStringLayout;
  // ByteString: snap, measured, str, buf, n.
  const own = OBJECT + 5 * 8;
  return own + (l.buf !== null ? typedBytes(l.buf) : stringBytes(l.str ?? ''));
}

/**
 * Measures a value for the key table, rounded to whole 8-byte words, and keeps the figure on an
 * object (`measured`) for countedBytes.
 */
export function measure(v: Value): number {
  const bytes = round8(valueBytes(v));
  if (typeof v === 'object') v.measured = bytes;
  return bytes;
}

/** What the key table counted for a value when it was stored or last measured. */
export function countedBytes(v: Value): number {
  return typeof v === 'object' ? v.measured : round8(valueBytes(v));
}

/** Bytes a value costs (not counting the slot that holds it). */
export function valueBytes(v: Value): number {
  switch (typeof v) {
    case 'string':
      return stringBytes(v);
    case 'number':
      return v === (v | 0) ? 0 : HEAP_NUMBER;
    case 'bigint':
      return 24;
    default:
      if (v instanceof ListValue) return listBytes(v);
      if (v instanceof HashValue) return hashBytes(v);
      if (v instanceof SetValue) return setBytes(v);
      if (v instanceof ZSetValue) return zsetBytes(v);
      if (v instanceof ByteString) return byteStringBytes(v);
      return 0;
  }
}

/**
 * A SlabTable's own structure with `fields` fields: the values array at the capacity of its
 * biggest past, the bucket structure and entries (HashIndex.ent), and the slab's
 * live records (see KeySlab.liveBytes), its segments' Buffer objects and its three
 * per-segment arrays. Values held on the heap are not included.
 */
function slabTableBytes(t: SlabTable<unknown>, fields: number): number {
  const l = t as unknown as TableLayout;
  const slab = t.slab;
  return (
    OBJECT +
    8 * fields +
    arrayOfCapacity(t.capacity) +
    int32Bytes(l.ent) +
    int32Bytes(l.buckets) +
    OBJECT +
    8 * 8 +
    slab.liveBytes +
    slab.segments * (TYPED_ARRAY + 3 * 8)
  );
}

/** A database's tables: the key table and the expires table. */
export function databaseTableBytes(db: Database): number {
  return slabTableBytes(db.dict, 13) + expiresBytes(db.expires);
}

/** An expires table: its bucket structure and its typed arrays of entries and times. */
export function expiresBytes(x: ExpireTable): number {
  const l = x as unknown as TableLayout;
  return OBJECT + 8 * 8 + int32Bytes(l.ent) + int32Bytes(l.buckets) + TYPED_ARRAY + x.parallelBytes;
}

/** The estimated dataset: [keys and values, the tables holding them], in bytes. */
export function keyspaceBytes(ks: Keyspace): [number, number] {
  ks.settle();
  let entries = 0;
  let tables = 0;
  for (const db of ks.dbs) {
    entries += db.dict.bytes;
    if (db.dict.capacity !== 0) tables += databaseTableBytes(db);
  }
  return [entries, tables];
}
