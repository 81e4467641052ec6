/**
 * The hash value type: fields mapped to values, both binary strings, plus the encoding Redis 7.0
 * would report. Redis keeps a small hash as a "listpack" (field, value, field, value, ... in one
 * byte array, in insertion order) until it holds more than hash-max-listpack-entries fields or is
 * given a field or value longer than hash-max-listpack-value bytes; then it converts it to a
 * "hashtable" for good (t_hash.c hashTypeTryConversion / hashTypeSet / hashTypeConvert).
 *
 * mnemo follows the same rules with the same two forms, for the same reason, memory:
 *  - packed (listpack): the whole hash is one binary string in which every field and value is
 *    preceded by its length. Ten short fields cost one string instead of twenty strings and two
 *    arrays, about a third of the bytes (the collections part of npm run bench measures it).
 *    Lookups scan it as Redis scans a listpack, order is insertion order (an update keeps the position, a delete
 *    keeps the order of the rest), and every change rebuilds the string: O(n) in the packed size,
 *    like listpack's realloc and memmove, bounded by the conversion limits;
 *  - hashtable: a SlabTable (fields, and values of up to 64 bytes, packed outside the JS heap:
 *    engine/slabtable.ts), with O(1) lookups, O(1) uniformly random fields (HRANDFIELD) and
 *    Redis's SCAN cursor guarantees.
 *
 * A packed length is one char below 255, else char 255 followed by four big-endian chars. Values
 * read from the packed form are slices of it: fine for replies and parsing.
 */

import type { BytesSink } from '../keyslab.js';
import { SlabTable } from '../slabtable.js';
import { epoch } from './types.js';

/** Lengths below this take one char; longer ones take LONG plus four chars. */
const LONG = 0xff;

function headerSize(len: number): number {
  return len < LONG ? 1 : 5;
}

/** The length stored at position p of a packed string. */
function lengthAt(s: string, p: number): number {
  const c = s.charCodeAt(p);
  if (c !== LONG) return c;
  return (
    ((s.charCodeAt(p + 1) << 24) |
      (s.charCodeAt(p + 2) << 16) |
      (s.charCodeAt(p + 3) << 8) |
      s.charCodeAt(p + 4)) >>>
    0
  );
}

/** Position just past the length-prefixed string starting at p. */
function skip(s: string, p: number): number {
  const len = lengthAt(s, p);
  return p + headerSize(len) + len;
}

// One scratch buffer assembles every new packed string, so each rebuild produces a flat string
// in one copy out (string concatenation would leave rope nodes behind for V8 to flatten later).
const SCRATCH_KEEP = 64 * 1024;
let scratch = Buffer.allocUnsafe(4096);
let wpos = 0;

function room(n: number): void {
  if (wpos + n <= scratch.length) return;
  const next = Buffer.allocUnsafe(Math.max(scratch.length * 2, wpos + n));
  scratch.copy(next, 0, 0, wpos);
  scratch = next;
}

/** Appends already-packed bytes. */
function putRaw(s: string): void {
  room(s.length);
  wpos += scratch.latin1Write(s, wpos);
}

/** Appends `s` with its length header. */
function putString(s: string): void {
  const n = s.length;
  room(n + 5);
  if (n < LONG) {
    scratch[wpos++] = n;
  } else {
    scratch[wpos++] = LONG;
    scratch[wpos++] = n >>> 24;
    scratch[wpos++] = (n >>> 16) & 0xff;
    scratch[wpos++] = (n >>> 8) & 0xff;
    scratch[wpos++] = n & 0xff;
  }
  wpos += scratch.latin1Write(s, wpos);
}

/** The packed string assembled so far; resets the scratch buffer. */
function take(): string {
  const s = wpos === 0 ? '' : scratch.latin1Slice(0, wpos);
  wpos = 0;
  if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(4096);
  return s;
}

/** A hash's fields and values by position (HashValue.pairs). */
export interface HashPairs {
  fieldAt(i: number): string;
  valueAt(i: number): string;
}

export class HashValue {
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  /** Bytes the key table last counted for this value (see ValueObject.measured). */
  measured = 0;
  get type(): 'hash' {
    return 'hash';
  }
  /** The packed form while Redis would keep a listpack ('' once hashed). */
  private packed = '';
  /** Number of fields in `packed`. */
  private packedSize = 0;
  /** The hashtable form, null while packed. */
  private table: SlabTable<string> | null = null;

  get encoding(): string {
    return this.table === null ? 'listpack' : 'hashtable';
  }

  get isListpack(): boolean {
    return this.table === null;
  }

  get size(): number {
    return this.table === null ? this.packedSize : this.table.size;
  }

  /** The field table once hashed (null while packed), for prefetching its entries. */
  get fieldTable(): SlabTable<string> | null {
    return this.table;
  }

  /** Position of the field's entry in the packed string, or -1. */
  private packedFind(field: string): number {
    const s = this.packed;
    const n = s.length;
    const flen = field.length;
    // Field names often share a prefix and a length ("field1", "field2"): comparing the last
    // and first chars first saves most calls to startsWith, which cost several times more.
    const last = flen === 0 ? -1 : field.charCodeAt(flen - 1);
    const first = flen === 0 ? -1 : field.charCodeAt(0);
    let p = 0;
    while (p < n) {
      const len = lengthAt(s, p);
      const start = p + headerSize(len);
      if (
        len === flen &&
        (flen === 0 ||
          (s.charCodeAt(start + flen - 1) === last &&
            s.charCodeAt(start) === first &&
            s.startsWith(field, start)))
      ) {
        return p;
      }
      p = skip(s, start + len);
    }
    return -1;
  }

  get(field: string): string | undefined {
    if (this.table !== null) return this.table.get(field);
    const p = this.packedFind(field);
    if (p < 0) return undefined;
    const s = this.packed;
    const vp = p + headerSize(field.length) + field.length;
    const len = lengthAt(s, vp);
    const start = vp + headerSize(len);
    return s.slice(start, start + len);
  }

  /**
   * Replies with the field's value (HGET, HMGET): from a hashtable a value kept in the slab goes
   * as bytes, with no string made. Returns false, writing nothing, when the field is absent.
   */
  replyValue(field: string, reply: BytesSink & { bulk(s: string): void }): boolean {
    const t = this.table;
    if (t === null) {
      const v = this.get(field);
      if (v === undefined) return false;
      reply.bulk(v);
      return true;
    }
    const e = t.find(field);
    if (e < 0) return false;
    if (!t.valueTo(e, reply)) reply.bulk(t.valueAt(e));
    return true;
  }

  has(field: string): boolean {
    return this.table !== null ? this.table.find(field) >= 0 : this.packedFind(field) >= 0;
  }

  /**
   * Sets one field (hashTypeSet); returns true if it was new. `maxEntries` and `maxValue` are
   * hash-max-listpack-entries and hash-max-listpack-value: a longer field or value converts the
   * hash before the write, one field too many converts it after.
   */
  set(field: string, value: string, maxEntries: number, maxValue: number): boolean {
    if (this.table === null && (field.length > maxValue || value.length > maxValue)) this.toTable();
    if (this.table !== null) return this.table.set(field, value);
    const s = this.packed;
    const p = this.packedFind(field);
    if (p >= 0) {
      const vp = p + headerSize(field.length) + field.length;
      const end = skip(s, vp);
      putRaw(s.slice(0, vp));
      putString(value);
      putRaw(s.slice(end));
      this.packed = take();
      return false;
    }
    putRaw(s);
    putString(field);
    putString(value);
    this.packed = take();
    this.packedSize++;
    if (this.packedSize > maxEntries) this.toTable();
    return true;
  }

  /**
   * Sets the field/value pairs argv[from], argv[from + 1], ... (HSET); returns how many fields
   * were new. As hashTypeTryConversion does, any argument longer than `maxValue` converts the
   * hash first. Several pairs on a packed hash are applied in one rebuild.
   */
  setPairs(argv: readonly string[], from: number, maxEntries: number, maxValue: number): number {
    if (this.table === null) {
      for (let i = from; i < argv.length; i++) {
        if (argv[i]!.length > maxValue) {
          this.toTable();
          break;
        }
      }
    }
    let created = 0;
    if (this.table !== null) {
      for (let i = from; i < argv.length; i += 2) if (this.table.set(argv[i]!, argv[i + 1]!)) created++;
      return created;
    }
    if (argv.length - from === 2) return this.set(argv[from]!, argv[from + 1]!, maxEntries, maxValue) ? 1 : 0;
    const fields: string[] = [];
    const values: string[] = [];
    this.decode(fields, values);
    for (let i = from; i < argv.length; i += 2) {
      const f = argv[i]!;
      const j = fields.indexOf(f);
      if (j >= 0) {
        values[j] = argv[i + 1]!;
      } else {
        fields.push(f);
        values.push(argv[i + 1]!);
        created++;
      }
    }
    for (let i = 0; i < fields.length; i++) {
      putString(fields[i]!);
      putString(values[i]!);
    }
    this.packed = take();
    this.packedSize = fields.length;
    if (this.packedSize > maxEntries) this.toTable();
    return created;
  }

  /** Removes a field; true if it was there. The caller deletes a hash that became empty. */
  delete(field: string): boolean {
    if (this.table !== null) return this.table.delete(field);
    const p = this.packedFind(field);
    if (p < 0) return false;
    const s = this.packed;
    const end = skip(s, skip(s, p));
    putRaw(s.slice(0, p));
    putRaw(s.slice(end));
    this.packed = take();
    this.packedSize--;
    return true;
  }

  /** Calls fn for every field in storage order (insertion order while packed). */
  forEach(fn: (field: string, value: string) => void): void {
    const t = this.table;
    if (t !== null) {
      for (let i = 0; i < t.size; i++) fn(t.keyAt(i), t.valueAt(i));
      return;
    }
    const s = this.packed;
    const n = s.length;
    let p = 0;
    while (p < n) {
      const flen = lengthAt(s, p);
      const fstart = p + headerSize(flen);
      const vp = fstart + flen;
      const vlen = lengthAt(s, vp);
      const vstart = vp + headerSize(vlen);
      fn(s.slice(fstart, fstart + flen), s.slice(vstart, vstart + vlen));
      p = vstart + vlen;
    }
  }

  /** Appends the fields and values (storage order) to the two arrays. */
  private decode(fields: string[], values: string[]): void {
    this.forEach((f, v) => {
      fields.push(f);
      values.push(v);
    });
  }

  /**
   * The fields and values by position [0, size), for random picks. A hashtable answers from its
   * own entries (O(1) to set up): callers must not modify the hash while using it.
   */
  pairs(): HashPairs {
    const t = this.table;
    if (t !== null) return { fieldAt: (i) => t.keyAt(i), valueAt: (i) => t.valueAt(i) };
    const fields: string[] = [];
    const values: string[] = [];
    this.decode(fields, values);
    return { fieldAt: (i) => fields[i]!, valueAt: (i) => values[i]! };
  }

  /**
   * One HSCAN step from `cursor`: calls fn for each field visited and returns the next cursor.
   * A packed hash is returned whole with cursor 0, as Redis does for a listpack.
   */
  scanStep(cursor: number, fn: (field: string, value: string) => void): number {
    const t = this.table;
    if (t === null) {
      this.forEach(fn);
      return 0;
    }
    return t.scanStep(cursor, (e) => fn(t.keyAt(e), t.valueAt(e)));
  }

  /** Converts to the hashtable form for good (hashTypeConvertListpack). */
  private toTable(): void {
    const table = new SlabTable<string>();
    const s = this.packed;
    if (s.length > 0) {
      // Copies out of a buffer, so a value kept on the heap is not a slice of the packed string.
      const b = Buffer.from(s, 'latin1');
      const n = s.length;
      let p = 0;
      while (p < n) {
        const flen = lengthAt(s, p);
        const fstart = p + headerSize(flen);
        const vp = fstart + flen;
        const vlen = lengthAt(s, vp);
        const vstart = vp + headerSize(vlen);
        table.set(b.latin1Slice(fstart, fstart + flen), b.latin1Slice(vstart, vstart + vlen));
        p = vstart + vlen;
      }
    }
    this.table = table;
    this.packed = '';
    this.packedSize = 0;
  }

  /** A deep copy with the same encoding (hashTypeDup); strings are immutable and shared. */
  clone(): HashValue {
    const h = new HashValue();
    const t = this.table;
    if (t === null) {
      h.packed = this.packed;
      h.packedSize = this.packedSize;
    } else {
      const copy = new SlabTable<string>();
      for (let i = 0; i < t.size; i++) copy.set(t.keyAt(i), t.valueAt(i));
      h.table = copy;
    }
    return h;
  }
}
