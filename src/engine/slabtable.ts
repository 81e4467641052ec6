/**
 * SlabTable: a hash table whose keys live in a KeySlab outside the JS heap (one 32-bit
 * reference per entry) and whose values sit in a JS array, except that string values of up to
 * INLINE_MAX bytes can be packed into the key's slab record too (packValues). The bucket
 * structure is the engine's shared HashIndex. So an entry costs no heap object of its own:
 * nothing for each major GC to mark, nothing for a scavenge to copy when a small string is
 * stored. It holds the keyspace (KeyTable, which adds access fields and TTLs), a hash's fields
 * once it is a hashtable (values/hash.ts) and the members of a set past 128 (values/set.ts).
 *
 * An entry's slab reference sits beside its hash and chain link (HashIndex.ent), so a lookup
 * reads one cache line for all three. Lookups take JS strings (the parser's arguments) and
 * compare them with the record's bytes. The last key found and its entry are remembered, so
 * the second lookup of a key by one command (INCR reads then stores) and a pipeline on one key
 * skip hashing and comparing; a prefetch's hashes are kept for the lookups that follow it
 * (hashOf).
 */

import { HashIndex, NEXT, PREFETCH_MAX } from './dict.js';
import { hashString } from './hash.js';
import { type BytesSink, INLINE_MAX, KeySlab, type SlabView } from './keyslab.js';

/** Entries a new or emptied table makes room for (HashIndex keeps at least twice SMALL buckets). */
const INITIAL = 32;

/** Offset of an entry's slab reference in HashIndex.ent (after its hash and chain link). */
export const REF = 2;

/** Marks, in the values array, a string value kept in the key's slab record. */
const INLINE = Symbol('inline');

/** The keys a prefetch hashed, in order, and where the lookups that follow have got to. */
interface PrefetchHint {
  keys: string[];
  hashes: Int32Array;
  next: number;
  count: number;
}

/** A table's entries at one moment (see SlabTable.freezeEntries). */
export interface FrozenEntries<V> {
  readonly size: number;
  keyAt(i: number): string;
  keyIs(i: number, key: string): boolean;
  valueAt(i: number): V;
}

export class SlabTable<V> extends HashIndex {
  /** Each entry's value, or INLINE for a string kept in its slab record (see setValue). */
  private vals: (V | typeof INLINE | undefined)[] = [];
  /** Slots of the values array (see arrayCapacity), for the memory accounting. */
  capacity = 0;
  /** The keys' records. */
  slab = new KeySlab();
  /** Whether string values of up to INLINE_MAX bytes go into the slab (setValue). */
  packValues = true;
  /** The last key found or added, and its entry; null after any deletion. */
  private lastKey: string | null = null;
  private lastEntry = -1;
  /** The keys of the last prefetch and their hashes (made on the first prefetch). */
  private hint: PrefetchHint | null = null;

  /** `stride`: int32s per entry (HashIndex), REF + 1 or more for a subclass's own fields. */
  constructor(stride = REF + 1) {
    super(stride);
  }

  /** Entry `e`'s record in the slab. */
  protected refAt(e: number): number {
    return this.ent[e * this.S + REF]! >>> 0;
  }

  /** Index of `key`'s entry, or -1. */
  find(key: string): number {
    if (this.isLast(key)) return this.lastEntry;
    if (this.size === 0) return -1;
    return this.chain(key, this.hashOf(key));
  }

  /**
   * The hash of `key`, taken from the last prefetch when `key` is the next key it hashed (the
   * same string object: pipelined commands look their keys up in the order they were
   * prefetched), so that a prefetched lookup hashes its key once, not twice. A key's hash
   * depends on nothing but its bytes, so a hint cannot be stale; one out of order costs a
   * compare.
   */
  private hashOf(key: string): number {
    const hint = this.hint;
    if (hint !== null && hint.next < hint.count && hint.keys[hint.next] === key) {
      return hint.hashes[hint.next++]!;
    }
    return hashString(key);
  }

  /** `key`'s entry in the chain of hash `h` (remembered as the last found), or -1. */
  private chain(key: string, h: number): number {
    const ent = this.ent;
    const S = this.S;
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const x = (i - 1) * S;
      if (ent[x] === h && this.slab.equals(ent[x + REF]! >>> 0, key)) {
        this.lastKey = key;
        this.lastEntry = i - 1;
        return i - 1;
      }
      i = ent[x + NEXT]!;
    }
    return -1;
  }

  /** The value of `key`, or undefined (no expiry, no access stamp: see Database for those). */
  get(key: string): V | undefined {
    const e = this.find(key);
    return e < 0 ? undefined : this.valueAt(e);
  }

  /** Sets `key` to `value`; true if the key was new. */
  set(key: string, value: V): boolean {
    const before = this.size;
    this.setValue(this.add(key), value);
    return this.size !== before;
  }

  /** Removes `key`; true if it was there. */
  delete(key: string): boolean {
    const e = this.find(key);
    if (e < 0) return false;
    this.deleteAt(e);
    return true;
  }

  /** The value of entry `e` (a string kept in the slab comes back as a new string). */
  valueAt(e: number): V {
    const v = this.vals[e];
    return v === INLINE ? (this.slab.value(this.refAt(e)) as V) : (v as V);
  }

  /** The value of entry `e` if it is held on the heap; undefined for one kept in the slab. */
  heapValueAt(e: number): V | undefined {
    const v = this.vals[e];
    return v === INLINE ? undefined : v;
  }

  /**
   * If entry `e`'s value is kept in its slab record, hands its bytes to `sink` (a GET's reply,
   * with no string made) and returns true; false otherwise.
   */
  valueTo(e: number, sink: BytesSink): boolean {
    if (this.vals[e] !== INLINE) return false;
    this.slab.valueTo(this.refAt(e), sink);
    return true;
  }

  /** Whether entry `e`'s value is kept in its slab record (so counted by the slab). */
  isInline(e: number): boolean {
    return this.vals[e] === INLINE;
  }

  /**
   * Stores entry `e`'s value. A string of up to INLINE_MAX bytes goes into the key's slab
   * record: written right after a key just added, over the old value when `inPlace` (no
   * snapshot is reading the slab) and the record keeps its size, otherwise as a new record with
   * the key; anything else is held in the values array (and a record that had a value is
   * rewritten without it).
   */
  setValue(e: number, v: V, inPlace = true): void {
    const held = this.vals[e];
    const ref = this.refAt(e);
    if (typeof v === 'string' && v.length <= INLINE_MAX && this.packValues) {
      if (held === INLINE) {
        if (!inPlace || !this.slab.overwrite(ref, v)) this.replaceRecord(e, this.slab.rewrite(ref, v));
      } else if (!this.slab.extend(ref, v)) {
        this.replaceRecord(e, this.slab.rewrite(ref, v));
      }
      this.vals[e] = INLINE;
      return;
    }
    if (held === INLINE) this.replaceRecord(e, this.slab.rewrite(ref, null));
    this.vals[e] = v;
  }

  /** Points entry `e` at its new record `to` and releases the old one. */
  private replaceRecord(e: number, to: number): void {
    const compact = this.slab.release(this.refAt(e));
    this.ent[e * this.S + REF] = to;
    if (compact >= 0) this.slab.compact(compact, this.relocate);
  }

  /** Adds `key` if absent; returns its entry index. A new entry's value must be set next. */
  add(key: string): number {
    if (this.isLast(key)) return this.lastEntry;
    if (this.buckets.length === 0) {
      this.startHashed(INITIAL);
      this.rebuild(INITIAL);
    }
    const h = this.hashOf(key);
    const found = this.chain(key, h);
    if (found >= 0) return found;
    // The record first: it is the one step that can fail, and nothing has changed yet.
    const ref = this.slab.append(key);
    const e = this.size;
    this.reserveEntry();
    this.ent[e * this.S + REF] = ref;
    this.vals.push(undefined);
    this.capacity = arrayCapacity(this.capacity, e + 1);
    this.linkNew(h);
    this.lastKey = key;
    this.lastEntry = e;
    return e;
  }

  /** The key of entry `e`, as a new binary string. */
  keyAt(e: number): string {
    return this.slab.key(this.refAt(e));
  }

  /** Whether entry `e` (< size) holds `key`. */
  keyIs(e: number, key: string): boolean {
    return (e === this.lastEntry && this.isLast(key)) || this.slab.equals(this.refAt(e), key);
  }

  /**
   * Whether `key` is the last key found. The same string object (a command's second lookup)
   * compares by pointer; a different key of the same length (random keys) is told apart by its
   * last character before V8 would compare the whole string.
   */
  private isLast(key: string): boolean {
    const last = this.lastKey;
    if (last === null) return false;
    const n = key.length;
    return n === last.length && (n === 0 || key.charCodeAt(n - 1) === last.charCodeAt(n - 1)) && key === last;
  }

  /** Bytes entry `e`'s key takes in the slab. */
  keyBytes(e: number): number {
    return this.slab.sizeOf(this.refAt(e));
  }

  /**
   * Warms the cache for the lookups of `count` keys (HashIndex.locate), then reads each found
   * entry's key record and string value (its characters are read by the reply that follows).
   * Stores the entries found in `entries`; changes nothing. Returns a number made of what it
   * read, so that the reads are not optimised away.
   */
  prefetch(keys: readonly string[], count: number, entries: Int32Array): number {
    let hint = this.hint;
    if (hint === null) {
      hint = { keys: [], hashes: new Int32Array(PREFETCH_MAX), next: 0, count: 0 };
      this.hint = hint;
    }
    this.locate(keys, count, entries, hint.hashes);
    for (let i = 0; i < count; i++) hint.keys[i] = keys[i]!;
    hint.next = 0;
    hint.count = count;
    let sink = 0;
    const ent = this.ent;
    const S = this.S;
    const slab = this.slab;
    const vals = this.vals;
    for (let i = 0; i < count; i++) {
      const e = entries[i]!;
      if (e < 0) continue;
      sink += slab.touch(ent[e * S + REF]! >>> 0);
      const v = vals[e];
      if (typeof v === 'string') sink += v.length;
    }
    return sink;
  }

  /** Removes entry `e` (its key and value). */
  override deleteAt(e: number): void {
    const compact = this.slab.release(this.refAt(e));
    this.lastKey = null;
    super.deleteAt(e);
    if (compact >= 0) this.slab.compact(compact, this.relocate);
  }

  /** Compaction moved a record: point its entry at the new place. */
  private readonly relocate = (from: number, to: number, h: number): void => {
    const ent = this.ent;
    const S = this.S;
    let i = this.buckets[h & this.mask]!;
    while (i !== 0) {
      const x = (i - 1) * S;
      if (ent[x + REF]! >>> 0 === from) {
        ent[x + REF] = to;
        return;
      }
      i = ent[x + NEXT]!;
    }
  };

  protected moveEntry(from: number, to: number): void {
    this.vals[to] = this.vals[from]!;
  }

  protected popEntry(): void {
    this.vals.pop();
  }

  override clear(): void {
    super.clear();
    this.vals = [];
    this.slab = new KeySlab();
    this.capacity = 0;
    this.lastKey = null;
  }

  /** The entries as they are now, unaffected by later changes (the references are gathered, the values copied). */
  freezeEntries(): FrozenEntries<V> {
    const refs = new Uint32Array(this.size);
    for (let e = 0; e < this.size; e++) refs[e] = this.refAt(e);
    const view: SlabView = this.slab.view();
    const vals = this.vals.slice(0, this.size);
    return {
      size: this.size,
      keyAt: (i) => view.key(refs[i]!),
      keyIs: (i, key) => view.equals(refs[i]!, key),
      valueAt: (i) => {
        const v = vals[i];
        return v === INLINE ? (view.value(refs[i]!) as V) : (v as V);
      },
    };
  }
}

/**
 * The capacity V8 gives an array grown by push() to `length` from `capacity` (1.5 x the length
 * + 16 whenever it is full); pop() gives none back (measured on these tables).
 */
export function arrayCapacity(capacity: number, length: number): number {
  return length <= capacity ? capacity : length + (length >> 1) + 16;
}
