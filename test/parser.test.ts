/**
 * The request parser (src/protocol/parser.ts) and inline splitting (src/protocol/splitargs.ts).
 * Every case is fed whole, byte by byte, in seeded random chunkings and in "lazy" chunkings
 * (several pushes before the next drain, as when the connection is paused), and must give the
 * same commands and the same error every way. Hostile inputs must fail with Redis's exact
 * protocol-error text, and each one is also sent to a real redis-server 7.0 on a free loopback
 * port to check that text at the source. Property tests (fast-check) round-trip arbitrary binary
 * argvs through multibulk and quoted inline encodings split at arbitrary points, and check the
 * parser's pending-byte count after every chunk; random inline lines are compared with the way
 * Redis itself splits them.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { INLINE_MAX_SIZE, type ParserLimits, ProtocolError, RequestParser } from '../src/protocol/parser.js';
import { splitArgs } from '../src/protocol/splitargs.js';
import { prng } from './helpers/random.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { RespReader, type RespValue } from './helpers/resp.js';

/** Redis's default proto-max-bulk-len. */
const MAX_BULK = 512 * 1024 * 1024;
const DEFAULT_LIMITS: ParserLimits = { maxBulkLen: MAX_BULK };

// ---------------------------------------------------------------------------------------------
// Feeding helpers

interface Outcome {
  commands: string[][];
  error: string | null;
}

const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

/**
 * Pushes `chunks` in order. After a chunk, the parser is drained (next() until null) unless
 * `drainAfter` says not to; it is always drained after the last one.
 */
function feed(
  chunks: Iterable<Buffer>,
  limits: ParserLimits = DEFAULT_LIMITS,
  drainAfter: (i: number) => boolean = () => true,
): Outcome {
  const p = new RequestParser(limits);
  const commands: string[][] = [];
  const drain = () => {
    for (let cmd = p.next(); cmd !== null; cmd = p.next()) commands.push(cmd);
  };
  try {
    let i = 0;
    for (const chunk of chunks) {
      p.push(chunk);
      if (drainAfter(i++)) drain();
    }
    drain();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return { commands, error: err.message };
  }
  return { commands, error: null };
}

function splitAt(input: Buffer, points: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    if (p <= prev || p >= input.length) continue;
    out.push(input.subarray(prev, p));
    prev = p;
  }
  out.push(input.subarray(prev));
  return out;
}

function randomChunks(input: Buffer, rnd: () => number, maxChunk: number): Buffer[] {
  const points: number[] = [];
  for (let at = 0; at < input.length; ) {
    at += 1 + Math.floor(rnd() * maxChunk);
    points.push(at);
  }
  return splitAt(input, points);
}

function* bytewise(input: Buffer): Generator<Buffer> {
  for (let i = 0; i < input.length; i++) yield input.subarray(i, i + 1);
}

/** Every way of feeding `input` must give `expected`. */
function checkAllWays(input: Buffer, expected: Outcome, limits: ParserLimits = DEFAULT_LIMITS): void {
  const show = (o: Outcome) =>
    JSON.stringify({
      commands: o.commands.map((c) => c.map((a) => (a.length > 40 ? `<${a.length} bytes>` : a))),
      error: o.error,
    });
  const check = (how: string, chunks: Iterable<Buffer>, drainAfter?: (i: number) => boolean) => {
    const got = feed(chunks, limits, drainAfter);
    // Compare without printing multi-megabyte strings on failure.
    assert.ok(
      got.error === expected.error &&
        got.commands.length === expected.commands.length &&
        got.commands.every(
          (c, i) =>
            c.length === expected.commands[i]!.length && c.every((a, j) => a === expected.commands[i]![j]),
        ),
      `${how}: got ${show(got)}, expected ${show(expected)}`,
    );
  };
  check('whole', [input]);
  check('byte by byte', bytewise(input));
  const rnd = prng(input.length * 7919 + 17);
  for (let round = 0; round < 6; round++) {
    const maxChunk = [3, 17, 100, 4096, 40_000, 1 << 20][round]!;
    check(`random chunks <= ${maxChunk}`, randomChunks(input, rnd, maxChunk));
    check(`lazy random chunks <= ${maxChunk}`, randomChunks(input, rnd, maxChunk), () => rnd() < 0.3);
  }
  check('lazy byte by byte', bytewise(input), (i) => i % 97 === 96);
}

function multibulk(...argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** Offsets just past each token (header line, bulk with its CRLF) of a multibulk encoding. */
function multibulkTokenEnds(argvs: readonly string[][]): { bytes: Buffer; ends: number[] } {
  const parts: string[] = [];
  const ends: number[] = [];
  let at = 0;
  const token = (s: string) => {
    parts.push(s);
    at += s.length;
    ends.push(at);
  };
  for (const argv of argvs) {
    token(`*${argv.length}\r\n`);
    for (const a of argv) {
      token(`$${a.length}\r\n`);
      token(`${a}\r\n`);
    }
  }
  return { bytes: bin(parts.join('')), ends };
}

// ---------------------------------------------------------------------------------------------
// Valid input

describe('RequestParser: valid input fed every way', () => {
  const cases: Array<{ name: string; input: string; commands: string[][] }> = [
    { name: 'one multibulk command', input: multibulk('PING'), commands: [['PING']] },
    {
      name: 'several arguments and an empty bulk',
      input: multibulk('SET', 'key', '') + multibulk('GET', 'key'),
      commands: [
        ['SET', 'key', ''],
        ['GET', 'key'],
      ],
    },
    {
      name: 'binary bulk data with CR, LF, NUL, * and $ inside',
      input: multibulk('SET', 'k\r\n', '\r\n*1\r\n$4\r\n\0\xff\x80\r'),
      commands: [['SET', 'k\r\n', '\r\n*1\r\n$4\r\n\0\xff\x80\r']],
    },
    {
      // The name and first argument are reused when their bytes repeat (compared from the end):
      // a repeated key, then keys differing only in their first or middle byte.
      name: 'a repeated first argument, then near misses of it',
      input: [
        ...Array.from({ length: 20 }, () => multibulk('RPOP', 'queue:1')),
        multibulk('RPOP', 'xueue:1'),
        multibulk('RPOP', 'queue:1'),
        multibulk('RPOP', 'quexe:1'),
        multibulk('RPUSH', 'queue:1', 'queue:1'),
        multibulk('RPUSH', 'queue:10', 'v'),
      ].join(''),
      commands: [
        ...Array.from({ length: 20 }, () => ['RPOP', 'queue:1']),
        ['RPOP', 'xueue:1'],
        ['RPOP', 'queue:1'],
        ['RPOP', 'quexe:1'],
        ['RPUSH', 'queue:1', 'queue:1'],
        ['RPUSH', 'queue:10', 'v'],
      ],
    },
    { name: '*0 is an empty command', input: `*0\r\n${multibulk('PING')}`, commands: [[], ['PING']] },
    {
      name: '*-1 is an empty command',
      input: `*-1\r\n*-5\r\n${multibulk('PING')}`,
      commands: [[], [], ['PING']],
    },
    {
      name: 'the two bytes after a bulk are skipped unchecked (Redis leniency)',
      input: `*1\r\n$4\r\nPINGxy${multibulk('ECHO', 'a')}`,
      commands: [['PING'], ['ECHO', 'a']],
    },
    { name: 'inline with CRLF', input: 'PING\r\n', commands: [['PING']] },
    { name: 'inline with a bare LF', input: 'PING\n', commands: [['PING']] },
    // Blanks between arguments are isspace(), but only space, tab, CR and LF end an argument.
    { name: 'inline with extra blanks', input: ' \t SET   a \v b\f \f\r\n', commands: [['SET', 'a', 'b\f']] },
    {
      name: 'inline quotes and escapes',
      input: `SET "a b" 'c d' "\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\"\\q" 'it\\'s' "" ''\r\n`,
      commands: [['SET', 'a b', 'c d', 'AJ\n\r\t\b\x07\\"q', "it's", '', '']],
    },
    {
      name: 'inline \\x needs two hex digits',
      input: `ECHO "\\x4" "\\xZZ" "\\x4g"\r\n`,
      commands: [['ECHO', 'x4', 'xZZ', 'x4g']],
    },
    { name: 'a quote inside a bare word is a quote', input: `ECHO a"b"\r\n`, commands: [['ECHO', 'ab']] },
    { name: 'a CR inside an inline line separates', input: 'ECHO a\rb\r\n', commands: [['ECHO', 'a', 'b']] },
    { name: 'empty lines are empty commands', input: '\r\n\n\r\nPING\r\n', commands: [[], [], [], ['PING']] },
    {
      name: 'a pipelined mix of everything',
      input:
        multibulk('SET', 'a', '1') +
        'GET a\r\n' +
        '*0\r\n' +
        '\n' +
        multibulk('ECHO', '\r\n') +
        `ECHO "x y"\n` +
        '*-1\r\n' +
        multibulk('MSET', 'k1', 'v1', 'k2', '') +
        'PING\r\n',
      commands: [
        ['SET', 'a', '1'],
        ['GET', 'a'],
        [],
        [],
        ['ECHO', '\r\n'],
        ['ECHO', 'x y'],
        [],
        ['MSET', 'k1', 'v1', 'k2', ''],
        ['PING'],
      ],
    },
    {
      name: 'an inline line of exactly 64 KB',
      input: `ECHO ${'a'.repeat(INLINE_MAX_SIZE - 5)}\n`,
      commands: [['ECHO', 'a'.repeat(INLINE_MAX_SIZE - 5)]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => checkAllWays(bin(c.input), { commands: c.commands, error: null }));
  }

  it('an incomplete command stays pending, with no error', () => {
    for (const input of [
      '*2147483647\r\n',
      '*1\r\n$4\r\nPING\r',
      '*1\r\n$4\r\nPING',
      '*3\r\n$3\r\nSET\r\n',
      'PING',
      '*1\r',
    ]) {
      checkAllWays(bin(input), { commands: [], error: null });
    }
  });
});

describe('RequestParser: big bulks (the >= 32 KB path)', () => {
  const pattern = (n: number, seed: number): string => {
    const rnd = prng(seed);
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
    // Make sure protocol-looking bytes appear inside the data.
    if (n > 10) bin('\r\n*1\r\n').copy(b, n >> 1);
    return b.latin1Slice();
  };

  for (const size of [32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 100_000, 300_000]) {
    it(`a ${size}-byte bulk between small commands`, () => {
      const data = pattern(size, size);
      const input = bin(multibulk('PING') + multibulk('SET', 'k', data) + multibulk('ECHO', 'after'));
      checkAllWays(input, {
        commands: [['PING'], ['SET', 'k', data], ['ECHO', 'after']],
        error: null,
      });
    });
  }

  it('several big bulks in one command, followed by a pipelined inline command', () => {
    const a = pattern(40_000, 1);
    const b = pattern(70_000, 2);
    const input = bin(`${multibulk('MSET', 'a', a, 'b', b)}PING\r\n`);
    checkAllWays(input, { commands: [['MSET', 'a', a, 'b', b], ['PING']], error: null });
  });

  it('a big bulk whose trailing CRLF arrives in the next chunk with the next command', () => {
    const data = pattern(50_000, 3);
    const input = bin(multibulk('SET', 'k', data) + multibulk('PING'));
    const bulkEnd = input.indexOf(bin(multibulk('PING'))) - 2;
    for (const cut of [bulkEnd - 1, bulkEnd, bulkEnd + 1, bulkEnd + 2, bulkEnd + 3]) {
      for (const lazy of [false, true]) {
        const got = feed(splitAt(input, [100, cut]), DEFAULT_LIMITS, () => !lazy);
        assert.equal(got.error, null);
        assert.equal(got.commands.length, 2, `cut at ${cut}, lazy ${lazy}`);
        assert.ok(got.commands[0]![2] === data, `cut at ${cut}, lazy ${lazy}: bulk differs`);
        assert.deepEqual(got.commands[1], ['PING'], `cut at ${cut}, lazy ${lazy}`);
      }
    }
  });

  it('a header split across chunks, then a big bulk ending inside a later chunk (fast-check seed -1938775068)', () => {
    // The split header is gathered in the parser's own buffer; the big bulk then leaves the
    // socket chunk as the buffer, and the next chunk must not be appended into the old one.
    const data = pattern(40_000, 5);
    const input = bin(multibulk('SET', 'k', data) + multibulk('PING'));
    const next = input.indexOf(bin(multibulk('PING')));
    for (const cut of [next - 1, next, next + 1, next + 2]) {
      const got = feed(splitAt(input, [1, 20_000, cut]), DEFAULT_LIMITS, () => true);
      assert.equal(got.error, null, `cut at ${cut}`);
      assert.equal(got.commands.length, 2, `cut at ${cut}`);
      assert.ok(got.commands[0]![2] === data, `cut at ${cut}: bulk differs`);
      assert.deepEqual(got.commands[1], ['PING'], `cut at ${cut}`);
    }
  });

  it('a 10 MB bulk, whole, byte by byte and in socket-sized chunks', () => {
    const size = 10 * 1024 * 1024;
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
    const input = Buffer.concat([
      bin(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${size}\r\n`),
      data,
      bin(`\r\n${multibulk('PING')}`),
    ]);
    const expected = data.latin1Slice();
    const ways: Array<[string, Iterable<Buffer>]> = [
      ['whole', [input]],
      ['byte by byte', bytewise(input)],
      ['64 KB chunks', randomChunks(input, () => 0.999, 65536)],
      ['random chunks', randomChunks(input, prng(10), 200_000)],
    ];
    for (const [how, chunks] of ways) {
      const p = new RequestParser(DEFAULT_LIMITS);
      const commands: string[][] = [];
      let maxPending = 0;
      for (const c of chunks) {
        p.push(c);
        for (let cmd = p.next(); cmd !== null; cmd = p.next()) commands.push(cmd);
        if (p.pendingBytes > maxPending) maxPending = p.pendingBytes;
      }
      assert.equal(commands.length, 2, how);
      assert.ok(commands[0]![2] === expected, `${how}: the 10 MB value differs`);
      assert.deepEqual(commands[1], ['PING'], how);
      assert.equal(p.pendingBytes, 0, how);
      // The pending count covers the big bulk being gathered (plus its CRLF), never more.
      assert.ok(maxPending <= size + 2 + 14, `${how}: pending peaked at ${maxPending}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input

interface HostileCase {
  name: string;
  input: string;
  /** Commands parsed before the error. */
  before?: string[][];
  error: string;
}

const longDigits = '1'.repeat(INLINE_MAX_SIZE + 10);
const HOSTILE: HostileCase[] = [
  { name: 'multibulk count 2^31', input: '*2147483648\r\n', error: 'invalid multibulk length' },
  { name: 'multibulk count not a number', input: '*abc\r\n', error: 'invalid multibulk length' },
  { name: 'multibulk count empty', input: '*\r\n', error: 'invalid multibulk length' },
  { name: 'multibulk count with a plus sign', input: '*+1\r\n', error: 'invalid multibulk length' },
  { name: 'multibulk count with a leading zero', input: '*01\r\n', error: 'invalid multibulk length' },
  { name: 'multibulk count -0', input: `*-0\r\n${multibulk('PING')}`, error: 'invalid multibulk length' },
  {
    name: 'multibulk count beyond int64',
    input: `*${'1'.repeat(30)}\r\n`,
    error: 'invalid multibulk length',
  },
  {
    name: 'multibulk count ended by a bare LF',
    input: '*1\n$4\r\nPING\r\n',
    error: 'invalid multibulk length',
  },
  { name: 'bulk length -1', input: '*1\r\n$-1\r\n', error: 'invalid bulk length' },
  { name: 'bulk length -0', input: '*1\r\n$-0\r\n', error: 'invalid bulk length' },
  { name: 'bulk length not a number', input: '*1\r\n$abc\r\n', error: 'invalid bulk length' },
  { name: 'bulk length empty', input: '*1\r\n$\r\n', error: 'invalid bulk length' },
  { name: 'bulk length with a plus sign', input: '*1\r\n$+4\r\nPING\r\n', error: 'invalid bulk length' },
  { name: 'bulk length with a leading zero', input: '*1\r\n$04\r\nPING\r\n', error: 'invalid bulk length' },
  {
    name: 'bulk length over proto-max-bulk-len',
    input: '*1\r\n$536870913\r\n',
    error: 'invalid bulk length',
  },
  { name: 'bulk length beyond int64', input: `*1\r\n$${'1'.repeat(30)}\r\n`, error: 'invalid bulk length' },
  { name: 'bulk length ended by a bare LF', input: '*1\r\n$4\nPING\r\n', error: 'invalid bulk length' },
  { name: "a bulk that does not start with '$'", input: '*1\r\nx\r\n', error: "expected '$', got 'x'" },
  {
    name: 'a nested multibulk',
    input: `${multibulk('PING')}*1\r\n*1\r\n`,
    before: [['PING']],
    error: "expected '$', got '*'",
  },
  { name: 'a multibulk count line over 64 KB', input: `*${longDigits}`, error: 'too big mbulk count string' },
  {
    name: 'a bulk length line over 64 KB',
    input: `*1\r\n$${longDigits}`,
    error: 'too big bulk count string',
  },
  {
    name: 'an inline line over 64 KB',
    input: `PING${' '.repeat(INLINE_MAX_SIZE)}`,
    error: 'too big inline request',
  },
  {
    name: 'a command, then an inline line over 64 KB',
    input: multibulk('PING') + 'x'.repeat(INLINE_MAX_SIZE + 1),
    before: [['PING']],
    error: 'too big inline request',
  },
  { name: 'unbalanced double quote', input: 'set "a\r\n', error: 'unbalanced quotes in request' },
  { name: 'unbalanced single quote', input: "set 'a\r\n", error: 'unbalanced quotes in request' },
  {
    name: 'closing quote followed by a letter',
    input: 'set "a"b c\r\n',
    error: 'unbalanced quotes in request',
  },
  { name: 'a quote opened inside a word', input: "ECHO a'b\r\n", error: 'unbalanced quotes in request' },
  { name: 'an escaped closing quote', input: 'ECHO "a\\"\r\n', error: 'unbalanced quotes in request' },
  {
    name: 'unbalanced quotes after good commands',
    input: `PING\r\n${multibulk('ECHO', 'x')}ECHO "open\n`,
    before: [['PING'], ['ECHO', 'x']],
    error: 'unbalanced quotes in request',
  },
  // Redis finds line ends with strchr, which stops at NUL: such a line never completes.
  {
    name: 'a NUL byte in an inline line',
    input: `PING\0\r\n${'x'.repeat(INLINE_MAX_SIZE)}`,
    error: 'too big inline request',
  },
  {
    name: 'a NUL byte in a multibulk count line',
    input: `*1\0\r\n${'x'.repeat(INLINE_MAX_SIZE)}`,
    error: 'too big mbulk count string',
  },
  {
    name: 'a NUL byte in a bulk length line',
    input: `*1\r\n$4\0\r\n${'x'.repeat(INLINE_MAX_SIZE)}`,
    error: 'too big bulk count string',
  },
];

describe('RequestParser: hostile input (exact Redis error text)', () => {
  let redis: RedisServer | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  for (const c of HOSTILE) {
    it(c.name, async () => {
      const input = bin(c.input);
      checkAllWays(input, { commands: c.before ?? [], error: c.error });
      assert.equal(new ProtocolError(c.error).reply, `ERR Protocol error: ${c.error}`);

      // The oracle: the same bytes to a real Redis give the same error, then it hangs up.
      const client = await RawClient.connect(redis!.port);
      try {
        client.write(input);
        const replies = await client.read((c.before?.length ?? 0) + 1);
        const last = replies[replies.length - 1]!;
        assert.equal(showRaw(last), showRaw(bin(`-ERR Protocol error: ${c.error}\r\n`)));
        await client.closed;
      } finally {
        await client.close();
      }
    });
  }

  it('a NUL byte before a line end stalls the line (no command, no error) until 64 KB pile up', () => {
    for (const input of ['PING\0\r\n', `*1\0\r\n${multibulk('PING')}`, '*1\r\n$4\0\r\nPING\r\n']) {
      checkAllWays(bin(input), { commands: [], error: null });
    }
  });

  it('honours its limits: maxBulkLen and maxMultibulk', () => {
    const limits: ParserLimits = { maxBulkLen: 1000, maxMultibulk: 5 };
    const ok = 'x'.repeat(1000);
    checkAllWays(bin(multibulk('SET', 'k', ok)), { commands: [['SET', 'k', ok]], error: null }, limits);
    checkAllWays(bin('*1\r\n$1001\r\n'), { commands: [], error: 'invalid bulk length' }, limits);
    checkAllWays(
      bin(multibulk('a', 'b', 'c', 'd', 'e')),
      { commands: [['a', 'b', 'c', 'd', 'e']], error: null },
      limits,
    );
    checkAllWays(bin('*6\r\n'), { commands: [], error: 'invalid multibulk length' }, limits);
  });

  it('refuses a bulk longer than the longest V8 string before allocating it', () => {
    // Redis accepts up to proto-max-bulk-len (512 MB); a V8 string stops 24 bytes short of it.
    const got = feed([bin('*1\r\n$536870912\r\n')]);
    assert.equal(got.error, 'bulk length exceeds the largest string mnemo can hold');
    const big = feed([bin('*1\r\n$1073741824\r\n')], { maxBulkLen: 2 ** 31 });
    assert.equal(big.error, 'bulk length exceeds the largest string mnemo can hold');
    assert.equal(feed([bin('*1\r\n$536870888\r\n')]).error, null);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Binary strings that like to contain protocol bytes. */
const binaryString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).latin1Slice()) },
      { weight: 1, arbitrary: fc.constantFrom('\r', '\n', '\r\n', '*1\r\n', '$3\r\n', '\0', '"', "'", ' ') },
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

/** Now and then a big argument, to cross the 32 KB threshold. */
const argument = fc.oneof(
  { weight: 20, arbitrary: binaryString },
  {
    weight: 1,
    arbitrary: fc
      .record({
        len: fc.integer({ min: 32 * 1024 - 2, max: 80_000 }),
        byte: fc.integer({ min: 0, max: 255 }),
      })
      .map(({ len, byte }) => String.fromCharCode(byte).repeat(len - 3) + '\r\n*'),
  },
);

const argvs = fc.array(fc.array(argument, { maxLength: 6 }), { minLength: 1, maxLength: 8 });

describe('RequestParser: properties', () => {
  it('multibulk round trip: any argvs, split anywhere, drained or not, parse back exactly', () => {
    fc.assert(
      fc.property(
        argvs,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (cmds, rawPoints, drains) => {
          const { bytes, ends } = multibulkTokenEnds(cmds);
          const points = [...new Set(rawPoints.map((p) => p % Math.max(1, bytes.length)))].sort(
            (a, b) => a - b,
          );
          const chunks = splitAt(bytes, points);
          const p = new RequestParser(DEFAULT_LIMITS);
          const got: string[][] = [];
          let fed = 0;
          for (let i = 0; i < chunks.length; i++) {
            p.push(chunks[i]!);
            fed += chunks[i]!.length;
            const drain = i === chunks.length - 1 || (drains[i] ?? true);
            if (!drain) continue;
            for (let cmd = p.next(); cmd !== null; cmd = p.next()) got.push(cmd);
            // Pending = bytes fed past the last complete token (header line or bulk).
            let consumed = 0;
            for (const e of ends) if (e <= fed) consumed = e;
            assert.equal(p.pendingBytes, fed - consumed, `after ${fed} of ${bytes.length} bytes`);
          }
          assert.equal(got.length, cmds.length);
          for (let i = 0; i < cmds.length; i++) {
            assert.ok(
              got[i]!.length === cmds[i]!.length && got[i]!.every((a, j) => a === cmds[i]![j]),
              `command ${i} differs`,
            );
          }
          assert.equal(p.pendingBytes, 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('inline round trip: argvs quoted like sdscatrepr, split anywhere, parse back exactly', () => {
    const quote = (s: string): string => {
      let out = '"';
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        out += /[A-Za-z0-9 ]/.test(s[i]!) ? s[i] : `\\x${c.toString(16).padStart(2, '0')}`;
      }
      return `${out}"`;
    };
    fc.assert(
      fc.property(
        fc.array(fc.array(binaryString, { maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        (cmds, rawPoints, crlf) => {
          const text = cmds.map((argv) => argv.map(quote).join(' ') + (crlf ? '\r\n' : '\n')).join('');
          const bytes = bin(text);
          const points = [...new Set(rawPoints.map((p) => p % Math.max(1, bytes.length)))].sort(
            (a, b) => a - b,
          );
          const got = feed(splitAt(bytes, points));
          assert.equal(got.error, null);
          assert.deepEqual(got.commands, cmds);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pending bytes of inline input: everything after the last complete line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z ]{0,20}$/), { minLength: 1, maxLength: 10 }),
        fc.nat(),
        (lines, cut) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const at = cut % (text.length + 1);
          const p = new RequestParser(DEFAULT_LIMITS);
          p.push(bin(text.slice(0, at)));
          while (p.next() !== null);
          const lastNl = text.slice(0, at).lastIndexOf('\n');
          assert.equal(p.pendingBytes, at - (lastNl + 1));
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Inline splitting against Redis

describe('splitArgs', () => {
  it('matches sdssplitargs on hand-picked lines', () => {
    const cases: Array<[string, string[] | null]> = [
      ['', []],
      ['   ', []],
      ['a b  c', ['a', 'b', 'c']],
      ['"a b" c', ['a b', 'c']],
      ['"\\x41\\x4A\\x4" \'\\x41\'', ['AJx4', '\\x41']],
      ["'a\\'b' 'a\\\\b'", ["a'b", 'a\\\\b']],
      ['"a\\\\b"', ['a\\b']],
      ['"a"b', null],
      ["'a'b", null],
      ['"a', null],
      ['"a\\"', null],
      ['a"b c"', ['ab c']],
      ['a\0b', ['a']],
      ['"a\0b"', null],
      ['"a"\0b', ['a']],
      ['\0a', []],
      ['a\vb', ['a\vb']],
      ['\va\f', ['a\f']],
      ['\v\fa \f', ['a']],
    ];
    for (const [line, expected] of cases) assert.deepEqual(splitArgs(line), expected, JSON.stringify(line));
  });

  describe('random inline lines, split by mnemo and by a real Redis', () => {
    let redis: RedisServer | undefined;
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      await redis?.stop();
    });

    const decode = (v: RespValue): string[] => {
      assert.equal(v.type, 'array');
      return (v as { value: RespValue[] }).value.map((x) => {
        assert.equal(x.type, 'bulk');
        return (x as { value: string }).value;
      });
    };

    it('RPUSH k <line> stores the same elements (or fails the same way)', async () => {
      // No NUL here: a NUL stalls an inline line in Redis (tested above).
      const alphabet = [
        'a',
        'b',
        'x',
        '4',
        'F',
        'n',
        ' ',
        ' ',
        '\t',
        '\r',
        '\v',
        '"',
        '"',
        "'",
        "'",
        '\\',
        '\\',
        '\xff',
      ];
      const rnd = prng(4242);
      let client = await RawClient.connect(redis!.port);
      try {
        for (let i = 0; i < 400; i++) {
          let line = '';
          const len = Math.floor(rnd() * 14);
          for (let j = 0; j < len; j++) line += alphabet[Math.floor(rnd() * alphabet.length)];
          const key = `k${i}`;
          const request = `RPUSH ${key} ${line}\r\n`;
          const ours = feed([bin(request)]);
          client.write(bin(request));
          const [reply] = await client.read(1);
          const text = reply!.latin1Slice();
          const what = `line ${JSON.stringify(line)}: Redis said ${JSON.stringify(text)}`;
          if (ours.error !== null) {
            assert.equal(text, `-ERR Protocol error: ${ours.error}\r\n`, what);
            await client.closed;
            client = await RawClient.connect(redis!.port);
            continue;
          }
          assert.equal(ours.commands.length, 1, what);
          const argv = ours.commands[0]!;
          if (argv.length < 3) {
            assert.equal(text, "-ERR wrong number of arguments for 'rpush' command\r\n", what);
            continue;
          }
          assert.equal(text, `:${argv.length - 2}\r\n`, what);
          const [range] = await client.send([['LRANGE', key, '0', '-1']]);
          const reader = new RespReader();
          reader.feed(range!);
          assert.deepEqual(argv.slice(2), decode(reader.next()!), what);
        }
      } finally {
        await client.close();
      }
    });
  });
});
