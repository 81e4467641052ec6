/**
 * KeySlab: the bytes of the keyspace's keys, and of their short string values, packed off the
 * JS heap. A key table holding JS strings pays V8's 16-byte string header, 8-byte rounding and
 * an 8-byte array slot for every key, and keeps one more long-lived heap object per key for
 * every major GC to mark. Here a key is a record in a segment of up to 64 KB (a Buffer, outside
 * the heap; a small table's segments are smaller): a one-byte header (five for keys of 32 bytes
 * or more) and the key's bytes, then, for a string value of up to INLINE_MAX bytes, its length
 * byte and bytes; 4-byte aligned, named by a 32-bit reference that the key table keeps in its
 * entries. A value stored here is not a JS string either: SET of a small value leaves nothing
 * for the young-generation GC to copy and promote. This is the approach Garnet took on .NET
 * (keys and values in a log outside the managed heap); Redis itself keeps each key in its own
 * sds allocation.
 *
 * A reference is segment << 14 | (offset / 4): up to 262,144 segments of 64 KB (16 GB of key
 * records). A record over BIG bytes gets a segment of its own, so no segment wastes more than
 * BIG bytes at its end. Records are written once and never moved within a segment: deleting a
 * key only marks its record dead. When the live records of a full segment fall under half its
 * bytes, the table compacts it: its live records are copied to the segment being filled and
 * their references updated (KeyTable finds each one's entry by hashing the record), and the
 * segment is dropped. A new value is a new record, with two exceptions: the value of a key just
 * added is written right after its key when that record is still the last one written, and,
 * while no snapshot is running, a value that keeps the record's size is written over the old
 * one. Otherwise nothing already written is overwritten (a dead mark only sets a header bit
 * that decoding ignores), so a copy of the segment list (SlabView) reads the keys and values as
 * they were when it was taken, whatever the live slab does next: the snapshots of BGSAVE rely
 * on it.
 *
 * Record header, byte 0: bit 0 dead, bit 1 long key, bit 2 has a value; a short key's length
 * is byte 0 >> 3 (0..31), a long one's the next four bytes, little-endian.
 */

import { latin1String } from '../bytes/latin1.js';
import { hashBytes } from './hash.js';

const SEG_SIZE = 1 << 16;
/** A small table's first segment: segments grow with the table, up to SEG_SIZE. */
const MIN_SEG = 1024;
const UNIT = 4;
const POS_BITS = 14;
const POS_MASK = (1 << POS_BITS) - 1;
const MAX_SEGMENTS = 2 ** (32 - POS_BITS);
/** Records larger than this get a segment of their own. */
const BIG = 8192;
const DEAD = 1;
const LONG = 2;
const VALUE = 4;
const SHORT_MAX = 31;
/** The longest string value kept in a record (its length is one byte). */
export const INLINE_MAX = 64;
const EMPTY = Buffer.alloc(0);

/** Where valueTo() delivers a value's bytes (a reply writer). */
export interface BytesSink {
  bulkBytes(b: Uint8Array, start: number, end: number): void;
}

/** Bytes a record of a key of `n` bytes and a value of `v` bytes (-1: none) takes. */
function recordSize(n: number, v: number): number {
  return ((n <= SHORT_MAX ? 1 : 5) + n + (v < 0 ? 0 : 1 + v) + UNIT - 1) & ~(UNIT - 1);
}

/** Where the key of the record at `p` starts. */
function keyStart(u: Buffer, p: number): number {
  return (u[p]! & LONG) === 0 ? p + 1 : p + 5;
}

/** The length of the key of the record at `p`. */
function keyLength(u: Buffer, p: number): number {
  const b = u[p]!;
  return (b & LONG) === 0 ? b >>> 3 : u.readUInt32LE(p + 1);
}

/** Bytes the record at `p` takes. */
function sizeAt(u: Buffer, p: number): number {
  const n = keyLength(u, p);
  return recordSize(n, (u[p]! & VALUE) === 0 ? -1 : u[keyStart(u, p) + n]!);
}

/** equals() for a long key, whose length is at `p` + 1. */
function equalsLong(u: Buffer, p: number, key: string): boolean {
  const n = u.readUInt32LE(p + 1);
  if (n !== key.length) return false;
  return u.latin1Slice(p + 5, p + 5 + n) === key;
}

/** Writes the binary string `s` at `q`. */
function writeChars(u: Buffer, q: number, s: string): void {
  const n = s.length;
  if (n <= 32) for (let i = 0; i < n; i++) u[q + i] = s.charCodeAt(i);
  else u.latin1Write(s, q, n);
}

/** The keys and values of a slab as they were when the view was taken (see the module comment). */
export class SlabView {
  constructor(protected segs: Buffer[]) {}

  /** The key of the record at `ref`, as a binary string. */
  key(ref: number): string {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const q = keyStart(u, p);
    return latin1String(u, q, keyLength(u, p));
  }

  /** The value of the record at `ref` (which has one), as a binary string. */
  value(ref: number): string {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const q = keyStart(u, p) + keyLength(u, p);
    return latin1String(u, q + 1, u[q]!);
  }

  /** Hands the value bytes of the record at `ref` (which has one) to `sink`, uncopied. */
  valueTo(ref: number, sink: BytesSink): void {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const q = keyStart(u, p) + keyLength(u, p);
    sink.bulkBytes(u, q + 1, q + 1 + u[q]!);
  }

  /** Whether the record at `ref` holds `key`. */
  equals(ref: number, key: string): boolean {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const b = u[p]!;
    const n = key.length;
    // Kept small so that lookups inline it: long keys go to equalsLong.
    if ((b & LONG) !== 0) return equalsLong(u, p, key);
    if (b >>> 3 !== n) return false;
    for (let i = 0; i < n; i++) if (u[p + 1 + i] !== key.charCodeAt(i)) return false;
    return true;
  }
}

export class KeySlab extends SlabView {
  /** Bytes of records written to each segment (a full segment's unusable end is not counted). */
  private used: number[] = [];
  /** Bytes of each segment's live records. */
  private live: number[] = [];
  /** Indexes of dropped segments, for reuse. */
  private spare: number[] = [];
  /** The segment being filled, or -1. */
  private cur = -1;
  /** Bytes of every segment held: what the slab costs outside the heap. */
  bytes = 0;
  /**
   * Bytes of live records: what the memory accounting counts, as Redis's used_memory counts
   * allocations and not the allocator's fragmentation (dead records awaiting compaction are
   * this slab's fragmentation: under half of any full segment).
   */
  liveBytes = 0;
  /** Segments held (each is also a small Buffer object on the heap). */
  segments = 0;

  constructor() {
    super([]);
  }

  /** Bytes a record of `key` alone (no value) takes. */
  static recordBytes(key: string): number {
    return recordSize(key.length, -1);
  }

  /** Writes a record of `key`, and of `value` if given (at most INLINE_MAX); returns its reference. */
  append(key: string, value: string | null = null): number {
    const n = key.length;
    const ref = this.reserve(recordSize(n, value === null ? -1 : value.length));
    const u = this.segs[ref >>> POS_BITS]!;
    let q = (ref & POS_MASK) * UNIT;
    const flag = value === null ? 0 : VALUE;
    if (n <= SHORT_MAX) {
      u[q++] = (n << 3) | flag;
    } else {
      u[q] = LONG | flag;
      u.writeUInt32LE(n, q + 1);
      q += 5;
    }
    writeChars(u, q, key);
    if (value !== null) {
      u[q + n] = value.length;
      writeChars(u, q + n + 1, value);
    }
    return ref;
  }

  /**
   * Writes a new record with the key of the record at `ref` and `value` (null: none); returns its
   * reference. The old record stays as it is: the caller releases it.
   */
  rewrite(ref: number, value: string | null): number {
    const old = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const start = keyStart(old, p);
    const n = keyLength(old, p);
    const to = this.reserve(recordSize(n, value === null ? -1 : value.length));
    const u = this.segs[to >>> POS_BITS]!;
    const q = (to & POS_MASK) * UNIT;
    // The header and key as they are, the value flag set or cleared.
    old.copy(u, q, p, start + n);
    u[q] = (old[p]! & ~(VALUE | DEAD)) | (value === null ? 0 : VALUE);
    if (value !== null) {
      const v = q + start - p + n;
      u[v] = value.length;
      writeChars(u, v + 1, value);
    }
    return to;
  }

  /**
   * Replaces the value of the record at `ref`, which has one, in place when the record keeps its
   * size (a value of the same length, or one that rounds to the same 4 bytes); false otherwise.
   * Only when no snapshot reads the slab: this is the one write over bytes already read.
   */
  overwrite(ref: number, value: string): boolean {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const n = keyLength(u, p);
    const v = keyStart(u, p) + n;
    if (recordSize(n, value.length) !== recordSize(n, u[v]!)) return false;
    u[v] = value.length;
    writeChars(u, v + 1, value);
    return true;
  }

  /**
   * Adds `value` to the record at `ref`, which has none, in place, if it is the last record
   * written and the segment has room: a new key's value, stored right after its key. Returns
   * false (and changes nothing) otherwise.
   */
  extend(ref: number, value: string): boolean {
    const s = ref >>> POS_BITS;
    if (s !== this.cur) return false;
    const u = this.segs[s]!;
    const p = (ref & POS_MASK) * UNIT;
    const n = keyLength(u, p);
    const size = recordSize(n, -1);
    if (p + size !== this.used[s]) return false;
    const grown = recordSize(n, value.length);
    if (p + grown > u.length) return false;
    const v = keyStart(u, p) + n;
    u[v] = value.length;
    writeChars(u, v + 1, value);
    u[p] = u[p]! | VALUE;
    this.used[s] = p + grown;
    this.live[s]! += grown - size;
    this.liveBytes += grown - size;
    return true;
  }

  /** Room for a record of `size` bytes: its reference, nothing written yet. */
  private reserve(size: number): number {
    let s: number;
    let p: number;
    if (size > BIG) {
      s = this.newSegment(size);
      p = 0;
      this.used[s] = size;
    } else {
      s = this.cur;
      if (s < 0 || this.used[s]! + size > this.segs[s]!.length) {
        if (s >= 0) this.seal(s);
        s = this.cur = this.newSegment(Math.max(this.nextSegmentSize(), size));
      }
      p = this.used[s]!;
      this.used[s] = p + size;
    }
    this.live[s]! += size;
    this.liveBytes += size;
    return ((s << POS_BITS) | (p / UNIT)) >>> 0;
  }

  /**
   * The size of the next shared segment: a quarter of the live bytes, as a power of two from
   * MIN_SEG to SEG_SIZE, so that a table of a few hundred entries (a hash just converted from
   * its packed form) does not take 64 KB.
   */
  private nextSegmentSize(): number {
    let size = MIN_SEG;
    while (size < SEG_SIZE && size * 4 < this.liveBytes) size *= 2;
    return size;
  }

  private newSegment(size: number): number {
    const s = this.spare.length > 0 ? this.spare.pop()! : this.segs.length;
    // The one limit of this layout; a Redis would have run out of memory long before.
    if (s >= MAX_SEGMENTS) throw new RangeError('key storage exhausted (16 GB of keys)');
    this.segs[s] = Buffer.allocUnsafeSlow(size);
    this.used[s] = 0;
    this.live[s] = 0;
    this.bytes += size;
    this.segments++;
    return s;
  }

  /** The segment being filled is full: it may be compacted or dropped from now on. */
  private seal(s: number): void {
    this.cur = -1;
    if (this.live[s] === 0) this.drop(s);
  }

  private drop(s: number): void {
    this.bytes -= this.segs[s]!.length;
    this.segments--;
    this.segs[s] = EMPTY;
    this.spare.push(s);
  }

  /** The first byte of the record at `ref` (a prefetch's read). */
  touch(ref: number): number {
    return this.segs[ref >>> POS_BITS]![(ref & POS_MASK) * UNIT]!;
  }

  /** Bytes the record at `ref` takes. */
  sizeOf(ref: number): number {
    return sizeAt(this.segs[ref >>> POS_BITS]!, (ref & POS_MASK) * UNIT);
  }

  /**
   * Marks the record at `ref` dead (its key was deleted or its value replaced). Returns the index
   * of a segment that should now be compacted, or -1.
   */
  release(ref: number): number {
    const s = ref >>> POS_BITS;
    const u = this.segs[s]!;
    const p = (ref & POS_MASK) * UNIT;
    const size = sizeAt(u, p);
    u[p] = u[p]! | DEAD;
    this.liveBytes -= size;
    const live = (this.live[s]! -= size);
    if (s === this.cur) return -1;
    if (live === 0) {
      this.drop(s);
      return -1;
    }
    return live * 2 < this.used[s]! ? s : -1;
  }

  /**
   * Copies segment `s`'s live records to the segment being filled and drops it. `moved` is told
   * each record's old and new reference and the hash of its key, to update whatever refers to it.
   */
  compact(s: number, moved: (from: number, to: number, hash: number) => void): void {
    const u = this.segs[s]!;
    const end = this.used[s]!;
    let p = 0;
    while (p < end) {
      const size = sizeAt(u, p);
      if ((u[p]! & DEAD) === 0) {
        const start = keyStart(u, p);
        const to = this.reserve(size);
        u.copy(this.segs[to >>> POS_BITS]!, (to & POS_MASK) * UNIT, p, p + size);
        moved(((s << POS_BITS) | (p / UNIT)) >>> 0, to, hashBytes(u, start, start + keyLength(u, p)));
      }
      p += size;
    }
    this.liveBytes -= this.live[s]!;
    this.live[s] = 0;
    this.drop(s);
  }

  /** A view of the keys and values as they are now (see SlabView). */
  view(): SlabView {
    return new SlabView(this.segs.slice());
  }
}
