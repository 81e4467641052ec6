import { epoch } from './types.js';

/**
 * The list value type, laid out the way Redis's quicklist is and for the same reason, memory:
 * the middle of a long list is packed, `CHUNK` elements to a chunk, each chunk one binary string
 * of length-prefixed elements (like a listpack node), so an element costs its bytes plus one or
 * a few length bytes instead of a V8 string header and a pointer. The two ends stay loose arrays
 * of up to 2 x CHUNK elements, so pushes and pops at either end are O(1) amortised: a full end
 * packs its inner half into a chunk, an empty end unpacks the nearest chunk (or takes half of
 * the other end when there is none). Index access walks the chunk counts (O(n / CHUNK), Redis's
 * is O(n)); reads in order, forwards or backwards, decode each chunk once (the last decoded
 * chunk is kept until the list changes). A list of up to 2 x CHUNK elements is never packed.
 * Redis 7.0 reports every list as "quicklist".
 */

/** Elements per packed chunk. */
let CHUNK = 128;

/** For tests: a tiny chunk size puts short lists through the packed paths. */
export function setListChunkSize(n: number): void {
  CHUNK = n;
}

/** Length prefixes: one byte below 0xf0, else 0xf0 + 2 bytes or 0xf1 + 4 bytes, big-endian. */
function lengthPrefix(n: number): string {
  if (n < 0xf0) return String.fromCharCode(n);
  if (n <= 0xffff) return String.fromCharCode(0xf0, n >>> 8, n & 0xff);
  return String.fromCharCode(0xf1, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Where pack() assembles a chunk of short elements. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * Packs elements (in order) into one chunk string. Short elements (8 bytes or fewer on
 * average) are written byte by byte into a scratch buffer and made into one string: about 3x
 * faster than joining two small strings per element for 3-byte elements, where the join's
 * native copies win for longer ones.
 */
function pack(items: readonly string[]): string {
  const n = items.length;
  let chars = 0;
  for (let i = 0; i < n; i++) chars += items[i]!.length;
  if (chars > 8 * n) {
    const parts = new Array<string>(n * 2);
    for (let i = 0; i < n; i++) {
      const s = items[i]!;
      parts[2 * i] = lengthPrefix(s.length);
      parts[2 * i + 1] = s;
    }
    return parts.join('');
  }
  if (scratch.length < chars + 5 * n) scratch = Buffer.allocUnsafe(2 * (chars + 5 * n));
  const u = scratch;
  let p = 0;
  for (let i = 0; i < n; i++) {
    const s = items[i]!;
    const len = s.length;
    if (len < 0xf0) u[p++] = len;
    else {
      const prefix = lengthPrefix(len);
      for (let j = 0; j < prefix.length; j++) u[p++] = prefix.charCodeAt(j);
    }
    for (let j = 0; j < len; j++) u[p++] = s.charCodeAt(j);
  }
  return u.latin1Slice(0, p);
}

/** The `count` elements of a chunk, in order. */
function unpack(chunk: string, count: number): string[] {
  const out = new Array<string>(count);
  let p = 0;
  for (let i = 0; i < count; i++) {
    let n = chunk.charCodeAt(p++);
    if (n === 0xf0) {
      n = (chunk.charCodeAt(p) << 8) | chunk.charCodeAt(p + 1);
      p += 2;
    } else if (n === 0xf1) {
      n =
        chunk.charCodeAt(p) * 0x1000000 +
        ((chunk.charCodeAt(p + 1) << 16) | (chunk.charCodeAt(p + 2) << 8) | chunk.charCodeAt(p + 3));
      p += 4;
    }
    out[i] = chunk.slice(p, p + n);
    p += n;
  }
  return out;
}

/**
 * The packed chunks of a list, in order, with their element counts: an array with room kept in
 * front, so that adding or taking a chunk at either end is O(1) amortised (a plain array's
 * unshift and shift move every chunk: microseconds per chunk on a list of millions).
 */
class Chunks {
  private strs: string[] = [];
  private counts: number[] = [];
  /** Index of the first chunk in the arrays; the slots before it are free. */
  private head = 0;

  get size(): number {
    return this.strs.length - this.head;
  }
  get(k: number): string {
    return this.strs[this.head + k]!;
  }
  count(k: number): number {
    return this.counts[this.head + k]!;
  }

  pushBack(chunk: string, count: number): void {
    this.strs.push(chunk);
    this.counts.push(count);
  }

  pushFront(chunk: string, count: number): void {
    if (this.head === 0) this.regrow(Math.max(8, this.size));
    this.head--;
    this.strs[this.head] = chunk;
    this.counts[this.head] = count;
  }

  /** Removes the first chunk; returns its string (its count was read with count(0)). */
  shift(): string {
    const h = this.head;
    const chunk = this.strs[h]!;
    this.strs[h] = '';
    this.head = h + 1;
    if (this.head === this.strs.length) this.clear();
    // Free room in front never outgrows the chunks themselves.
    else if (this.head > 16 && this.head > this.size) this.regrow(0);
    return chunk;
  }

  /** Removes the last chunk; returns its string (its count was read with count(size - 1)). */
  pop(): string {
    const chunk = this.strs.pop()!;
    this.counts.pop();
    if (this.strs.length === this.head) this.clear();
    return chunk;
  }

  /** Replaces chunk k with `chunks` (and their counts). */
  replace(k: number, chunks: string[], counts: number[]): void {
    this.strs.splice(this.head + k, 1, ...chunks);
    this.counts.splice(this.head + k, 1, ...counts);
  }

  clear(): void {
    this.strs = [];
    this.counts = [];
    this.head = 0;
  }

  clone(): Chunks {
    const c = new Chunks();
    // Chunks are immutable strings: the copy shares them.
    c.strs = this.strs.slice(this.head);
    c.counts = this.counts.slice(this.head);
    return c;
  }

  /** Moves the chunks to fresh arrays with `room` free slots in front. */
  private regrow(room: number): void {
    const strs: string[] = [];
    const counts: number[] = [];
    for (let i = 0; i < room; i++) {
      strs.push('');
      counts.push(0);
    }
    for (let i = this.head; i < this.strs.length; i++) {
      strs.push(this.strs[i]!);
      counts.push(this.counts[i]!);
    }
    this.strs = strs;
    this.counts = counts;
    this.head = room;
  }
}

export class ListValue {
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  /** Bytes the key table last counted for this value (see ValueObject.measured). */
  measured = 0;
  get type(): 'list' {
    return 'list';
  }
  /** Redis 7.0 keeps every list in a quicklist. */
  get encoding(): string {
    return 'quicklist';
  }
  /** The first elements, reversed: front[front.length - 1] is element 0. */
  private front: string[] = [];
  /** Packed chunks in list order, and how many elements each holds. */
  private chunks = new Chunks();
  /** The last elements, in order. */
  private back: string[] = [];
  length = 0;
  /** Characters in all packed chunks (memory accounting). */
  packedChars = 0;
  /** The chunk decoded last for reads (-1: none), where it starts in the packed part, its elements. */
  private cached = -1;
  private cachedStart = 0;
  private cachedItems: string[] = [];

  /** Elements held loose (the two ends), for memory accounting. */
  get looseCount(): number {
    return this.front.length + this.back.length;
  }

  /** Packed chunks, for memory accounting. */
  get chunkCount(): number {
    return this.chunks.size;
  }

  /** The i-th loose element (0 <= i < looseCount), for memory accounting. */
  looseAt(i: number): string {
    const f = this.front.length;
    return i < f ? this.front[i]! : this.back[i - f]!;
  }

  private changed(): void {
    this.cached = -1;
    this.cachedItems = [];
  }

  private get packedCount(): number {
    return this.length - this.front.length - this.back.length;
  }

  /** Packs the inner CHUNK elements of the back into a chunk after the others. */
  private packBack(): void {
    const chunk = pack(this.back.slice(0, CHUNK));
    this.chunks.pushBack(chunk, CHUNK);
    this.packedChars += chunk.length;
    this.back = this.back.slice(CHUNK);
  }

  /** Packs the inner CHUNK elements of the front into a chunk before the others. */
  private packFront(): void {
    const chunk = pack(this.front.slice(0, CHUNK).reverse());
    this.chunks.pushFront(chunk, CHUNK);
    this.packedChars += chunk.length;
    this.front = this.front.slice(CHUNK);
  }

  pushBack(s: string): void {
    this.back.push(s);
    this.length++;
    if (this.back.length > 2 * CHUNK) this.packBack();
    if (this.cached >= 0) this.changed();
  }

  pushFront(s: string): void {
    this.front.push(s);
    this.length++;
    if (this.front.length > 2 * CHUNK) this.packFront();
    if (this.cached >= 0) this.changed();
  }

  popFront(): string | undefined {
    if (this.length === 0) return undefined;
    if (this.front.length === 0) {
      if (this.chunks.size > 0) {
        const count = this.chunks.count(0);
        const chunk = this.chunks.shift();
        this.packedChars -= chunk.length;
        this.front = unpack(chunk, count).reverse();
      } else {
        const k = Math.ceil(this.back.length / 2);
        this.front = this.back.slice(0, k).reverse();
        this.back = this.back.slice(k);
      }
    }
    this.length--;
    if (this.cached >= 0) this.changed();
    return this.front.pop();
  }

  popBack(): string | undefined {
    if (this.length === 0) return undefined;
    if (this.back.length === 0) {
      if (this.chunks.size > 0) {
        const count = this.chunks.count(this.chunks.size - 1);
        const chunk = this.chunks.pop();
        this.packedChars -= chunk.length;
        this.back = unpack(chunk, count);
      } else {
        const k = Math.ceil(this.front.length / 2);
        this.back = this.front.slice(0, k).reverse();
        this.front = this.front.slice(k);
      }
    }
    this.length--;
    if (this.cached >= 0) this.changed();
    return this.back.pop();
  }

  /**
   * Decodes the chunk holding packed element `j` into the read cache (moving from the cached
   * chunk to a neighbour when reads go in order); returns the element's index within it.
   */
  private locate(j: number): number {
    const chunks = this.chunks;
    let k: number;
    let start: number;
    if (this.cached >= 0) {
      if (j >= this.cachedStart && j < this.cachedStart + this.cachedItems.length)
        return j - this.cachedStart;
      if (j === this.cachedStart + this.cachedItems.length) {
        k = this.cached + 1;
        start = j;
      } else if (j === this.cachedStart - 1) {
        k = this.cached - 1;
        start = this.cachedStart - chunks.count(k);
      } else [k, start] = this.scan(j);
    } else [k, start] = this.scan(j);
    this.cached = k;
    this.cachedStart = start;
    this.cachedItems = unpack(chunks.get(k), chunks.count(k));
    return j - start;
  }

  /** The chunk holding packed element `j` and where it starts, walking from the nearer end. */
  private scan(j: number): [number, number] {
    const chunks = this.chunks;
    const total = this.packedCount;
    if (j < total / 2) {
      let k = 0;
      let start = 0;
      while (start + chunks.count(k) <= j) start += chunks.count(k++);
      return [k, start];
    }
    let k = chunks.size - 1;
    let start = total - chunks.count(k);
    while (start > j) start -= chunks.count(--k);
    return [k, start];
  }

  /** Element at a non-negative index < length. */
  at(index: number): string {
    const f = this.front.length;
    if (index < f) return this.front[f - 1 - index]!;
    const j = index - f;
    const packed = this.packedCount;
    if (j >= packed) return this.back[j - packed]!;
    // locate() replaces cachedItems: call it before reading the array.
    const at = this.locate(j);
    return this.cachedItems[at]!;
  }

  setAt(index: number, s: string): void {
    const f = this.front.length;
    const packed = this.packedCount;
    if (index < f) this.front[f - 1 - index] = s;
    else if (index - f >= packed) this.back[index - f - packed] = s;
    else {
      const at = this.locate(index - f);
      const items = this.cachedItems.slice();
      items[at] = s;
      this.repack(this.cached, [items]);
    }
    this.changed();
  }

  /** Replaces chunk k with chunks of `groups` (each at most 2 x CHUNK elements). */
  private repack(k: number, groups: string[][]): void {
    const old = this.chunks.get(k);
    const chunks = groups.map(pack);
    this.chunks.replace(
      k,
      chunks,
      groups.map((g) => g.length),
    );
    this.packedChars += chunks.reduce((n, c) => n + c.length, 0) - old.length;
  }

  /** Calls fn for elements [start, end] (inclusive, already clamped). */
  forRange(start: number, end: number, fn: (s: string) => void): void {
    for (let i = start; i <= end; i++) fn(this.at(i));
  }

  clone(): ListValue {
    const l = new ListValue();
    l.front = this.front.slice();
    l.chunks = this.chunks.clone();
    l.back = this.back.slice();
    l.length = this.length;
    l.packedChars = this.packedChars;
    return l;
  }

  toArray(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }

  /** Replaces the contents with `elements`. */
  replaceAll(elements: string[]): void {
    this.front = [];
    this.chunks.clear();
    this.back = [];
    this.length = 0;
    this.packedChars = 0;
    this.changed();
    for (const e of elements) this.pushBack(e);
  }

  /**
   * Inserts `s` so that it ends up at `index` (0..length) (LINSERT): O(1) amortised at the ends,
   * O(CHUNK) plus the walk to the chunk in the middle.
   */
  insertAt(index: number, s: string): void {
    if (index === 0) {
      this.pushFront(s);
      return;
    }
    if (index === this.length) {
      this.pushBack(s);
      return;
    }
    const f = this.front.length;
    const packed = this.packedCount;
    if (index <= f) {
      this.front.splice(f - index, 0, s);
      this.length++;
      if (this.front.length > 2 * CHUNK) this.packFront();
    } else if (index - f >= packed) {
      this.back.splice(index - f - packed, 0, s);
      this.length++;
      if (this.back.length > 2 * CHUNK) this.packBack();
    } else {
      const at = this.locate(index - f);
      const items = this.cachedItems.slice();
      items.splice(at, 0, s);
      const half = items.length >> 1;
      this.repack(
        this.cached,
        items.length > 2 * CHUNK ? [items.slice(0, half), items.slice(half)] : [items],
      );
      this.length++;
    }
    this.changed();
  }

  /**
   * LREM: removes up to `limit` elements equal to `s` (0 = all), scanning from the head, or
   * from the tail when `fromTail`, in one O(n) pass. Returns how many were removed.
   */
  removeMatches(s: string, limit: number, fromTail: boolean): number {
    const all = this.toArray();
    const kept: string[] = [];
    let removed = 0;
    if (!fromTail) {
      for (const v of all) {
        if (v === s && (limit === 0 || removed < limit)) removed++;
        else kept.push(v);
      }
    } else {
      for (let r = all.length - 1; r >= 0; r--) {
        const v = all[r]!;
        if (v === s && (limit === 0 || removed < limit)) removed++;
        else kept.push(v);
      }
      kept.reverse();
    }
    if (removed > 0) this.replaceAll(kept);
    return removed;
  }

  /** Removes `n` elements from the front (LTRIM), O(n). */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.popFront();
  }

  /** Removes `n` elements from the back (LTRIM), O(n). */
  dropBack(n: number): void {
    for (let i = 0; i < n; i++) this.popBack();
  }
}
