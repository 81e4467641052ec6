/**
 * Who gets in, compared byte for byte with a real redis-server 7.0: protected mode (the exact
 * -DENIED text for a peer that is not 127.0.0.1 / ::1 — exercised for real from 127.0.0.2,
 * which stays on the loopback interface — and the decision function with made-up remote
 * addresses), refused sockets being closed by the server rather than left half-open,
 * rename-command (renaming, disabling, chains, and the start-up errors), Redis's small request
 * limits for clients that have not authenticated yet, and client-query-buffer-limit closing a
 * client without a reply and with Redis's log line.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Config } from '../src/config/config.js';
import { ProtocolError, RequestParser } from '../src/protocol/parser.js';
import { isLoopbackPeer, PROTECTED_MODE_DENIED, protectedModeDenies } from '../src/server/limits.js';
import { MNEMO_BIN, type MnemoInProcess, spawnMnemo, startMnemo } from './helpers/mnemo.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { freePort, type RedisServer, startRedis } from './helpers/redis-server.js';
import { encodeCommand } from './helpers/resp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects from `localAddress` (another loopback address), sends `payload`, and reports what the
 * server sent and whether it then closed its socket for good: the client keeps its half open
 * (allowHalfOpen) and writes again after the server's FIN; only a server that closed the socket
 * (not just shut down its sending side) answers that with a reset.
 */
function probe(
  port: number,
  localAddress: string,
  payload: string,
): Promise<{ reply: string; ended: boolean; reset: boolean }> {
  return new Promise((resolve) => {
    const sock = new Socket({ allowHalfOpen: true });
    let reply = '';
    let ended = false;
    let reset = false;
    const finish = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ reply, ended, reset });
    };
    const timer = setTimeout(finish, 3000);
    sock.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    sock.on('end', () => {
      ended = true;
      // Writes after the server closed its socket draw a RST; the second write reports it.
      const poke = () => {
        if (!sock.destroyed) sock.write('PING\r\n');
      };
      poke();
      setTimeout(poke, 100);
      setTimeout(poke, 300);
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') reset = true;
      finish();
    });
    sock.connect({ port, host: '127.0.0.1', localAddress }, () => sock.write(payload));
  });
}

async function redisAndMnemo(
  args: readonly string[] = [],
): Promise<{ redis: RedisServer; mnemo: MnemoInProcess }> {
  const redis = await startRedis(args);
  const mnemo = await startMnemo();
  // The same settings on mnemo, through CONFIG SET (what an in-process server accepts).
  if (args.length > 0) {
    const c = await RawClient.connect(mnemo.port);
    const pairs: string[] = [];
    for (let i = 0; i < args.length; i += 2) pairs.push(args[i]!.slice(2), args[i + 1]!);
    assert.equal(showRaw(await c.command('CONFIG', 'SET', ...pairs)), '+OK\\r\\n');
    await c.close();
  }
  return { redis, mnemo };
}

describe('protected mode', { timeout: 300_000 }, () => {
  test('the decision: only 127.0.0.1 and ::1, only without a password, only when enabled', () => {
    const config = Config.defaults();
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
    const remote = [
      '127.0.0.2',
      '127.1.2.3',
      '10.0.0.5',
      '192.168.1.20',
      '::ffff:10.1.2.3',
      'fe80::1',
      '2001:db8::1',
    ];
    for (const a of local) assert.equal(isLoopbackPeer(a), true, a);
    for (const a of [...remote, undefined]) assert.equal(isLoopbackPeer(a), false, String(a));
    for (const a of local) assert.equal(protectedModeDenies(config, a), false, a);
    for (const a of remote) assert.equal(protectedModeDenies(config, a), true, a);
    config.set([['requirepass', 'secret']]);
    for (const a of remote) assert.equal(protectedModeDenies(config, a), false, `${a} with a password`);
    config.set([
      ['requirepass', ''],
      ['protected-mode', 'no'],
    ]);
    for (const a of remote) assert.equal(protectedModeDenies(config, a), false, `${a} protected-mode no`);
    // The text clients match on, from Redis 7.0's networking.c.
    assert.match(
      PROTECTED_MODE_DENIED,
      /^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. In this mode connections are only accepted from the loopback interface\. .* NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside\.\r\n$/,
    );
    assert.doesNotMatch(PROTECTED_MODE_DENIED, /mnemo/i);
  });

  test('a peer at 127.0.0.2 gets -DENIED and a closed socket, byte for byte as from Redis', async () => {
    const { redis, mnemo } = await redisAndMnemo();
    try {
      const results = [];
      for (const port of [mnemo.port, redis.port]) {
        const denied = await probe(port, '127.0.0.2', 'PING\r\n');
        const local = await probe(port, '127.0.0.1', 'PING\r\nQUIT\r\n');
        const info = await RawClient.connect(port);
        const stats = (await info.command('INFO', 'stats')).toString('latin1');
        await info.close();
        results.push({
          denied,
          local: local.reply,
          rejected: /rejected_connections:(\d+)/.exec(stats)?.[1],
        });
      }
      const [m, r] = results;
      assert.equal(r!.denied.reply, PROTECTED_MODE_DENIED, 'the oracle says the same');
      assert.equal(m!.denied.reply, r!.denied.reply);
      assert.equal(m!.denied.ended, true);
      assert.equal(m!.denied.reset, true, 'mnemo closed the socket, not only its sending side');
      assert.equal(r!.denied.reset, true);
      assert.equal(m!.local, '+PONG\r\n+OK\r\n');
      assert.equal(m!.local, r!.local);
      assert.equal(m!.rejected, '1');
      assert.equal(m!.rejected, r!.rejected);
    } finally {
      await mnemo.stop();
      await redis.stop();
    }
  });

  test('a password for the default user, or protected-mode no, lets 127.0.0.2 in', async () => {
    for (const args of [
      ['--requirepass', 'pw'],
      ['--protected-mode', 'no'],
    ]) {
      const { redis, mnemo } = await redisAndMnemo(args);
      try {
        const m = await probe(mnemo.port, '127.0.0.2', 'PING\r\nAUTH pw\r\nPING\r\nQUIT\r\n');
        const r = await probe(redis.port, '127.0.0.2', 'PING\r\nAUTH pw\r\nPING\r\nQUIT\r\n');
        assert.equal(m.reply, r.reply, args.join(' '));
        assert.doesNotMatch(m.reply, /DENIED/);
      } finally {
        await mnemo.stop();
        await redis.stop();
      }
    }
  });

  test('CONFIG SET protected-mode applies to the next connection', async () => {
    const { redis, mnemo } = await redisAndMnemo();
    try {
      for (const port of [mnemo.port, redis.port]) {
        const ctl = await RawClient.connect(port);
        assert.match((await probe(port, '127.0.0.2', 'PING\r\n')).reply, /^-DENIED/);
        await ctl.command('CONFIG', 'SET', 'protected-mode', 'no');
        assert.equal((await probe(port, '127.0.0.2', 'PING\r\nQUIT\r\n')).reply, '+PONG\r\n+OK\r\n');
        await ctl.command('CONFIG', 'SET', 'protected-mode', 'yes');
        assert.match((await probe(port, '127.0.0.2', 'PING\r\n')).reply, /^-DENIED/);
        await ctl.close();
      }
    } finally {
      await mnemo.stop();
      await redis.stop();
    }
  });
});

describe('maxclients', { timeout: 300_000 }, () => {
  test('the refused socket gets the error and is closed by the server', async () => {
    const { redis, mnemo } = await redisAndMnemo(['--maxclients', '1']);
    try {
      // The set-up connections must be gone before the one allowed client connects.
      for (let i = 0; i < 100 && mnemo.instance.clients.size > 0; i++) await sleep(10);
      await sleep(100);
      for (const [name, port] of [
        ['mnemo', mnemo.port],
        ['redis', redis.port],
      ] as const) {
        const holder = await RawClient.connect(port);
        await holder.command('PING');
        const over = await probe(port, '127.0.0.1', 'PING\r\n');
        assert.equal(over.reply, '-ERR max number of clients reached\r\n', name);
        assert.equal(over.ended, true, name);
        assert.equal(over.reset, true, `${name}: the refused socket is closed`);
        await holder.close();
      }
    } finally {
      await mnemo.stop();
      await redis.stop();
    }
  });
});

describe('unauthenticated request limits', { timeout: 300_000 }, () => {
  let redis: RedisServer;
  let mnemo: MnemoInProcess;
  before(async () => {
    ({ redis, mnemo } = await redisAndMnemo(['--requirepass', 'pw']));
  });
  after(async () => {
    await mnemo?.stop();
    await redis?.stop();
  });

  const bulk = (n: number) => `*2\r\n$4\r\nECHO\r\n$${n}\r\n${'x'.repeat(n)}\r\n`;
  const args = (n: number) => `*${n}\r\n${'$1\r\na\r\n'.repeat(n)}`;
  const cases: Array<[string, string]> = [
    ['10 arguments are fine (NOAUTH)', args(10)],
    ['11 arguments', args(11)],
    ['a 16384-byte bulk is fine', bulk(16384)],
    ['a 16385-byte bulk', bulk(16385)],
    ['a huge multibulk count', '*1000000\r\n'],
    ['a huge bulk length', '*2\r\n$4\r\nECHO\r\n$100000000\r\n'],
    ['after AUTH, no limit', `*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n${args(11)}${bulk(20000)}`],
    ['a wrong AUTH keeps the limit', `*2\r\n$4\r\nAUTH\r\n$2\r\nno\r\n${args(11)}`],
    ['inline commands', `PING\r\nECHO ${'y'.repeat(20000)}\r\n`],
    // The server parses pipelined commands ahead of running them (to prefetch their keys): a
    // RESET in the pipeline must still bring the limits back for what follows it.
    [
      'RESET in a pipeline brings the limit back',
      `*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\nPING\r\nRESET\r\n${args(11)}`,
    ],
    [
      'a protocol error after pipelined commands: they run first',
      `*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n*x\r\n`,
    ],
  ];
  for (const [name, input] of cases) {
    test(name, async () => {
      const out: string[] = [];
      for (const port of [mnemo.port, redis.port]) {
        const c = await RawClient.connect(port);
        c.write(input);
        const got = await c.drain(300);
        out.push(`${showRaw(got.bytes, 300)} closed=${got.closed}`);
        await c.close();
      }
      assert.equal(out[0], out[1]);
    });
  }

  test('with the password removed, a client that never authenticated has no limit', async () => {
    const out: string[] = [];
    for (const port of [mnemo.port, redis.port]) {
      const c = await RawClient.connect(port);
      const admin = await RawClient.connect(port);
      await admin.send([
        ['AUTH', 'pw'],
        ['CONFIG', 'SET', 'requirepass', ''],
      ]);
      c.write(args(11));
      const got = await c.drain(300);
      out.push(`${showRaw(got.bytes)} closed=${got.closed}`);
      await admin.send([['CONFIG', 'SET', 'requirepass', 'pw']]);
      await c.close();
      await admin.close();
    }
    assert.equal(out[0], out[1]);
    assert.match(out[0]!, /^-ERR unknown command 'a'/);
  });
});

describe('RequestParser.authRequired', () => {
  /** Parses `input` whole and byte by byte; both must agree. Returns the commands or the error. */
  function parse(input: string, authRequired: boolean): string {
    const run = (pieces: Buffer[]) => {
      const p = new RequestParser({ maxBulkLen: 512 * 1024 * 1024 });
      p.authRequired = authRequired;
      const out: string[] = [];
      try {
        for (const piece of pieces) {
          p.push(piece);
          for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv.join(' '));
        }
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        out.push(`-${err.reply}`);
      }
      return out.join(' | ');
    };
    const bytes = Buffer.from(input, 'latin1');
    const whole = run([bytes]);
    const split = run(Array.from(bytes, (b) => Buffer.from([b])));
    assert.equal(split, whole, 'fed byte by byte');
    return whole;
  }
  const argsOf = (n: number) => `*${n}\r\n${'$1\r\na\r\n'.repeat(n)}`;
  const bulkOf = (n: number) => `*1\r\n$${n}\r\n${'b'.repeat(n)}\r\n`;

  test('10 arguments and 16384-byte bulks pass; one more is refused', () => {
    assert.equal(parse(argsOf(10), true), Array(10).fill('a').join(' '));
    assert.equal(parse(argsOf(11), true), '-ERR Protocol error: unauthenticated multibulk length');
    assert.equal(parse(bulkOf(16384), true), 'b'.repeat(16384));
    assert.equal(parse(bulkOf(16385), true), '-ERR Protocol error: unauthenticated bulk length');
    assert.equal(parse(argsOf(11), false), Array(11).fill('a').join(' '));
    assert.equal(parse(bulkOf(16385), false), 'b'.repeat(16385));
  });

  test('the generic checks come first, as in processMultibulkBuffer', () => {
    assert.equal(parse('*2147483648\r\n', true), '-ERR Protocol error: invalid multibulk length');
    assert.equal(parse('*1\r\n$999999999999\r\n', true), '-ERR Protocol error: invalid bulk length');
    assert.equal(parse('*1\r\n$-5\r\n', true), '-ERR Protocol error: invalid bulk length');
    // Empty and negative counts are not "more than 10".
    assert.equal(parse('*-1\r\n*0\r\nPING\r\n', true), ' |  | PING');
  });

  test('pendingHead shows the unparsed bytes, from a big bulk too', () => {
    const p = new RequestParser({ maxBulkLen: 512 * 1024 * 1024 });
    p.push(Buffer.from('*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET', 'latin1'));
    assert.deepEqual(p.next(), ['PING']);
    assert.equal(p.pendingHead(64).toString('latin1'), '*2\r\n$3\r\nGET');
    const q = new RequestParser({ maxBulkLen: 512 * 1024 * 1024 });
    q.push(Buffer.from(`*1\r\n$100000\r\n${'x'.repeat(1000)}`, 'latin1'));
    assert.equal(q.next(), null);
    assert.equal(q.pendingHead(64).toString('latin1'), 'x'.repeat(64));
    assert.equal(q.pendingBytes, 1000);
  });
});

describe('rename-command', { timeout: 300_000 }, () => {
  const renames = [
    '--rename-command',
    'get',
    'fetch',
    '--rename-command',
    'FLUSHALL',
    '',
    '--rename-command',
    'fetch',
    'Fetch2',
    '--rename-command',
    'set',
    'SET',
  ];
  let redis: RedisServer;
  let mnemo: Awaited<ReturnType<typeof spawnMnemo>>;
  before(async () => {
    redis = await startRedis(renames);
    mnemo = await spawnMnemo(renames);
  });
  after(async () => {
    await mnemo?.stop();
    await redis?.stop();
  });

  test('renamed and disabled commands answer as in Redis', async () => {
    const script: string[][] = [
      ['SET', 'k', 'v'],
      ['set', 'k', 'v2'],
      ['GET', 'k'],
      ['fetch', 'k'],
      ['FETCH2', 'k'],
      ['fetch2', 'k', 'extra'],
      ['FLUSHALL'],
      ['flushall', 'async'],
      ['MULTI'],
      ['fetch2', 'k'],
      ['get', 'k'],
      ['EXEC'],
      ['MULTI'],
      ['fetch2', 'k'],
      ['EXEC'],
      ['DBSIZE'],
    ];
    const out: string[][] = [];
    for (const port of [mnemo.port, redis.port]) {
      const c = await RawClient.connect(port);
      const replies = await c.send(script);
      out.push(replies.map((b, i) => `${script[i]!.join(' ')} => ${showRaw(b)}`));
      await c.close();
    }
    assert.deepEqual(out[0], out[1]);
  });

  test('start-up errors: unknown command, name taken — the same report as redis-server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-rename-'));
    try {
      const cases = [
        'rename-command nosuch foo\n',
        'rename-command get set\n',
        'rename-command get foo\nrename-command get bar\n',
        'rename-command get foo\nrename-command bar foo\n',
      ];
      for (const [i, text] of cases.entries()) {
        const file = join(dir, `case${i}.conf`);
        writeFileSync(file, `port 0\nsave ""\n${text}`);
        const port = String(await freePort());
        const run = (cmd: string, argv: string[]) =>
          new Promise<{ code: number; out: string }>((resolve) => {
            execFile(cmd, argv, { timeout: 10_000 }, (err, stdout, stderr) =>
              resolve({ code: (err as { code?: number } | null)?.code ?? 0, out: (stdout + stderr).trim() }),
            );
          });
        const r = await run('redis-server', [file, '--port', port]);
        const m = await run(process.execPath, [MNEMO_BIN, file, '--port', port]);
        assert.equal(m.code, 1, `case ${i}: ${m.out}`);
        assert.equal(r.code, 1, r.out);
        assert.equal(m.out.replace(/\(mnemo [^)]*\)/, '(V)'), r.out.replace(/\(Redis [^)]*\)/, '(V)'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('client-query-buffer-limit', { timeout: 300_000 }, () => {
  let redis: RedisServer;
  let mnemo: Awaited<ReturnType<typeof spawnMnemo>>;
  let redisLog = '';
  before(async () => {
    const args = ['--client-query-buffer-limit', '1mb'];
    redis = await startRedis(args);
    redis.proc.stdout?.on('data', (d: Buffer) => (redisLog += d.toString('latin1')));
    mnemo = await spawnMnemo(args);
  });
  after(async () => {
    await mnemo?.stop();
    await redis?.stop();
  });

  const LINE =
    /Closing client that reached max query buffer length: (id=\d+ addr=\S+ .*) \(qbuf initial bytes: (".*")\)/;

  async function overflow(port: number, first: string[] | null, payload: Buffer) {
    const c = await RawClient.connect(port);
    if (first !== null) c.write(encodeCommand(first));
    await sleep(50);
    // Written in pieces so the server sees it grow past the limit.
    for (let i = 0; i < payload.length; i += 64 * 1024) {
      if (c.isClosed) break;
      c.write(payload.subarray(i, i + 64 * 1024));
      await sleep(1);
    }
    const got = await c.drain(500);
    await c.close();
    return got;
  }

  for (const [name, first, payload] of [
    [
      'a bulk bigger than the limit',
      null,
      Buffer.concat([
        Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n'),
        Buffer.alloc(2_000_000, 'z'),
      ]),
    ],
    [
      'a blocked client that keeps sending',
      ['BLPOP', 'nothing', '0'],
      Buffer.from(
        encodeCommand(['SET', 'k', 'w'.repeat(1000)])
          .toString('latin1')
          .repeat(2000),
        'latin1',
      ),
    ],
  ] as const) {
    test(`${name}: closed without a reply, logged like Redis`, async () => {
      const before = [mnemo.output().length, redisLog.length];
      const m = await overflow(mnemo.port, first === null ? null : [...first], payload);
      const r = await overflow(redis.port, first === null ? null : [...first], payload);
      assert.equal(showRaw(m.bytes), showRaw(r.bytes));
      assert.equal(m.bytes.length, 0, 'no reply');
      assert.equal(m.closed, true);
      assert.equal(r.closed, true);
      const deadline = Date.now() + 3000;
      while (!LINE.test(mnemo.output().slice(before[0])) && Date.now() < deadline) await sleep(20);
      const ml = LINE.exec(mnemo.output().slice(before[0]));
      const rl = LINE.exec(redisLog.slice(before[1]));
      assert.ok(ml, `mnemo log: ${mnemo.output().slice(before[0]).slice(-500)}`);
      assert.ok(rl, `redis log: ${redisLog.slice(before[1]).slice(-500)}`);
      // The same client line fields and the same first bytes of the query buffer.
      const fields = (s: string) => s.replace(/=\S*/g, '=');
      assert.equal(fields(ml[1]!), fields(rl[1]!));
      assert.equal(ml[2], rl[2]);
      // The server carries on.
      const c = await RawClient.connect(mnemo.port);
      assert.equal(showRaw(await c.command('PING')), '+PONG\\r\\n');
      await c.close();
    });
  }
});
