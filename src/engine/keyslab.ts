/**
 * KeySlab: the bytes of the keyspace's keys, packed off the JS heap. A key table holding JS
 * strings pays V8's 16-byte string header, 8-byte rounding and an 8-byte array slot for every
 * key, and keeps one more long-lived heap object per key for every major GC to mark. Here a key
 * is a record in a 64 KB segment (a Buffer, outside the heap): a one-byte header (five for keys
 * of 64 bytes or more) and the key's bytes, 4-byte aligned, named by a 32-bit reference that
 * the key table keeps in a typed array. This is the approach Garnet took on .NET (keys and values
 * in a log outside the managed heap); Redis itself keeps each key in its own sds allocation.
 *
 * A reference is segment << 14 | (offset / 4): up to 262,144 segments of 64 KB (16 GB of key
 * records). A record over BIG bytes gets a segment of its own, so no segment wastes more than
 * BIG bytes at its end. Records are written once and never moved within a segment: deleting a
 * key only marks its record dead. When the live records of a full segment fall under half its
 * bytes, the table compacts it: its live records are copied to the segment being filled and
 * their references updated (KeyTable finds each one's entry by hashing the record), and the
 * segment is dropped. Because nothing already written is overwritten (a dead mark only sets a
 * header bit that decoding ignores), a copy of the segment list (SlabView) reads the keys as they
 * were when it was taken, whatever the live slab does next: the snapshots of BGSAVE rely on it.
 *
 * Record header, byte 0: bit 0 dead, bit 1 long; a short record's length is byte 0 >> 2
 * (0..63), a long one's the next four bytes, little-endian.
 */

import { hashBytes } from './hash.js';

const SEG_SIZE = 1 << 16;
const UNIT = 4;
const POS_BITS = 14;
const POS_MASK = (1 << POS_BITS) - 1;
const MAX_SEGMENTS = 2 ** (32 - POS_BITS);
/** Records larger than this get a segment of their own. */
const BIG = 8192;
const DEAD = 1;
const LONG = 2;
const SHORT_MAX = 63;
const EMPTY = Buffer.alloc(0);

/** Bytes a record of a key of `n` bytes takes in a segment. */
function recordSize(n: number): number {
  return ((n <= SHORT_MAX ? 1 : 5) + n + UNIT - 1) & ~(UNIT - 1);
}

/** equals() for a long record, whose body starts at `p` + 4. */
function equalsLong(u: Buffer, p: number, key: string): boolean {
  const n = u.readUInt32LE(p);
  if (n !== key.length) return false;
  return u.latin1Slice(p + 4, p + 4 + n) === key;
}

/** The keys of a slab as they were when the view was taken (see the module comment). */
export class SlabView {
  constructor(protected segs: Buffer[]) {}

  /** The key of the record at `ref`, as a binary string. */
  key(ref: number): string {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const b = u[p]!;
    if ((b & LONG) === 0) return u.latin1Slice(p + 1, p + 1 + (b >>> 2));
    return u.latin1Slice(p + 5, p + 5 + u.readUInt32LE(p + 1));
  }

  /** Whether the record at `ref` holds `key`. */
  equals(ref: number, key: string): boolean {
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT + 1;
    const b = u[p - 1]!;
    const n = key.length;
    // Kept small so that lookups inline it: long records go to equalsLong.
    if ((b & LONG) !== 0) return equalsLong(u, p, key);
    if (b >>> 2 !== n) return false;
    for (let i = 0; i < n; i++) if (u[p + i] !== key.charCodeAt(i)) return false;
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

  /** Bytes a record of `key` takes (MEMORY USAGE's share of the key). */
  static recordBytes(key: string): number {
    return recordSize(key.length);
  }

  /** Writes a record of `key`; returns its reference. */
  append(key: string): number {
    const n = key.length;
    const ref = this.reserve(n);
    const u = this.segs[ref >>> POS_BITS]!;
    let q = (ref & POS_MASK) * UNIT;
    if (n <= SHORT_MAX) {
      u[q++] = n << 2;
    } else {
      u[q] = LONG;
      u.writeUInt32LE(n, q + 1);
      q += 5;
    }
    if (n <= 32) for (let i = 0; i < n; i++) u[q + i] = key.charCodeAt(i);
    else u.latin1Write(key, q, n);
    return ref;
  }

  /** Room for a record of a key of `n` bytes: its reference, header not yet written. */
  private reserve(n: number): number {
    const size = recordSize(n);
    let s: number;
    let p: number;
    if (size > BIG) {
      s = this.newSegment(size);
      p = 0;
      this.used[s] = size;
    } else {
      s = this.cur;
      if (s < 0 || this.used[s]! + size > SEG_SIZE) {
        if (s >= 0) this.seal(s);
        s = this.cur = this.newSegment(SEG_SIZE);
      }
      p = this.used[s]!;
      this.used[s] = p + size;
    }
    this.live[s]! += size;
    this.liveBytes += size;
    return ((s << POS_BITS) | (p / UNIT)) >>> 0;
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
    const u = this.segs[ref >>> POS_BITS]!;
    const p = (ref & POS_MASK) * UNIT;
    const b = u[p]!;
    return recordSize((b & LONG) === 0 ? b >>> 2 : u.readUInt32LE(p + 1));
  }

  /**
   * Marks the record at `ref` dead (its key was deleted). Returns the index of a segment that
   * should now be compacted, or -1.
   */
  release(ref: number): number {
    const s = ref >>> POS_BITS;
    const u = this.segs[s]!;
    const p = (ref & POS_MASK) * UNIT;
    u[p] = u[p]! | DEAD;
    const size = this.sizeOf(ref);
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
      const b = u[p]!;
      const long = (b & LONG) !== 0;
      const n = long ? u.readUInt32LE(p + 1) : b >>> 2;
      const size = recordSize(n);
      if ((b & DEAD) === 0) {
        const body = p + (long ? 5 : 1);
        const to = this.reserve(n);
        const target = this.segs[to >>> POS_BITS]!;
        const q = (to & POS_MASK) * UNIT;
        u.copy(target, q, p, body + n);
        moved(((s << POS_BITS) | (p / UNIT)) >>> 0, to, hashBytes(u, body, body + n));
      }
      p += size;
    }
    this.liveBytes -= this.live[s]!;
    this.live[s] = 0;
    this.drop(s);
  }

  /** A view of the keys as they are now (see SlabView). */
  view(): SlabView {
    return new SlabView(this.segs.slice());
  }
}
