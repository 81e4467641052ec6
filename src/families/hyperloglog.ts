/**
 * The HyperLogLog family (hyperloglog.c): PFADD, PFCOUNT, PFMERGE, and the debugging commands
 * PFDEBUG and PFSELFTEST, over string values holding Redis's exact HLL representation
 * (engine/values/hll.ts). As in Redis, PFCOUNT of one key writes the cached cardinality back
 * into the value (a modification: WATCH sees it and the dirty counter moves), PFCOUNT of
 * several keys counts a merged temporary, and a value that is a string but not an HLL answers
 * "-WRONGTYPE Key is not a valid HyperLogLog string value.".
 */

import type { Client } from '../commands/client.js';
import { cstr, ReplyError } from '../commands/errors.js';
import type { CommandSpec } from '../commands/spec.js';
import { NOTIFY } from '../engine/events.js';
import {
  createHll,
  denseGet,
  denseSet,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  hllAdd,
  hllCount,
  hllCountRegisters,
  hllMerge,
  hllSet,
  invalidateCache,
  isCacheValid,
  isHll,
  readCache,
  sparseToDense,
  writeCache,
} from '../engine/values/hll.js';
import { ByteString, intValue, type StringValue, toByteString } from '../engine/values/string.js';
import { isString, readString, touched, wrongType } from './common.js';
import { command, keyRange } from './define.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

/** isHLLObjectOrReply for a value already known to be a string. */
function checkHll(v: StringValue): void {
  if (!isHll(v)) throw new ReplyError(NOT_HLL);
}

/** The bytes of a valid HLL value for reading (no conversion of the stored form). */
function hllBytes(v: StringValue): Uint8Array {
  if (v instanceof ByteString) return v.readBytes(0, v.length);
  return Buffer.from(v as string, 'latin1');
}

/** dbUnshareStringValue: the key's value as a ByteString we may edit in place. */
function unshare(c: Client, key: string, v: StringValue): ByteString {
  const bs = toByteString(v);
  if (bs !== v) c.db.overwrite(key, bs);
  return bs;
}

/** A cardinality as Redis's addReplyLongLong prints the uint64 (2^63 comes out negative). */
function cardReply(card: number | bigint): number | bigint {
  return typeof card === 'number' ? card : intValue(BigInt.asIntN(64, card));
}

function pfaddCommand(c: Client, argv: string[]): void {
  const key = argv[1]!;
  const v = c.db.get(key);
  let bs: ByteString;
  let updated = 0;
  if (v === undefined) {
    bs = createHll();
    c.db.add(key, bs);
    updated++;
  } else {
    if (!isString(v)) throw wrongType();
    checkHll(v);
    bs = unshare(c, key, v);
  }
  const max = c.inst.config.number('hll-sparse-max-bytes');
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(bs, argv[j]!, max);
    if (r === 1) updated++;
    else if (r === -1) throw new ReplyError(INVALID_HLL);
  }
  if (updated > 0) {
    touched(c, key, NOTIFY.STRING, 'pfadd', updated);
    invalidateCache(bs.bytes());
  }
  c.reply.int(updated > 0 ? 1 : 0);
}

function pfcountCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    // The union's cardinality, from a byte-per-register temporary (Redis's HLL_RAW).
    const regs = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = readString(c, argv[j]!);
      if (v === undefined) continue;
      checkHll(v);
      if (!hllMerge(regs, hllBytes(v))) throw new ReplyError(INVALID_HLL);
    }
    c.reply.int(cardReply(hllCountRegisters(regs)));
    return;
  }
  const key = argv[1]!;
  const v = readString(c, key);
  if (v === undefined) {
    c.reply.int(0);
    return;
  }
  checkHll(v);
  const bs = unshare(c, key, v);
  const b = bs.bytes();
  let card: number | bigint;
  if (isCacheValid(b)) {
    card = readCache(b);
  } else {
    const invalid = { value: false };
    card = hllCount(b, invalid);
    if (invalid.value) throw new ReplyError(INVALID_HLL);
    writeCache(b, card);
    // Caching changes the value: a write, although PFCOUNT is a read-only command.
    c.inst.ks.keyModified(c.dbIndex, key);
    c.inst.dirty++;
  }
  c.reply.int(cardReply(card));
}

function pfmergeCommand(c: Client, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = readString(c, argv[j]!);
    if (v === undefined) continue;
    checkHll(v);
    const b = hllBytes(v);
    if (b[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, b)) throw new ReplyError(INVALID_HLL);
  }
  const key = argv[1]!;
  const v = c.db.get(key) as StringValue | undefined;
  let bs: ByteString;
  if (v === undefined) {
    bs = createHll();
    c.db.add(key, bs);
  } else {
    // Already checked above: the destination is one of the sources.
    bs = unshare(c, key, v);
  }
  if (useDense && !sparseToDense(bs)) throw new ReplyError(INVALID_HLL);
  const sparseMax = c.inst.config.number('hll-sparse-max-bytes');
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] !== 0) hllSet(bs, j, max[j]!, sparseMax);
  }
  invalidateCache(bs.bytes());
  // Redis reports a merge as "pfadd": semantically a mass add.
  touched(c, key, NOTIFY.STRING, 'pfadd');
  c.reply.ok();
}

// ---- PFDEBUG / PFSELFTEST ----

function pfdebugCommand(c: Client, argv: string[]): void {
  const sub = argv[1]!;
  const key = argv[2]!;
  const v = c.db.get(key);
  if (v === undefined) throw new ReplyError('ERR The specified key does not exist');
  if (!isString(v)) throw wrongType();
  checkHll(v);
  const bs = unshare(c, key, v);
  const name = sub.toLowerCase();
  if (name === 'getreg') {
    if (bs.getByte(4) === HLL_SPARSE) {
      if (!sparseToDense(bs)) throw new ReplyError(INVALID_HLL);
      c.inst.dirty++;
    }
    const b = bs.bytes();
    c.reply.array(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.reply.int(denseGet(b, j));
  } else if (name === 'decode') {
    const b = bs.bytes();
    if (b[4] !== HLL_SPARSE) throw new ReplyError('ERR HLL encoding is not sparse');
    const parts: string[] = [];
    for (let p = HLL_HDR_SIZE; p < b.length; ) {
      const op = b[p]!;
      if ((op & 0xc0) === 0) {
        parts.push(`z:${(op & 0x3f) + 1}`);
        p++;
      } else if ((op & 0xc0) === 0x40) {
        parts.push(`Z:${(((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1}`);
        p += 2;
      } else {
        parts.push(`v:${((op >>> 2) & 0x1f) + 1},${(op & 3) + 1}`);
        p++;
      }
    }
    c.reply.bulk(parts.join(' '));
  } else if (name === 'encoding') {
    c.reply.simple(bs.getByte(4) === HLL_DENSE ? 'dense' : 'sparse');
  } else if (name === 'todense') {
    let converted = false;
    if (bs.getByte(4) === HLL_SPARSE) {
      if (!sparseToDense(bs)) throw new ReplyError(INVALID_HLL);
      converted = true;
      c.inst.dirty++;
    }
    c.reply.int(converted ? 1 : 0);
  } else {
    throw new ReplyError(`ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`);
  }
}

/**
 * PFSELFTEST: the register accessors against a plain byte array, then the estimate's error on
 * up to 10M distinct elements with a dense and a sparse HLL side by side (they must agree, and
 * the sparse one must still be sparse at small sizes).
 */
function pfselftestCommand(c: Client): void {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  const expect = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 1000; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = (Math.random() * 64) | 0;
      expect[i] = r;
      denseSet(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, i);
      if (val !== expect[i]) {
        throw new ReplyError(`ERR TESTFAILED Register ${i} should be ${expect[i]} but is ${val}`);
      }
    }
  }
  dense.fill(0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  const denseBs = ByteString.fromBytes(dense);
  const sparse = createHll();
  const sparseMax = c.inst.config.number('hll-sparse-max-bytes');
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = (Math.random() * 0x100000000) >>> 0;
  const seedHi = (Math.random() * 0x100000000) >>> 0;
  let checkpoint = 1;
  for (let j = 1; j <= 10_000_000; j++) {
    // The element is the 8 bytes (little-endian) of j ^ seed.
    const lo = (j ^ seedLo) >>> 0;
    const ele = String.fromCharCode(
      lo & 0xff,
      (lo >>> 8) & 0xff,
      (lo >>> 16) & 0xff,
      lo >>> 24,
      seedHi & 0xff,
      (seedHi >>> 8) & 0xff,
      (seedHi >>> 16) & 0xff,
      seedHi >>> 24,
    );
    hllAdd(denseBs, ele, sparseMax);
    hllAdd(sparse, ele, sparseMax);
    if (j !== checkpoint) continue;
    if (j < sparseMax / 2 && sparse.getByte(4) !== HLL_SPARSE) {
      throw new ReplyError('ERR TESTFAILED sparse encoding not used');
    }
    const card = Number(hllCount(denseBs.bytes()));
    if (card !== Number(hllCount(sparse.bytes())))
      throw new ReplyError('ERR TESTFAILED dense/sparse disagree');
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1;
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) {
      throw new ReplyError(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    }
    checkpoint *= 10;
  }
  c.reply.ok();
}

// ---- registration ----

const H = { group: 'hyperloglog', acl: 'hyperloglog' } as const;

export const hyperloglogCommands: CommandSpec[] = [
  command(
    'pfadd',
    -2,
    'write denyoom fast',
    [1, 1, 1],
    {
      ...H,
      since: '2.8.9',
      keySpecs: [keyRange('RW insert', 1)],
      summary: 'Adds the specified elements to the specified HyperLogLog.',
      complexity: 'O(1) to add every element.',
      syntax: 'key [element [element ...]]',
    },
    pfaddCommand,
  ),
  command(
    'pfcount',
    -2,
    'readonly may_replicate',
    [1, -1, 1],
    {
      ...H,
      since: '2.8.9',
      keySpecs: [
        {
          ...keyRange('RW access', 1, -1),
          notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
        },
      ],
      summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
      complexity:
        'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
      syntax: 'key [key ...]',
    },
    pfcountCommand,
  ),
  command(
    'pfmerge',
    -2,
    'write denyoom',
    [1, -1, 1],
    {
      ...H,
      since: '2.8.9',
      keySpecs: [keyRange('RW access insert', 1), keyRange('RO access', 2, -1)],
      summary: 'Merge N different HyperLogLogs into a single one.',
      complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
      syntax: 'destkey{:key} sourcekey{:key} [sourcekey ...]',
    },
    pfmergeCommand,
  ),
  command(
    'pfdebug',
    3,
    'write denyoom admin',
    [2, 2, 1],
    {
      ...H,
      since: '2.8.9',
      keySpecs: [keyRange('RW access', 2)],
      summary: 'Internal commands for debugging HyperLogLog values',
      complexity: 'N/A',
      syntax: 'subcommand key',
      doc_flags: ['syscmd'],
    },
    pfdebugCommand,
  ),
  command(
    'pfselftest',
    1,
    'admin',
    [0, 0, 0],
    {
      ...H,
      since: '2.8.9',
      summary: 'An internal command for testing HyperLogLog values',
      complexity: 'N/A',
      doc_flags: ['syscmd'],
    },
    pfselftestCommand,
  ),
];
