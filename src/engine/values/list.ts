import { epoch } from './types.js';

/**
 * The list value type: a ring-buffer deque of binary strings. Push and pop at both ends are
 * O(1) amortised, index access is O(1) (Redis's quicklist is O(n) there), and a range read
 * costs O(start + count) at most. LINSERT shifts the shorter side of the ring and LREM compacts
 * the survivors in one pass, both in place. The ring grows by doubling and shrinks when a quarter
 * full, so a drained list gives its memory back. Redis 7.0 reports every list as "quicklist".
 */

const MIN_CAPACITY = 4;

export class ListValue {
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  get type(): 'list' {
    return 'list';
  }
  /** Redis 7.0 keeps every list in a quicklist. */
  get encoding(): string {
    return 'quicklist';
  }
  private items: (string | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.items = new Array(cap);
    this.mask = cap - 1;
  }

  private resize(cap: number): void {
    const next: (string | undefined)[] = new Array(cap);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = cap - 1;
  }

  /** Halves the ring (as often as needed) while it is under a quarter full. */
  private maybeShrink(): void {
    const cap = this.mask + 1;
    let next = cap;
    while (next > MIN_CAPACITY * 4 && this.length * 4 < next) next >>>= 1;
    if (next !== cap) this.resize(next);
  }

  pushBack(s: string): void {
    if (this.length > this.mask) this.resize((this.mask + 1) * 2);
    this.items[(this.head + this.length) & this.mask] = s;
    this.length++;
  }

  pushFront(s: string): void {
    if (this.length > this.mask) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = s;
    this.length++;
  }

  popFront(): string | undefined {
    if (this.length === 0) return undefined;
    const s = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    this.maybeShrink();
    return s;
  }

  popBack(): string | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) & this.mask;
    const s = this.items[i];
    this.items[i] = undefined;
    this.length--;
    this.maybeShrink();
    return s;
  }

  /** Element at a non-negative index < length. */
  at(index: number): string {
    return this.items[(this.head + index) & this.mask]!;
  }

  setAt(index: number, s: string): void {
    this.items[(this.head + index) & this.mask] = s;
  }

  /** Calls fn for elements [start, end] (inclusive, already clamped). */
  forRange(start: number, end: number, fn: (s: string) => void): void {
    for (let i = start; i <= end; i++) fn(this.items[(this.head + i) & this.mask]!);
  }

  clone(): ListValue {
    const l = new ListValue(this.length);
    for (let i = 0; i < this.length; i++) l.pushBack(this.at(i));
    return l;
  }

  toArray(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.items[(this.head + i) & this.mask]!;
    return out;
  }

  /** Replaces the contents with `elements`. */
  replaceAll(elements: string[]): void {
    let cap = MIN_CAPACITY;
    while (cap < elements.length) cap *= 2;
    this.items = new Array(cap);
    for (let i = 0; i < elements.length; i++) this.items[i] = elements[i];
    this.head = 0;
    this.mask = cap - 1;
    this.length = elements.length;
  }

  /**
   * Inserts `s` so that it ends up at `index` (0..length), shifting whichever side of the ring
   * is shorter: O(min(index, length - index)), so inserting near either end is O(1) (LINSERT).
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
    if (this.length > this.mask) this.resize((this.mask + 1) * 2);
    const items = this.items;
    const mask = this.mask;
    if (index < this.length - index) {
      // Move elements [0, index) one slot towards the front.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) items[(this.head + i) & mask] = items[(this.head + i + 1) & mask];
    } else {
      // Move elements [index, length) one slot towards the back.
      for (let i = this.length; i > index; i--)
        items[(this.head + i) & mask] = items[(this.head + i - 1) & mask];
    }
    items[(this.head + index) & mask] = s;
    this.length++;
  }

  /**
   * LREM: removes up to `limit` elements equal to `s` (0 = all), scanning from the head, or
   * from the tail when `fromTail`. Survivors are compacted in place in one O(n) pass.
   * Returns how many were removed.
   */
  removeMatches(s: string, limit: number, fromTail: boolean): number {
    const items = this.items;
    const mask = this.mask;
    const head = this.head;
    const len = this.length;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < len; r++) {
        const v = items[(head + r) & mask];
        if (v === s && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(head + w) & mask] = v;
        w++;
      }
      for (let i = w; i < len; i++) items[(head + i) & mask] = undefined;
    } else {
      let w = len - 1;
      for (let r = len - 1; r >= 0; r--) {
        const v = items[(head + r) & mask];
        if (v === s && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(head + w) & mask] = v;
        w--;
      }
      for (let i = 0; i <= w; i++) items[(head + i) & mask] = undefined;
      this.head = (head + w + 1) & mask;
    }
    this.length = len - removed;
    if (removed > 0) this.maybeShrink();
    return removed;
  }

  /** Removes `n` elements from the front (LTRIM), O(n). */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.items[(this.head + i) & this.mask] = undefined;
    this.head = (this.head + n) & this.mask;
    this.length -= n;
    this.maybeShrink();
  }

  /** Removes `n` elements from the back (LTRIM), O(n). */
  dropBack(n: number): void {
    for (let i = 0; i < n; i++) this.items[(this.head + this.length - 1 - i) & this.mask] = undefined;
    this.length -= n;
    this.maybeShrink();
  }
}
