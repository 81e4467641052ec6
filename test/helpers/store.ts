/** Assertions on an in-process MemoryStore shared by the family tests. */

import assert from 'node:assert/strict';
import { type Arg, type MemoryStore, ReplyError } from '../../src/index.js';

/** The command fails with exactly Redis's error text `expected`. */
export function assertError(store: MemoryStore, expected: string, name: string, ...args: Arg[]): void {
  assert.throws(
    () => store.command(name, ...args),
    (err: unknown) => err instanceof ReplyError && err.message === expected,
    `${name} ${args.join(' ')} should fail with ${expected}`,
  );
}
