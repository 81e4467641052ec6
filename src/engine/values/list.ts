/**
 * The list value type: a ring-buffer deque of binary strings. Push and pop at both ends are
 * O(1) amortised, index access is O(1) (Redis's quicklist is O(n) there), and a range read
 * costs O(start + count) at most. The ring grows by doubling and shrinks when a quarter full,
 * so a drained list gives its memory back. Redis 7.0 reports every list as "quicklist".
 */

const MIN_CAPACITY = 4;

export class ListValue {
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

  private maybeShrink(): void {
    const cap = this.mask + 1;
    if (cap > MIN_CAPACITY * 4 && this.length * 4 < cap) this.resize(cap >>> 1);
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

  /** Replaces the contents (LREM, LINSERT, LTRIM rebuild paths). */
  replaceAll(elements: string[]): void {
    let cap = MIN_CAPACITY;
    while (cap < elements.length) cap *= 2;
    this.items = new Array(cap);
    for (let i = 0; i < elements.length; i++) this.items[i] = elements[i];
    this.head = 0;
    this.mask = cap - 1;
    this.length = elements.length;
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
