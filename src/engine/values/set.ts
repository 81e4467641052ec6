/**
 * The set value type: a StrSet of binary strings plus the encoding Redis 7.0 would report.
 * Redis keeps a set of integers as a sorted "intset" until it holds a non-integer or more than
 * set-max-intset-entries members, then converts it to a "hashtable" for good. mnemo stores both
 * the same way but tracks the encoding, and answers SMEMBERS/SSCAN of an intset in ascending
 * numeric order as Redis does. Random members are O(1) (StrSet.randomIndex).
 */

import { StrSet } from '../dict.js';
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
  readonly members = new StrSet();
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
    const before = this.members.size;
    this.members.add(member);
    if (this.members.size === before) return false;
    if (this.intset && (this.members.size > maxIntset || parseInt64(member) === null)) this.intset = false;
    return true;
  }

  has(member: string): boolean {
    return this.members.find(member) >= 0;
  }

  delete(member: string): boolean {
    return this.members.delete(member);
  }

  /** Members in the order Redis lists them: ascending for an intset, table order otherwise. */
  toArray(): string[] {
    const keys = this.members.keys.slice(0, this.members.size);
    if (this.intset) keys.sort(compareIntStrings);
    return keys;
  }

  clone(): SetValue {
    const s = new SetValue(this.intset);
    const keys = this.members.keys;
    for (let i = 0; i < this.size; i++) s.members.add(keys[i]!);
    return s;
  }

  randomMember(): string | undefined {
    const i = this.members.randomIndex();
    return i < 0 ? undefined : this.members.keys[i];
  }

  /** Removes and returns a uniformly random member (SPOP), O(1); undefined when empty. */
  popRandom(): string | undefined {
    const i = this.members.randomIndex();
    if (i < 0) return undefined;
    const m = this.members.keys[i]!;
    this.members.deleteAt(i);
    return m;
  }

  get encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }
}

function compareIntStrings(a: string, b: string): number {
  const x = parseInt64(a)!;
  const y = parseInt64(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}
