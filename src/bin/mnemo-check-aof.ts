#!/usr/bin/env node
/**
 * mnemo-check-aof: checks (and with --fix repairs) an append-only file, like redis-check-aof:
 * `mnemo-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>`.
 * The logic is in src/persistence/aof-check.ts; this reads the confirmation from stdin.
 */

import { readSync } from 'node:fs';
import { checkAofMain } from '../persistence/aof-check.js';

function confirm(): boolean {
  const buf = Buffer.alloc(1);
  try {
    return readSync(0, buf, 0, 1, null) === 1 && (buf[0] === 0x79 || buf[0] === 0x59);
  } catch {
    return false;
  }
}

const code = checkAofMain(process.argv.slice(2), { out: (s) => process.stdout.write(s), confirm });
process.exitCode = code;
