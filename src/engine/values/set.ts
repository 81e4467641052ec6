/**
 * The set value type: a table of binary strings plus the encoding Redis 7.0 would report.
 * Redis keeps a set of integers as a sorted "intset" until it holds a non-integer or more than
 * set-max-intset-entries members, then converts it to a "hashtable" for good. mnemo stores both
 * the same way but tracks the encoding, and answers SMEMBERS/SSCAN of an intset in ascending
 * numeric order as Redis does. Random members are O(1) (HashIndex.randomIndex).
 *
 * The table is a StrSet (member strings on the heap) up to SLAB_AFTER members, then, for good,
 * a SlabTable: the members' bytes in a slab outside the heap, as the keyspace's keys. A slab
 * costs a few hundred bytes of fixed structure, too much for the many small sets a dataset
 * may hold; past a hundred members it is the smaller and leaves the GC nothing per member.
 */

import { StrSet } from '../dict.js';
import { SlabTable } from '../slabtable.js';
import { parseInt64 } from './string.js';
import { epoch } from './types.js';

export class SetValue {
  /** Snapshot epoch (see engine/values/types.ts `epoch`). */
  snap = epoch.current;
  /** Bytes the key table last counted for this value (see ValueObject.measured). */
  measured = 0;
  get type(): 'set' {
    return 'set';
  }
  /** The members (SlabTable past SLAB_AFTER members; its values are unused). */
  members: StrSet | SlabTable<never> = new StrSet();
  /** True while Redis would still hold this set as an intset. */
  intset: boolean;

  constructor(intset: boolean) {
    this.intset = intset;
  }

  /** A new set whose encoding follows its first member, as Redis's setTypeCreate decides. */
  static forFirstMember(member: string): SetValue {
    return new SetValue(parseInt64(member) !== null);
  }

  get size(): number {
    return this.members.size;
  }

  /** Adds a member; returns true if it was new. `maxIntset` is set-max-intset-entries. */
  add(member: string, maxIntset: number): boolean {
    const m = this.members;
    const before = m.size;
    m.add(member);
    if (m.size === before) return false;
    if (m.size > SLAB_AFTER && m instanceof StrSet) this.toSlab(m);
    if (this.intset && (this.members.size > maxIntset || parseInt64(member) === null)) this.intset = false;
    return true;
  }

  has(member: string): boolean {
    return this.members.find(member) >= 0;
  }

  delete(member: string): boolean {
    return this.members.delete(member);
  }

  private toSlab(small: StrSet): void {
    const t = new SlabTable<never>();
    for (let i = 0; i < small.size; i++) t.add(small.keyAt(i));
    this.members = t;
  }

  /** Members in table order. */
  private keys(): string[] {
    const m = this.members;
    const keys = new Array<string>(m.size);
    for (let i = 0; i < keys.length; i++) keys[i] = m.keyAt(i);
    return keys;
  }

  /** Members in the order Redis lists them: ascending for an intset, table order otherwise. */
  toArray(): string[] {
    const keys = this.keys();
    if (this.intset) keys.sort(compareIntStrings);
    return keys;
  }

  clone(): SetValue {
    const s = new SetValue(this.intset);
    for (const k of this.keys()) s.add(k, Number.POSITIVE_INFINITY);
    s.intset = this.intset;
    return s;
  }

  randomMember(): string | undefined {
    const i = this.members.randomIndex();
    return i < 0 ? undefined : this.members.keyAt(i);
  }

  /** Removes and returns a uniformly random member (SPOP), O(1); undefined when empty. */
  popRandom(): string | undefined {
    const i = this.members.randomIndex();
    if (i < 0) return undefined;
    const m = this.members.keyAt(i);
    this.members.deleteAt(i);
    return m;
  }

  get encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }
}

/** Members a set holds as a StrSet; one more moves it to a SlabTable. */
const SLAB_AFTER = 128;

function compareIntStrings(a: string, b: string): number {
  const x = parseInt64(a)!;
  const y = parseInt64(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}
