/**
 * The hostile-input corpus: fast-check arbitraries for the protocol and command-layer fuzzer
 * (test/fuzz/run.ts, test/fuzz.test.ts). Three kinds of input:
 *
 * - protocolInput: raw request bytes built from pieces an attacker would send (valid frames,
 *   frames with bytes flipped or cut, headers with negative, overflowing or malformed counts,
 *   nested arrays, `*-1`/`$-1` mid-request, NUL bytes, unbalanced quotes, lines near the 64 KB
 *   inline limit, pure noise) plus the points where the stream is split into socket chunks;
 * - roundTripInput: well-formed argvs of arbitrary bytes, which must parse back exactly;
 * - commandInput: short sequences of commands of the data families with boundary arguments
 *   (int64 edges, 2^31/2^32, floats, inf/nan, globs built to backtrack, option keywords).
 *
 * A few argument shapes are tamed on purpose because they are expensive in Redis too, not
 * because they break: bit/byte offsets that make a 256-512 MB string (SETBIT, SETRANGE,
 * BITFIELD) and negative SRANDMEMBER/ZRANDMEMBER/HRANDFIELD counts, which ask for a reply of
 * |count| elements (Redis 7.0 itself dies of out-of-memory on `SRANDMEMBER s -9223372036854775807`).
 * test/fuzz.test.ts covers their boundaries one by one against redis-server.
 */

import fc from 'fast-check';

const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Decimal texts on every boundary a length or count parser can get wrong. */
export const INT_EDGES: readonly string[] = [
  '0',
  '1',
  '-1',
  '2',
  '-2',
  '3',
  '5',
  '-5',
  '10',
  '100',
  '1000',
  '16384',
  '16385',
  '32767',
  '65536',
  '2147483647',
  '2147483648',
  '-2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '536870911',
  '536870912',
  '9007199254740991',
  '9007199254740993',
  '9223372036854775806',
  '9223372036854775807',
  '-9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '99999999999999999999',
  '+1',
  '01',
  '-0',
  '00',
  ' 1',
  '1 ',
  '',
  '1x',
  '0x10',
];

const FLOAT_EDGES: readonly string[] = [
  '0.5',
  '-0.5',
  '1e308',
  '-1e308',
  '1e309',
  '1e-320',
  'inf',
  '-inf',
  '+inf',
  'nan',
  '(1',
  '(inf',
  '[a',
  '(a',
  '-',
  '+',
  '1.',
  '.5',
  '5e',
  '0x1p3',
  '3.0000000000000000000001',
];

/** Globs, several built to make a backtracking matcher go exponential. */
export const GLOBS: readonly string[] = [
  '*',
  '?',
  '[',
  '[]',
  '[^a]',
  '[a-',
  '[z-a]',
  '\\',
  'a\\',
  '*a*a*a*a*a*a*a*a*a*a*a*a*b',
  '*?*?*?*?*?*?*?*?*?*?*?*?x',
  '**********************************b',
  '[a-z]*[!a]*[^a]*c',
  'k*',
  '*k',
  'h?',
];

const KEYWORDS: readonly string[] = [
  'EX',
  'PX',
  'EXAT',
  'PXAT',
  'KEEPTTL',
  'PERSIST',
  'GET',
  'NX',
  'XX',
  'GT',
  'LT',
  'CH',
  'INCR',
  'LIMIT',
  'COUNT',
  'MATCH',
  'TYPE',
  'WITHSCORES',
  'WITHVALUES',
  'WITHSCORE',
  'BYSCORE',
  'BYLEX',
  'REV',
  'RANK',
  'MAXLEN',
  'STORE',
  'ALPHA',
  'ASC',
  'DESC',
  'BY',
  'LEFT',
  'RIGHT',
  'BEFORE',
  'AFTER',
  'WEIGHTS',
  'AGGREGATE',
  'SUM',
  'MIN',
  'MAX',
  'REPLACE',
  'ABSTTL',
  'IDLETIME',
  'FREQ',
  'DB',
  'SET',
  'INCRBY',
  'OVERFLOW',
  'WRAP',
  'SAT',
  'FAIL',
  'u8',
  'i8',
  'u63',
  'i64',
  'u64',
  'i1',
  '#1',
  '#-1',
  'BIT',
  'BYTE',
  'AND',
  'OR',
  'XOR',
  'NOT',
  'LEN',
  'IDX',
  'MINMATCHLEN',
  'WITHMATCHLEN',
  'ENCODING',
  'REFCOUNT',
  'HELP',
  'ASYNC',
  'SYNC',
];

/** Keys the commands fight over; runCommands seeds one of each type before every input. */
export const KEYS: readonly string[] = [
  'str',
  'num',
  'list',
  'set',
  'iset',
  'hash',
  'zset',
  'hll',
  'k',
  'missing',
  '',
];

/** What runCommands executes (after FLUSHALL/SELECT 0) before each command input. */
export const SEED_COMMANDS: readonly (readonly string[])[] = [
  ['SET', 'str', 'hello world'],
  ['SET', 'num', '42'],
  ['RPUSH', 'list', 'a', 'b', 'c', 'a', '1', '2'],
  ['SADD', 'set', 'a', 'b', 'c'],
  ['SADD', 'iset', '1', '2', '3', '-9223372036854775808'],
  ['HSET', 'hash', 'f', 'v', 'n', '1', 'x', '1.5'],
  ['ZADD', 'zset', '1', 'a', '2', 'b', '2', 'c', 'inf', 'd', '-inf', 'e'],
  ['PFADD', 'hll', 'a', 'b', 'c'],
];

/**
 * The commands fuzzed in-process: the data families plus transactions and a few connection
 * and keyspace commands. Left out: what touches the disk, the process or other clients (SAVE,
 * SHUTDOWN, CONFIG, ACL, CLIENT, MONITOR, ...), WAIT, and PFSELFTEST (seconds by design).
 */
export const FUZZ_COMMANDS: readonly string[] = (
  'get set setnx setex psetex getset getdel getex mget mset msetnx append strlen getrange substr setrange ' +
  'incr decr incrby decrby incrbyfloat lcs multi exec discard watch unwatch dump restore del unlink exists ' +
  'type expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist rename renamenx keys scan ' +
  'randomkey touch copy move object sort sort_ro bzpopmin bzpopmax bzmpop zadd zincrby zscore zmscore zcard ' +
  'zcount zlexcount zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex zrevrange ' +
  'zrank zrevrank zrem zremrangebyrank zremrangebyscore zremrangebylex zpopmin zpopmax zmpop zrandmember ' +
  'zunion zunionstore zinter zinterstore zintercard zdiff zdiffstore zscan blpop brpop blmove brpoplpush ' +
  'blmpop lpush rpush lpushx rpushx lpop rpop lrange llen lindex lset lrem ltrim linsert lpos lmove ' +
  'rpoplpush lmpop sadd srem smembers sismember smismember scard smove spop srandmember sinter sinterstore ' +
  'sintercard sunion sunionstore sdiff sdiffstore sscan hset hsetnx hget hmget hmset hgetall hdel hexists ' +
  'hlen hkeys hvals hincrby hincrbyfloat hstrlen hrandfield hscan setbit getbit bitcount bitpos bitop ' +
  'bitfield bitfield_ro pfadd pfcount pfmerge pfdebug ping echo select swapdb dbsize flushdb publish'
)
  .toUpperCase()
  .split(' ');

/** Commands whose numeric arguments are bit or byte offsets into a string they may grow. */
const OFFSET_COMMANDS = new Set(['SETBIT', 'SETRANGE', 'BITFIELD']);
/** Commands that reply |count| elements for a negative count. */
const REPEAT_COMMANDS = new Set(['SRANDMEMBER', 'ZRANDMEMBER', 'HRANDFIELD']);

/** Binary strings that like to contain protocol and glob bytes. */
export const binaryString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ maxLength: 10 }).map((a) => Buffer.from(a).latin1Slice()) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '\r',
          '\n',
          '\r\n',
          '*1\r\n',
          '$3\r\n',
          '\0',
          '"',
          "'",
          ' ',
          '\\',
          '*',
          '[',
        ),
      },
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(''));

const argument: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 6, arbitrary: fc.constantFrom(...INT_EDGES) },
  { weight: 5, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...FLOAT_EDGES) },
  { weight: 1, arbitrary: fc.constantFrom(...GLOBS) },
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'c', 'f', 'v', 'n', 'x', '1', '2') },
  { weight: 3, arbitrary: binaryString },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  // Something that looks like a sparse or dense HyperLogLog, or a DUMP payload, but is not.
  { weight: 1, arbitrary: binaryString.map((s) => `HYLL${s}`) },
  { weight: 1, arbitrary: binaryString.map((s) => `\x00${s}\x0a\x00`) },
);

/** Keeps the two argument shapes Redis also pays dearly for (see the header) affordable. */
function tame(argv: string[]): string[] {
  // Command names are case-insensitive, and the generator sends some in lower case.
  const name = argv[0]!.toUpperCase();
  if (OFFSET_COMMANDS.has(name)) {
    return argv.map((a, i) => {
      if (i === 0 || !/^\d+$/.test(a)) return a;
      const n = Number(a);
      // Offsets past every limit stay (they are refused cheaply); big legal ones shrink.
      return n >= 1 << 20 && n < 2 ** 32 ? String(n % 100_000) : a;
    });
  }
  if (REPEAT_COMMANDS.has(name)) {
    return argv.map((a, i) => {
      if (i === 0 || !/^-\d+$/.test(a) || a === '-9223372036854775808') return a;
      return Number(a) < -10_000 ? '-1000' : a;
    });
  }
  return argv;
}

/** One command: a name from FUZZ_COMMANDS (now and then a wrong one) and 0-7 arguments. */
export const commandArgv: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.oneof(
      { weight: 30, arbitrary: fc.constantFrom(...FUZZ_COMMANDS) },
      { weight: 1, arbitrary: fc.constantFrom(...FUZZ_COMMANDS).map((n) => n.toLowerCase()) },
      { weight: 1, arbitrary: binaryString },
    ),
    fc.array(argument, { maxLength: 7 }),
  )
  .map(([name, args]) => tame([name, ...args]));

/** A few commands run in a row on freshly seeded keys (MULTI/EXEC state spans them). */
export const commandInput: fc.Arbitrary<string[][]> = fc.array(commandArgv, { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------------------------------------
// Protocol bytes

/** A command as RESP multibulk. */
export function multibulk(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

const LENGTHS: readonly string[] = [
  ...INT_EDGES,
  '-5',
  '-2',
  '-1',
  '33000',
  '65535',
  '536870888',
  '536870889',
  '1073741824',
  '999999999999999999999999',
];

const validArgv = fc.array(binaryString, { minLength: 0, maxLength: 4 });

/** Pieces of a request stream. Each piece is a binary string; the input is their concatenation. */
const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: validArgv.map(multibulk) },
  // A valid frame with a byte flipped or cut short.
  {
    weight: 5,
    arbitrary: fc
      .tuple(validArgv.map(multibulk), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
      .map(([s, at, byte, cut]) => {
        if (s.length === 0) return s;
        const i = at % s.length;
        return cut ? s.slice(0, i) : s.slice(0, i) + String.fromCharCode(byte) + s.slice(i + 1);
      }),
  },
  // Headers with hostile counts and lengths.
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...LENGTHS),
        fc.array(
          fc.tuple(fc.constantFrom('$', '$', '$', '*', ':', '+', 'x', ''), fc.constantFrom(...LENGTHS)),
          {
            maxLength: 3,
          },
        ),
        fc.constantFrom('', 'a', 'abc', 'PING', '\0'),
      )
      .map(([count, bulks, body]) => {
        let s = `*${count}\r\n`;
        for (const [mark, len] of bulks) s += `${mark}${len}\r\n${body}\r\n`;
        return s;
      }),
  },
  // Nested arrays, and `*-1` / `$-1` inside a request.
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => `${'*1\r\n'.repeat(n)}$4\r\nPING\r\n`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('*2\r\n$4\r\nECHO\r\n*-1\r\n', '*2\r\n$4\r\nECHO\r\n$-1\r\n', '*-1\r\n'),
  },
  // Inline commands: words, quotes, escapes, NULs, either line ending.
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.array(
          fc.oneof(
            fc.constantFrom('PING', 'ECHO', 'GET', 'SET', 'k', 'v', ' ', '  ', '\t'),
            fc.constantFrom('"', "'", '"a b"', "'a'", '"\\x41"', '"\\x4"', '"\\"', '\\', '\0', '"a"b'),
            binaryString,
          ),
          { maxLength: 8 },
        ),
        fc.constantFrom('\r\n', '\n', '\r', ''),
      )
      .map(([words, end]) => words.join('') + end),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('\r\n', '\n', '\r', '\0', '*', '$', '*\r\n', '$\r\n', '*1\r', '*1\n'),
  },
  // Noise.
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).latin1Slice()) },
  // A line right around the 64 KB inline limit, with or without its newline.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', '*1', '*1\r\n$'), fc.boolean())
      .map(([delta, head, newline]) => {
        const body = head + 'a'.repeat(64 * 1024 + delta - head.length);
        return newline ? `${body}\r\n` : body;
      }),
  },
);

export interface ProtocolInput {
  bytes: Buffer;
  /** Offsets where the stream is cut into socket chunks. */
  splits: number[];
  /** Drain the parser after this chunk (false: several pushes pile up, as when paused). */
  drains: boolean[];
  /** Parse as an unauthenticated client that needs a password (small request limits). */
  unauthenticated: boolean;
}

function chunking(len: number, raw: number[]): number[] {
  return [...new Set(raw.map((p) => p % Math.max(1, len)))].filter((p) => p > 0).sort((a, b) => a - b);
}

export const protocolInput: fc.Arbitrary<ProtocolInput> = fc
  .record({
    pieces: fc.array(piece, { minLength: 1, maxLength: 6 }),
    splits: fc.array(fc.nat(), { maxLength: 8 }),
    drains: fc.array(fc.boolean(), { maxLength: 9 }),
    unauthenticated: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  })
  .map(({ pieces, splits, drains, unauthenticated }) => {
    const bytes = bin(pieces.join(''));
    return { bytes, splits: chunking(bytes.length, splits), drains, unauthenticated };
  });

export interface RoundTripInput {
  argvs: string[][];
  bytes: Buffer;
  splits: number[];
}

export const roundTripInput: fc.Arbitrary<RoundTripInput> = fc
  .tuple(
    fc.array(
      fc.array(
        fc.oneof(
          { weight: 30, arbitrary: binaryString },
          // Now and then an argument past the 32 KB big-bulk threshold.
          { weight: 1, arbitrary: fc.integer({ min: 32 * 1024 - 4, max: 40_000 }).map((n) => 'x'.repeat(n)) },
        ),
        { minLength: 1, maxLength: 5 },
      ),
      { minLength: 1, maxLength: 5 },
    ),
    fc.array(fc.nat(), { maxLength: 8 }),
  )
  .map(([argvs, splits]) => {
    const bytes = bin(argvs.map(multibulk).join(''));
    return { argvs, bytes, splits: chunking(bytes.length, splits) };
  });

/** `bytes` cut at `splits`. */
export function splitAt(bytes: Buffer, splits: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of splits) {
    if (p <= prev || p >= bytes.length) continue;
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Every protocol error text Redis 7.0's networking.c sends (after "ERR Protocol error: "). */
export const REDIS_PROTOCOL_ERRORS: readonly (string | RegExp)[] = [
  'too big mbulk count string',
  'invalid multibulk length',
  'unauthenticated multibulk length',
  'too big bulk count string',
  /^expected '\$', got '[\s\S]'$/,
  'invalid bulk length',
  'unauthenticated bulk length',
  'too big inline request',
  'unbalanced quotes in request',
];

/**
 * mnemo's one protocol error of its own: a bulk between V8's longest string (2^29 - 24 bytes)
 * and proto-max-bulk-len, which Redis would accept and mnemo cannot hold as one argument.
 */
export const MNEMO_PROTOCOL_ERRORS: readonly string[] = [
  'bulk length exceeds the largest string mnemo can hold',
];

export function isKnownProtocolError(message: string): boolean {
  for (const e of REDIS_PROTOCOL_ERRORS) {
    if (typeof e === 'string' ? e === message : e.test(message)) return true;
  }
  return MNEMO_PROTOCOL_ERRORS.includes(message);
}

/** Bytes in a readable, unambiguous form for reproducers. */
export function showBytes(b: Buffer | string, max = 400): string {
  const buf = typeof b === 'string' ? bin(b) : b;
  let s = '';
  for (const byte of buf.subarray(0, max)) {
    if (byte === 13) s += '\\r';
    else if (byte === 10) s += '\\n';
    else if (byte === 0x5c) s += '\\\\';
    else if (byte === 0x22) s += '\\"';
    else if (byte >= 0x20 && byte < 0x7f) s += String.fromCharCode(byte);
    else s += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return buf.length > max ? `"${s}"... (${buf.length} bytes)` : `"${s}"`;
}
