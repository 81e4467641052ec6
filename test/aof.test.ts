/**
 * The append-only file against Redis 7.0.15: the command stream mnemo appends is byte for byte
 * the one redis-server appends for the same commands (deterministic rewrites: SET ... PXAT,
 * PEXPIREAT, DEL, SREM, LPOP/ZPOPMIN counts, SET ... KEEPTTL, HSET, MULTI/EXEC, SELECT); every
 * data type survives a kill -9 and restart, a BGREWRITEAOF (RDB and RESP bases) and a move to
 * the other server in both directions; a truncated tail loads and is cut like Redis does it, a
 * corrupt middle stops the start naming file and offset; mnemo-check-aof agrees with
 * redis-check-aof and fixes what it fixes; a rewrite under write load loses nothing; the old
 * single-file AOF is upgraded; CONFIG SET appendonly, BGREWRITEAOF scheduling replies and the
 * INFO fields behave as in Redis. Servers run as child processes on free loopback ports.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type MnemoProcess, spawnMnemo } from './helpers/mnemo.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { encodeCommand, type RespValue, sendCommands } from './helpers/resp.js';

const CHECK_AOF = fileURLToPath(new URL('../src/bin/mnemo-check-aof.js', import.meta.url));
const MNEMO_BIN = fileURLToPath(new URL('../src/bin/mnemo-server.js', import.meta.url));

const dirs: string[] = [];
const procs: Array<{ stop(): Promise<void> }> = [];
after(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mnemo-aof-'));
  dirs.push(d);
  return d;
}

async function mnemo(dir: string, extra: string[] = []): Promise<MnemoProcess> {
  const p = await spawnMnemo(['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', ...extra]);
  procs.push(p);
  return p;
}

async function redis(dir: string, extra: string[] = []): Promise<RedisServer> {
  const r = await startRedis(['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', ...extra]);
  procs.push(r);
  return r;
}

function show(v: RespValue): string {
  switch (v.type) {
    case 'array':
    case 'set':
    case 'push':
      return `[${v.value.map(show).join(',')}]`;
    case 'map':
      return `{${v.value.map(([k, x]) => `${show(k)}:${show(x)}`).join(',')}}`;
    case 'null':
    case 'nullbulk':
    case 'nullarray':
      return 'nil';
    case 'attribute':
      return show(v.of);
    case 'int':
      return String(v.value);
    case 'bool':
      return String(v.value);
    case 'verbatim':
      return v.value;
    default:
      return `${v.type === 'error' ? '!' : ''}${JSON.stringify(v.value)}`;
  }
}

async function run(port: number, argvs: string[][]): Promise<string[]> {
  return (await sendCommands(port, argvs, { timeoutMs: 30_000 })).map(show);
}

function bulks(v: RespValue): string[] {
  if (v.type !== 'array' && v.type !== 'set') return [];
  return v.value.map((x) => (x.type === 'bulk' ? x.value : show(x)));
}

/** Every key of every database with its type, absolute expire time and contents. */
async function snapshot(port: number, dbs = 16): Promise<Map<string, string>> {
  const listing = await sendCommands(
    port,
    Array.from({ length: dbs }, (_, db) => [
      ['SELECT', String(db)],
      ['KEYS', '*'],
    ]).flat(),
    { timeoutMs: 30_000 },
  );
  const out = new Map<string, string>();
  for (let db = 0; db < dbs; db++) {
    const keys = bulks(listing[db * 2 + 1]!).sort();
    if (keys.length === 0) continue;
    const types = await sendCommands(port, [
      ['SELECT', String(db)],
      ...keys.flatMap((k) => [
        ['TYPE', k],
        ['PEXPIRETIME', k],
      ]),
    ]);
    const reads: string[][] = [['SELECT', String(db)]];
    keys.forEach((k, i) => {
      const t = (types[1 + i * 2] as { value: string }).value;
      if (t === 'string') reads.push(['GET', k]);
      else if (t === 'list') reads.push(['LRANGE', k, '0', '-1']);
      else if (t === 'set') reads.push(['SMEMBERS', k]);
      else if (t === 'zset') reads.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
      else if (t === 'hash') reads.push(['HGETALL', k]);
      else reads.push(['TYPE', k]);
    });
    const values = await sendCommands(port, reads, { timeoutMs: 30_000 });
    keys.forEach((k, i) => {
      const t = (types[1 + i * 2] as { value: string }).value;
      const ttl = show(types[2 + i * 2]!);
      const v = values[1 + i]!;
      let text: string;
      if (t === 'set') text = JSON.stringify(bulks(v).sort());
      else if (t === 'hash') {
        const b = bulks(v);
        const pairs: string[] = [];
        for (let j = 0; j < b.length; j += 2) pairs.push(`${b[j]}=${b[j + 1]}`);
        text = JSON.stringify(pairs.sort());
      } else text = show(v);
      out.set(`${db}:${k}`, `${t} ttl=${ttl} ${text}`);
    });
  }
  return out;
}

function assertSameData(a: Map<string, string>, b: Map<string, string>, what: string): void {
  assert.deepEqual([...a.entries()].sort(), [...b.entries()].sort(), what);
}

const incr = (dir: string, n = 1) => join(dir, 'appendonlydir', `appendonly.aof.${n}.incr.aof`);
const manifest = (dir: string) =>
  readFileSync(join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');

/** A far-future time (2100-01-01) so absolute expiries are deterministic. */
const T = 4102444800;

/** Commands whose propagated form does not depend on the clock or on chance. */
const DETERMINISTIC: string[][] = [
  ['SET', 's1', 'v1'],
  ['set', 's2', 'v2', 'exat', String(T)],
  ['SET', 's3', 'v3', 'PXAT', `${T}123`, 'GET'],
  ['SET', 's1', 'v1b', 'GET'],
  ['SET', 's1', 'v1c', 'KEEPTTL', 'get', 'GET'],
  ['SET', 's1', 'never', 'NX'],
  ['SET', 's1', 'v1e', 'XX'],
  ['SETNX', 's6', 'x'],
  ['GETSET', 's1', 'v1d'],
  ['GETDEL', 's2'],
  ['GETDEL', 'nosuchkey'],
  ['SET', 's4', '10'],
  ['INCRBYFLOAT', 's4', '1.5'],
  ['INCRBYFLOAT', 's4', '2e3'],
  ['INCRBYFLOAT', 's4', '-0.1'],
  ['GETEX', 's3', 'EXAT', String(T + 100)],
  ['GETEX', 's3', 'PERSIST'],
  ['GETEX', 's3', 'PERSIST'],
  ['GETEX', 's3', 'PXAT', `${T + 100}000`],
  ['GETEX', 's3'],
  ['EXPIREAT', 's3', String(T + 200)],
  ['PEXPIREAT', 's3', `${T + 300}000`],
  ['EXPIREAT', 's3', String(T + 400), 'GT'],
  ['EXPIREAT', 's3', String(T + 10), 'GT'],
  ['PEXPIREAT', 's3', '5', 'lt'],
  ['SET', 's5', 'x'],
  ['EXPIRE', 's5', '-1'],
  ['SET', 's5', 'y'],
  ['PEXPIRE', 's5', '0'],
  ['SET', 's7', 'z'],
  ['GETEX', 's7', 'EXAT', '1'],
  ['HSET', 'h', 'f', '1.5', 'g', 'x'],
  ['HINCRBYFLOAT', 'h', 'f', '0.25'],
  ['HINCRBYFLOAT', 'h', 'n', '3'],
  ['HINCRBY', 'h', 'i', '7'],
  ['HSETNX', 'h', 'f', 'no'],
  ['HDEL', 'h', 'g'],
  ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
  ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '2'],
  ['LMPOP', '2', 'nolist', 'l', 'RIGHT', 'COUNT', '10'],
  ['LMPOP', '1', 'l', 'LEFT'],
  ['RPUSH', 'l', 'p', 'q', 'r'],
  ['BLPOP', 'nolist', 'l', '0'],
  ['BRPOP', 'l', '0'],
  ['BLMOVE', 'l', 'l2', 'LEFT', 'RIGHT', '0'],
  ['BLMPOP', '0', '1', 'l2', 'RIGHT', 'COUNT', '5'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
  ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
  ['ZMPOP', '1', 'z', 'MAX'],
  ['BZPOPMIN', 'z', '0'],
  ['ZADD', 'z', 'INCR', '1.5', 'x'],
  ['ZINCRBY', 'z', '2.25', 'x'],
  ['SADD', 'st', 'only'],
  ['SPOP', 'st'],
  ['SADD', 'st2', 'a', 'b', 'c'],
  ['SPOP', 'st2', '5'],
  ['SADD', 'st3', '1', '2', '3'],
  ['SPOP', 'st3', '0'],
  ['SREM', 'st3', '2'],
  ['SMOVE', 'st3', 'st4', '1'],
  ['MULTI'],
  ['INCR', 'c'],
  ['GET', 'c'],
  ['INCRBY', 'c', '5'],
  ['EXEC'],
  ['MULTI'],
  ['GET', 'c'],
  ['DECR', 'c'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'm', '1'],
  ['DISCARD'],
  ['SELECT', '2'],
  ['SET', 'x', 'y'],
  ['SELECT', '0'],
  ['SET', 'y', 'z'],
  ['MSET', 'a1', '1', 'a2', '2'],
  ['MSETNX', 'a1', '1', 'a3', '3'],
  ['APPEND', 'a1', 'xyz'],
  ['SETRANGE', 'a2', '5', 'pad'],
  ['SETBIT', 'bits', '7', '1'],
  ['BITFIELD', 'bits', 'INCRBY', 'u8', '8', '5'],
  ['PFADD', 'hll', 'a', 'b', 'c'],
  ['RENAME', 'a3', 'a4'],
  ['COPY', 'a4', 'a5'],
  ['MOVE', 'a5', '3'],
  ['UNLINK', 'a4'],
  ['DEL', 'a1', 'nope'],
  ['LPUSH', 'l3', '3', '1', '2'],
  ['SORT', 'l3', 'STORE', 'l4'],
  ['SADD', 'u1', 'a', 'b'],
  ['SADD', 'u2', 'b', 'c'],
  ['SUNIONSTORE', 'u3', 'u1', 'u2'],
  ['ZUNIONSTORE', 'z2', '1', 'z'],
  ['PERSIST', 'y'],
  ['SWAPDB', '0', '2'],
  ['FLUSHDB'],
  ['SELECT', '0'],
  ['LINSERT', 'l3', 'BEFORE', '1', 'zero'],
  ['LSET', 'l3', '0', 'first'],
  ['LTRIM', 'l3', '0', '1'],
  ['ZREMRANGEBYSCORE', 'z2', '-inf', '+inf'],
];

describe('the AOF stream, byte for byte against Redis 7.0', () => {
  it('appends the same bytes as redis-server for the same commands', async () => {
    const dm = tempDir();
    const dr = tempDir();
    const m = await mnemo(dm);
    const r = await redis(dr);
    const [rm, rr] = await Promise.all([run(m.port, DETERMINISTIC), run(r.port, DETERMINISTIC)]);
    // SPOP of a whole set replies in the set's hash order, which differs between the servers.
    const spopAll = DETERMINISTIC.findIndex((c) => c[0] === 'SPOP' && c[2] === '5');
    for (const replies of [rm, rr]) replies[spopAll] = JSON.stringify(JSON.parse(replies[spopAll]!).sort());
    assert.deepEqual(rm, rr, 'replies');
    await Promise.all([m.stop(), r.stop()]);
    const a = readFileSync(incr(dm), 'latin1');
    const b = readFileSync(incr(dr), 'latin1');
    if (a !== b) {
      const la = a.split('\r\n');
      const lb = b.split('\r\n');
      const i = la.findIndex((x, j) => x !== lb[j]);
      assert.fail(
        `incr files differ at line ${i}:\nmnemo: ${JSON.stringify(la.slice(Math.max(0, i - 12), i + 6))}\nredis: ${JSON.stringify(lb.slice(Math.max(0, i - 12), i + 6))}`,
      );
    }
    assert.equal(manifest(dm), manifest(dr));
    assert.equal(
      manifest(dm),
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
  });

  it('writes relative expiries as absolute times, and expiry as DEL', async () => {
    const d = tempDir();
    const m = await mnemo(d, ['--hz', '100']);
    const before = Date.now();
    await run(m.port, [
      ['SET', 'k1', 'v', 'EX', '100'],
      ['SETEX', 'k2', '100', 'v'],
      ['PSETEX', 'k3', '100000', 'v'],
      ['EXPIRE', 'k1', '200', 'NX'],
      ['EXPIRE', 'k1', '200'],
      ['PEXPIRE', 'k2', '300000'],
      ['GETEX', 'k3', 'EX', '400'],
      ['SET', 'gone', 'v', 'PX', '30'],
      ['SET', 'lazy', 'v', 'PX', '30'],
    ]);
    await new Promise((res) => setTimeout(res, 300));
    // The active cycle expires `gone`; reading `lazy` expires it at once if it is still there.
    await run(m.port, [['GET', 'lazy']]);
    const after = Date.now();
    await m.stop();
    const text = readFileSync(incr(d), 'latin1');
    const cmds = parseAof(text);
    const at = (c: string[]) => Number(c[c.length - 1]);
    const near = (c: string[], ms: number) => at(c) >= before + ms && at(c) <= after + ms;
    const set1 = cmds.find((c) => c[1] === 'k1' && c[0] === 'SET')!;
    assert.deepEqual(set1.slice(0, 4), ['SET', 'k1', 'v', 'PXAT']);
    assert.ok(near(set1, 100_000));
    const set2 = cmds.find((c) => c[1] === 'k2' && c[0] === 'SET')!;
    assert.deepEqual(set2.slice(0, 4), ['SET', 'k2', 'v', 'PXAT']);
    assert.ok(near(set2, 100_000));
    const set3 = cmds.find((c) => c[1] === 'k3' && c[0] === 'SET')!;
    assert.ok(near(set3, 100_000));
    const exp = cmds.filter((c) => c[0] === 'PEXPIREAT');
    assert.equal(exp.length, 3, JSON.stringify(cmds));
    assert.equal(exp[0]![1], 'k1');
    assert.ok(near(exp[0]!, 200_000));
    assert.equal(exp[1]![1], 'k2');
    assert.ok(near(exp[1]!, 300_000));
    assert.equal(exp[2]![1], 'k3');
    assert.ok(near(exp[2]!, 400_000));
    assert.ok(!cmds.some((c) => /^(EXPIRE|PEXPIRE|SETEX|PSETEX|GETEX)$/i.test(c[0]!)));
    const dels = cmds.filter((c) => c[0] === 'DEL').map((c) => c[1]);
    assert.deepEqual(dels.sort(), ['gone', 'lazy']);
  });
});

/** The commands of an AOF text (RESP only), annotations skipped. */
function parseAof(text: string): string[][] {
  const out: string[][] = [];
  let p = 0;
  const line = () => {
    const e = text.indexOf('\r\n', p);
    const l = text.slice(p, e);
    p = e + 2;
    return l;
  };
  while (p < text.length) {
    const l = line();
    if (l.startsWith('#')) continue;
    const n = Number(l.slice(1));
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = Number(line().slice(1));
      argv.push(text.slice(p, p + len));
      p += len + 2;
    }
    out.push(argv);
  }
  return out;
}

/** Writes of every type, with TTLs, several databases, big and small encodings. */
function datasetCommands(): string[][] {
  const big = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
  return [
    ['SET', 'str', 'hello'],
    ['SET', 'int', '12345'],
    ['SET', 'neg', '-9223372036854775808'],
    ['SET', 'bin', '\x00\x01\xff\r\n$*\x80 binary'],
    ['SET', 'empty', ''],
    ['SET', 'long', 'x'.repeat(100_000)],
    ['APPEND', 'grown', 'a'],
    ['APPEND', 'grown', 'b'.repeat(5000)],
    ['SET', 'ttl', 'v', 'PXAT', `${T}000`],
    ['SET', 'float', '1'],
    ['INCRBYFLOAT', 'float', '0.1'],
    ['RPUSH', 'list', 'a', 'b', 'c', '1', '2'],
    ['RPUSH', 'biglist', ...big(300, (i) => [`e${i}`])],
    ['LPUSH', 'biglist', 'head'],
    ['SADD', 'intset', '1', '2', '3', '-5'],
    ['SADD', 'set', 'a', 'b', 'c'],
    ['SADD', 'bigset', ...big(700, (i) => [`m${i}`])],
    ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
    ['HSET', 'bighash', ...big(200, (i) => [`f${i}`, `v${i}`])],
    ['HINCRBYFLOAT', 'hash', 'fl', '2.5'],
    ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'top'],
    ['ZADD', 'bigzset', ...big(300, (i) => [String(i * 1.25), `z${i}`])],
    ['PFADD', 'hll', 'a', 'b', 'c', 'd'],
    ['SETBIT', 'bitmap', '100', '1'],
    ['EXPIREAT', 'list', String(T + 1)],
    ['PEXPIREAT', 'hash', `${T}555`],
    ['SELECT', '7'],
    ['SET', 'db7', 'seven'],
    ['RPUSH', 'db7list', 'x'],
    ['SELECT', '15'],
    ['ZADD', 'db15', '1', 'one'],
    ['SELECT', '0'],
    ['MULTI'],
    ['INCR', 'counter'],
    ['INCR', 'counter'],
    ['EXEC'],
    ['SET', 'deleted', 'x'],
    ['DEL', 'deleted'],
  ];
}

describe('restart, rewrite and move between servers', () => {
  it('every data type survives kill -9, BGREWRITEAOF (RDB and RESP bases) and a move to Redis and back', async () => {
    const d = tempDir();
    const r0 = tempDir();
    const m = await mnemo(d);
    const red = await redis(r0);
    await run(m.port, datasetCommands());
    await run(red.port, datasetCommands());
    const expected = await snapshot(red.port);
    assertSameData(await snapshot(m.port), expected, 'mnemo and redis hold the same data');
    await m.stop();

    // 1. kill -9 and restart: the INCR file alone rebuilds everything.
    let m2 = await mnemo(d);
    assertSameData(await snapshot(m2.port), expected, 'after restart');

    // 2. BGREWRITEAOF with an RDB base, more writes, kill, restart.
    assert.deepEqual(await run(m2.port, [['BGREWRITEAOF']]), [
      '"Background append only file rewriting started"',
    ]);
    await waitFor(async () => (await info(m2.port)).get('aof_rewrite_in_progress') === '0');
    await run(m2.port, [['SET', 'later', '1']]);
    await run(red.port, [['SET', 'later', '1']]);
    const expected2 = await snapshot(red.port);
    await m2.stop();
    assert.equal(
      manifest(d),
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    assert.deepEqual(readdirSync(join(d, 'appendonlydir')).sort(), [
      'appendonly.aof.2.base.rdb',
      'appendonly.aof.2.incr.aof',
      'appendonly.aof.manifest',
    ]);
    m2 = await mnemo(d, ['--aof-use-rdb-preamble', 'no']);
    assertSameData(await snapshot(m2.port), expected2, 'after an RDB-base rewrite');

    // 3. A RESP base (aof-use-rdb-preamble no).
    await run(m2.port, [['BGREWRITEAOF']]);
    await waitFor(async () => (await info(m2.port)).get('aof_rewrite_in_progress') === '0');
    await m2.stop();
    assert.match(
      manifest(d),
      /^file appendonly\.aof\.3\.base\.aof seq 3 type b\nfile appendonly\.aof\.3\.incr\.aof seq 3 type i\n$/,
    );
    assert.match(
      readFileSync(join(d, 'appendonlydir', 'appendonly.aof.3.base.aof'), 'latin1'),
      /^\*2\r\n\$6\r\nSELECT\r\n/,
    );
    m2 = await mnemo(d);
    assertSameData(await snapshot(m2.port), expected2, 'after a RESP-base rewrite');
    await m2.stop();

    // 4. Redis loads mnemo's directory (RESP base + INCR), and mnemo loads Redis's.
    const r1 = await redis(d);
    assertSameData(await snapshot(r1.port), expected2, 'redis loading mnemo files');
    await run(r1.port, [['SET', 'from-redis', 'yes'], ['RPUSH', 'list', 'r'], ['BGREWRITEAOF']]);
    await waitFor(async () => (await info(r1.port)).get('aof_rewrite_in_progress') === '0');
    await run(r1.port, [['SADD', 'set', 'after-rewrite']]);
    const expected3 = await snapshot(r1.port);
    await r1.stop();
    m2 = await mnemo(d);
    assertSameData(await snapshot(m2.port), expected3, 'mnemo loading redis files');
    await m2.stop();
    await red.stop();
  });
});

async function info(port: number): Promise<Map<string, string>> {
  const [v] = await sendCommands(port, [['INFO', 'persistence']]);
  const text = (v as { value: string }).value;
  return new Map(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)] as [string, string]),
  );
}

async function waitFor(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
}

/** Starts mnemo-server and waits for it to exit (a start that must fail). */
function startExpectingFailure(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [MNEMO_BIN, '--port', '0', '--bind', '127.0.0.1', ...args], {
    encoding: 'latin1',
    timeout: 15_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('damaged files', () => {
  it('a truncated last command: loads what precedes it, truncates the file, says so', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [
      ['SET', 'a', '1'],
      ['RPUSH', 'l', 'x', 'y'],
      ['INCR', 'n'],
    ]);
    await m.stop();
    const file = incr(d);
    const good = statSync(file).size;
    appendFileSync(file, encodeCommand(['SET', 'half', 'written-value']).subarray(0, 20));
    const m2 = await mnemo(d);
    assert.deepEqual(
      await run(m2.port, [
        ['GET', 'a'],
        ['LRANGE', 'l', '0', '-1'],
        ['GET', 'n'],
        ['EXISTS', 'half'],
      ]),
      ['"1"', '["x","y"]', '"1"', '0'],
    );
    const log = m2.output();
    assert.match(log, /!!! Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof!!!/);
    assert.match(
      log,
      new RegExp(`!!! Truncating the AOF appendonly\\.aof\\.1\\.incr\\.aof at offset ${good} !!!`),
    );
    assert.match(
      log,
      /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/,
    );
    // Writes after the restart continue the file where the valid part ended.
    await run(m2.port, [['SET', 'b', '2']]);
    await m2.stop();
    assert.ok(readFileSync(file, 'latin1').startsWith(readFileSync(file, 'latin1').slice(0, good)));
    const m3 = await mnemo(d);
    assert.deepEqual(await run(m3.port, [['MGET', 'a', 'b', 'half']]), ['["1","2",nil]']);
    await m3.stop();
  });

  it('an unfinished MULTI at the end is reverted whole', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [['SET', 'a', '1']]);
    await m.stop();
    const file = incr(d);
    const good = statSync(file).size;
    appendFileSync(
      file,
      Buffer.concat([
        encodeCommand(['MULTI']),
        encodeCommand(['SET', 'a', '2']),
        encodeCommand(['SET', 'b', '2']).subarray(0, 9),
      ]),
    );
    const m2 = await mnemo(d);
    assert.deepEqual(await run(m2.port, [['MGET', 'a', 'b']]), ['["1",nil]']);
    assert.match(
      m2.output(),
      /Revert incomplete MULTI\/EXEC transaction in AOF file appendonly\.aof\.1\.incr\.aof/,
    );
    assert.equal(statSync(file).size, good);
    await m2.stop();
  });

  it('with aof-load-truncated no a truncated file stops the start', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [['SET', 'a', '1']]);
    await m.stop();
    appendFileSync(incr(d), '*3\r\n$3\r\nSET\r\n$1\r\nb');
    const r = startExpectingFailure(['--dir', d, '--appendonly', 'yes', '--aof-load-truncated', 'no']);
    assert.equal(r.code, 1);
    assert.match(r.out, /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/);
    assert.match(r.out, /last valid command ends at offset \d+/);
  });

  it('a corrupt command in the middle stops the start, naming the file and the offset', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['SET', 'c', '3'],
    ]);
    await m.stop();
    const file = incr(d);
    const text = readFileSync(file, 'latin1');
    const at = text.indexOf('*3\r\n$3\r\nSET\r\n$1\r\nb');
    writeFileSync(file, `${text.slice(0, at)}!${text.slice(at + 1)}`, 'latin1');
    const r = startExpectingFailure(['--dir', d, '--appendonly', 'yes']);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      new RegExp(
        `Bad file format reading the append only file .*appendonly\\.aof\\.1\\.incr\\.aof at offset ${at}`,
      ),
    );
    // The file is left as it was for the user to inspect.
    assert.equal(readFileSync(file, 'latin1').length, text.length);
  });

  it('a truncated file that is not the last one stops the start', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [['SET', 'a', '1'], ['BGREWRITEAOF']]);
    await waitFor(async () => {
      const i = await info(m.port);
      return i.get('aof_rewrites') === '1' && i.get('aof_rewrite_in_progress') === '0';
    });
    await m.stop();
    // Put an INCR file (cut short) in front of the current one.
    const dir = join(d, 'appendonlydir');
    writeFileSync(join(dir, 'appendonly.aof.1.incr.aof'), '*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1');
    const text = manifest(d).replace(
      'file appendonly.aof.2.incr.aof',
      'file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof',
    );
    writeFileSync(join(dir, 'appendonly.aof.manifest'), text);
    const r = startExpectingFailure(['--dir', d, '--appendonly', 'yes']);
    assert.equal(r.code, 1);
    assert.match(r.out, /Fatal error: the truncated file is not the last file/);
  });

  it('a bad manifest stops the start with Redis reason', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'appendonlydir'));
    writeFileSync(
      join(d, 'appendonlydir', 'appendonly.aof.manifest'),
      'file a seq 1 type i\nfile b seq 1 type i\n',
    );
    const r = startExpectingFailure(['--dir', d, '--appendonly', 'yes']);
    assert.equal(r.code, 1);
    assert.match(r.out, /Found a non-monotonic sequence number/);
  });
});

function checkAof(args: string[], input = ''): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CHECK_AOF, ...args], { encoding: 'latin1', input, timeout: 15_000 });
  return { code: r.status, out: r.stdout };
}

function redisCheckAof(args: string[], input = ''): { code: number | null; out: string } {
  const r = spawnSync('redis-check-aof', args, { encoding: 'latin1', input, timeout: 15_000 });
  return { code: r.status, out: r.stdout };
}

describe('mnemo-check-aof', () => {
  it('agrees with redis-check-aof on valid, truncated and fixed files', async () => {
    const d = tempDir();
    const m = await mnemo(d);
    await run(m.port, [
      ['SET', 'a', '1'],
      ['MULTI'],
      ['INCR', 'x'],
      ['INCR', 'y'],
      ['EXEC'],
      ['RPUSH', 'l', 'a'],
    ]);
    await m.stop();
    const mf = join(d, 'appendonlydir', 'appendonly.aof.manifest');
    const file = incr(d);
    let ours = checkAof([mf]);
    assert.equal(ours.code, 0, ours.out);
    assert.match(ours.out, /All AOF files and manifest are valid/);
    const analyzed = (s: string) =>
      s.split('\n').filter((l) => /AOF analyzed|is valid|is not valid|Start/.test(l));
    assert.deepEqual(analyzed(ours.out), analyzed(redisCheckAof([mf]).out));

    // Cut inside the MULTI block: everything from MULTI on is invalid.
    const text = readFileSync(file, 'latin1');
    const multiAt = text.indexOf('*1\r\n$5\r\nMULTI');
    writeFileSync(file, text.slice(0, text.indexOf('INCR\r\n$1\r\ny') + 3), 'latin1');
    ours = checkAof([file]);
    const theirs = redisCheckAof([file]);
    assert.equal(ours.code, 1);
    assert.equal(theirs.code, 1);
    assert.deepEqual(ours.out.split('\n').slice(1), theirs.out.split('\n').slice(1));
    assert.match(ours.out, new RegExp(`ok_up_to=${multiAt}`));

    // --fix asks, then truncates; redis-check-aof then finds it valid.
    const refused = checkAof(['--fix', mf], 'n\n');
    assert.equal(refused.code, 1);
    assert.match(refused.out, /Aborting\.\.\./);
    const fixed = checkAof(['--fix', mf], 'y\n');
    assert.equal(fixed.code, 0, fixed.out);
    assert.match(
      fixed.out,
      /This will shrink the AOF appendonly\.aof\.1\.incr\.aof from \d+ bytes, with \d+ bytes, to \d+ bytes/,
    );
    assert.match(fixed.out, /Successfully truncated AOF appendonly\.aof\.1\.incr\.aof/);
    assert.equal(statSync(file).size, multiAt);
    assert.equal(redisCheckAof([mf]).code, 0);
    assert.equal(checkAof([mf]).code, 0);
  });

  it('reports a format error with its offset and checks old-style files', () => {
    const d = tempDir();
    const file = join(d, 'appendonly.aof');
    writeFileSync(
      file,
      '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nvX\n*1\r\n$4\r\nPING\r\n',
    );
    const ours = checkAof([file]);
    const theirs = redisCheckAof([file]);
    assert.equal(ours.code, 1);
    assert.deepEqual(ours.out, theirs.out);
    assert.match(ours.out, /Expected \\r\\n, got: 580a/);
    assert.equal(checkAof([]).code, 1);
  });
});

describe('old-style single file', () => {
  it('appendonly.aof in dir is moved into the AOF directory and loaded (RESP and RDB preamble)', async () => {
    for (const preamble of [false, true]) {
      const d = tempDir();
      // Make the old file with Redis itself: an AOF written as a single file by a rewrite.
      const src = tempDir();
      const r = await redis(src, ['--aof-use-rdb-preamble', preamble ? 'yes' : 'no']);
      await run(r.port, [['SET', 'old', 'style'], ['RPUSH', 'l', '1', '2'], ['BGREWRITEAOF']]);
      await waitFor(async () => (await info(r.port)).get('aof_rewrite_in_progress') === '0');
      await run(r.port, [['SET', 'tail', 'cmd']]);
      await r.stop();
      const base = readFileSync(join(src, 'appendonlydir', manifest(src).split('\n')[0]!.split(' ')[1]!));
      const tail = readFileSync(join(src, 'appendonlydir', 'appendonly.aof.2.incr.aof'));
      writeFileSync(join(d, 'appendonly.aof'), Buffer.concat([base, tail]));
      const m = await mnemo(d);
      assert.deepEqual(
        await run(m.port, [
          ['MGET', 'old', 'tail'],
          ['LRANGE', 'l', '0', '-1'],
        ]),
        ['["style","cmd"]', '["1","2"]'],
      );
      assert.match(
        m.output(),
        /Successfully migrated an old-style AOF file \(appendonly\.aof\) into the AOF directory/,
      );
      if (preamble) assert.match(m.output(), /Reading RDB preamble from AOF file/);
      await m.stop();
      assert.ok(!existsSync(join(d, 'appendonly.aof')));
      assert.equal(
        manifest(d),
        'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
      );
    }
  });
});

describe('running with AOF', () => {
  it('CONFIG SET appendonly yes rewrites first, then logs; appendonly no stops', async () => {
    const d = tempDir();
    const m = await spawnMnemo(['--dir', d]);
    procs.push(m);
    await run(m.port, [
      ['SET', 'before', '1'],
      ['SADD', 's', 'a'],
    ]);
    assert.equal((await info(m.port)).get('aof_enabled'), '0');
    assert.deepEqual(await run(m.port, [['CONFIG', 'SET', 'appendonly', 'yes']]), ['"OK"']);
    await waitFor(async () => (await info(m.port)).get('aof_rewrite_in_progress') === '0');
    const i = await info(m.port);
    assert.equal(i.get('aof_enabled'), '1');
    assert.equal(i.get('aof_rewrites'), '1');
    await run(m.port, [['SET', 'after', '2']]);
    assert.equal(
      manifest(d),
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    assert.deepEqual(await run(m.port, [['CONFIG', 'SET', 'appendonly', 'no']]), ['"OK"']);
    await run(m.port, [['SET', 'unlogged', '3']]);
    await m.stop();
    const m2 = await mnemo(d);
    assert.deepEqual(
      await run(m2.port, [
        ['MGET', 'before', 'after', 'unlogged'],
        ['SMEMBERS', 's'],
      ]),
      ['["1","2",nil]', '["a"]'],
    );
    await m2.stop();
  });

  it('BGREWRITEAOF and BGSAVE scheduling replies match Redis', async () => {
    const dm = tempDir();
    const dr = tempDir();
    const m = await mnemo(dm);
    const r = await redis(dr);
    const script: string[][] = [['MULTI'], ['BGREWRITEAOF'], ['EXEC'], ['CONFIG', 'SET', 'appendonly', 'no']];
    assert.deepEqual(await run(m.port, script), await run(r.port, script));
    // One pipeline: the second request finds the first still running.
    const pipe: string[][] = [['BGREWRITEAOF'], ['BGREWRITEAOF'], ['BGSAVE']];
    await Promise.all([
      waitFor(async () => (await info(m.port)).get('aof_rewrite_in_progress') === '0'),
      waitFor(async () => (await info(r.port)).get('aof_rewrite_in_progress') === '0'),
    ]);
    assert.deepEqual(await run(m.port, pipe), await run(r.port, pipe));
    await Promise.all([
      waitFor(async () => (await info(m.port)).get('aof_rewrite_in_progress') === '0'),
      waitFor(async () => (await info(r.port)).get('aof_rewrite_in_progress') === '0'),
    ]);
    const pipe2: string[][] = [['BGSAVE'], ['BGREWRITEAOF']];
    assert.deepEqual(await run(m.port, pipe2), await run(r.port, pipe2));
    // The scheduled rewrite starts once the BGSAVE is over.
    const idle = async (port: number) => {
      const i = await info(port);
      return (
        i.get('aof_rewrite_in_progress') === '0' &&
        i.get('aof_rewrite_scheduled') === '0' &&
        i.get('rdb_bgsave_in_progress') === '0'
      );
    };
    await Promise.all([waitFor(() => idle(m.port)), waitFor(() => idle(r.port))]);
    const [im, ir] = await Promise.all([info(m.port), info(r.port)]);
    assert.equal(im.get('aof_rewrites'), ir.get('aof_rewrites'));
    assert.equal(im.get('aof_rewrites'), '2');
    await Promise.all([m.stop(), r.stop()]);
  });

  it('INFO persistence has Redis 7.0 fields in Redis order, with and without appendonly', async () => {
    for (const on of ['yes', 'no']) {
      const m = await mnemo(tempDir(), ['--appendonly', on]);
      const r = await redis(tempDir(), ['--appendonly', on]);
      const [im, ir] = await Promise.all([info(m.port), info(r.port)]);
      const ours = [...im.keys()];
      assert.deepEqual(
        ours.filter((k) => ir.has(k)),
        [...ir.keys()],
        `appendonly ${on}: same fields, same order`,
      );
      for (const k of [
        'aof_enabled',
        'aof_rewrite_in_progress',
        'aof_rewrite_scheduled',
        'aof_rewrites',
        'aof_last_bgrewrite_status',
        'aof_last_write_status',
      ])
        assert.equal(im.get(k), ir.get(k), k);
      await Promise.all([m.stop(), r.stop()]);
    }
  });

  it('INFO reports sizes that match the files, and the automatic rewrite starts on growth', async () => {
    const d = tempDir();
    const m = await mnemo(d, ['--auto-aof-rewrite-min-size', '20kb', '--auto-aof-rewrite-percentage', '100']);
    const dir = join(d, 'appendonlydir');
    const size = () =>
      readdirSync(dir)
        .filter((f) => !f.endsWith('manifest'))
        .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    await run(m.port, [['SET', 'k', 'v']]);
    let i = await info(m.port);
    assert.equal(Number(i.get('aof_current_size')), size());
    assert.equal(i.get('aof_rewrites'), '0');
    // Past 20 kB and 100% growth over the base: the cron starts a rewrite.
    await run(
      m.port,
      Array.from({ length: 400 }, (_, n) => ['SET', `key${n}`, 'x'.repeat(60)]),
    );
    await waitFor(async () => (await info(m.port)).get('aof_rewrites') === '1');
    await waitFor(async () => (await info(m.port)).get('aof_rewrite_in_progress') === '0');
    i = await info(m.port);
    assert.equal(Number(i.get('aof_current_size')), size());
    assert.equal(i.get('aof_base_size'), i.get('aof_current_size'));
    assert.equal(i.get('aof_last_bgrewrite_status'), 'ok');
    assert.match(m.output(), /Starting automatic rewriting of AOF on \d+% growth/);
    await m.stop();
  });
});

describe('rewrite under load', () => {
  it('keeps every acknowledged write, including those made while the rewrite runs', async () => {
    const d = tempDir();
    const m = await mnemo(d, ['--appendfsync', 'everysec']);
    // Enough keys that the rewrite spans many event-loop turns.
    const batch = 20_000;
    for (let b = 0; b < 10; b++) {
      await run(
        m.port,
        Array.from({ length: batch }, (_, n) => ['SET', `fill:${b * batch + n}`, `v${n}`]),
      );
    }
    await run(m.port, [['RPUSH', 'list', 'start']]);
    let stop = false;
    let acked = 0;
    /** Writes acknowledged in the same pipeline as an INFO that saw the rewrite running. */
    let duringRewrite = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const r = await run(m.port, [
          ['INCR', 'counter'],
          ['RPUSH', 'list', String(i)],
          ['SET', `w:${i}`, String(i)],
          ['HSET', 'hash', 'x', String(i)],
          ['INFO', 'persistence'],
        ]);
        assert.equal(r[0], String(i + 1));
        acked = i + 1;
        if (r[4]!.includes('aof_rewrite_in_progress:1')) duringRewrite++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await run(m.port, [['BGREWRITEAOF']]), [
      '"Background append only file rewriting started"',
    ]);
    await waitFor(async () => (await info(m.port)).get('aof_rewrite_in_progress') === '0');
    await new Promise((r) => setTimeout(r, 50));
    stop = true;
    await writer;
    const i = await info(m.port);
    assert.equal(i.get('aof_last_bgrewrite_status'), 'ok');
    await m.stop();
    const m2 = await mnemo(d);
    const [counter, len, last, first, dbsize] = await run(m2.port, [
      ['GET', 'counter'],
      ['LLEN', 'list'],
      ['GET', `w:${acked - 1}`],
      ['GET', 'w:0'],
      ['DBSIZE'],
    ]);
    assert.equal(counter, `"${acked}"`);
    assert.equal(len, String(acked + 1));
    assert.equal(last, `"${acked - 1}"`);
    assert.equal(first, '"0"');
    assert.equal(dbsize, String(10 * batch + 3 + acked));
    assert.ok(acked > 10, `only ${acked} writes during the test`);
    assert.ok(duringRewrite > 0, 'no write happened while the rewrite ran');
    await m2.stop();
  });
});
