/**
 * The reply encoders (src/protocol/resp-writer.ts, value-writer.ts, reply.ts): every Reply
 * method's exact bytes in RESP2 and RESP3, the same replies compared with what a real
 * redis-server 7.0 sends for them (typed replies made with Lua's RESP3 conversions, nulls from
 * GET/LPOP, push from SUBSCRIBE), Redis 7.0's "%.17g" doubles against printf (python3) and
 * against Redis itself, buffer growth past the initial 16 KB, large replies, the
 * take()/release() reuse rules, and the JS values the in-process ValueWriter builds.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { formatDouble17g, oneLineError, type Reply, ReplyError } from '../src/protocol/reply.js';
import { RespWriter } from '../src/protocol/resp-writer.js';
import { ValueWriter } from '../src/protocol/value-writer.js';
import { prng } from './helpers/random.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';

function encode(resp: 2 | 3, build: (w: RespWriter) => void): string {
  const w = new RespWriter();
  w.resp = resp;
  build(w);
  return w.take().latin1Slice();
}

// ---------------------------------------------------------------------------------------------
// Exact bytes

interface ByteCase {
  name: string;
  build: (w: Reply) => void;
  resp2: string;
  resp3: string;
}

const BYTE_CASES: ByteCase[] = [
  { name: 'ok', build: (w) => w.ok(), resp2: '+OK\r\n', resp3: '+OK\r\n' },
  { name: 'simple', build: (w) => w.simple('PONG'), resp2: '+PONG\r\n', resp3: '+PONG\r\n' },
  {
    name: 'error',
    build: (w) => w.error('ERR syntax error'),
    resp2: '-ERR syntax error\r\n',
    resp3: '-ERR syntax error\r\n',
  },
  {
    name: 'error with CR/LF inside and at the end',
    build: (w) => w.error('ERR a\r\nb\nc\r\n'),
    resp2: '-ERR a  b c\r\n',
    resp3: '-ERR a  b c\r\n',
  },
  { name: 'empty bulk', build: (w) => w.bulk(''), resp2: '$0\r\n\r\n', resp3: '$0\r\n\r\n' },
  { name: 'short bulk', build: (w) => w.bulk('abc'), resp2: '$3\r\nabc\r\n', resp3: '$3\r\nabc\r\n' },
  {
    name: 'binary bulk (short path)',
    build: (w) => w.bulk('\0\r\n\xff\x80'),
    resp2: '$5\r\n\0\r\n\xff\x80\r\n',
    resp3: '$5\r\n\0\r\n\xff\x80\r\n',
  },
  {
    name: 'binary bulk (long path)',
    build: (w) => w.bulk('\xff'.repeat(20)),
    resp2: `$20\r\n${'\xff'.repeat(20)}\r\n`,
    resp3: `$20\r\n${'\xff'.repeat(20)}\r\n`,
  },
  {
    name: 'bulk with a 3-digit length',
    build: (w) => w.bulk('x'.repeat(123)),
    resp2: `$123\r\n${'x'.repeat(123)}\r\n`,
    resp3: `$123\r\n${'x'.repeat(123)}\r\n`,
  },
  {
    name: 'bulkBytes of a slice',
    build: (w) => w.bulkBytes(Uint8Array.from([0x61, 0x0d, 0x0a, 0xfe, 0x62]), 1, 4),
    resp2: '$3\r\n\r\n\xfe\r\n',
    resp3: '$3\r\n\r\n\xfe\r\n',
  },
  {
    name: 'bulkBytes empty',
    build: (w) => w.bulkBytes(new Uint8Array(4), 2, 2),
    resp2: '$0\r\n\r\n',
    resp3: '$0\r\n\r\n',
  },
  { name: 'bulkInt small', build: (w) => w.bulkInt(7), resp2: '$1\r\n7\r\n', resp3: '$1\r\n7\r\n' },
  {
    name: 'bulkInt negative',
    build: (w) => w.bulkInt(-12345),
    resp2: '$6\r\n-12345\r\n',
    resp3: '$6\r\n-12345\r\n',
  },
  {
    name: 'bulkInt int64 min as bigint',
    build: (w) => w.bulkInt(-9223372036854775808n),
    resp2: '$20\r\n-9223372036854775808\r\n',
    resp3: '$20\r\n-9223372036854775808\r\n',
  },
  { name: 'int 0', build: (w) => w.int(0), resp2: ':0\r\n', resp3: ':0\r\n' },
  { name: 'int 9', build: (w) => w.int(9), resp2: ':9\r\n', resp3: ':9\r\n' },
  { name: 'int 10', build: (w) => w.int(10), resp2: ':10\r\n', resp3: ':10\r\n' },
  { name: 'int 99', build: (w) => w.int(99), resp2: ':99\r\n', resp3: ':99\r\n' },
  { name: 'int 100', build: (w) => w.int(100), resp2: ':100\r\n', resp3: ':100\r\n' },
  { name: 'int 1000', build: (w) => w.int(1000), resp2: ':1000\r\n', resp3: ':1000\r\n' },
  { name: 'int -1', build: (w) => w.int(-1), resp2: ':-1\r\n', resp3: ':-1\r\n' },
  { name: 'int -2', build: (w) => w.int(-2), resp2: ':-2\r\n', resp3: ':-2\r\n' },
  { name: 'int 2^32-1', build: (w) => w.int(4294967295), resp2: ':4294967295\r\n', resp3: ':4294967295\r\n' },
  { name: 'int 2^32', build: (w) => w.int(4294967296), resp2: ':4294967296\r\n', resp3: ':4294967296\r\n' },
  {
    name: 'int max safe, negative',
    build: (w) => w.int(-9007199254740991),
    resp2: ':-9007199254740991\r\n',
    resp3: ':-9007199254740991\r\n',
  },
  {
    name: 'int int64 max as bigint',
    build: (w) => w.int(9223372036854775807n),
    resp2: ':9223372036854775807\r\n',
    resp3: ':9223372036854775807\r\n',
  },
  { name: 'nil', build: (w) => w.nil(), resp2: '$-1\r\n', resp3: '_\r\n' },
  { name: 'nilArray', build: (w) => w.nilArray(), resp2: '*-1\r\n', resp3: '_\r\n' },
  { name: 'double', build: (w) => w.double(1.5), resp2: '$3\r\n1.5\r\n', resp3: ',1.5\r\n' },
  {
    name: 'double 0.1',
    build: (w) => w.double(0.1),
    resp2: '$19\r\n0.10000000000000001\r\n',
    resp3: ',0.10000000000000001\r\n',
  },
  {
    name: 'double inf',
    build: (w) => w.double(Number.POSITIVE_INFINITY),
    resp2: '$3\r\ninf\r\n',
    resp3: ',inf\r\n',
  },
  {
    name: 'double -inf',
    build: (w) => w.double(Number.NEGATIVE_INFINITY),
    resp2: '$4\r\n-inf\r\n',
    resp3: ',-inf\r\n',
  },
  { name: 'double -0', build: (w) => w.double(-0), resp2: '$2\r\n-0\r\n', resp3: ',-0\r\n' },
  { name: 'bool true', build: (w) => w.bool(true), resp2: ':1\r\n', resp3: '#t\r\n' },
  { name: 'bool false', build: (w) => w.bool(false), resp2: ':0\r\n', resp3: '#f\r\n' },
  {
    name: 'big number',
    build: (w) => w.bigNumber('-123456789012345678901234567890'),
    resp2: '$31\r\n-123456789012345678901234567890\r\n',
    resp3: '(-123456789012345678901234567890\r\n',
  },
  {
    name: 'verbatim txt',
    build: (w) => w.verbatim('hi\nthere'),
    resp2: '$8\r\nhi\nthere\r\n',
    resp3: '=12\r\ntxt:hi\nthere\r\n',
  },
  {
    name: 'verbatim mkd, binary',
    build: (w) => w.verbatim('#\xff', 'mkd'),
    resp2: '$2\r\n#\xff\r\n',
    resp3: '=6\r\nmkd:#\xff\r\n',
  },
  {
    name: 'array of mixed',
    build: (w) => {
      w.array(3);
      w.int(1);
      w.bulk('a');
      w.nil();
    },
    resp2: '*3\r\n:1\r\n$1\r\na\r\n$-1\r\n',
    resp3: '*3\r\n:1\r\n$1\r\na\r\n_\r\n',
  },
  { name: 'empty array', build: (w) => w.array(0), resp2: '*0\r\n', resp3: '*0\r\n' },
  {
    name: 'map',
    build: (w) => {
      w.map(2);
      w.bulk('a');
      w.int(1);
      w.bulk('b');
      w.double(2.5);
    },
    resp2: '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$3\r\n2.5\r\n',
    resp3: '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n,2.5\r\n',
  },
  { name: 'empty map', build: (w) => w.map(0), resp2: '*0\r\n', resp3: '%0\r\n' },
  {
    name: 'set',
    build: (w) => {
      w.set(2);
      w.bulk('x');
      w.bulk('y');
    },
    resp2: '*2\r\n$1\r\nx\r\n$1\r\ny\r\n',
    resp3: '~2\r\n$1\r\nx\r\n$1\r\ny\r\n',
  },
  {
    name: 'push',
    build: (w) => {
      w.push(3);
      w.bulk('message');
      w.bulk('ch');
      w.bulk('hello');
    },
    resp2: '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n',
    resp3: '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n',
  },
  {
    name: 'array with a 5-digit count',
    build: (w) => w.array(12345),
    resp2: '*12345\r\n',
    resp3: '*12345\r\n',
  },
  {
    name: 'nested containers',
    build: (w) => {
      w.array(2);
      w.map(1);
      w.bulk('k');
      w.set(1);
      w.int(5);
      w.array(0);
    },
    resp2: '*2\r\n*2\r\n$1\r\nk\r\n*1\r\n:5\r\n*0\r\n',
    resp3: '*2\r\n%1\r\n$1\r\nk\r\n~1\r\n:5\r\n*0\r\n',
  },
];

describe('RespWriter: exact bytes', () => {
  for (const c of BYTE_CASES) {
    it(c.name, () => {
      assert.equal(
        showRaw(Buffer.from(encode(2, c.build), 'latin1')),
        showRaw(Buffer.from(c.resp2, 'latin1')),
      );
      assert.equal(
        showRaw(Buffer.from(encode(3, c.build), 'latin1')),
        showRaw(Buffer.from(c.resp3, 'latin1')),
      );
    });
  }

  it('oneLineError follows addReplyErrorFormat', () => {
    assert.equal(oneLineError('ERR plain'), 'ERR plain');
    assert.equal(oneLineError('ERR a\r\nb'), 'ERR a  b');
    assert.equal(oneLineError('ERR \r\na'), 'ERR   a');
    assert.equal(oneLineError('ERR a\r\n\n'), 'ERR a');
  });
});

// ---------------------------------------------------------------------------------------------
// Against a real Redis

interface OracleCase {
  name: string;
  /** Commands whose last reply is the one compared (earlier ones set things up). */
  redis: string[][];
  build: (w: Reply) => void;
}

const lua = (script: string, ...args: string[]): string[] => [
  'EVAL',
  `redis.setresp(3); ${script}`,
  '0',
  ...args,
];

const ORACLE_CASES: OracleCase[] = [
  { name: 'ok', redis: [['SET', 'k', 'v']], build: (w) => w.ok() },
  { name: 'simple', redis: [['PING']], build: (w) => w.simple('PONG') },
  {
    name: 'error text with CR/LF inside',
    redis: [['EXPIRE', 'k', '10', 'a\r\nb']],
    build: (w) => w.error('ERR Unsupported option a\r\nb'),
  },
  {
    name: 'error text with CR/LF at the end',
    redis: [['EXPIRE', 'k', '10', 'a\r\n']],
    build: (w) => w.error('ERR Unsupported option a\r\n'),
  },
  { name: 'binary bulk', redis: [['ECHO', '\0\r\n\xff']], build: (w) => w.bulk('\0\r\n\xff') },
  {
    name: 'int-encoded string',
    redis: [
      ['SET', 'n', '-12345'],
      ['GET', 'n'],
    ],
    build: (w) => w.bulkInt(-12345),
  },
  {
    name: 'integer',
    redis: [
      ['SET', 'n', '10'],
      ['INCRBY', 'n', '-15'],
    ],
    build: (w) => w.int(-5),
  },
  { name: 'null bulk', redis: [['GET', 'missing']], build: (w) => w.nil() },
  { name: 'null array', redis: [['LPOP', 'missing', '2']], build: (w) => w.nilArray() },
  { name: 'null from Lua', redis: [lua('return nil')], build: (w) => w.nil() },
  { name: 'double', redis: [lua('return {double=tonumber(ARGV[1])}', '0.1')], build: (w) => w.double(0.1) },
  {
    name: 'double inf',
    redis: [lua('return {double=tonumber(ARGV[1])}', 'inf')],
    build: (w) => w.double(Number.POSITIVE_INFINITY),
  },
  {
    name: 'double -inf',
    redis: [lua('return {double=tonumber(ARGV[1])}', '-inf')],
    build: (w) => w.double(Number.NEGATIVE_INFINITY),
  },
  { name: 'double -0', redis: [lua('return {double=tonumber(ARGV[1])}', '-0')], build: (w) => w.double(-0) },
  { name: 'bool true', redis: [lua('return true')], build: (w) => w.bool(true) },
  { name: 'bool false', redis: [lua('return false')], build: (w) => w.bool(false) },
  {
    name: 'big number',
    redis: [lua("return {big_number='123456789012345678901234567890'}")],
    build: (w) => w.bigNumber('123456789012345678901234567890'),
  },
  {
    name: 'verbatim',
    redis: [lua("return {verbatim_string={format='txt', string='hi\\nthere'}}")],
    build: (w) => w.verbatim('hi\nthere'),
  },
  {
    name: 'map',
    redis: [lua('return {map={a=1}}')],
    build: (w) => {
      w.map(1);
      w.bulk('a');
      w.int(1);
    },
  },
  { name: 'empty map', redis: [lua('return {map={}}')], build: (w) => w.map(0) },
  {
    name: 'set',
    redis: [lua('return {set={a=true}}')],
    build: (w) => {
      w.set(1);
      w.bulk('a');
    },
  },
  {
    name: 'array with a null inside',
    redis: [
      ['SET', 'a', 'x'],
      ['MGET', 'a', 'missing'],
    ],
    build: (w) => {
      w.array(2);
      w.bulk('x');
      w.nil();
    },
  },
  { name: 'empty array', redis: [['LRANGE', 'missing', '0', '-1']], build: (w) => w.array(0) },
  {
    name: 'push (SUBSCRIBE confirmation)',
    redis: [['SUBSCRIBE', 'ch']],
    build: (w) => {
      w.push(3);
      w.bulk('subscribe');
      w.bulk('ch');
      w.int(1);
    },
  },
];

describe('RespWriter: the same bytes as redis-server', () => {
  let redis: RedisServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  async function redisReply(resp: 2 | 3, commands: string[][]): Promise<Buffer> {
    const client = await RawClient.connect(redis!.port);
    try {
      if (resp === 3) await client.command('HELLO', '3');
      const replies = await client.send(commands);
      return replies[replies.length - 1]!;
    } finally {
      await client.close();
    }
  }

  for (const c of ORACLE_CASES) {
    for (const resp of [2, 3] as const) {
      it(`${c.name} (RESP${resp})`, async () => {
        const theirs = await redisReply(resp, c.redis);
        const ours = Buffer.from(encode(resp, c.build), 'latin1');
        assert.equal(showRaw(ours), showRaw(theirs));
      });
    }
  }

  it('doubles: 400 values formatted as Redis does, RESP2 and RESP3', async () => {
    const values = doubleSamples(400, 99);
    for (const resp of [2, 3] as const) {
      const client = await RawClient.connect(redis!.port);
      try {
        if (resp === 3) await client.command('HELLO', '3');
        const script = 'redis.setresp(3); return {double=tonumber(ARGV[1])}';
        const replies = await client.send(values.map((v) => ['EVAL', script, '0', jsRepr(v)]));
        for (let i = 0; i < values.length; i++) {
          const ours = Buffer.from(
            encode(resp, (w) => w.double(values[i]!)),
            'latin1',
          );
          assert.equal(showRaw(ours), showRaw(replies[i]!), `value ${jsRepr(values[i]!)}`);
        }
      } finally {
        await client.close();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// %.17g

/** A decimal text that parses back to exactly `d` (strtod / Python float / Lua tonumber). */
function jsRepr(d: number): string {
  if (Object.is(d, -0)) return '-0';
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  return String(d);
}

const FIXED_DOUBLES = [
  0,
  -0,
  0.1,
  1.1,
  1e20,
  1.5e-5,
  Number('123456789012345678'),
  -Number('123456789012345678'),
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1,
  -1,
  10,
  100,
  1e16,
  1e17,
  1e18,
  Number('99999999999999999'),
  Number('9.999999999999999e16'),
  Number('12345678901234567'),
  0.0001,
  0.00001,
  0.000123,
  1e-4,
  9.99999999999999e-5,
  0.30000000000000004,
  1 / 3,
  2 / 3,
  Math.PI,
  -Math.E,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  3.5,
  0.5,
  1e21,
  1e22,
  1e23,
  123.456,
  -0.000001,
  4.35,
  1e-7,
  1.0000000000000002,
  0.9999999999999999,
  8.5e-310,
  // Exact ties at the 17th digit: printf rounds them to even, JS's toPrecision away from zero.
  Number('1000000000000000.25'),
  Number('1000000000000000.75'),
  Number('123456789012345.625'),
  Number('123456789012345.875'),
  -Number('1000000000000000.25'),
  Number('450359962737049.625'),
  Number('450359962737049.875'),
];

/** Fixed values, powers of ten and their neighbours, and random bit patterns (no NaN). */
function doubleSamples(randomCount: number, seed: number): number[] {
  const out = [...FIXED_DOUBLES];
  for (let e = -30; e <= 30; e++) {
    const p = Number(`1e${e}`);
    out.push(p, p * (1 + Number.EPSILON), p * (1 - Number.EPSILON / 2), -p * 9.5);
  }
  const rnd = prng(seed);
  const view = new DataView(new ArrayBuffer(8));
  while (out.length < FIXED_DOUBLES.length + 244 + randomCount) {
    const kind = rnd();
    let d: number;
    if (kind < 0.4) {
      view.setUint32(0, Math.floor(rnd() * 2 ** 32));
      view.setUint32(4, Math.floor(rnd() * 2 ** 32));
      d = view.getFloat64(0);
    } else if (kind < 0.7) {
      d = Number((rnd() * 1000 - 500).toFixed(Math.floor(rnd() * 6)));
    } else {
      d = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
    }
    if (!Number.isNaN(d)) out.push(d);
  }
  return out;
}

describe("formatDouble17g: printf's %.17g", () => {
  it('matches python3 "%.17g" % x on 20,000 values', () => {
    const values = doubleSamples(20_000, 12345);
    const py = spawnSync(
      'python3',
      ['-c', 'import sys\nfor line in sys.stdin:\n    print("%.17g" % float(line))'],
      { input: values.map(jsRepr).join('\n'), encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(py.error, undefined, 'python3 is needed as the printf oracle');
    assert.equal(py.status, 0, py.stderr);
    const expected = py.stdout.trimEnd().split('\n');
    assert.equal(expected.length, values.length);
    let bad = 0;
    const failures: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const ours = formatDouble17g(values[i]!);
      if (ours !== expected[i]) {
        bad++;
        if (failures.length < 10) failures.push(`${jsRepr(values[i]!)}: ours ${ours}, printf ${expected[i]}`);
      }
    }
    assert.equal(bad, 0, failures.join('\n'));
  });

  it('breaks exact ties to even, like glibc', () => {
    assert.equal(formatDouble17g(Number('1000000000000000.25')), '1000000000000000.2');
    assert.equal(formatDouble17g(Number('1000000000000000.75')), '1000000000000000.8');
    assert.equal(formatDouble17g(-Number('123456789012345.625')), '-123456789012345.62');
    assert.equal(formatDouble17g(Number('123456789012345.875')), '123456789012345.88');
    assert.equal(formatDouble17g(Number('450359962737049.625')), '450359962737049.62');
    assert.equal(formatDouble17g(Number('450359962737049.875')), '450359962737049.88');
  });

  it('chooses the notation from the rounded exponent', () => {
    assert.equal(formatDouble17g(0.0000999999999999999), '9.9999999999999896e-05');
    assert.equal(formatDouble17g(0.0001), '0.0001');
    assert.equal(formatDouble17g(Number('99999999999999999')), '1e+17');
    assert.equal(formatDouble17g(Number('12345678901234567')), '12345678901234568');
    assert.equal(formatDouble17g(1e-5), '1.0000000000000001e-05');
  });

  it('nan', () => {
    assert.equal(formatDouble17g(Number.NaN), 'nan');
  });
});

// ---------------------------------------------------------------------------------------------
// Buffer management

describe('RespWriter: buffer growth and reuse', () => {
  it('grows past 16 KB across many small replies without losing a byte', () => {
    const w = new RespWriter();
    let expected = '';
    for (let i = 0; i < 5000; i++) {
      w.bulk(`value-${i}`);
      expected += `$${`value-${i}`.length}\r\nvalue-${i}\r\n`;
      w.int(i);
      expected += `:${i}\r\n`;
    }
    assert.ok(w.len > 16 * 1024);
    assert.equal(w.pending, expected.length);
    assert.ok(w.take().latin1Slice() === expected);
  });

  it('large replies: a 1 MB bulk, a 1 MB bulkBytes, a 300 KB verbatim', () => {
    const big = 'ab\r\n'.repeat(256 * 1024);
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
    const text = 'v'.repeat(300_000);
    const w = new RespWriter();
    w.resp = 3;
    w.int(1);
    w.bulk(big);
    w.bulkBytes(bytes, 0, bytes.length);
    w.verbatim(text);
    const out = w.take();
    const expected = Buffer.concat([
      Buffer.from(`:1\r\n$${big.length}\r\n${big}\r\n$${bytes.length}\r\n`, 'latin1'),
      bytes,
      Buffer.from(`\r\n=${text.length + 4}\r\ntxt:${text}\r\n`, 'latin1'),
    ]);
    assert.ok(out.equals(expected));
  });

  it('release(true) reuses the buffer; release(false) leaves the taken bytes alone', () => {
    const w = new RespWriter();
    const first = w.buf;
    w.bulk('hello');
    let taken = w.take();
    w.release(true);
    assert.equal(w.len, 0);
    assert.equal(w.buf, first, 'a small buffer written synchronously is reused');
    w.simple('OK');
    assert.equal(w.take().latin1Slice(), '+OK\r\n');

    taken = w.take();
    const copy = Buffer.from(taken);
    w.release(false);
    assert.notEqual(w.buf, first, 'the socket still holds the old buffer: start a new one');
    w.bulk('x'.repeat(100));
    assert.ok(taken.equals(copy), 'bytes handed to the socket must not change');
    assert.equal(w.buf.length, 16 * 1024);
  });

  it('a buffer grown moderately is kept; one grown past 256 KB is dropped', () => {
    const w = new RespWriter();
    w.bulk('x'.repeat(100_000));
    const grown = w.buf;
    assert.ok(grown.length > 16 * 1024 && grown.length <= 256 * 1024);
    w.release(true);
    assert.equal(w.buf, grown);
    w.bulk('y'.repeat(1_000_000));
    assert.ok(w.buf.length > 256 * 1024);
    w.release(true);
    assert.equal(w.buf.length, 16 * 1024);
    assert.equal(w.len, 0);
    w.ok();
    assert.equal(w.take().latin1Slice(), '+OK\r\n');
  });

  it('grows exactly at the edge: replies ending on and crossing the buffer end', () => {
    for (let fill = 16 * 1024 - 40; fill < 16 * 1024 + 5; fill++) {
      const w = new RespWriter();
      w.raw('z'.repeat(fill));
      w.ok();
      w.int(123456);
      w.nil();
      w.bulk('abcdefghijklmnopq');
      w.array(7);
      w.simple('S');
      w.error('ERR e');
      assert.equal(
        w.take().latin1Slice(),
        `${'z'.repeat(fill)}+OK\r\n:123456\r\n$-1\r\n$17\r\nabcdefghijklmnopq\r\n*7\r\n+S\r\n-ERR e\r\n`,
        `fill ${fill}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// ValueWriter

describe('ValueWriter: JS values for the library', () => {
  const value = (build: (w: ValueWriter) => void, decoding: 'utf8' | 'buffer' | 'binary' = 'utf8') => {
    const w = new ValueWriter(decoding);
    build(w);
    assert.ok(w.hasResult);
    return w.takeResult();
  };

  it('scalars', () => {
    assert.equal(
      value((w) => w.ok()),
      'OK',
    );
    assert.equal(
      value((w) => w.simple('PONG')),
      'PONG',
    );
    assert.equal(
      value((w) => w.bulk('abc')),
      'abc',
    );
    assert.equal(
      value((w) => w.int(42)),
      42,
    );
    assert.equal(
      value((w) => w.int(42n)),
      42,
    );
    assert.equal(
      value((w) => w.int(9223372036854775807n)),
      9223372036854775807n,
    );
    assert.equal(
      value((w) => w.int(-9007199254740992n)),
      -9007199254740992n,
    );
    assert.equal(
      value((w) => w.bulkInt(-5)),
      '-5',
    );
    assert.equal(
      value((w) => w.nil()),
      null,
    );
    assert.equal(
      value((w) => w.nilArray()),
      null,
    );
    assert.equal(
      value((w) => w.double(0.1)),
      0.1,
    );
    assert.equal(
      value((w) => w.double(Number.NEGATIVE_INFINITY)),
      Number.NEGATIVE_INFINITY,
    );
    assert.equal(
      value((w) => w.bool(true)),
      true,
    );
    assert.equal(
      value((w) => w.bool(false)),
      false,
    );
    assert.equal(
      value((w) => w.bigNumber('123456789012345678901234567890')),
      123456789012345678901234567890n,
    );
    assert.equal(
      value((w) => w.verbatim('text')),
      'text',
    );
  });

  it('errors become ReplyError values with the one-line text', () => {
    const e = value((w) => w.error('WRONGTYPE Operation\r\nagainst'));
    assert.ok(e instanceof ReplyError);
    assert.equal(e.message, 'WRONGTYPE Operation  against');
    assert.equal(e.code, 'WRONGTYPE');
    const inner = value((w) => {
      w.array(2);
      w.error('ERR x');
      w.int(1);
    });
    assert.ok(Array.isArray(inner) && inner[0] instanceof ReplyError && inner[1] === 1);
  });

  it('containers, nested and empty', () => {
    const v = value((w) => {
      w.array(4);
      w.map(2);
      w.bulk('a');
      w.int(1);
      w.bulk('b');
      w.set(2);
      w.bulk('x');
      w.bulk('y');
      w.array(0);
      w.map(0);
      w.push(1);
      w.nil();
    });
    assert.deepEqual(v, [
      new Map<unknown, unknown>([
        ['a', 1],
        ['b', ['x', 'y']],
      ]),
      [],
      new Map(),
      [null],
    ]);
  });

  it('bulk decodings: utf8, buffer, binary', () => {
    const utf8Bytes = Buffer.from('héllo ✓', 'utf8').latin1Slice();
    assert.equal(
      value((w) => w.bulk(utf8Bytes)),
      'héllo ✓',
    );
    assert.equal(
      value((w) => w.bulk(utf8Bytes), 'binary'),
      utf8Bytes,
    );
    const buf = value((w) => w.bulk('\xff\0a'), 'buffer');
    assert.ok(Buffer.isBuffer(buf) && buf.equals(Buffer.from([0xff, 0, 0x61])));
    const bytes = Uint8Array.from([1, 0xc3, 0xa9, 2]);
    assert.equal(
      value((w) => w.bulkBytes(bytes, 1, 3)),
      'é',
    );
    const b2 = value((w) => w.bulkBytes(bytes, 0, 4), 'buffer');
    assert.ok(Buffer.isBuffer(b2) && b2.equals(Buffer.from(bytes)));
    const bi = value((w) => w.bulkInt(12), 'buffer');
    assert.ok(Buffer.isBuffer(bi) && bi.toString() === '12');
  });

  it('takeResult resets for the next command', () => {
    const w = new ValueWriter();
    w.array(1);
    assert.equal(w.hasResult, false);
    w.int(1);
    assert.equal(w.hasResult, true);
    assert.deepEqual(w.takeResult(), [1]);
    assert.equal(w.hasResult, false);
    w.bulk('next');
    assert.equal(w.takeResult(), 'next');
  });
});
