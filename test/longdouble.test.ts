/**
 * The long double model against a real redis-server 7.0: every case runs `SET x a` +
 * `INCRBYFLOAT x b` (or `HSET` + `HINCRBYFLOAT`) on Redis and through parse/add/format here, and
 * the replies (value or error) must be byte-identical. The random cases come from a seeded PRNG;
 * set LD_SEED to replay another stream.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import {
  addLongDouble,
  formatLongDoubleHuman,
  isFiniteLongDouble,
  isInfLongDouble,
  isNaNLongDouble,
  LD_ZERO,
  type LongDouble,
  longDoubleFromBigInt,
  longDoubleFromNumber,
  longDoubleToNumber,
  MAX_LONG_DOUBLE_CHARS,
  parseLongDouble,
} from '../src/engine/values/longdouble.js';
import { prng } from './helpers/random.js';

const SEED = Number(process.env['LD_SEED'] ?? 20240611) >>> 0;

// ---------------------------------------------------------------------------------------------
// A minimal RESP2 client: pipelined binary-safe commands in, replies out.

type Reply = { err: string } | { bulk: string | null } | { simple: string } | { int: number };

class Resp {
  private buf = Buffer.alloc(0);
  private waiting: { n: number; out: Reply[]; done: (r: Reply[]) => void; fail: (e: Error) => void } | null =
    null;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.drain();
    });
    sock.on('error', (e) => this.waiting?.fail(e));
    sock.on('close', () => this.waiting?.fail(new Error('redis connection closed')));
  }

  static connect(port: number): Promise<Resp> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(new Resp(sock)));
      sock.once('error', reject);
    });
  }

  /** Sends all commands at once and resolves with their replies in order. */
  pipeline(cmds: readonly (readonly string[])[]): Promise<Reply[]> {
    const parts: Buffer[] = [];
    for (const cmd of cmds) {
      parts.push(Buffer.from(`*${cmd.length}\r\n`, 'latin1'));
      for (const arg of cmd) {
        parts.push(Buffer.from(`$${arg.length}\r\n${arg}\r\n`, 'latin1'));
      }
    }
    return new Promise((done, fail) => {
      this.waiting = { n: cmds.length, out: [], done, fail };
      this.sock.write(Buffer.concat(parts));
      this.drain();
    });
  }

  close(): void {
    this.sock.destroy();
  }

  private drain(): void {
    const w = this.waiting;
    if (w === null) return;
    let pos = 0;
    while (w.out.length < w.n) {
      const eol = this.buf.indexOf('\r\n', pos, 'latin1');
      if (eol < 0) break;
      const head = this.buf.toString('latin1', pos + 1, eol);
      const kind = this.buf[pos];
      if (kind === 0x24) {
        const len = Number(head);
        if (len < 0) {
          w.out.push({ bulk: null });
          pos = eol + 2;
          continue;
        }
        if (this.buf.length < eol + 2 + len + 2) break;
        w.out.push({ bulk: this.buf.toString('latin1', eol + 2, eol + 2 + len) });
        pos = eol + 2 + len + 2;
      } else {
        if (kind === 0x2d) w.out.push({ err: head });
        else if (kind === 0x2b) w.out.push({ simple: head });
        else if (kind === 0x3a) w.out.push({ int: Number(head) });
        else throw new Error(`unexpected RESP type byte ${kind}`);
        pos = eol + 2;
      }
    }
    this.buf = this.buf.subarray(pos);
    if (w.out.length === w.n) {
      this.waiting = null;
      w.done(w.out);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// What mnemo replies, built only from this module.

const NOT_FLOAT = 'ERR value is not a valid float';
const NAN_OR_INF = 'ERR increment would produce NaN or Infinity';

function incrbyfloat(current: string | null, incr: string): Reply {
  const value = current === null ? LD_ZERO : parseLongDouble(current);
  const by = parseLongDouble(incr);
  if (value === null || by === null) return { err: NOT_FLOAT };
  const sum = addLongDouble(value, by);
  if (!isFiniteLongDouble(sum)) return { err: NAN_OR_INF };
  return { bulk: formatLongDoubleHuman(sum) };
}

function hincrbyfloat(current: string, incr: string): Reply {
  const by = parseLongDouble(incr);
  if (by === null) return { err: NOT_FLOAT };
  if (!isFiniteLongDouble(by)) return { err: 'ERR value is NaN or Infinity' };
  const value = parseLongDouble(current);
  if (value === null) return { err: 'ERR hash value is not a float' };
  const sum = addLongDouble(value, by);
  if (!isFiniteLongDouble(sum)) return { err: NAN_OR_INF };
  return { bulk: formatLongDoubleHuman(sum) };
}

// ---------------------------------------------------------------------------------------------
// Case generation

class Gen {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  int(a: number, b: number): number {
    return a + Math.floor(this.rnd() * (b - a + 1));
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  chars(n: number, set = '0123456789'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += set[this.int(0, set.length - 1)];
    return s;
  }

  bigBits(bits: number): bigint {
    let x = 0n;
    for (let i = 0; i < bits; i += 30) x = (x << 30n) | BigInt(this.int(0, 2 ** 30 - 1));
    return x & ((1n << BigInt(bits)) - 1n);
  }

  /** Decimal strings of many shapes and magnitudes, up to and past both long double limits. */
  decimal(): string {
    const sign = this.pick(['', '', '-', '+']);
    const k = this.int(0, 9);
    const int = k < 2 ? '' : this.chars(this.int(1, k < 5 ? 3 : k < 8 ? 20 : 40));
    let frac = this.chance(0.6) ? `.${this.chars(this.int(0, this.pick([3, 10, 20, 40])))}` : '';
    if (int === '' && frac.length < 2) frac = `.${this.chars(this.int(1, 5))}`;
    let exp = '';
    const r = this.rnd();
    if (r < 0.3) exp = `e${this.pick(['', '+', '-'])}${this.int(0, 30)}`;
    else if (r < 0.4) exp = `${this.pick(['e', 'E'])}${this.pick(['', '-'])}${this.int(280, 330)}`;
    else if (r < 0.55) exp = `e${this.pick(['', '-'])}${this.int(4880, 4990)}`;
    else if (r < 0.6) exp = `e-${this.int(4940, 4975)}`;
    return sign + int + frac + exp;
  }

  /** Hex floats, including subnormal and overflow exponents. */
  hex(): string {
    const int = this.chance(0.8)
      ? this.pick(['1', '0', this.chars(this.int(1, 20), '0123456789abcdefABCDEF')])
      : '';
    let frac = this.chance(0.7) ? `.${this.chars(this.int(0, 22), '0123456789abcdef0000')}` : '';
    if (int === '' && frac.length < 2) frac = '.8';
    const e = this.pick([
      this.int(-20, 20),
      this.int(-16520, -16370),
      this.int(16300, 16400),
      this.int(-1100, -1000),
    ]);
    const exp = this.chance(0.9) ? `${this.pick(['p', 'P'])}${e}` : '';
    return `${this.pick(['', '-'])}${this.pick(['0x', '0X'])}${int}${frac}${exp}`;
  }

  /** Exact decimal ties: halfway between two long doubles, or exactly on a 17th-decimal half. */
  tie(): string {
    let s: string;
    const r = this.rnd();
    if (r < 0.45) s = exactDecimal((1n << 64n) | this.bigBits(64) | 1n, this.int(-20, 90));
    else if (r < 0.8) s = exactDecimal(this.bigBits(this.int(1, 63)) | 1n, 18);
    else s = exactDecimal(this.bigBits(this.int(1, 70)), this.int(0, 70));
    return (this.chance(0.3) ? '-' : '') + s;
  }

  /** Long digit runs near the 5 KiB input limit. */
  long(): string {
    const n = this.int(50, 5200);
    let s = this.chars(n);
    if (this.chance(0.5)) s = `0.${'0'.repeat(this.int(0, 4950))}${s}`;
    else {
      const at = this.int(0, n);
      s = `${s.slice(0, at)}.${s.slice(at)}`;
    }
    if (this.chance(0.5)) s += `e${this.int(-10000, 100)}`;
    return s.slice(0, this.pick([5119, 5120, 6000, 3000, 100]));
  }

  junk(): string {
    return this.chars(this.int(1, 8), ' +-.eExXpP0123456789abcdefinINFtyAN\t\0\x0b\xa0');
  }

  any(): string {
    const r = this.rnd();
    if (r < 0.45) return this.decimal();
    if (r < 0.6) return this.tie();
    if (r < 0.75) return this.hex();
    if (r < 0.85) return this.pick(EDGE);
    if (r < 0.95) return this.junk();
    return this.long();
  }
}

/** `num / 2^pow2` written out exactly in decimal. */
function exactDecimal(num: bigint, pow2: number): string {
  if (pow2 <= 0) return (num << BigInt(-pow2)).toString();
  const t = (num * 5n ** BigInt(pow2)).toString().padStart(pow2 + 1, '0');
  return `${t.slice(0, t.length - pow2)}.${t.slice(t.length - pow2)}`;
}

const EDGE: readonly string[] = [
  '0',
  '-0',
  '+0',
  '10.5',
  '0.1',
  '0.2',
  '-2.5',
  '1e20',
  '1e400',
  '-1e400',
  '1e4000',
  '1e5000',
  '1e-5000',
  '1e-4940',
  '1e-4951',
  '2e-4951',
  '1.8225997659412373012e-4951',
  '1.8225997659412373013e-4951',
  '3.64519953188247460253e-4951',
  '1.18973149535723176502e+4932',
  '1.18973149535723176505e+4932',
  '1.18973149535723176508e4932',
  '-1.18973149535723176502e+4932',
  '1.7976931348623157e308',
  '2.2250738585072014e-308',
  '4.9406564584124654e-324',
  '18446744073709551615',
  '18446744073709551616',
  '18446744073709551617',
  '18446744073709551619',
  '-9223372036854775808',
  '9223372036854775807',
  '36893488147419103231',
  '0.000003814697265625',
  '0.000011444091796875',
  '5e-18',
  '-5e-18',
  '1e-17',
  '-1e-20',
  '0e999999999999',
  '1e-999999999999',
  '1e99999999999999',
  'inf',
  '-inf',
  '+INF',
  'Infinity',
  '-infinity',
  'infinit',
  'infinityy',
  'nan',
  'NaN',
  '-nan',
  'nan(123)',
  '',
  ' 1',
  '\t1',
  '\x0b1',
  '1 ',
  '1\0',
  '\0',
  '1\x002',
  '\xff1',
  '.',
  '-',
  '+',
  '++1',
  '+-1',
  'e1',
  '1e',
  '1e+',
  '.e1',
  '1.',
  '.5',
  '-.5',
  '1..2',
  '1e1.5',
  '1,5',
  '0x',
  '0x.',
  '0x.p1',
  '0x0.p1',
  '0x1p',
  '0x1.8p3',
  '0X1.8P3',
  '0x.8',
  '0xg',
  '00x1',
  '0x1p-16445',
  '0x1p-16446',
  '0x1.0000000000000001p-16446',
  '0x1.00000000000000008p-16446',
  '0x1.00000000000000001p-16446',
  '0x1.8p-16446',
  '0x0.0000000000000001p-16382',
  '0x1.0000000000000001p-16400',
  '0x1.00000000000000018p-16383',
  '0x1.fffffffffffffffep16383',
  '0x1.ffffffffffffffff7p16383',
  '0x1.ffffffffffffffff8p16383',
  '0x1p16384',
  `0.${'1'.repeat(MAX_LONG_DOUBLE_CHARS - 3)}`,
  `0.${'1'.repeat(MAX_LONG_DOUBLE_CHARS - 2)}`,
  `1${'0'.repeat(4932)}`,
  `1${'0'.repeat(4933)}`,
];

// ---------------------------------------------------------------------------------------------

describe('longdouble against redis-server', () => {
  let server: ChildProcess | undefined;
  let redis: Resp | undefined;

  before(async () => {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`redis-server is required for test/longdouble.test.ts and could not be run: ${e}`);
    }
    const port = await freePort();
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    server = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}`);
      try {
        const client = await Resp.connect(port);
        const [pong] = await client.pipeline([['PING']]);
        if (pong !== undefined && 'simple' in pong && pong.simple === 'PONG') {
          redis = client;
          break;
        }
        client.close();
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const [info] = await redis.pipeline([['INFO', 'server']]);
    const version =
      info !== undefined && 'bulk' in info ? /redis_version:(\S+)/.exec(info.bulk ?? '')?.[1] : '';
    assert.match(version ?? '', /^7\./, `the model follows Redis 7, got redis-server ${version}`);
  });

  after(() => {
    redis?.close();
    if (server !== undefined && server.exitCode === null) server.kill('SIGKILL');
  });

  async function compareIncrbyfloat(pairs: readonly (readonly [string | null, string])[]): Promise<void> {
    const cmds: string[][] = [];
    for (const [a, b] of pairs) {
      cmds.push(a === null ? ['DEL', 'x'] : ['SET', 'x', a]);
      cmds.push(['INCRBYFLOAT', 'x', b]);
    }
    const replies = await redis!.pipeline(cmds);
    const bad: string[] = [];
    pairs.forEach(([a, b], i) => {
      const want = replies[2 * i + 1];
      const got = incrbyfloat(a, b);
      if (!isDeepStrictEqual(want, got)) {
        bad.push(
          `SET x ${show(a)}; INCRBYFLOAT x ${show(b)}\n    redis: ${show(want)}\n    mnemo: ${show(got)}`,
        );
      }
    });
    assert.equal(
      bad.length,
      0,
      `${bad.length}/${pairs.length} mismatches (seed ${SEED}):\n${bad.slice(0, 8).join('\n')}`,
    );
  }

  test('spec examples', async () => {
    const replies = await redis!.pipeline([
      ['SET', 'x', '10.5'],
      ['INCRBYFLOAT', 'x', '0.1'],
      ['INCRBYFLOAT', 'x', '1e20'],
    ]);
    assert.deepEqual(replies.slice(1), [{ bulk: '10.6' }, { bulk: '100000000000000000008' }]);
    const ten6 = addLongDouble(parseLongDouble('10.5')!, parseLongDouble('0.1')!);
    assert.equal(formatLongDoubleHuman(ten6), '10.6');
    assert.equal(
      formatLongDoubleHuman(addLongDouble(ten6, parseLongDouble('1e20')!)),
      '100000000000000000008',
    );
    const big = incrbyfloat('1', '1e400');
    assert.ok('bulk' in big && big.bulk?.startsWith('10000000000000000000281880683947586514586453433629'));
    assert.equal('bulk' in big ? big.bulk?.length : 0, 401);
  });

  test('edge cases, pairwise', async () => {
    const pairs: [string | null, string][] = [];
    const small = ['0', '-0', '1', '10.5', '-2.5', '1e-4940', 'inf', '-inf', '1e4000', '0x1p-16445'];
    for (const a of [null, ...small]) for (const b of EDGE) pairs.push([a, b]);
    for (const a of EDGE) for (const b of small) pairs.push([a, b]);
    await compareIncrbyfloat(pairs);
  });

  test('largest magnitudes still format (ld2string never runs out of room on x87)', async () => {
    const max = '1.18973149535723176502e+4932';
    await compareIncrbyfloat([
      [max, '0'],
      [`-${max}`, '-0'],
      [max, '-1e4932'],
    ]);
    const text = formatLongDoubleHuman(parseLongDouble(`-${max}`)!);
    assert.equal(text.length, 4934);
    assert.ok(text.length + 18 < MAX_LONG_DOUBLE_CHARS);
  });

  test(`random cases (seed ${SEED})`, async () => {
    const g = new Gen(SEED);
    const pairs: [string | null, string][] = [];
    for (let i = 0; i < 10000; i++) pairs.push([g.chance(0.05) ? null : g.any(), g.any()]);
    // Sums whose operands are both valid and close in magnitude exercise cancellation and carries.
    for (let i = 0; i < 3000; i++) {
      const a = g.chance(0.5) ? g.tie() : g.decimal();
      const b = g.chance(0.5) ? `-${a.replace(/^[-+]/, '')}${g.chars(g.int(0, 3))}` : g.tie();
      pairs.push([a, b]);
    }
    await compareIncrbyfloat(pairs);
  });

  test(`HINCRBYFLOAT shares the parse and format rules (seed ${SEED})`, async () => {
    const g = new Gen(SEED ^ 0x5bd1e995);
    const pairs: [string, string][] = [];
    for (let i = 0; i < 2000; i++) pairs.push([g.any(), g.any()]);
    for (const b of ['inf', '-inf', 'nan', '1', '1e4932']) pairs.push(['1e4932', b], ['abc', b]);
    const cmds: string[][] = [];
    for (const [a, b] of pairs) cmds.push(['HSET', 'h', 'f', a], ['HINCRBYFLOAT', 'h', 'f', b]);
    const replies = await redis!.pipeline(cmds);
    const bad: string[] = [];
    pairs.forEach(([a, b], i) => {
      const want = replies[2 * i + 1];
      const got = hincrbyfloat(a, b);
      if (!isDeepStrictEqual(want, got))
        bad.push(`HSET ${show(a)}; HINCRBYFLOAT ${show(b)}: ${show(want)} vs ${show(got)}`);
    });
    assert.equal(bad.length, 0, `${bad.length} mismatches (seed ${SEED}):\n${bad.slice(0, 8).join('\n')}`);
  });
});

describe('longdouble conversions', () => {
  const f64 = new Float64Array(1);
  const u64 = new BigUint64Array(f64.buffer);
  const fromBits = (b: bigint): number => {
    u64[0] = b;
    return f64[0]!;
  };
  const bitsOf = (x: number): bigint => {
    f64[0] = x;
    return u64[0]!;
  };

  test('every double survives a round trip exactly', () => {
    const g = new Gen(SEED ^ 0x1234567);
    const samples = [
      0,
      -0,
      1,
      -1,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      2.2250738585072014e-308,
      0.1,
    ];
    for (let i = 0; i < 3000; i++) samples.push(fromBits(g.bigBits(64)));
    for (const x of samples) {
      if (Number.isNaN(x)) continue;
      const v = longDoubleFromNumber(x);
      assert.ok(Object.is(longDoubleToNumber(v), x), `round trip of ${x}`);
      if (Number.isFinite(x) && Math.abs(x) < 1e15 && Math.abs(x) > 1e-5) {
        assert.deepEqual(v, parseLongDouble(exactOf(x)), `exact value of ${x}`);
      }
    }
    assert.ok(isNaNLongDouble(longDoubleFromNumber(Number.NaN)));
    assert.ok(Number.isNaN(longDoubleToNumber(longDoubleFromNumber(Number.NaN))));
    assert.ok(isInfLongDouble(longDoubleFromNumber(Number.NEGATIVE_INFINITY)));
    assert.equal(
      longDoubleToNumber(longDoubleFromNumber(Number.POSITIVE_INFINITY)),
      Number.POSITIVE_INFINITY,
    );
  });

  test('narrowing to a double rounds half-even, including subnormals and overflow', () => {
    const g = new Gen(SEED ^ 0x7654321);
    for (let i = 0; i < 3000; i++) {
      const x = Math.abs(fromBits(g.bigBits(64)));
      if (!Number.isFinite(x) || x === 0 || x === Number.MAX_VALUE) continue;
      const next = fromBits(bitsOf(x) + 1n);
      if (!Number.isFinite(next)) continue;
      const lo = longDoubleFromNumber(x);
      const hi = longDoubleFromNumber(next);
      const ulp = addLongDouble(hi, { ...lo, neg: true });
      const mid = addLongDouble(lo, scale(ulp, -1));
      const evenLow = (bitsOf(x) & 1n) === 0n;
      assert.equal(longDoubleToNumber(mid), evenLow ? x : next, `midpoint above ${x}`);
      // A double's ulp is 2^11 long double ulps wide: step just off the midpoint either way.
      const up = g.chance(0.5);
      const off = addLongDouble(mid, { ...scale(ulp, -g.int(2, 11)), neg: !up });
      assert.equal(
        longDoubleToNumber(off),
        up ? next : x,
        `just ${up ? 'above' : 'below'} the midpoint above ${x}`,
      );
      assert.equal(longDoubleToNumber(scale(lo, 0)), x);
    }
    assert.equal(longDoubleToNumber(parseLongDouble('1e309')!), Number.POSITIVE_INFINITY);
    assert.equal(longDoubleToNumber(parseLongDouble('-1e4000')!), Number.NEGATIVE_INFINITY);
    assert.equal(longDoubleToNumber(parseLongDouble('1.7976931348623158e308')!), Number.MAX_VALUE);
    assert.equal(longDoubleToNumber(parseLongDouble('2.4703282292062328e-324')!), Number.MIN_VALUE);
    assert.equal(longDoubleToNumber(parseLongDouble('2.4703282292062327e-324')!), 0);
    assert.ok(Object.is(longDoubleToNumber(parseLongDouble('-1e-4000')!), -0));
  });

  test('integers convert like (long double)ll, and agree with parsing', () => {
    const g = new Gen(SEED ^ 0x2468ace);
    const values = [
      0n,
      1n,
      -1n,
      (1n << 64n) + 1n,
      (1n << 64n) + 3n,
      -(1n << 63n),
      (1n << 63n) - 1n,
      (1n << 65n) - 1n,
    ];
    for (let i = 0; i < 500; i++) values.push((g.chance(0.5) ? -1n : 1n) * g.bigBits(g.int(1, 100)));
    for (const n of values) {
      assert.deepEqual(longDoubleFromBigInt(n), parseLongDouble(n.toString()), `${n}`);
    }
  });

  test('format reports what ld2string prints for non-finite values', () => {
    assert.equal(formatLongDoubleHuman(parseLongDouble('inf')!), 'inf');
    assert.equal(formatLongDoubleHuman(parseLongDouble('-Infinity')!), '-inf');
    const nan = addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!);
    assert.ok(isNaNLongDouble(nan));
    assert.equal(formatLongDoubleHuman(nan), '-nan');
    assert.ok(!isFiniteLongDouble(nan));
  });
});

/** v * 2^k; exact and still canonical for the normal long doubles that doubles map to. */
function scale(v: LongDouble, k: number): LongDouble {
  return { ...v, exp: v.exp + k };
}

/** The exact decimal expansion of a finite double. */
function exactOf(x: number): string {
  const v = longDoubleFromNumber(Math.abs(x));
  return (x < 0 ? '-' : '') + exactDecimal(v.mant, -v.exp);
}

function show(x: unknown): string {
  const s = JSON.stringify(x) ?? String(x);
  return s.length > 160 ? `${s.slice(0, 150)}…(${s.length} chars)` : s;
}
