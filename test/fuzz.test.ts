/**
 * Hostile input, in `npm test`: a short run of the fuzzer (test/fuzz/run.ts: the request parser
 * in random chunkings, the command layer in-process, raw sockets to a live server; `npm run
 * fuzz` is the 1,000,000-input version), then the classic attacks one by one, each sent to
 * mnemo and to a real redis-server 7.0 on free loopback ports and compared byte for byte:
 * negative and overflowing lengths, `*-1`/`$-1` inside a request, nested arrays, NUL bytes,
 * lines at and past the 64 KB inline limit, pre-AUTH limits, globs built to backtrack, huge
 * COUNT/LIMIT/RANK values and string offsets at and past 512 MB.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatReport, runFuzz } from './fuzz/run.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { type Argv, RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { RespReader, type RespValue } from './helpers/resp.js';

const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('fuzz: generated hostile input', () => {
  it('30,000 generated inputs: no unexpected throw, no slow input, flat heap, Redis error texts', async () => {
    const seed = Number(process.env.MNEMO_FUZZ_SEED ?? 20261126);
    // A generous budget: inside npm test other suites share the CPU; a hang still shows.
    const report = await runFuzz({ inputs: 30_000, seed, socketInputs: 500, budgetMs: 1000 });
    assert.deepEqual(report.failures, [], formatReport(report));
    assert.ok(report.inputs >= 30_000, formatReport(report));
    // Every category ran, and the generators do reach the protocol errors they aim at.
    for (const c of ['parser', 'roundtrip', 'command', 'socket'] as const)
      assert.ok(report.categories[c].runs > 0, c);
    const parserOutcomes = Object.keys(report.categories.parser.outcomes).join('\n');
    for (const e of [
      'invalid multibulk length',
      'invalid bulk length',
      "expected '$'",
      'unbalanced quotes',
      'too big',
    ]) {
      assert.ok(parserOutcomes.includes(e), `no input ended in "${e}":\n${parserOutcomes}`);
    }
  });
});

describe('fuzz: classic attacks, compared with redis-server', { timeout: 120_000 }, () => {
  let redis: RedisServer | undefined;
  let mnemo: MnemoInProcess | undefined;
  let redisAuth: RedisServer | undefined;
  let mnemoAuth: MnemoInProcess | undefined;

  before(async () => {
    redis = await startRedis();
    mnemo = await startMnemo();
    redisAuth = await startRedis(['--requirepass', 'secret']);
    mnemoAuth = await startMnemo();
    // CONFIG SET, as a client would, so the default user gets the password the way it does live.
    const c = await RawClient.connect(mnemoAuth.port);
    assert.equal(showRaw(await c.command('CONFIG', 'SET', 'requirepass', 'secret')), '+OK\\r\\n');
    await c.close();
  });
  after(async () => {
    await Promise.all([redis?.stop(), mnemo?.stop(), redisAuth?.stop(), mnemoAuth?.stop()]);
  });

  /** Raw bytes on a fresh connection to both; everything sent back, and whether it was closed. */
  async function rawBoth(
    input: Buffer,
    auth = false,
  ): Promise<{ redis: { bytes: Buffer; closed: boolean }; mnemo: { bytes: Buffer; closed: boolean } }> {
    const talk = async (port: number) => {
      const c = await RawClient.connect(port, { timeoutMs: 10_000 });
      try {
        c.write(input);
        return await c.drain(400);
      } finally {
        await c.close();
      }
    };
    const [r, m] = await Promise.all([
      talk((auth ? redisAuth : redis)!.port),
      talk((auth ? mnemoAuth : mnemo)!.port),
    ]);
    return { redis: r, mnemo: m };
  }

  const long = (n: number, c = 'a') => c.repeat(n);
  const protocolCases: Array<{ name: string; input: string; auth?: boolean; expect: string | null }> = [
    {
      name: 'negative multibulk count is an empty request',
      input: '*-5\r\n*1\r\n$4\r\nPING\r\n',
      expect: null,
    },
    { name: '*-1 as a request', input: '*-1\r\n*1\r\n$4\r\nPING\r\n', expect: null },
    { name: 'negative bulk length', input: '*1\r\n$-2\r\n', expect: 'invalid bulk length' },
    { name: '$-1 inside a request', input: '*2\r\n$4\r\nECHO\r\n$-1\r\n', expect: 'invalid bulk length' },
    { name: '*-1 inside a request', input: '*2\r\n$4\r\nECHO\r\n*-1\r\n', expect: "expected '$', got '*'" },
    {
      name: 'overflowing multibulk count',
      input: '*99999999999999999999\r\n',
      expect: 'invalid multibulk length',
    },
    { name: 'multibulk count past INT_MAX', input: '*2147483648\r\n', expect: 'invalid multibulk length' },
    {
      name: 'overflowing bulk length',
      input: '*1\r\n$99999999999999999999\r\n',
      expect: 'invalid bulk length',
    },
    {
      name: 'bulk length past proto-max-bulk-len',
      input: '*1\r\n$536870913\r\n',
      expect: 'invalid bulk length',
    },
    { name: 'bulk length with a plus sign', input: '*1\r\n$+4\r\nPING\r\n', expect: 'invalid bulk length' },
    {
      name: 'bulk length with a leading zero',
      input: '*1\r\n$04\r\nPING\r\n',
      expect: 'invalid bulk length',
    },
    { name: 'nested arrays', input: `${'*1\r\n'.repeat(50)}$4\r\nPING\r\n`, expect: "expected '$', got '*'" },
    { name: 'a CR where a $ belongs', input: '*1\r\n\r\n', expect: "expected '$', got ' '" },
    { name: 'NUL byte in a bulk', input: '*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n', expect: null },
    { name: 'NUL byte in an inline line', input: 'ECHO a\0b\r\nPING\r\n', expect: null },
    {
      name: 'the two bytes after a bulk are not checked',
      input: '*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n',
      expect: null,
    },
    { name: 'a $ header as an inline command', input: '$4\r\nPING\r\n', expect: null },
    { name: 'an empty bulk command name', input: '*1\r\n$0\r\n\r\n', expect: null },
    { name: 'unbalanced quotes', input: 'ECHO "abc\r\n', expect: 'unbalanced quotes in request' },
    { name: 'a 64 KB inline line', input: `ECHO ${long(65536 - 5)}\r\n`, expect: null },
    { name: 'an inline line past 64 KB', input: `ECHO ${long(70_000)}`, expect: 'too big inline request' },
    {
      name: 'a multibulk count line past 64 KB',
      input: `*${long(70_000, '1')}`,
      expect: 'too big mbulk count string',
    },
    {
      name: 'a bulk length line past 64 KB',
      input: `*1\r\n$${long(70_000, '1')}`,
      expect: 'too big bulk count string',
    },
    {
      name: 'unauthenticated: more than 10 arguments',
      input: '*11\r\n',
      auth: true,
      expect: 'unauthenticated multibulk length',
    },
    {
      name: 'unauthenticated: a bulk over 16 KB',
      input: '*2\r\n$4\r\nECHO\r\n$16385\r\n',
      auth: true,
      expect: 'unauthenticated bulk length',
    },
  ];

  for (const c of protocolCases) {
    it(`protocol: ${c.name}`, async () => {
      const got = await rawBoth(bin(c.input), c.auth ?? false);
      assert.equal(showRaw(got.mnemo.bytes), showRaw(got.redis.bytes));
      assert.equal(got.mnemo.closed, got.redis.closed, 'closed the connection');
      if (c.expect !== null) {
        assert.ok(got.redis.bytes.latin1Slice().endsWith(`-ERR Protocol error: ${c.expect}\r\n`), 'oracle');
        assert.ok(got.mnemo.closed);
      } else {
        assert.ok(!got.redis.bytes.latin1Slice().includes('Protocol error'), 'oracle');
      }
    });
  }

  /** Pipelines argvs on one connection to each server and compares the replies byte for byte. */
  async function sameReplies(argvs: ReadonlyArray<Argv>, timeoutMs = 20_000): Promise<Buffer[]> {
    const [r, m] = await Promise.all(
      [redis!.port, mnemo!.port].map(async (port) => {
        const c = await RawClient.connect(port, { timeoutMs });
        try {
          return await c.send(argvs);
        } finally {
          await c.close();
        }
      }),
    );
    for (let i = 0; i < argvs.length; i++) {
      const what = argvs[i]!.map(String).join(' ');
      assert.equal(
        showRaw(m![i]!),
        showRaw(r![i]!),
        `${what.length > 200 ? `${what.slice(0, 200)}...` : what}`,
      );
    }
    return m!;
  }

  const w = (s: string): string[] => s.split(' ');

  it('huge COUNT / LIMIT / RANK / MAXLEN values', async () => {
    await sameReplies(
      [
        'SELECT 3',
        'ZADD z 1 a 2 b 3 c',
        'ZRANGEBYSCORE z -inf +inf LIMIT 0 9223372036854775807',
        'ZRANGEBYSCORE z -inf +inf LIMIT 9223372036854775807 9223372036854775807',
        'ZRANGEBYSCORE z -inf +inf LIMIT -9223372036854775808 -1',
        'ZRANGEBYSCORE z -inf +inf LIMIT 0 -9223372036854775808',
        'ZRANGEBYSCORE z -inf +inf LIMIT 0 9223372036854775808',
        'ZRANGE z 0 -1 BYSCORE LIMIT 1 9223372036854775807',
        'ZRANGEBYLEX z - + LIMIT 0 9223372036854775807',
        'ZREVRANGEBYSCORE z +inf -inf LIMIT 2 9223372036854775807',
        'ZRANGESTORE d z 0 9223372036854775807',
        'ZRANDMEMBER z -9223372036854775808',
        'ZRANDMEMBER z -9223372036854775807 WITHSCORES',
        'ZMPOP 1 z MIN COUNT 9223372036854775807',
        'SADD one x',
        'SRANDMEMBER one 9223372036854775807',
        'SRANDMEMBER one -9223372036854775808',
        'SRANDMEMBER one -5',
        'SPOP one -1',
        'SINTERCARD 1 one LIMIT 9223372036854775807',
        'SINTERCARD 9223372036854775807 one',
        'HSET h f v',
        'HRANDFIELD h -9223372036854775808',
        'HRANDFIELD h -9223372036854775807 WITHVALUES',
        'HRANDFIELD h -3',
        'RPUSH l a b a c a',
        'LPOS l a MAXLEN 9223372036854775807',
        'LPOS l a COUNT 9223372036854775807',
        'LPOS l a COUNT 0 MAXLEN 0',
        'LPOS l a COUNT -1',
        'LPOS l a MAXLEN -1',
        'LPOS l a COUNT 9223372036854775808',
        'LPOS l a RANK -9223372036854775808',
        'LPOS l a RANK 9223372036854775807',
        'LPOS l a RANK -9223372036854775807',
        'LPOS l a RANK 0',
        'LRANGE l -9223372036854775808 9223372036854775807',
        'LINDEX l -9223372036854775808',
        'LPOP l 9223372036854775807',
        'SCAN 0 COUNT 9223372036854775807 MATCH nomatch*',
        'SCAN 0 COUNT 9223372036854775808',
        'SCAN 0 COUNT 0',
        'SSCAN one 0 COUNT 9223372036854775807',
        'SORT l LIMIT 0 9223372036854775807 ALPHA',
        'SORT l LIMIT 9223372036854775807 9223372036854775807 ALPHA',
        'SET s hello',
        'GETRANGE s -9223372036854775808 9223372036854775807',
        'BITPOS s 1 -9223372036854775808 9223372036854775807',
        'BITCOUNT s -9223372036854775808 9223372036854775807',
        'EXPIRE s 9223372036854775807',
        'SET s v EX 9223372036854775807',
        'SET s v PX 9223372036854775807',
        'INCRBY n 9223372036854775807',
        'INCRBY n 1',
        'DECRBY n -9223372036854775808',
        'SELECT 9223372036854775807',
        'FLUSHDB',
      ].map(w),
    );
  });

  it('string offsets at and past 512 MB (SETRANGE, SETBIT, BITFIELD)', async () => {
    await sameReplies(
      [
        'SELECT 4',
        'SETRANGE k 536870911 x',
        'STRLEN k',
        'GETRANGE k 536870910 -1',
        'SETRANGE k 536870912 x',
        'SETRANGE k 4294967296 x',
        'SETRANGE k -1 x',
        'DEL k',
        'SETRANGE e 536870912 ',
        'EXISTS e',
        'SETBIT b 4294967296 1',
        'SETBIT b -1 1',
        'GETBIT b 4294967296',
        'SETBIT b 4294967295 1',
        'STRLEN b',
        'GETBIT b 4294967295',
        'DEL b',
        'BITFIELD b SET u8 4294967288 1',
        'BITFIELD b SET u8 4294967289 1',
        'BITFIELD b GET u8 4294967296',
        'BITFIELD b SET i64 0 1',
        'BITFIELD b SET u64 0 1',
        'FLUSHDB',
      ].map((s) => (s === 'SETRANGE e 536870912 ' ? ['SETRANGE', 'e', '536870912', ''] : w(s))),
      60_000,
    );
  });

  it('globs built to backtrack answer quickly and like Redis (KEYS, SCAN MATCH, SSCAN MATCH)', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => long(i + 100));
    const setup: Argv[] = [
      ['SELECT', '5'],
      ['MSET', ...keys.flatMap((k) => [k, '1'])],
      ['SET', `${long(120)}b`, '1'],
    ];
    setup.push(['SADD', 'members', ...keys]);
    await sameReplies(setup);
    const patterns = ['*a*a*a*a*a*a*a*a*a*a*a*a*b', '*?*?*?*?*?*?*?*?*?*?*?*?*b', `${'a*'.repeat(30)}b`];
    for (const p of patterns) {
      const argvs: Argv[] = [
        ['SELECT', '5'],
        ['KEYS', p],
        ['SCAN', '0', 'MATCH', p, 'COUNT', '10000'],
        ['SSCAN', 'members', '0', 'MATCH', p, 'COUNT', '10000'],
      ];
      const c = await RawClient.connect(mnemo!.port, { timeoutMs: 10_000 });
      const t0 = performance.now();
      let ms: number;
      try {
        await c.send(argvs);
        ms = performance.now() - t0;
      } finally {
        await c.close();
      }
      assert.ok(ms < 500, `${p}: ${ms.toFixed(0)} ms`);
      // KEYS and SCAN order depends on the hash table; the result sets must agree.
      const [r, m] = await Promise.all([redis!.port, mnemo!.port].map((port) => decoded(port, argvs)));
      for (let i = 1; i < argvs.length; i++) {
        assert.deepEqual(sortedStrings(m![i]!), sortedStrings(r![i]!), `${argvs[i]!.join(' ')}`);
      }
    }
    await sameReplies([['SELECT', '5'], ['FLUSHDB']]);
  });
});

async function decoded(port: number, argvs: ReadonlyArray<Argv>): Promise<RespValue[]> {
  const c = await RawClient.connect(port, { timeoutMs: 10_000 });
  try {
    const raw = await c.send(argvs);
    return raw.map((b) => {
      const reader = new RespReader();
      reader.feed(b);
      return reader.next()!;
    });
  } finally {
    await c.close();
  }
}

/** The strings in a reply (KEYS: the array; SCAN: the second element), sorted. */
function sortedStrings(v: RespValue): string[] {
  if (v.type !== 'array') return [JSON.stringify(v)];
  const items = v.value.length === 2 && v.value[1]!.type === 'array' ? v.value[1]!.value : v.value;
  return items.map((x) => (x.type === 'bulk' ? x.value : JSON.stringify(x))).sort();
}
