/**
 * HyperLogLog (src/engine/values/hll.ts, src/families/hyperloglog.ts), two halves:
 *  - in-process through MemoryStore: PFADD/PFCOUNT/PFMERGE replies, the HYLL header, the sparse
 *    opcodes (read back with PFDEBUG DECODE), promotion to dense by register value and by
 *    hll-sparse-max-bytes, the cached cardinality and its invalid bit, PFCOUNT's write-back
 *    (dirty counter, WATCH signal, no event), every error text on crafted values (not a string,
 *    not an HLL, corrupt sparse data), PFDEBUG and PFSELFTEST, the standard error on 1M
 *    distinct elements, the cost of a PFADD, and the typed helpers;
 *  - against a real redis-server 7.0 over raw sockets: for 10, 1000 and 100,000 random elements
 *    the value's bytes (GET) after every batch of PFADDs are identical and PFCOUNT agrees;
 *    values cross-load both ways (GET from one server, SET into the other, PFCOUNT/PFADD/PFMERGE
 *    there); a scripted sequence of every command, option and error (RESP2 and RESP3) with its
 *    keyspace events and dirty counts; and seeded random sequences.
 *
 * HLL_SEED=<n> replays one random sequence; HLL_SEQUENCES=<n> changes how many run (default 60).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { elementRegister, HLL_DENSE_SIZE, hash64 } from '../src/engine/values/hll.js';
import { hyperloglogCommands } from '../src/families/hyperloglog.js';
import { MemoryStore } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { prng } from './helpers/random.js';
import { decodeReply, RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { type RespValue, showResp } from './helpers/resp.js';
import { assertError } from './helpers/store.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const INVALID = 'INVALIDOBJ Corrupted HLL object detected';

function newStore(): MemoryStore {
  return new MemoryStore({ activeExpire: false });
}

function stored(store: MemoryStore, key: string): Buffer {
  const v = store.commandBuffer('GET', key);
  assert.ok(Buffer.isBuffer(v), `${key} holds a string`);
  return v;
}

/**
 * A 16-byte HLL header: encoding and cached cardinality (little-endian, top bit = invalid;
 * invalid by default so that PFCOUNT looks at the registers).
 */
function header(encoding: number, card: bigint = 1n << 63n): Buffer {
  const h = Buffer.alloc(16);
  h.write('HYLL', 0, 'latin1');
  h[4] = encoding;
  h.writeBigUInt64LE(card, 8);
  return h;
}

const EMPTY_SPARSE = Buffer.concat([header(1), Buffer.from([0x7f, 0xff])]);

/** A dense value whose 16384 registers all hold `val`. */
function denseOf(val: number, card: bigint = 1n << 63n): Buffer {
  const regs = Buffer.alloc(HLL_DENSE_SIZE - 16);
  for (let i = 0; i < 16384; i++) {
    const bit = i * 6;
    const byte = bit >> 3;
    const fb = bit & 7;
    regs[byte]! |= (val << fb) & 0xff;
    if (fb > 2) regs[byte + 1]! |= val >> (8 - fb);
  }
  return Buffer.concat([header(0, card), regs]);
}

/** Elements that land on distinct registers (so counts are exact at small sizes). */
function elements(n: number, prefix = 'e'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

// =============================================================================================
// In-process half

describe('HyperLogLog in-process', () => {
  it('MurmurHash64A and the register/run of an element match Redis’s (known values)', () => {
    // Reference values from an independent 64-bit implementation of Redis's MurmurHash64A
    // (seed 0xadc83b19), over every tail length; the register and run of "a" are what
    // PFDEBUG DECODE shows in redis-server after PFADD k a.
    const cases: Array<[string, bigint]> = [
      ['', 0xd8dfea6585bc9732n],
      ['61', 0x53d2470a9b43b1a7n],
      ['61626364656667', 0x22fe613bb08c9602n],
      ['6162636465666768', 0xf3a65df559914567n],
      ['616263646566676869', 0x834fba4d9152daf7n],
      ['000102030405060708090a0b0c0d0e0f10', 0x2551cee14731061cn],
      ['ff'.repeat(23), 0xeb2b6dff1cb54488n],
      ['68656c6c6f20776f726c64', 0xa919bc3051f624b7n],
    ];
    for (const [hex, want] of cases) assert.equal(hash64(Buffer.from(hex, 'hex').latin1Slice()), want, hex);
    const r1 = elementRegister('a');
    assert.deepEqual(r1, { index: 12711, count: 2 });
    const r2 = elementRegister('hello world, a longer element');
    assert.ok(r2.index >= 0 && r2.index < 16384 && r2.count >= 1 && r2.count <= 51);
  });

  it('PFADD creates a sparse HLL and reports register changes; PFCOUNT is exact when small', () => {
    const s = newStore();
    assert.equal(s.command('PFADD', 'h'), 1, 'creating the key counts as a change');
    assert.deepEqual(stored(s, 'h'), Buffer.concat([header(1, 1n << 63n), Buffer.from([0x7f, 0xff])]));
    assert.equal(s.command('PFADD', 'h'), 0);
    assert.equal(s.command('PFCOUNT', 'h'), 0);
    assert.equal(s.command('PFADD', 'h', 'a', 'b', 'c'), 1);
    assert.equal(s.command('PFADD', 'h', 'a', 'b', 'c'), 0);
    assert.equal(s.command('PFCOUNT', 'h'), 3);
    assert.equal(s.command('PFADD', 'h2', ...elements(200)), 1);
    assert.equal(s.command('PFCOUNT', 'h2'), 200);
    assert.equal(s.command('PFCOUNT', 'nokey'), 0);
    assert.equal(s.command('TYPE', 'h'), 'string');
    assert.equal(s.command('OBJECT', 'ENCODING', 'h'), 'raw');
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'h'), 'sparse');
    // The sparse opcodes after one element: XZERO up to its register, VAL, XZERO after.
    s.command('PFADD', 'one', 'a');
    assert.equal(s.command('PFDEBUG', 'DECODE', 'one'), 'Z:12711 v:2,1 Z:3672');
    assert.deepEqual([...stored(s, 'one').subarray(16)], [0x71, 0xa6, 0x84, 0x4e, 0x57]);
  });

  it('the cached cardinality: written by PFCOUNT, invalidated (top bit) by changes', () => {
    const s = newStore();
    s.command('PFADD', 'h', 'a', 'b', 'c');
    assert.equal(stored(s, 'h')[15], 0x80);
    let dirty = s.instance.dirty;
    assert.equal(s.command('PFCOUNT', 'h'), 3);
    assert.equal(s.instance.dirty, dirty + 1, 'caching the cardinality is a write');
    assert.equal(stored(s, 'h').readBigUInt64LE(8), 3n);
    dirty = s.instance.dirty;
    assert.equal(s.command('PFCOUNT', 'h'), 3);
    assert.equal(s.instance.dirty, dirty, 'a valid cache is only read');
    s.command('PFADD', 'h', 'd');
    // Only the top bit is set: the stale value stays in the other bytes, as in Redis.
    assert.equal(stored(s, 'h').readBigUInt64LE(8), 3n | (1n << 63n));
    assert.equal(s.command('PFCOUNT', 'h'), 4);
    // A valid cached value is believed as is.
    s.command('SET', 'c', Buffer.concat([header(1, 12345n), Buffer.from([0x7f, 0xff])]));
    assert.equal(s.command('PFCOUNT', 'c'), 12345);
    assert.equal(s.command('OBJECT', 'ENCODING', 'c'), 'raw', 'PFCOUNT unshares the value like Redis');
    // An estimate past int64 (every register at 63) comes out as llroundl's LLONG_MIN, and the
    // cache it writes has the invalid bit set.
    s.command('SET', 'd63', denseOf(63));
    assert.equal(s.command('PFCOUNT', 'd63'), -9223372036854775808n);
    assert.equal(stored(s, 'd63').readBigUInt64LE(8), 1n << 63n);
  });

  it('PFCOUNT of one key signals WATCH but sends no keyspace event', () => {
    const s = newStore();
    s.command('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const events: string[] = [];
    const modified: string[] = [];
    s.instance.ks.listener = {
      keyModified(_db, key) {
        modified.push(key);
      },
      dbModified() {},
      notify(_type, event, key) {
        events.push(`${event}:${key}`);
      },
    };
    s.command('PFADD', 'h', 'x');
    s.command('PFCOUNT', 'h');
    s.command('PFCOUNT', 'h');
    s.command('PFCOUNT', 'h', 'h');
    s.command('PFMERGE', 'm', 'h');
    s.command('PFADD', 'h', 'x');
    assert.deepEqual(events, ['pfadd:h', 'pfadd:m']);
    assert.deepEqual(modified, ['h', 'h', 'm']);
  });

  it('promotion to dense: a register value above 32, or past hll-sparse-max-bytes', () => {
    const s = newStore();
    // A register value of 33 does not fit a VAL opcode: a crafted sparse value holding 32 at
    // register 0 is promoted when something raises it.
    s.command('SET', 'h', Buffer.concat([header(1), Buffer.from([0xfc, 0x7f, 0xfe])]));
    assert.equal(s.command('PFDEBUG', 'DECODE', 'h'), 'v:32,1 Z:16383');
    assert.equal(s.command('PFCOUNT', 'h'), 1);
    s.command('PFMERGE', 'h', 'h'); // rewrites the same registers: stays sparse
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'h'), 'sparse');
    s.command('SET', 'd', denseOf(0, 0n));
    s.command('PFMERGE', 'h', 'd'); // a dense source makes the destination dense
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'h'), 'dense');
    assert.equal(stored(s, 'h').length, HLL_DENSE_SIZE);
    // By size: with a tiny limit, the first split that grows the value promotes it.
    s.command('CONFIG', 'SET', 'hll-sparse-max-bytes', '20');
    s.command('PFADD', 'small', 'a');
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'small'), 'dense');
    assert.equal(s.command('PFCOUNT', 'small'), 1);
    s.command('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
    s.command('PFADD', 'grow', ...elements(100));
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'grow'), 'sparse');
    let n = 100;
    while (s.command('PFDEBUG', 'ENCODING', 'grow') === 'sparse') {
      assert.ok(stored(s, 'grow').length <= 3000);
      s.command('PFADD', 'grow', ...elements(50, `g${n}-`));
      n += 50;
    }
    assert.equal(stored(s, 'grow').length, HLL_DENSE_SIZE);
    assert.ok(n > 1000 && n < 4000, `promoted after ${n} elements`);
  });

  it('PFCOUNT of several keys counts the union without writing', () => {
    const s = newStore();
    s.command('PFADD', 'a', ...elements(100, 'x'));
    s.command('PFADD', 'b', ...elements(100, 'y'));
    s.command('PFADD', 'c', ...elements(50, 'x'));
    // The union's registers are those of one HLL fed every element.
    s.command('PFADD', 'all', ...elements(100, 'x'), ...elements(100, 'y'));
    const want = s.command('PFCOUNT', 'all');
    assert.ok(Math.abs(Number(want) - 200) <= 2, `estimate ${want}`);
    const dirty = s.instance.dirty;
    assert.equal(s.command('PFCOUNT', 'a', 'b', 'c', 'nokey'), want);
    assert.equal(s.command('PFCOUNT', 'nokey', 'nokey2'), 0);
    assert.equal(s.instance.dirty, dirty);
    assert.equal(stored(s, 'a')[15], 0x80, 'the multi-key count does not cache');
  });

  it('PFMERGE: union into a new or existing key, sparse or dense', () => {
    const s = newStore();
    s.command('PFADD', 'a', ...elements(100, 'x'));
    s.command('PFADD', 'b', ...elements(100, 'y'));
    s.command('PFADD', 'all', ...elements(100, 'x'), ...elements(100, 'y'));
    assert.equal(s.command('PFMERGE', 'm', 'a', 'b', 'nokey'), 'OK');
    assert.equal(s.command('PFCOUNT', 'm'), s.command('PFCOUNT', 'all'));
    // Same registers, so the same sparse bytes (cached cardinality included once both count).
    assert.deepEqual(stored(s, 'm'), stored(s, 'all'));
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'm'), 'sparse');
    assert.equal(s.command('PFMERGE', 'm'), 'OK');
    assert.equal(s.command('PFCOUNT', 'm'), s.command('PFCOUNT', 'all'));
    assert.equal(s.command('PFMERGE', 'new'), 'OK');
    assert.deepEqual(stored(s, 'new'), Buffer.concat([header(1, 1n << 63n), Buffer.from([0x7f, 0xff])]));
    s.command('PFADD', 'big', ...elements(5000, 'z'));
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'big'), 'dense');
    s.command('PFMERGE', 'm', 'big');
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'm'), 'dense');
    const union = Number(s.command('PFCOUNT', 'm'));
    assert.ok(Math.abs(union - 5200) < 5200 * 0.03, `union ${union}`);
  });

  it('errors: wrong types, values that are not HLLs, corrupt sparse data', () => {
    const s = newStore();
    s.command('RPUSH', 'list', 'x');
    s.command('SET', 'plain', 'hello');
    s.command('SET', 'int', '1234567890');
    s.command('SET', 'short', 'HYLL\x01');
    s.command('SET', 'magic', Buffer.concat([Buffer.from('HYLX'), EMPTY_SPARSE.subarray(4)]));
    s.command('SET', 'enc', Buffer.concat([header(2), Buffer.from([0x7f, 0xff])]));
    s.command('SET', 'dense-size', Buffer.concat([header(0), Buffer.alloc(100)]));
    for (const key of ['plain', 'int', 'short', 'magic', 'enc', 'dense-size']) {
      assertError(s, NOT_HLL, 'PFADD', key, 'a');
      assertError(s, NOT_HLL, 'PFCOUNT', key);
      assertError(s, NOT_HLL, 'PFCOUNT', 'nokey', key);
      assertError(s, NOT_HLL, 'PFMERGE', 'dst', key);
      assertError(s, NOT_HLL, 'PFMERGE', key, 'nokey');
      assertError(s, NOT_HLL, 'PFDEBUG', 'ENCODING', key);
    }
    assertError(s, WRONGTYPE, 'PFADD', 'list', 'a');
    assertError(s, WRONGTYPE, 'PFCOUNT', 'list');
    assertError(s, WRONGTYPE, 'PFCOUNT', 'nokey', 'list');
    assertError(s, WRONGTYPE, 'PFMERGE', 'list', 'nokey');
    assertError(s, WRONGTYPE, 'PFDEBUG', 'GETREG', 'list');
    assert.equal(s.command('EXISTS', 'dst'), 0, 'a failed PFMERGE creates nothing');
    // Opcodes covering too few registers (16383 here), none at all, or too many.
    s.command('SET', 'few', Buffer.concat([header(1), Buffer.from([0x7f, 0xfe])]));
    s.command('SET', 'none', header(1));
    s.command('SET', 'many', Buffer.concat([header(1), Buffer.from([0x7f, 0xff, 0x80])]));
    for (const key of ['few', 'none', 'many']) {
      assertError(s, INVALID, 'PFCOUNT', key);
      assertError(s, INVALID, 'PFCOUNT', key, 'nokey');
      assertError(s, INVALID, 'PFMERGE', 'dst', key);
      assertError(s, INVALID, 'PFDEBUG', 'TODENSE', key);
    }
    // PFADD fails only when an element needs a register the opcodes do not reach.
    assertError(s, INVALID, 'PFADD', 'none', 'a');
    assert.equal(s.command('PFADD', 'few', 'a'), 1);
    // "a" is in register 12711 of 16383 covered; find an element for the last register.
    let last = '';
    for (let i = 0; last === ''; i++) if (elementRegister(`k${i}`).index === 16383) last = `k${i}`;
    assertError(s, INVALID, 'PFADD', 'few', last);
  });

  it('PFDEBUG subcommands and errors', () => {
    const s = newStore();
    s.command('PFADD', 'h', 'a');
    assert.equal(s.command('PFDEBUG', 'encoding', 'h'), 'sparse');
    assert.equal(s.command('PFDEBUG', 'DECODE', 'h'), 'Z:12711 v:2,1 Z:3672');
    const regs = s.command('PFDEBUG', 'GETREG', 'h') as number[];
    assert.equal(regs.length, 16384);
    assert.equal(regs[12711], 2);
    assert.equal(
      regs.reduce((a, b) => a + b, 0),
      2,
    );
    assert.equal(s.command('PFDEBUG', 'ENCODING', 'h'), 'dense', 'GETREG converts to dense');
    assertError(s, 'ERR HLL encoding is not sparse', 'PFDEBUG', 'DECODE', 'h');
    s.command('PFADD', 'h2', 'a');
    const dirty = s.instance.dirty;
    assert.equal(s.command('PFDEBUG', 'TODENSE', 'h2'), 1);
    assert.equal(s.command('PFDEBUG', 'TODENSE', 'h2'), 0);
    assert.equal(s.instance.dirty, dirty + 1);
    assert.equal(s.command('PFCOUNT', 'h2'), 1);
    assertError(s, "ERR Unknown PFDEBUG subcommand 'nope'", 'PFDEBUG', 'nope', 'h');
    assertError(s, 'ERR The specified key does not exist', 'PFDEBUG', 'nope', 'nokey');
    assertError(s, 'ERR The specified key does not exist', 'PFDEBUG', 'GETREG', 'nokey');
  });

  it('PFSELFTEST passes', () => {
    const s = newStore();
    assert.equal(s.command('PFSELFTEST'), 'OK');
  });

  it('arity errors for every HyperLogLog command record', () => {
    const s = newStore();
    for (const spec of hyperloglogCommands) {
      const n = spec.arity > 0 ? spec.arity : -spec.arity;
      if (n <= 1) {
        assertError(s, `ERR wrong number of arguments for '${spec.name}' command`, spec.name, 'x');
        continue;
      }
      const argv = Array.from({ length: n - 2 }, () => 'x');
      assertError(s, `ERR wrong number of arguments for '${spec.name}' command`, spec.name, ...argv);
    }
  });

  it('standard error on 1M distinct elements is within 2%', () => {
    const s = newStore();
    // A fixed set: 2% is about 2.5 standard errors (0.81%), so random sets would fail about one
    // run in a hundred. These elements land 1.25% off with Redis's hash.
    const prefix = 'hll-standard-error';
    const batch: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      batch.push(`${prefix}:${i}`);
      if (batch.length === 1000) {
        s.command('PFADD', 'big', ...batch);
        batch.length = 0;
      }
    }
    const est = Number(s.command('PFCOUNT', 'big'));
    const err = Math.abs(est - 1_000_000) / 1_000_000;
    assert.ok(err < 0.02, `estimate ${est}, error ${(err * 100).toFixed(2)}%`);
  });

  it('MemoryStore typed helpers', () => {
    const s = newStore();
    assert.equal(s.pfadd('a', 'x', 'y'), true);
    assert.equal(s.pfadd('a', 'x'), false);
    assert.equal(s.pfadd('b', 'z', Buffer.from([0xff, 0x00])), true);
    assert.equal(s.pfcount('a'), 2);
    assert.equal(s.pfcount('a', 'b', 'c'), 4);
    s.pfmerge('m', 'a', 'b');
    assert.equal(s.pfcount('m'), 4);
  });
});

// =============================================================================================
// Against a real redis-server

function str(v: RespValue | undefined): string {
  if (v !== undefined && (v.type === 'bulk' || v.type === 'simple')) return v.value;
  throw new Error(`expected a string, got ${v === undefined ? 'nothing' : showResp(v)}`);
}

interface Servers {
  redis: RawClient;
  mnemo: RawClient;
  resp: 2 | 3;
  trail: string[];
}

type Argv = Array<string | Buffer>;

const show = (argv: Argv) =>
  JSON.stringify(argv.map((a) => (typeof a === 'string' ? a : `<${a.length} bytes>`)));

async function both(s: Servers, argv: Argv): Promise<[Buffer, Buffer]> {
  const [a, b] = await Promise.all([s.redis.command(...argv), s.mnemo.command(...argv)]);
  return [a, b];
}

async function step(s: Servers, argv: Argv): Promise<void> {
  s.trail.push(show(argv).slice(0, 300));
  let redis: Buffer;
  let mnemo: Buffer;
  try {
    [redis, mnemo] = await both(s, argv);
  } catch (err) {
    (err as Error).message += `\n  at ${show(argv)}`;
    throw err;
  }
  if (!redis.equals(mnemo)) {
    assert.fail(
      `RESP${s.resp} ${show(argv).slice(0, 300)}: replies differ\n  redis: ${showRaw(redis)}\n  mnemo: ${showRaw(mnemo)}\n  after:\n    ${s.trail.slice(-12).join('\n    ')}`,
    );
  }
}

async function connect(redisPort: number, mnemoPort: number, resp: 2 | 3): Promise<Servers> {
  const opts = { timeoutMs: 60_000 };
  const [redis, mnemo] = await Promise.all([
    RawClient.connect(redisPort, opts),
    RawClient.connect(mnemoPort, opts),
  ]);
  const s: Servers = { redis, mnemo, resp, trail: [] };
  if (resp === 3) await both(s, ['HELLO', '3']);
  await both(s, ['FLUSHALL']);
  await both(s, ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
  return s;
}

async function disconnect(s: Servers): Promise<void> {
  await Promise.all([s.redis.close(), s.mnemo.close()]);
}

/** Random binary elements of 0-24 bytes (some repeated), from a seeded generator. */
function randomElements(rnd: () => number, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rnd() < 0.05) {
      out.push(out[Math.floor(rnd() * out.length)]!);
      continue;
    }
    const len = Math.floor(rnd() * 25);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = Math.floor(rnd() * 256);
    out.push(b);
  }
  return out;
}

/** Every command, option and error on crafted and real values. */
function script(): Argv[] {
  const sparse32 = Buffer.concat([header(1), Buffer.from([0xfc, 0x7f, 0xfe])]);
  const cached = Buffer.concat([header(1, 12345n), Buffer.from([0x7f, 0xff])]);
  const dense51 = Buffer.concat([
    header(0, 1n << 63n),
    Buffer.from(Array.from({ length: 12288 }, (_, i) => [0xc3, 0xf0, 0xff][i % 3]!)),
  ]);
  return [
    ['PFADD', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['GET', 'h'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['PFCOUNT', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFADD', 'h', 'd'],
    ['GET', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['PFADD', 'h2', ...elements(300)],
    ['PFCOUNT', 'h2'],
    ['PFDEBUG', 'DECODE', 'h2'],
    ['GET', 'h2'],
    ['PFCOUNT', 'h', 'h2', 'nokey'],
    ['PFCOUNT', 'nokey'],
    ['PFCOUNT', 'nokey', 'nokey2'],
    ['PFMERGE', 'm', 'h', 'h2', 'nokey'],
    ['GET', 'm'],
    ['PFCOUNT', 'm'],
    ['PFMERGE', 'm'],
    ['PFMERGE', 'new'],
    ['GET', 'new'],
    ['PFADD', 'big', ...elements(3000, 'z')],
    ['PFDEBUG', 'ENCODING', 'big'],
    ['GET', 'big'],
    ['PFCOUNT', 'big'],
    ['PFMERGE', 'm', 'big', 'h'],
    ['PFDEBUG', 'ENCODING', 'm'],
    ['GET', 'm'],
    ['PFCOUNT', 'm', 'big'],
    ['PFADD', 'big', 'one more'],
    ['GET', 'big'],
    ['SET', 's32', sparse32],
    ['PFDEBUG', 'DECODE', 's32'],
    ['PFCOUNT', 's32'],
    ['PFMERGE', 's32', 's32'],
    ['PFDEBUG', 'ENCODING', 's32'],
    ['GET', 's32'],
    ['SET', 'cached', cached],
    ['OBJECT', 'ENCODING', 'cached'],
    ['PFCOUNT', 'cached'],
    ['OBJECT', 'ENCODING', 'cached'],
    ['SET', 'd51', dense51],
    ['PFCOUNT', 'd51'],
    ['GET', 'd51'],
    ['SET', 'd63', denseOf(63)],
    ['PFCOUNT', 'd63'],
    ['PFCOUNT', 'd63'],
    ['PFCOUNT', 'd63', 'h'],
    ['GETRANGE', 'd63', '0', '15'],
    ['SET', 'd0', denseOf(0, 0n)],
    ['PFCOUNT', 'd0'],
    ['PFADD', 'd0', 'a', 'b'],
    ['PFCOUNT', 'd0'],
    ['PFMERGE', 's32', 'd0'],
    ['PFDEBUG', 'ENCODING', 's32'],
    ['GET', 's32'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '20'],
    ['PFADD', 'small', 'a'],
    ['PFDEBUG', 'ENCODING', 'small'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '40'],
    ['PFADD', 'small2', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['PFDEBUG', 'ENCODING', 'small2'],
    ['GET', 'small2'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'],
    ['RPUSH', 'list', 'x'],
    ['SET', 'plain', 'hello'],
    ['SET', 'int', '1234567890'],
    ['SET', 'short', 'HYLL\x01'],
    ['SET', 'magic', Buffer.concat([Buffer.from('HYLX'), EMPTY_SPARSE.subarray(4)])],
    ['SET', 'enc', Buffer.concat([header(2), Buffer.from([0x7f, 0xff])])],
    ['SET', 'dense-size', Buffer.concat([header(0), Buffer.alloc(100)])],
    ...['list', 'plain', 'int', 'short', 'magic', 'enc', 'dense-size'].flatMap((key): Argv[] => [
      ['PFADD', key, 'a'],
      ['PFADD', key],
      ['PFCOUNT', key],
      ['PFCOUNT', 'h', key],
      ['PFMERGE', 'dst', key],
      ['PFMERGE', key, 'h'],
      ['PFDEBUG', 'ENCODING', key],
    ]),
    ['EXISTS', 'dst'],
    ['SET', 'few', Buffer.concat([header(1), Buffer.from([0x7f, 0xfe])])],
    ['SET', 'none', header(1)],
    ['SET', 'many', Buffer.concat([header(1), Buffer.from([0x7f, 0xff, 0x80])])],
    ['SET', 'trunc', Buffer.concat([header(1), Buffer.from([0x7f])])],
    ...['few', 'none', 'many', 'trunc'].flatMap((key): Argv[] => [
      ['PFCOUNT', key],
      ['PFCOUNT', key, 'nokey'],
      ['PFMERGE', 'dst', key],
      ['PFDEBUG', 'DECODE', key],
      ['PFDEBUG', 'TODENSE', key],
      ['PFADD', key, 'a'],
      ['PFADD', key, 'k2', 'k5', 'k7'],
      ['GET', key],
    ]),
    ['PFADD', 'h3', 'a'],
    ['PFDEBUG', 'GETREG', 'h3'],
    ['PFDEBUG', 'ENCODING', 'h3'],
    ['GET', 'h3'],
    ['PFDEBUG', 'DECODE', 'h3'],
    ['PFADD', 'h4', 'a'],
    ['PFDEBUG', 'todense', 'h4'],
    ['PFDEBUG', 'TODENSE', 'h4'],
    ['PFDEBUG', 'nope', 'h4'],
    ['PFDEBUG', 'nope', 'nokey'],
    ['PFDEBUG', 'GETREG', 'nokey'],
    ['PFDEBUG', 'GETREG'],
    ['PFDEBUG', 'GETREG', 'h4', 'x'],
    ['PFSELFTEST', 'x'],
    ['PFADD'],
    ['PFCOUNT'],
    ['PFMERGE'],
    // PFCOUNT's cache write-back is a modification: it aborts a transaction WATCHing the key,
    // and a PFCOUNT served from a valid cache does not.
    ['PFADD', 'w', 'a', 'b'],
    ['WATCH', 'w'],
    ['PFCOUNT', 'w'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
    ['WATCH', 'w'],
    ['PFCOUNT', 'w'],
    ['PFADD', 'w', 'a'],
    ['MULTI'],
    ['PING'],
    ['EXEC'],
    ['PFADD', 'bin', Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.alloc(0), Buffer.alloc(1000, 7)],
    ['GET', 'bin'],
    ['PFCOUNT', 'bin'],
  ];
}

function randomSequence(seed: number): Argv[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const keys = ['h1', 'h1', 'h2', 'h3', 'str', 'nokey'];
  const out: Argv[] = [['SET', 'str', 'not an hll']];
  if (rnd() < 0.4) out.push(['CONFIG', 'SET', 'hll-sparse-max-bytes', String(int(0, 400))]);
  const n = int(20, 50);
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    const r = rnd();
    if (r < 0.45) out.push(['PFADD', k, ...randomElements(rnd, int(0, rnd() < 0.2 ? 300 : 8))]);
    else if (r < 0.6) out.push(['PFCOUNT', k]);
    else if (r < 0.7) out.push(['PFCOUNT', ...Array.from({ length: int(2, 4) }, () => pick(keys))]);
    else if (r < 0.8) out.push(['PFMERGE', k, ...Array.from({ length: int(0, 3) }, () => pick(keys))]);
    else if (r < 0.86) out.push(['GET', k]);
    else if (r < 0.9) out.push(['PFDEBUG', pick(['ENCODING', 'DECODE', 'TODENSE']), k]);
    else if (r < 0.93) out.push(['SETRANGE', k, String(int(0, 40)), Buffer.from([int(0, 255)])]);
    else if (r < 0.95) out.push(['APPEND', k, Buffer.from([int(0, 255)])]);
    else if (r < 0.97) out.push(['DEL', k]);
    else out.push(['OBJECT', 'ENCODING', k]);
  }
  for (const k of ['h1', 'h2', 'h3']) out.push(['GET', k], ['PFCOUNT', k]);
  return out;
}

describe('HyperLogLog vs a real redis-server', () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;

  before(async () => {
    [redis, mnemo] = await Promise.all([startRedis(), startMnemo()]);
  });

  after(async () => {
    await Promise.all([redis?.stop(), mnemo?.stop()]);
  });

  for (const size of [10, 1000, 100_000]) {
    it(`${size} random elements: identical bytes after every batch, equal PFCOUNT`, async () => {
      const s = await connect(redis.port, mnemo.port, 2);
      try {
        const rnd = prng(size * 7919 + 1);
        const els = randomElements(rnd, size);
        for (let i = 0; i < els.length; ) {
          const batch = els.slice(i, i + 1 + Math.floor(rnd() * (size > 1000 ? 2000 : 40)));
          i += batch.length;
          await step(s, ['PFADD', 'k', ...batch]);
          await step(s, ['GET', 'k']);
          if (rnd() < 0.3) await step(s, ['PFCOUNT', 'k']);
        }
        await step(s, ['PFCOUNT', 'k']);
        await step(s, ['GET', 'k']);
        await step(s, ['PFDEBUG', 'ENCODING', 'k']);
      } finally {
        await disconnect(s);
      }
    });
  }

  it('values cross-load both ways: GET from one server, SET into the other', async () => {
    const s = await connect(redis.port, mnemo.port, 2);
    try {
      const rnd = prng(42);
      for (const [size, from] of [
        [5, 'mnemo'],
        [500, 'mnemo'],
        [20_000, 'mnemo'],
        [5, 'redis'],
        [500, 'redis'],
        [20_000, 'redis'],
      ] as const) {
        const src = from === 'mnemo' ? s.mnemo : s.redis;
        const dst = from === 'mnemo' ? s.redis : s.mnemo;
        const els = randomElements(rnd, size);
        for (let i = 0; i < els.length; i += 1000)
          await src.command('PFADD', 'src', ...els.slice(i, i + 1000));
        const value = decodeReply(await src.command('GET', 'src'));
        assert.equal(value.type, 'bulk');
        const bytes = Buffer.from((value as { value: string }).value, 'latin1');
        await dst.command('SET', 'loaded', bytes);
        const [want, got] = await Promise.all([
          src.command('PFCOUNT', 'src'),
          dst.command('PFCOUNT', 'loaded'),
        ]);
        assert.equal(showRaw(got), showRaw(want), `PFCOUNT of a ${size}-element value made by ${from}`);
        // The loaded value keeps working there: more elements, merges, identical bytes.
        await src.command('SET', 'loaded', bytes);
        await src.command('PFCOUNT', 'loaded');
        for (const argv of [
          ['PFADD', 'loaded', ...randomElements(rnd, 50)],
          ['PFMERGE', 'merged', 'loaded', 'src'],
          ['PFCOUNT', 'merged'],
          ['GET', 'loaded'],
          ['GET', 'merged'],
        ] as Argv[]) {
          await step(s, argv);
        }
        await both(s, ['DEL', 'src', 'loaded', 'merged']);
      }
    } finally {
      await disconnect(s);
    }
  });

  for (const resp of [2, 3] as const) {
    it(`scripted sequence, RESP${resp}`, async () => {
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of script()) await step(s, argv);
      } finally {
        await disconnect(s);
      }
    });
  }

  it('keyspace events and dirty counts of the scripted sequence', async () => {
    const s = await connect(redis.port, mnemo.port, 2);
    const sub = await RawClient.connect(redis.port);
    const listenerBefore = mnemo.instance.ks.listener;
    try {
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
      await sub.command('PSUBSCRIBE', '__keyevent@*__:*');
      const mnemoEvents: string[] = [];
      mnemo.instance.ks.listener = {
        keyModified() {},
        dbModified() {},
        notify(_type, event, key) {
          mnemoEvents.push(`${event} ${key}`);
        },
      };
      const dirtyOf = async (c: RawClient) => {
        const text = str(decodeReply(await c.command('INFO', 'persistence')));
        return Number(/rdb_changes_since_last_save:(\d+)/.exec(text)![1]);
      };
      const readEvents = async (marker: string): Promise<string[]> => {
        await s.redis.command('SET', marker, '1');
        await s.redis.command('DEL', marker);
        const got: string[] = [];
        for (;;) {
          const [raw] = await sub.read(1);
          const v = decodeReply(raw!);
          assert.ok(v.type === 'array' || v.type === 'push');
          const msg = v.value.map(str);
          const event = msg[2]!.slice(msg[2]!.indexOf(':') + 1);
          if (msg[3] === marker) {
            if (event === 'del') return got;
            continue;
          }
          got.push(`${event} ${msg[3]}`);
        }
      };
      // Transactions are left out: INFO and the marker commands would be queued inside them.
      let inMulti = false;
      for (const argv of script()) {
        if (argv[0] === 'MULTI') inMulti = true;
        const skip = inMulti || argv[0] === 'WATCH';
        if (argv[0] === 'EXEC') inMulti = false;
        if (skip) continue;
        if (argv[0] === 'PFSELFTEST') continue;
        const before = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        mnemoEvents.length = 0;
        await both(s, argv);
        const afterDirty = await Promise.all([dirtyOf(s.redis), dirtyOf(s.mnemo)]);
        const redisEvents = await readEvents('__marker__');
        assert.deepEqual(mnemoEvents, redisEvents, `events of ${show(argv)}`);
        assert.equal(afterDirty[1] - before[1], afterDirty[0] - before[0], `dirty count of ${show(argv)}`);
      }
    } finally {
      mnemo.instance.ks.listener = listenerBefore;
      await both(s, ['CONFIG', 'SET', 'notify-keyspace-events', '']);
      await sub.close();
      await disconnect(s);
    }
  });

  it('PFSELFTEST answers OK on both', async () => {
    const s = await connect(redis.port, mnemo.port, 2);
    try {
      await step(s, ['PFSELFTEST']);
    } finally {
      await disconnect(s);
    }
  });

  it('seeded random sequences, RESP2 and RESP3', async () => {
    const fixed = process.env.HLL_SEED;
    const count = Number(process.env.HLL_SEQUENCES ?? 60);
    const base = fixed !== undefined ? Number(fixed) : Math.floor(Math.random() * 1e9);
    const seeds = fixed !== undefined ? [base] : Array.from({ length: count }, (_, i) => base + i);
    for (const seed of seeds) {
      const resp = seed % 2 === 0 ? 2 : 3;
      const s = await connect(redis.port, mnemo.port, resp);
      try {
        for (const argv of randomSequence(seed)) await step(s, argv);
      } catch (err) {
        (err as Error).message = `HLL_SEED=${seed} (RESP${resp}): ${(err as Error).message}`;
        throw err;
      } finally {
        await disconnect(s);
      }
    }
  });
});
