/**
 * The RDB codec (src/persistence/rdb) against itself and against real Redis 7.0.15:
 *  - CRC-64 and LZF primitives;
 *  - round trips mnemo -> RdbWriter -> RdbReader for every type and encoding, with TTLs, with
 *    and without compression, read whole and in chunks of many sizes;
 *  - Redis's own dump.rdb (rdbcompression yes and no, checksum off, LRU/LFU metadata, function
 *    libraries, streams) decoded and compared with what the live Redis reports;
 *  - files written by mnemo checked by redis-check-rdb and loaded by a fresh redis-server;
 *  - DUMP payloads: ours restore in Redis (with deep sanitization on), Redis's decode here, and
 *    ours are byte-identical to Redis's where the encoding is deterministic; old encodings
 *    (ziplist, zipmap, plain lists/sets/zsets) built by hand are read the way RESTORE reads them;
 *  - corruption, truncation, version and signature errors with offsets.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { HashValue } from '../src/engine/values/hash.js';
import type { ListValue } from '../src/engine/values/list.js';
import type { SetValue } from '../src/engine/values/set.js';
import { ByteString, encodeString, stringOf } from '../src/engine/values/string.js';
import { encodingName, typeName, type Value } from '../src/engine/values/types.js';
import type { ZSetValue } from '../src/engine/values/zset.js';
import { MemoryStore } from '../src/index.js';
import { crc64, crc64Init, crc64Update, crc64Value } from '../src/persistence/rdb/crc64.js';
import {
  decodeDumpPayload,
  RdbError,
  RdbReader,
  type RdbReaderOptions,
  type RdbRecord,
  readRdb,
} from '../src/persistence/rdb/decoder.js';
import {
  buildListpack,
  dumpPayload,
  RdbWriter,
  type RdbWriterOptions,
} from '../src/persistence/rdb/encoder.js';
import { lzfCompress, lzfDecompress } from '../src/persistence/rdb/lzf.js';
import { formatDouble17g } from '../src/protocol/reply.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { sendCommands } from './helpers/resp.js';

// ---------------------------------------------------------------------------------------------
// Helpers.

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(n: number, seed: number): string {
  const r = rng(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b.latin1Slice(0, n);
}

/** Text-like data LZF compresses well but not trivially. */
function wordy(n: number, seed: number): string {
  const r = rng(seed);
  const words = ['redis', 'mnemo', 'listpack', 'quicklist', 'skiplist', 'intset', 'rdb', 'lzf', '\x00\xff'];
  let s = '';
  while (s.length < n) s += `${words[Math.floor(r() * words.length)]}${Math.floor(r() * 1000)} `;
  return s.slice(0, n);
}

type Argv = Buffer[];
const cmd = (...args: string[]): Argv => args.map(B);

/** Splits a long argument list into commands of `per` arguments each. */
function batched(head: string[], items: string[], per = 1000): Argv[] {
  const out: Argv[] = [];
  for (let i = 0; i < items.length; i += per) out.push(cmd(...head, ...items.slice(i, i + per)));
  return out;
}

const NOW = Date.now();
const FUTURE = NOW + 3_600_000;

/**
 * The dataset: one command list applied to both mnemo and Redis, so both hold the same keys in
 * the same encodings. Each database's commands start with SELECT.
 */
function datasetCommands(): Argv[] {
  const c: Argv[] = [cmd('SELECT', '0')];
  // Strings in every encoding and shape.
  c.push(cmd('SET', 's:empty', ''));
  c.push(cmd('SET', 's:int', '12345'));
  c.push(cmd('SET', 's:neg', '-7'));
  c.push(cmd('SET', 's:int32', '2147483647'));
  c.push(cmd('SET', 's:int33', '2147483648'));
  c.push(cmd('SET', 's:max', '9223372036854775807'));
  c.push(cmd('SET', 's:min', '-9223372036854775808'));
  c.push(cmd('SET', 's:over', '9223372036854775808'));
  c.push(cmd('SET', 's:lead0', '0123'));
  c.push(cmd('SET', 's:float', '3.14'));
  c.push(cmd('SET', 's:bin', randomBytes(256, 1)));
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  c.push(cmd('SET', 's:allbytes', all));
  c.push(cmd('SET', 's:embstr44', 'x'.repeat(44)));
  c.push(cmd('SET', 's:raw45', 'y'.repeat(45)));
  c.push(cmd('SET', 's:21', 'a'.repeat(21)));
  c.push(cmd('SET', 's:compressible', 'abc'.repeat(100)));
  c.push(cmd('SET', 's:random', randomBytes(300, 2)));
  c.push(cmd('SET', 's:1mb', wordy(1 << 20, 3)));
  c.push(cmd('SET', 's:1mbrandom', randomBytes(1 << 20, 4)));
  c.push(cmd('SET', 's:append', 'x'), cmd('APPEND', 's:append', 'yz'));
  c.push(cmd('SET', 's:appendbig', 'q'), cmd('APPEND', 's:appendbig', wordy(5000, 5)));
  c.push(cmd('APPEND', 's:appendint', '42'));
  c.push(cmd('SETRANGE', 's:setrange', '10', 'zz'));
  const few: string[] = [];
  for (let i = 0; i < 100; i++) few.push(`e${i}`);
  c.push(cmd('PFADD', 's:hll-sparse', ...few));
  const many: string[] = [];
  for (let i = 0; i < 20000; i++) many.push(`m${i}`);
  c.push(...batched(['PFADD', 's:hll-dense'], many));
  c.push(cmd('SET', '\x00\xff\r\nbinary key\x80', 'bin key value'));
  c.push(cmd('SET', '123', 'int-like key'));
  c.push(cmd('SET', '', 'empty key'));
  c.push(cmd('SET', 'k'.repeat(300), 'long key'));

  // Lists.
  c.push(
    cmd(
      'RPUSH',
      'l:small',
      'a',
      'b',
      '1',
      '-1',
      '127',
      '128',
      '-4096',
      '4095',
      '-4097',
      '32767',
      '-32769',
      '8388607',
      '-8388609',
      '2147483647',
      '-2147483649',
      '1099511627776',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '',
      '007',
      'z'.repeat(63),
      'z'.repeat(64),
      'w'.repeat(4095),
      'w'.repeat(4096),
      randomBytes(100, 6),
    ),
  );
  c.push(cmd('LPUSH', 'l:small', 'front'));
  const bigList: string[] = [];
  for (let i = 0; i < 100000; i++) bigList.push(i % 3 === 0 ? String(i) : `item-${i}`);
  c.push(...batched(['RPUSH', 'l:big'], bigList));
  const wide: string[] = [];
  for (let i = 0; i < 12; i++) wide.push(wordy(9000, 100 + i));
  c.push(cmd('RPUSH', 'l:wide', ...wide));
  const mid: string[] = [];
  for (let i = 0; i < 300; i++) mid.push(wordy(40 + (i % 50), 200 + i));
  c.push(cmd('RPUSH', 'l:mid', ...mid));

  // Sets.
  c.push(cmd('SADD', 'set:int16', '1', '2', '3', '-5', '32767', '-32768'));
  c.push(cmd('SADD', 'set:int32', '1', '70000', '-70000'));
  c.push(cmd('SADD', 'set:int64', '1', '9223372036854775807', '-9223372036854775808'));
  c.push(cmd('SADD', 'set:str', 'a', 'b', 'c', '1'));
  const ints600: string[] = [];
  for (let i = 0; i < 600; i++) ints600.push(String(i * 7 - 1000));
  c.push(cmd('SADD', 'set:ints600', ...ints600));
  const ints512: string[] = [];
  for (let i = 0; i < 512; i++) ints512.push(String(i * 3));
  c.push(cmd('SADD', 'set:ints512', ...ints512));
  const bigSet: string[] = [];
  for (let i = 0; i < 100000; i++) bigSet.push(`member:${i}`);
  c.push(...batched(['SADD', 'set:big'], bigSet));
  const bigIntSet: string[] = [];
  for (let i = 0; i < 100000; i++) bigIntSet.push(String(i * 13));
  c.push(...batched(['SADD', 'set:bigint'], bigIntSet));

  // Hashes.
  c.push(
    cmd(
      'HSET',
      'h:small',
      'f',
      'v',
      '1',
      '2',
      'neg',
      '-100000',
      'empty',
      '',
      '',
      'emptyfield',
      'big',
      '1099511627776',
    ),
  );
  c.push(cmd('HSET', 'h:small', 'f', 'v2'), cmd('HDEL', 'h:small', 'neg'));
  c.push(cmd('HSET', 'h:longval', 'a', '1', 'b', 'v'.repeat(65)));
  c.push(cmd('HSET', 'h:64', 'a', 'v'.repeat(64)));
  const h513: string[] = [];
  for (let i = 0; i < 513; i++) h513.push(`f${i}`, String(i));
  c.push(cmd('HSET', 'h:513', ...h513));
  const bigHash: string[] = [];
  for (let i = 0; i < 100000; i++) bigHash.push(`field:${i}`, i % 2 === 0 ? String(i) : `value-${i}`);
  c.push(...batched(['HSET', 'h:big'], bigHash));
  c.push(cmd('HSET', 'h:bin', randomBytes(20, 7), randomBytes(30, 8)));

  // Sorted sets.
  c.push(
    cmd(
      'ZADD',
      'z:small',
      '1',
      'one',
      '-1.5',
      'neg',
      'inf',
      'top',
      '-inf',
      'bottom',
      '0',
      'zero',
      '-0',
      'negzero',
      '1e300',
      'huge',
      '1152921504606846976',
      'two60',
      '4611686018427387904',
      'two62',
      '9223372036854775808',
      'two63',
      '0.1',
      'tenth',
      '3',
      '42',
      '2',
      'b',
      '2',
      'a',
    ),
  );
  const z200: string[] = [];
  for (let i = 0; i < 200; i++) z200.push(String(i / 7), `m${i}`);
  c.push(cmd('ZADD', 'z:200', ...z200));
  c.push(cmd('ZADD', 'z:longmember', '1', 'x'.repeat(65), '2', 'short'));
  c.push(cmd('ZADD', 'z:skipneg0', '-0', 'nz', '-0.5', 'h', ...z200));
  const bigZ: string[] = [];
  for (let i = 0; i < 100000; i++)
    bigZ.push(String((i * 7919) % 100003) + (i % 4 === 0 ? '.25' : ''), `zm:${i}`);
  c.push(...batched(['ZADD', 'z:big'], bigZ));

  // TTLs on every type.
  for (const k of [
    's:int',
    's:1mb',
    'l:small',
    'set:int16',
    'set:str',
    'h:small',
    'h:big',
    'z:small',
    'z:200',
    '',
  ]) {
    c.push(cmd('PEXPIREAT', k, String(FUTURE + k.length)));
  }

  // Another database with many small keys, some with TTLs.
  c.push(cmd('SELECT', '1'));
  const mset: string[] = [];
  for (let i = 0; i < 20000; i++) mset.push(`key:${i}`, i % 5 === 0 ? String(i) : `value:${i}`);
  c.push(...batched(['MSET'], mset));
  for (let i = 0; i < 20000; i += 7) c.push(cmd('PEXPIREAT', `key:${i}`, String(FUTURE + i)));

  c.push(cmd('SELECT', '15'));
  c.push(cmd('SET', 'last-db', 'v'), cmd('PEXPIREAT', 'last-db', String(FUTURE)));
  c.push(cmd('RPUSH', 'l15', 'x'));
  return c;
}

const DATASET = datasetCommands();

function buildStore(): MemoryStore {
  const store = new MemoryStore({ activeExpire: false });
  for (const argv of DATASET) store.command(argv[0]!.latin1Slice(), ...argv.slice(1));
  return store;
}

interface Entry {
  db: number;
  key: string;
  value: Value;
  expireMs: number | undefined;
}

function storeEntries(store: MemoryStore): Entry[] {
  const out: Entry[] = [];
  for (const db of store.instance.ks.dbs) {
    const d = db.dict;
    for (let i = 0; i < d.size; i++) {
      const key = d.keyAt(i);
      out.push({ db: db.id, key, value: d.valueAt(i), expireMs: db.getExpire(key) });
    }
  }
  return out;
}

/** Writes every database of the store as an RDB file, draining the writer every 64 KB. */
function writeStore(
  store: MemoryStore,
  options: RdbWriterOptions = {},
  lru?: (key: string) => number | undefined,
): Buffer {
  const w = new RdbWriter(options);
  const chunks: Uint8Array[] = [];
  w.header({ ctime: Math.floor(NOW / 1000), usedMem: 123456 });
  for (const db of store.instance.ks.dbs) {
    if (db.size === 0) continue;
    w.selectDb(db.id);
    w.resizeDb(db.size, db.expires.size);
    const d = db.dict;
    for (let i = 0; i < d.size; i++) {
      const key = d.keyAt(i);
      w.entry(key, d.valueAt(i), db.getExpire(key), lru?.(key));
      if (w.pending > 65536) chunks.push(w.take());
    }
  }
  w.eof();
  chunks.push(w.take());
  return Buffer.concat(chunks);
}

/** A value's contents in a canonical, comparable form. */
function snapshot(v: Value): unknown {
  switch (typeName(v)) {
    case 'string':
      return stringOf(v as Exclude<Value, object> | ByteString);
    case 'list':
      return (v as ListValue).toArray();
    case 'set':
      return (v as SetValue).toArray().sort();
    case 'hash': {
      const pairs: Array<[string, string]> = [];
      (v as HashValue).forEach((f, x) => {
        pairs.push([f, x]);
      });
      return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    case 'zset': {
      const out: string[] = [];
      (v as ZSetValue).index.walk(0, false, (m, s) => {
        out.push(m, formatDouble17g(s));
        return true;
      });
      return out;
    }
    default:
      throw new Error('unexpected type');
  }
}

/** The encoding Redis gives a string value when it loads it (tryObjectEncoding). */
function loadedEncoding(v: Value): string {
  if (typeName(v) === 'string')
    return encodingName(encodeString(stringOf(v as Exclude<Value, object> | ByteString)));
  return encodingName(v);
}

function collect(records: Iterable<RdbRecord>): { entries: Map<string, Entry>; records: RdbRecord[] } {
  const entries = new Map<string, Entry>();
  const all: RdbRecord[] = [];
  for (const r of records) {
    all.push(r);
    if (r.kind === 'entry') {
      const id = `${r.db}\x00${r.key}`;
      assert.ok(!entries.has(id), `duplicate key ${JSON.stringify(r.key)}`);
      entries.set(id, { db: r.db, key: r.key, value: r.value, expireMs: r.expireMs });
    }
  }
  return { entries, records: all };
}

/**
 * Feeds `buf` to a streaming reader in chunks of the given sizes (cycled), each copied into one
 * reused read buffer as fs.readSync would fill it, so the reader must not keep borrowed bytes.
 */
function readChunked(buf: Uint8Array, sizes: number[], options: RdbReaderOptions = {}): RdbRecord[] {
  const reader = new RdbReader(options);
  const out: RdbRecord[] = [];
  const scratch = Buffer.alloc(Math.max(...sizes));
  let pos = 0;
  let k = 0;
  while (pos < buf.length) {
    const n = Math.min(sizes[k++ % sizes.length]!, buf.length - pos);
    scratch.set(buf.subarray(pos, pos + n));
    out.push(...reader.push(scratch.subarray(0, n)));
    scratch.fill(0xee);
    pos += n;
  }
  out.push(...reader.end());
  return out;
}

function assertSameEntries(expected: Entry[], got: Map<string, Entry>, what: string): void {
  assert.equal(got.size, expected.length, `${what}: number of keys`);
  for (const e of expected) {
    const g = got.get(`${e.db}\x00${e.key}`);
    assert.ok(g !== undefined, `${what}: key ${JSON.stringify(e.key)} in db ${e.db} missing`);
    const name = `${what}: ${JSON.stringify(e.key.slice(0, 40))} (db ${e.db})`;
    assert.equal(typeName(g.value), typeName(e.value), `${name}: type`);
    assert.equal(encodingName(g.value), loadedEncoding(e.value), `${name}: encoding`);
    assert.deepEqual(snapshot(g.value), snapshot(e.value), `${name}: contents`);
    assert.equal(g.expireMs, e.expireMs, `${name}: expire`);
  }
}

// ---- Redis side ----

/** A reply with bulk strings as binary (latin1) JS strings. */
type Reply = string | number | null | Reply[];

function toReply(x: unknown): Reply {
  if (Buffer.isBuffer(x)) return x.latin1Slice(0, x.length);
  if (Array.isArray(x)) return x.map(toReply);
  if (x === null || typeof x === 'number') return x;
  throw new Error(`unexpected reply ${String(x)}`);
}

async function connect(port: number): Promise<Redis> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  await r.connect();
  return r;
}

/** Pipelines the commands (in bounded batches, in order, on one connection); errors throw. */
async function exec(r: Redis, argvs: ReadonlyArray<ReadonlyArray<string | Buffer>>): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < argvs.length; i += 1000) {
    const p = r.pipeline();
    for (const argv of argvs.slice(i, i + 1000)) {
      const name = typeof argv[0] === 'string' ? argv[0] : argv[0]!.latin1Slice();
      p.callBuffer(name, ...argv.slice(1).map((a) => (typeof a === 'string' ? B(a) : a)));
    }
    const results = (await p.exec()) ?? [];
    for (const [err, v] of results) {
      if (err !== null) throw err;
      out.push(toReply(v));
    }
  }
  return out;
}

async function execOne(r: Redis, ...argv: Array<string | Buffer>): Promise<Reply> {
  const [x] = await exec(r, [argv]);
  return x!;
}

interface RedisKey {
  type: string;
  encoding: string;
  contents: unknown;
  expireMs: number | undefined;
}

const READ: Record<string, (k: Buffer) => Array<string | Buffer>> = {
  string: (k) => ['GET', k],
  list: (k) => ['LRANGE', k, '0', '-1'],
  set: (k) => ['SMEMBERS', k],
  hash: (k) => ['HGETALL', k],
  zset: (k) => ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
};

/** What Redis reports about these keys of database `db`: type, encoding, contents, expire. */
async function redisKeys(r: Redis, db: number, keys: string[]): Promise<Map<string, RedisKey>> {
  await execOne(r, 'SELECT', String(db));
  const meta = await exec(
    r,
    keys.flatMap((k) => [
      ['TYPE', B(k)],
      ['OBJECT', 'ENCODING', B(k)],
      ['PEXPIRETIME', B(k)],
    ]),
  );
  const types = keys.map((_, i) => meta[i * 3] as string);
  const contents = await exec(
    r,
    keys.map((k, i) => {
      const read = READ[types[i]!];
      if (read === undefined) throw new Error(`unexpected type ${types[i]} for ${JSON.stringify(k)}`);
      return read(B(k));
    }),
  );
  const out = new Map<string, RedisKey>();
  keys.forEach((k, i) => {
    const t = types[i]!;
    let c: unknown = contents[i];
    if (t === 'set') c = (c as string[]).sort();
    else if (t === 'hash') {
      const flat = c as string[];
      const pairs: Array<[string, string]> = [];
      for (let j = 0; j < flat.length; j += 2) pairs.push([flat[j]!, flat[j + 1]!]);
      c = pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    }
    const at = meta[i * 3 + 2] as number;
    out.set(k, {
      type: t,
      encoding: meta[i * 3 + 1] as string,
      contents: c,
      expireMs: at < 0 ? undefined : at,
    });
  });
  return out;
}

async function scanKeys(r: Redis, db: number): Promise<string[]> {
  await execOne(r, 'SELECT', String(db));
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = (await execOne(r, 'SCAN', cursor, 'COUNT', '5000')) as [string, string[]];
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Compares every key Redis holds with the decoded entries (type, encoding, contents, TTL). */
async function assertRedisMatches(r: Redis, entries: Map<string, Entry>, what: string): Promise<void> {
  let total = 0;
  for (let db = 0; db < 16; db++) {
    const keys = await scanKeys(r, db);
    total += keys.length;
    const got = await redisKeys(r, db, keys);
    for (const key of keys) {
      const e = entries.get(`${db}\x00${key}`);
      const name = `${what}: ${JSON.stringify(key.slice(0, 40))} (db ${db})`;
      assert.ok(e !== undefined, `${name}: in Redis but not decoded`);
      const k = got.get(key)!;
      assert.equal(typeName(e.value), k.type, `${name}: type`);
      assert.equal(encodingName(e.value), k.encoding, `${name}: encoding`);
      assert.deepEqual(snapshot(e.value), k.contents, `${name}: contents`);
      assert.equal(e.expireMs, k.expireMs, `${name}: expire`);
    }
  }
  assert.equal(total, entries.size, `${what}: number of keys`);
}

/** Starts redis-server on an RDB file (dir + dbfilename) and waits until it answers. */
async function startRedisOn(dir: string, file: string, extra: string[] = []): Promise<RedisServer> {
  return startRedis(['--dir', dir, '--dbfilename', file, ...extra]);
}

function checkRdb(path: string): string {
  const r = spawnSync('redis-check-rdb', [path], { encoding: 'latin1' });
  if (r.error !== undefined) throw r.error;
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `redis-check-rdb failed:\n${out.slice(-3000)}`);
  assert.match(out, /RDB looks OK/, out.slice(-3000));
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('crc64 and lzf', () => {
  it('CRC-64/Jones matches Redis (test vector, incremental = one shot)', () => {
    assert.equal(crc64(B('123456789')), 0xe9c6d914c4b8d9can);
    const data = B(randomBytes(100_003, 9));
    const s = crc64Init();
    let pos = 0;
    for (const n of [1, 7, 8, 9, 1000, 33_333]) {
      crc64Update(s, data, pos, Math.min(data.length, pos + n));
      pos = Math.min(data.length, pos + n);
    }
    crc64Update(s, data, pos);
    assert.equal(crc64Value(s), crc64(data));
    assert.notEqual(crc64(data, 1), crc64(data));
  });

  it('LZF round-trips, refuses to expand, and rejects malformed input', () => {
    for (const [i, s] of [
      wordy(100_000, 10),
      'a'.repeat(5000),
      'abcabcabcabcabcabcabcabc',
      randomBytes(1000, 11),
    ].entries()) {
      const input = B(s);
      const out = Buffer.alloc(input.length);
      const n = lzfCompress(input, out, input.length - 4);
      if (i === 3) {
        assert.equal(n, 0, 'random data does not compress');
        continue;
      }
      assert.ok(n > 0 && n < input.length - 4, `case ${i} compresses`);
      const back = Buffer.alloc(input.length);
      assert.equal(lzfDecompress(out.subarray(0, n), back), input.length);
      assert.ok(back.equals(input));
      // A back reference before the start of the output is an error, not garbage.
      assert.equal(lzfDecompress(B('\x20\x05'), Buffer.alloc(100)), -1);
      // Output too small.
      assert.equal(lzfDecompress(out.subarray(0, n), Buffer.alloc(input.length - 1)), -1);
    }
  });
});

describe('round trip: mnemo -> RDB -> mnemo', () => {
  const store = buildStore();
  const expected = storeEntries(store);

  it('the dataset covers every encoding', () => {
    const encodings = new Set(expected.map((e) => `${typeName(e.value)}:${encodingName(e.value)}`));
    for (const want of [
      'string:int',
      'string:embstr',
      'string:raw',
      'list:quicklist',
      'set:intset',
      'set:hashtable',
      'hash:listpack',
      'hash:hashtable',
      'zset:listpack',
      'zset:skiplist',
    ]) {
      assert.ok(encodings.has(want), want);
    }
    assert.ok(expected.some((e) => e.value instanceof ByteString));
    assert.ok(expected.some((e) => typeof e.value === 'bigint'));
  });

  for (const compression of [true, false]) {
    it(`whole buffer and chunked, compression ${compression ? 'on' : 'off'}`, () => {
      const file = writeStore(store, { compression });
      const whole = collect(readRdb(file));
      assertSameEntries(expected, whole.entries, 'whole');
      const eof = whole.records[whole.records.length - 1];
      assert.deepEqual(eof, { kind: 'eof', checksum: 'verified' });
      const aux = whole.records
        .filter((r) => r.kind === 'aux')
        .map((r) => (r.kind === 'aux' ? [r.key, r.value] : []));
      assert.deepEqual(aux, [
        ['redis-ver', '7.0.15'],
        ['redis-bits', '64'],
        ['ctime', String(Math.floor(NOW / 1000))],
        ['used-mem', '123456'],
        ['aof-base', '0'],
      ]);
      const resize = whole.records.filter((r) => r.kind === 'resizedb');
      assert.deepEqual(
        resize.map((r) => (r.kind === 'resizedb' ? [r.db, r.size, r.expires] : [])),
        store.instance.ks.dbs.filter((d) => d.size > 0).map((d) => [d.id, d.size, d.expires.size]),
      );
      // Streaming in odd chunk sizes gives the same records.
      for (const sizes of [[65536], [4093, 1, 17], [1 << 20, 3]]) {
        const chunked = collect(readChunked(file, sizes));
        assertSameEntries(expected, chunked.entries, `chunks ${sizes.join('/')}`);
      }
    });
  }

  it('compression makes the file smaller; checksum off writes zeros', () => {
    const on = writeStore(store, { compression: true });
    const off = writeStore(store, { compression: false });
    assert.ok(on.length < off.length - 500_000, `${on.length} vs ${off.length}`);
    const noSum = writeStore(store, { checksum: false });
    assert.ok(noSum.subarray(noSum.length - 8).equals(Buffer.alloc(8)));
    const records = [...readRdb(noSum)];
    assert.deepEqual(records[records.length - 1], { kind: 'eof', checksum: 'disabled' });
    const unverified = [...readRdb(on, { verifyChecksum: false })];
    assert.deepEqual(unverified[unverified.length - 1], { kind: 'eof', checksum: 'unchecked' });
  });

  it('small chunks (1 byte) on a small file, and trailing bytes are kept', () => {
    const small = new MemoryStore({ activeExpire: false });
    small.command('RPUSH', 'l', 'a', '1', 'b'.repeat(100));
    small.command('HSET', 'h', 'f', 'v');
    small.command('SET', 's', 'c'.repeat(50));
    small.command('ZADD', 'z', '1.5', 'x');
    small.command('SADD', 'i', '1', '2');
    small.command('PEXPIREAT', 's', String(FUTURE));
    const file = writeStore(small);
    const tail = B('*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n');
    const reader = new RdbReader();
    const records: RdbRecord[] = [];
    const input = Buffer.concat([file, tail]);
    for (let i = 0; i < input.length; i++) records.push(...reader.push(input.subarray(i, i + 1)));
    records.push(...reader.end());
    assert.ok(reader.done);
    assertSameEntries(storeEntries(small), collect(records).entries, '1-byte chunks');
    assert.ok(Buffer.from(reader.remainder()).equals(tail));
    assert.equal(reader.offset, file.length);
  });

  it('load limits decide the encodings, as rdbLoadObject does', () => {
    const s = new MemoryStore({ activeExpire: false });
    s.command('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    s.command('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    s.command('SADD', 'si', '1', '2', '3');
    s.command('HSET', 'ht', 'a', 'x'.repeat(100)); // hashtable: a long value
    s.command('HSET', 'ht', 'a', 'short'); // still a hashtable in memory, small again
    s.command('ZADD', 'zs', '1', 'x'.repeat(100));
    s.command('ZADD', 'zs', '1', 'short');
    s.command('ZREM', 'zs', 'x'.repeat(100));
    const file = writeStore(s);
    const tight = collect(
      readRdb(file, { hashMaxListpackEntries: 2, zsetMaxListpackEntries: 2, setMaxIntsetEntries: 2 }),
    ).entries;
    const enc = (m: Map<string, Entry>, k: string): string => encodingName(m.get(`0\x00${k}`)!.value);
    assert.equal(enc(tight, 'h'), 'hashtable');
    assert.equal(enc(tight, 'z'), 'skiplist');
    assert.equal(enc(tight, 'si'), 'hashtable');
    const loose = collect(readRdb(file)).entries;
    assert.equal(enc(loose, 'h'), 'listpack');
    assert.equal(enc(loose, 'z'), 'listpack');
    assert.equal(enc(loose, 'si'), 'intset');
    // A hashtable hash / skiplist zset small enough is packed on load (as Redis does).
    assert.equal(enc(loose, 'ht'), 'listpack');
    assert.equal(enc(loose, 'zs'), 'listpack');
    assert.equal(encodingName(s.instance.ks.dbs[0]!.dict.get('ht')!), 'hashtable');
  });
});

describe('against real Redis 7.0', () => {
  let redis: RedisServer;
  let r: Redis;
  let dir: string;
  const store = buildStore();
  const servers: RedisServer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mnemo-rdb-'));
    redis = await startRedisOn(dir, 'dump.rdb', [
      '--sanitize-dump-payload',
      'yes',
      '--enable-debug-command',
      'yes',
    ]);
    servers.push(redis);
    r = await connect(redis.port);
    await exec(r, DATASET);
  });

  after(async () => {
    r?.disconnect();
    for (const s of servers) await s.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('decodes dump.rdb as Redis wrote it (compression yes and no)', async () => {
    for (const compression of ['yes', 'no']) {
      // DEBUG RELOAD saves and loads the file again, so what Redis then holds (encodings
      // included) is what it made of that file: the reader must make the same.
      await exec(r, [
        ['CONFIG', 'SET', 'rdbcompression', compression],
        ['DEBUG', 'RELOAD'],
      ]);
      const file = readFileSync(join(dir, 'dump.rdb'));
      const { entries, records } = collect(readRdb(file));
      const aux = new Map(records.flatMap((x) => (x.kind === 'aux' ? [[x.key, x.value] as const] : [])));
      assert.equal(aux.get('redis-ver'), '7.0.15');
      assert.equal(aux.get('redis-bits'), '64');
      assert.equal(aux.get('aof-base'), '0');
      assert.deepEqual(records[records.length - 1], { kind: 'eof', checksum: 'verified' });
      await assertRedisMatches(r, entries, `redis rdbcompression ${compression}`);
      // The same file streamed in 64 KB chunks.
      assertSameEntries(
        [...entries.values()],
        collect(readChunked(file, [65536])).entries,
        'redis file chunked',
      );
      // And what Redis holds is what mnemo built from the same commands.
      assertSameEntries(storeEntries(store), entries, 'redis file vs mnemo store');
    }
  });

  it('checksum off, LRU idle and LFU counters, function libraries', async () => {
    const d = mkdtempSync(join(tmpdir(), 'mnemo-rdb-nosum-'));
    try {
      const other = await startRedisOn(d, 'x.rdb', [
        '--rdbchecksum',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ]);
      servers.push(other);
      const o = await connect(other.port);
      const lib = "#!lua name=rdbtestlib\nredis.register_function('rdbtest', function() return 1 end)";
      await exec(o, [['SET', 'a', '1'], ['RPUSH', 'l', 'x'], ['FUNCTION', 'LOAD', lib], ['SAVE']]);
      let records = [...readRdb(readFileSync(join(d, 'x.rdb')))];
      assert.deepEqual(records[records.length - 1], { kind: 'eof', checksum: 'disabled' });
      assert.deepEqual(
        records.filter((x) => x.kind === 'function'),
        [{ kind: 'function', code: lib }],
      );
      let keys = records.filter((x) => x.kind === 'entry');
      assert.equal(keys.length, 2);
      assert.ok(keys.every((x) => x.kind === 'entry' && x.lruIdle !== undefined && x.lfuFreq === undefined));

      await exec(o, [['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['FUNCTION', 'FLUSH'], ['SAVE']]);
      records = [...readRdb(readFileSync(join(d, 'x.rdb')))];
      keys = records.filter((x) => x.kind === 'entry');
      assert.equal(keys.length, 2);
      assert.ok(keys.every((x) => x.kind === 'entry' && x.lfuFreq !== undefined && x.lruIdle === undefined));
      assert.equal(records.filter((x) => x.kind === 'function').length, 0);
      o.disconnect();
      await other.stop();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a stream is rejected with an error naming the key', async () => {
    await exec(r, [['SELECT', '2'], ['XADD', 'my-stream', '*', 'a', '1'], ['SAVE']]);
    const file = readFileSync(join(dir, 'dump.rdb'));
    assert.throws(
      () => [...readRdb(file)],
      (e: unknown) =>
        e instanceof RdbError &&
        e.code === 'unsupported' &&
        /"my-stream"/.test(e.message) &&
        /stream/.test(e.message),
    );
    const [, dump] = await exec(r, [
      ['SELECT', '2'],
      ['DUMP', 'my-stream'],
    ]);
    assert.throws(
      () => decodeDumpPayload(B(dump as string)),
      (e: unknown) => e instanceof RdbError && e.code === 'unsupported',
    );
    await exec(r, [
      ['SELECT', '2'],
      ['DEL', 'my-stream'],
      ['SELECT', '0'],
    ]);
  });

  it('DUMP: ours restores in Redis, Redis decodes here, and deterministic encodings match byte for byte', async () => {
    await exec(r, [
      ['CONFIG', 'SET', 'rdbcompression', 'yes'],
      ['SELECT', '0'],
    ]);
    const entries = storeEntries(store).filter((e) => e.db === 0);
    const ours = entries.map((e) => Buffer.from(dumpPayload(e.value)));
    const restoredKey = (k: string): string => `restored:${k}`;
    const replies = await exec(
      r,
      entries.flatMap((e, i) => [
        ['DUMP', B(e.key)],
        ['RESTORE', B(restoredKey(e.key)), '0', ours[i]!, 'REPLACE'],
      ]),
    );
    const originals = await redisKeys(
      r,
      0,
      entries.map((e) => e.key),
    );
    const copies = await redisKeys(
      r,
      0,
      entries.map((e) => restoredKey(e.key)),
    );
    let identical = 0;
    entries.forEach((e, i) => {
      const name = JSON.stringify(e.key.slice(0, 40));
      assert.equal(replies[i * 2 + 1], 'OK', `${name}: RESTORE`);
      const original = originals.get(e.key)!;
      const copy = copies.get(restoredKey(e.key))!;
      assert.equal(copy.type, original.type, `${name}: restored type`);
      assert.deepEqual(copy.contents, original.contents, `${name}: restored contents`);
      assert.equal(copy.encoding, loadedEncoding(e.value), `${name}: restored encoding`);

      const theirs = B(replies[i * 2] as string);
      const decoded = decodeDumpPayload(theirs);
      assert.deepEqual(snapshot(decoded), snapshot(e.value), `${name}: decoded contents`);
      assert.equal(encodingName(decoded), loadedEncoding(e.value), `${name}: decoded encoding`);

      const enc = encodingName(e.value);
      if (typeName(e.value) === 'string' || ['quicklist', 'intset', 'listpack', 'skiplist'].includes(enc)) {
        assert.ok(ours[i]!.equals(theirs), `${name}: DUMP bytes differ (${enc})`);
        identical++;
      }
    });
    assert.ok(identical > 40, `${identical} payloads compared byte for byte`);
    await exec(
      r,
      entries.map((e) => ['DEL', B(restoredKey(e.key))]),
    );
  });

  it('DUMP payload errors are told apart as RESTORE tells them', async () => {
    const good = Buffer.from(dumpPayload('hello'));
    const expectPayload = (b: Uint8Array): void =>
      assert.throws(
        () => decodeDumpPayload(b),
        (e: unknown) =>
          e instanceof RdbError &&
          e.code === 'payload' &&
          e.message === 'DUMP payload version or checksum are wrong',
      );
    expectPayload(good.subarray(0, 9));
    const flipped = Buffer.from(good);
    flipped[2] = flipped[2]! ^ 1;
    expectPayload(flipped);
    const v11 = Buffer.from(good);
    v11[v11.length - 10] = 11;
    expectPayload(v11);
    // The same three payloads are refused by Redis with that error.
    const replies = await sendCommands(redis.port, [
      ['RESTORE', 'x1', '0', good.subarray(0, 9)],
      ['RESTORE', 'x2', '0', flipped],
      ['RESTORE', 'x3', '0', v11],
    ]);
    for (const x of replies)
      assert.deepEqual(x, { type: 'error', value: 'ERR DUMP payload version or checksum are wrong' });

    // An empty list and an unknown type: "Bad data format" in Redis, 'corrupt' here.
    for (const p of [withFooter(B('\x12\x00')), withFooter(B('\x08\x00'))]) {
      assert.throws(
        () => decodeDumpPayload(p),
        (e: unknown) => e instanceof RdbError && e.code === 'corrupt' && e.message === 'Bad data format',
      );
      const [x] = await sendCommands(redis.port, [['RESTORE', 'x4', '0', p]]);
      assert.deepEqual(x, { type: 'error', value: 'ERR Bad data format' });
    }
  });

  it('old encodings (ziplist, zipmap, plain list/set/zset, quicklist of ziplists) load as RESTORE loads them', async () => {
    const payloads: Array<[string, Buffer]> = [
      [
        'list',
        withFooter(Buffer.concat([B('\x01\x03'), rdbStr('a'), rdbStr('12'), rdbStr('c'.repeat(70))]), 9),
      ],
      ['set-ints', withFooter(Buffer.concat([B('\x02\x03'), rdbStr('3'), rdbStr('-1'), rdbStr('2')]), 9)],
      ['set-mixed', withFooter(Buffer.concat([B('\x02\x02'), rdbStr('3'), rdbStr('x')]), 9)],
      [
        'zset-text',
        withFooter(
          Buffer.concat([
            B('\x03\x03'),
            rdbStr('a'),
            textDouble('1.5'),
            rdbStr('b'),
            B('\xfe'),
            rdbStr('c'),
            B('\xff'),
          ]),
          9,
        ),
      ],
      [
        'hash-plain',
        withFooter(Buffer.concat([B('\x04\x02'), rdbStr('f'), rdbStr('1'), rdbStr('g'), rdbStr('v')]), 9),
      ],
      [
        'zipmap',
        withFooter(Buffer.concat([B('\x09'), rdbBlob(zipmap(['f', 'v', 'field2', 'x'.repeat(300)]))]), 6),
      ],
      ['zipmap-small', withFooter(Buffer.concat([B('\x09'), rdbBlob(zipmap(['a', '1', 'b', '22']))]), 6)],
      ['list-ziplist', withFooter(Buffer.concat([B('\x0a'), rdbBlob(ziplist(ZL_SAMPLE))]), 9)],
      [
        'zset-ziplist',
        withFooter(Buffer.concat([B('\x0c'), rdbBlob(ziplist(['c', '-3', 'a', '1', 'b', '2.5']))]), 9),
      ],
      [
        'hash-ziplist',
        withFooter(
          Buffer.concat([B('\x0d'), rdbBlob(ziplist(['f', '1', 'g', 'x'.repeat(100), '7', 'h']))]),
          9,
        ),
      ],
      [
        'quicklist',
        withFooter(
          Buffer.concat([B('\x0e\x02'), rdbBlob(ziplist(['a', 'b', '3'])), rdbBlob(ziplist(ZL_SAMPLE))]),
          9,
        ),
      ],
    ];
    const replies = await sendCommands(
      redis.port,
      payloads.map(([name, p]) => ['RESTORE', `old:${name}`, '0', p, 'REPLACE']),
    );
    for (const x of replies) assert.deepEqual(x, { type: 'simple', value: 'OK' });
    const got = await redisKeys(
      r,
      0,
      payloads.map(([name]) => `old:${name}`),
    );
    for (const [name, p] of payloads) {
      const k = got.get(`old:${name}`)!;
      const v = decodeDumpPayload(p);
      assert.equal(typeName(v), k.type, `${name}: type`);
      assert.equal(encodingName(v), k.encoding, `${name}: encoding`);
      assert.deepEqual(snapshot(v), k.contents, `${name}: contents`);
    }
  });
});

// ---- hand-made old encodings ----

const ZL_SAMPLE = [
  'x',
  '0',
  '12',
  '13',
  '-1',
  '127',
  '-128',
  '200',
  '32767',
  '-32768',
  '40000',
  '8388607',
  '-8388608',
  '9000000',
  '2147483647',
  '-2147483649',
  '9223372036854775807',
  'y'.repeat(63),
  'y'.repeat(64),
  'w'.repeat(300),
  'w'.repeat(16384),
  '',
];

/** An RDB string, raw (rdbSaveLen + bytes). */
function rdbStr(s: string): Buffer {
  return rdbBlob(B(s));
}

function rdbLen(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([(n >> 8) | 0x40, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x80;
  b.writeUInt32BE(n, 1);
  return b;
}

function rdbBlob(b: Buffer): Buffer {
  return Buffer.concat([rdbLen(b.length), b]);
}

function textDouble(s: string): Buffer {
  return Buffer.concat([Buffer.from([s.length]), B(s)]);
}

/** A DUMP payload footer (version, CRC-64) after `body`. */
function withFooter(body: Buffer, version = 10): Buffer {
  const withVer = Buffer.concat([body, Buffer.from([version, 0])]);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(withVer));
  return Buffer.concat([withVer, crc]);
}

/** A ziplist as ziplist.c lays it out, choosing integer encodings as zipTryEncoding does. */
function ziplist(items: string[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  for (const s of items) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([254]), u32le(prev)]);
    let body: Buffer;
    const n = /^(0|-?[1-9]\d{0,18})$/.test(s) ? BigInt(s) : null;
    if (n !== null && n >= -(2n ** 63n) && n < 2n ** 63n) {
      if (n >= 0n && n <= 12n) body = Buffer.from([0xf1 + Number(n)]);
      else if (n >= -128n && n <= 127n) body = Buffer.from([0xfe, Number(n) & 0xff]);
      else if (n >= -32768n && n <= 32767n) {
        body = Buffer.alloc(3);
        body[0] = 0xc0;
        body.writeInt16LE(Number(n), 1);
      } else if (n >= -8388608n && n <= 8388607n) {
        body = Buffer.alloc(4);
        body[0] = 0xf0;
        body.writeIntLE(Number(n), 1, 3);
      } else if (n >= -2147483648n && n <= 2147483647n) {
        body = Buffer.alloc(5);
        body[0] = 0xd0;
        body.writeInt32LE(Number(n), 1);
      } else {
        body = Buffer.alloc(9);
        body[0] = 0xe0;
        body.writeBigInt64LE(n, 1);
      }
    } else {
      const len = s.length;
      const head =
        len < 64
          ? Buffer.from([len])
          : len < 16384
            ? Buffer.from([0x40 | (len >> 8), len & 0xff])
            : Buffer.concat([Buffer.from([0x80]), u32be(len)]);
      body = Buffer.concat([head, B(s)]);
    }
    const entry = Buffer.concat([prevlen, body]);
    entries.push(entry);
    prev = entry.length;
  }
  const content = Buffer.concat(entries);
  const total = 10 + content.length + 1;
  const header = Buffer.alloc(10);
  header.writeUInt32LE(total, 0);
  header.writeUInt32LE(
    entries.length === 0 ? 10 : 10 + content.length - entries[entries.length - 1]!.length,
    4,
  );
  header.writeUInt16LE(Math.min(items.length, 0xffff), 8);
  return Buffer.concat([header, content, Buffer.from([0xff])]);
}

/** A zipmap (Redis 2.4 hashes), with a free byte after each value. */
function zipmap(pairs: string[]): Buffer {
  const len = (n: number): Buffer =>
    n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([254]), u32le(n)]);
  const parts: Buffer[] = [Buffer.from([pairs.length / 2])];
  for (let i = 0; i < pairs.length; i += 2) {
    parts.push(
      len(pairs[i]!.length),
      B(pairs[i]!),
      len(pairs[i + 1]!.length),
      Buffer.from([1]),
      B(pairs[i + 1]!),
      B('?'),
    );
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('files written by mnemo, checked and loaded by Redis', () => {
  const store = buildStore();
  let dir: string;
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];

  async function load(file: string, extra: string[] = []): Promise<Redis> {
    const server = await startRedisOn(dir, file, extra);
    servers.push(server);
    const c = await connect(server.port);
    clients.push(c);
    return c;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mnemo-rdbw-'));
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    for (const s of servers) await s.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  for (const compression of [true, false]) {
    it(`redis-check-rdb accepts it and redis-server loads the same dataset (compression ${compression ? 'on' : 'off'})`, async () => {
      const name = `mnemo-${compression ? 'lzf' : 'raw'}.rdb`;
      const file = writeStore(store, { compression });
      writeFileSync(join(dir, name), file);
      const report = checkRdb(join(dir, name));
      assert.match(report, new RegExp(`\\[info\\] ${storeEntries(store).length} keys read`));
      const c = await load(name);
      const entries = collect(readRdb(file)).entries;
      // Contents and encodings as Redis loaded them; TTLs are absolute, so exact.
      await assertRedisMatches(c, entries, `mnemo file (compression ${compression})`);
      // And what Redis loaded is the mnemo dataset itself.
      assertSameEntries(storeEntries(store), entries, 'mnemo file vs store');
      // Redis writes the file back; we read its version of our data identically.
      await execOne(c, 'SAVE');
      const again = collect(readRdb(readFileSync(join(dir, name)))).entries;
      assertSameEntries([...entries.values()], again, 'resaved by redis');
    });
  }

  it('LRU idle times written by mnemo are honoured by Redis', async () => {
    const s = new MemoryStore({ activeExpire: false });
    s.command('SET', 'idle', 'v');
    s.command('SET', 'fresh', 'v');
    const file = writeStore(s, {}, (k) => (k === 'idle' ? 5000 : undefined));
    writeFileSync(join(dir, 'lru.rdb'), file);
    checkRdb(join(dir, 'lru.rdb'));
    const c = await load('lru.rdb');
    const [idle, fresh] = (await exec(c, [
      ['OBJECT', 'IDLETIME', 'idle'],
      ['OBJECT', 'IDLETIME', 'fresh'],
    ])) as number[];
    assert.ok(idle! >= 5000 && idle! < 5010, `idle ${idle}`);
    assert.ok(fresh! < 10);
  });

  it('quicklist nodes split where Redis splits them (list-max-listpack-size)', async () => {
    // Lists built by RPUSH dump to the same bytes in Redis and here, for every fill setting.
    const server = await startRedis();
    servers.push(server);
    const c = await connect(server.port);
    clients.push(c);
    const rand = rng(77);
    const items: string[] = [];
    for (let i = 0; i < 3000; i++)
      items.push(rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : wordy(1 + Math.floor(rand() * 300), i));
    const s = new MemoryStore({ activeExpire: false });
    s.command('RPUSH', 'l', ...items.map(B));
    const list = s.instance.ks.dbs[0]!.dict.get('l')!;
    for (const fill of ['-1', '-2', '-3', '-4', '-5', '1', '5', '128']) {
      const ours = Buffer.from(dumpPayload(list, { listMaxListpackSize: Number(fill) }));
      const replies = await exec(c, [
        ['DEL', 'l'],
        ['CONFIG', 'SET', 'list-max-listpack-size', fill],
        ...batched(['RPUSH', 'l'], items),
        ['DUMP', 'l'],
      ]);
      assert.ok(ours.equals(B(replies[replies.length - 1] as string)), `fill ${fill}: DUMP bytes differ`);
    }
  });
});

describe('errors', () => {
  const small = new MemoryStore({ activeExpire: false });
  small.command('RPUSH', 'l', 'a', 'b');
  small.command('HSET', 'h', 'f', 'v');
  small.command('SET', 's', 'hello world, hello world, hello world');
  const file = writeStore(small);

  it('every truncation is reported as truncated, with an offset inside the file', () => {
    for (let n = 0; n < file.length; n++) {
      const cut = file.subarray(0, n);
      for (const read of [() => [...readRdb(cut)], () => readChunked(cut, [5])]) {
        assert.throws(read, (e: unknown) => {
          if (n < 9 && n >= 5 && e instanceof RdbError && e.code === 'truncated') return true;
          return (
            e instanceof RdbError &&
            e.code === 'truncated' &&
            e.offset <= n &&
            /Unexpected EOF/.test(e.message)
          );
        });
      }
    }
  });

  it('a flipped byte fails the checksum (or the structure) with an offset', () => {
    let checksumErrors = 0;
    for (let i = 9; i < file.length - 9; i++) {
      const bad = Buffer.from(file);
      bad[i] = bad[i]! ^ 0x20;
      try {
        [...readRdb(bad)];
        assert.fail(`flip at ${i} went unnoticed`);
      } catch (e) {
        assert.ok(e instanceof RdbError, String(e));
        assert.ok(e.offset >= 0 && e.offset <= file.length, `offset ${e.offset}`);
        if (e.code === 'checksum') {
          checksumErrors++;
          assert.equal(e.offset, file.length - 8);
          assert.match(
            e.message,
            /^Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\./,
          );
        }
      }
    }
    assert.ok(checksumErrors > 50);
  });

  it('corruption inside a listpack is reported at the listpack, checksum or not', () => {
    const s = new MemoryStore({ activeExpire: false });
    s.command('HSET', 'h', 'field', 'value');
    const good = writeStore(s, { checksum: false, compression: false });
    const lp = Buffer.from(buildListpack(['field', 'value']));
    // The offset reported is where the RDB string holding the listpack starts (its 1-byte length).
    const at = good.indexOf(lp);
    assert.ok(at > 0);
    const bad = Buffer.from(good);
    bad[at + lp.length - 2] = 0x7f; // the last entry's backlen
    assert.throws(
      () => [...readRdb(bad)],
      (e: unknown) =>
        e instanceof RdbError &&
        e.code === 'corrupt' &&
        e.offset === at - 1 &&
        /listpack integrity/.test(e.message),
    );
  });

  it('versions, signatures, module data', () => {
    const v11 = Buffer.from(file);
    v11.write('0011', 5, 'latin1');
    assert.throws(
      () => [...readRdb(v11)],
      (e: unknown) =>
        e instanceof RdbError && e.code === 'version' && e.reason === "Can't handle RDB format version 11",
    );
    const v0 = Buffer.from(file);
    v0.write('0000', 5, 'latin1');
    assert.throws(
      () => [...readRdb(v0)],
      (e: unknown) => e instanceof RdbError && e.code === 'version',
    );
    const sig = Buffer.from(file);
    sig.write('RADIS', 0, 'latin1');
    assert.throws(
      () => [...readRdb(sig)],
      (e: unknown) => e instanceof RdbError && e.code === 'signature' && /Wrong signature/.test(e.message),
    );
    // MODULE_AUX: module id with the name "mnemotest" encoded in its top 54 bits.
    const cset = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 0n;
    for (const ch of 'mnemotest') id = (id << 6n) | BigInt(cset.indexOf(ch));
    id <<= 10n;
    const idBytes = Buffer.alloc(9);
    idBytes[0] = 0x81;
    idBytes.writeBigUInt64BE(id, 1);
    const mod = Buffer.concat([
      B('REDIS0010'),
      Buffer.from([247]),
      idBytes,
      B('\x02\x02\x00\xff'),
      Buffer.alloc(8),
    ]);
    assert.throws(
      () => [...readRdb(mod)],
      (e: unknown) => e instanceof RdbError && e.code === 'unsupported' && /'mnemotest'/.test(e.message),
    );
  });

  it('old opcodes: EXPIRETIME in seconds, version 9, no checksum before version 5', () => {
    const v9 = Buffer.concat([
      B('REDIS0009'),
      B('\xfd'),
      u32le(2_000_000_000),
      B('\x00'),
      rdbStr('k'),
      rdbStr('v'),
      B('\xff'),
      Buffer.alloc(8),
    ]);
    const r9 = [...readRdb(v9)];
    assert.deepEqual(r9[0], {
      kind: 'entry',
      db: 0,
      key: 'k',
      value: 'v',
      expireMs: 2_000_000_000_000,
      lruIdle: undefined,
      lfuFreq: undefined,
    });
    const v4 = Buffer.concat([
      B('REDIS0004'),
      B('\xfe\x03'),
      B('\x00'),
      rdbStr('k'),
      rdbStr('42'),
      B('\xff'),
    ]);
    const r4 = [...readRdb(v4)];
    assert.deepEqual(r4, [
      { kind: 'selectdb', db: 3 },
      {
        kind: 'entry',
        db: 3,
        key: 'k',
        value: 42,
        expireMs: undefined,
        lruIdle: undefined,
        lfuFreq: undefined,
      },
      { kind: 'eof', checksum: 'none' },
    ]);
    // Empty collections are skipped, as Redis skips them.
    const empty = Buffer.concat([
      B('REDIS0010'),
      B('\x02'),
      rdbStr('emptyset'),
      B('\x00'),
      B('\x00'),
      rdbStr('k'),
      rdbStr('v'),
      B('\xff'),
      Buffer.alloc(8),
    ]);
    const reader = new RdbReader();
    const rs = [...reader.records(empty)];
    assert.equal(rs.filter((r) => r.kind === 'entry').length, 1);
    assert.equal(reader.emptyKeysSkipped, 1);
  });

  it('duplicates and NaN scores are corruption', () => {
    const dupSet = withFooter(Buffer.concat([B('\x02\x02'), rdbStr('a'), rdbStr('a')]));
    const dupHash = withFooter(
      Buffer.concat([B('\x10'), rdbBlob(Buffer.from(buildListpack(['f', '1', 'f', '2'])))]),
    );
    const nanZ = withFooter(Buffer.concat([B('\x03\x01'), rdbStr('m'), B('\xfd')]));
    for (const p of [dupSet, dupHash, nanZ]) {
      assert.throws(
        () => decodeDumpPayload(p),
        (e: unknown) => e instanceof RdbError && e.message === 'Bad data format',
      );
    }
  });
});
