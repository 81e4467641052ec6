/**
 * ValueWriter: turns the reply stream of a command into JS values for the in-process library.
 * RESP3 semantics: bulk -> string (or Buffer), integer -> number (bigint beyond 2^53), null ->
 * null, double -> number, bool -> boolean, map -> Map, set/array/push -> array, simple string
 * -> string, an error -> a ReplyError value (the library throws it when it is the whole reply).
 */

import { oneLineError, type Reply, ReplyError } from './reply.js';

export type ReplyValue =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | ReplyError
  | ReplyValue[]
  | Map<ReplyValue, ReplyValue>;

/** How bulk strings (binary strings inside the engine) reach the caller. */
export type BulkDecoding = 'utf8' | 'buffer' | 'binary';

interface Frame {
  kind: 'array' | 'map';
  items: ReplyValue[];
  want: number;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Whether every char of `s` is below 0x80. Short strings (most keys and values) are checked
 * with a loop, which costs less than a RegExp call; long ones with the RegExp.
 */
export function isAscii(s: string): boolean {
  const n = s.length;
  if (n > 32) return !NON_ASCII.test(s);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function decodeBulk(s: string, decoding: BulkDecoding): string | Buffer {
  if (decoding === 'binary') return s;
  if (decoding === 'buffer') return Buffer.from(s, 'latin1');
  return isAscii(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

export class ValueWriter implements Reply {
  readonly resp = 3 as const;
  private stack: Frame[] = [];
  private result: ReplyValue | undefined = undefined;
  private done = false;

  constructor(public decoding: BulkDecoding = 'utf8') {}

  /** Returns the reply of the finished command and resets for the next one. */
  takeResult(): ReplyValue {
    const r = this.result;
    this.result = undefined;
    this.done = false;
    // Normally already empty; writing `length` is not free even then.
    if (this.stack.length !== 0) this.stack.length = 0;
    return r === undefined ? null : r;
  }

  get hasResult(): boolean {
    return this.done;
  }

  private add(v: ReplyValue): void {
    let value = v;
    for (;;) {
      const top = this.top();
      if (top === undefined) {
        this.result = value;
        this.done = true;
        return;
      }
      top.items.push(value);
      if (top.items.length < top.want) return;
      this.stack.pop();
      value = top.kind === 'map' ? toMap(top.items) : top.items;
    }
  }

  private open(kind: 'array' | 'map', want: number): void {
    if (want === 0) {
      this.add(kind === 'map' ? new Map() : []);
      return;
    }
    this.stack.push({ kind, items: [], want });
  }

  private markItems = 0;

  /** The innermost open aggregate; never reads index -1 (a slow named-property lookup in V8). */
  private top(): Frame | undefined {
    const n = this.stack.length;
    return n === 0 ? undefined : this.stack[n - 1];
  }

  mark(): number {
    const top = this.top();
    this.markItems = top === undefined ? 0 : top.items.length;
    return this.stack.length;
  }

  rollback(mark: number): void {
    this.stack.length = Math.min(this.stack.length, mark);
    const top = this.top();
    if (top !== undefined) top.items.length = Math.min(top.items.length, this.markItems);
    if (mark === 0) {
      this.result = undefined;
      this.done = false;
    }
  }

  ok(): void {
    this.add('OK');
  }
  simple(s: string): void {
    this.add(s);
  }
  error(message: string): void {
    // The same text a socket client would read.
    this.add(new ReplyError(oneLineError(message)));
  }
  bulk(s: string): void {
    this.add(decodeBulk(s, this.decoding));
  }
  bulkBytes(b: Uint8Array, start: number, end: number): void {
    const s =
      b instanceof Buffer
        ? b.latin1Slice(start, end)
        : Buffer.from(b.buffer, b.byteOffset + start, end - start).latin1Slice();
    this.add(decodeBulk(s, this.decoding));
  }
  bulkInt(n: number | bigint): void {
    const s = n.toString();
    this.add(this.decoding === 'buffer' ? Buffer.from(s, 'latin1') : s);
  }
  int(n: number | bigint): void {
    this.add(typeof n === 'bigint' && n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n);
  }
  nil(): void {
    this.add(null);
  }
  nilArray(): void {
    this.add(null);
  }
  double(d: number): void {
    this.add(d);
  }
  bool(b: boolean): void {
    this.add(b);
  }
  bigNumber(digits: string): void {
    this.add(BigInt(digits));
  }
  verbatim(text: string): void {
    this.add(decodeBulk(text, this.decoding));
  }
  array(n: number): void {
    this.open('array', n);
  }
  map(n: number): void {
    this.open('map', n * 2);
  }
  set(n: number): void {
    this.open('array', n);
  }
  push(n: number): void {
    this.open('array', n);
  }
}

function toMap(items: ReplyValue[]): Map<ReplyValue, ReplyValue> {
  const m = new Map<ReplyValue, ReplyValue>();
  for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i]!, items[i + 1]!);
  return m;
}
