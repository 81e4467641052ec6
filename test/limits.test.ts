/**
 * Hostile input against a spawned mnemo-server (its own process, so its memory can be read from
 * /proc and a crash is visible), all on loopback, each case bounded in time and memory:
 * a 2 GB bulk header followed by a stream of data; 1,000,000 pipelined GETs from a client that
 * does not read (the connection stops reading while its replies are not drained, so the server's
 * RSS stays flat — measured before, during and after); as many idle connections as the fd limits
 * allow, up to 10,000; 100 clients doing GET/SET while one client never reads and another sends
 * garbage (p99 latency before and during the attack is printed and loosely bounded); and seeded
 * random garbage fed to the parser over sockets. Numbers are printed with `# ` for the report.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { type MnemoProcess, spawnMnemo } from './helpers/mnemo.js';
import { prng } from './helpers/random.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { encodeCommand } from './helpers/resp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

function rssOf(pid: number | 'self'): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return Number(m?.[1] ?? 0) * 1024;
}

function fdLimit(pid: number | 'self'): number {
  const m = /Max open files\s+(\d+|unlimited)\s+/.exec(readFileSync(`/proc/${pid}/limits`, 'latin1'));
  return m?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m?.[1] ?? 1024);
}

const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function alive(server: MnemoProcess): Promise<void> {
  assert.ok(
    existsSync(`/proc/${server.pid}`),
    `the server process is gone:\n${server.output().slice(-2000)}`,
  );
  const c = await RawClient.connect(server.port, { timeoutMs: 5000 });
  assert.equal(showRaw(await c.command('PING')), '+PONG\\r\\n');
  await c.close();
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

describe('hostile input', { timeout: 300_000 }, () => {
  test('a 2 GB bulk header followed by a stream of data: refused, closed, server unharmed', async () => {
    const server = await spawnMnemo();
    try {
      const before = rssOf(server.pid);
      for (const setup of [[], ['CONFIG', 'SET', 'proto-max-bulk-len', '4gb']]) {
        if (setup.length > 0) {
          const c = await RawClient.connect(server.port);
          assert.equal(showRaw(await c.command(...setup)), '+OK\\r\\n');
          await c.close();
        }
        const sock = new Socket();
        let reply = '';
        let closed = false;
        let sent = 0;
        sock.on('data', (d: Buffer) => (reply += d.toString('latin1')));
        sock.on('error', () => {});
        sock.on('close', () => (closed = true));
        await new Promise<void>((r) => sock.connect(server.port, '127.0.0.1', () => r()));
        sock.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2147483648\r\n');
        const chunk = Buffer.alloc(MB, 'a');
        // Up to 256 MB, or until the server has closed the connection.
        const deadline = Date.now() + 10_000;
        while (!closed && sent < 256 * MB && Date.now() < deadline) {
          if (!sock.write(chunk)) await Promise.race([new Promise((r) => sock.once('drain', r)), sleep(100)]);
          sent += chunk.length;
        }
        while (!closed && Date.now() < deadline) await sleep(10);
        sock.destroy();
        assert.equal(closed, true, 'the server closed the connection');
        const expected =
          setup.length === 0
            ? '-ERR Protocol error: invalid bulk length\r\n'
            : // Above what a V8 string can hold: refused before anything is allocated.
              '-ERR Protocol error: bulk length exceeds the largest string mnemo can hold\r\n';
        assert.equal(reply, expected);
        report(
          `2 GB header (${setup.length === 0 ? 'default limits' : 'proto-max-bulk-len 4gb'}): ${JSON.stringify(reply)}, client got ${mb(sent)} out before the close`,
        );
      }
      await alive(server);
      const growth = rssOf(server.pid) - before;
      report(`server RSS before ${mb(before)}, after ${mb(before + growth)}`);
      assert.ok(growth < 64 * MB, `server RSS grew by ${mb(growth)}`);
    } finally {
      await server.stop();
    }
  });

  test('1,000,000 pipelined GETs from a client that does not read: server memory stays flat', async () => {
    const server = await spawnMnemo();
    const sock = new Socket();
    try {
      const value = 'v'.repeat(1000);
      const setup = await RawClient.connect(server.port);
      await setup.command('SET', 'key', value);
      await setup.close();
      const N = 1_000_000;
      const cmd = encodeCommand(['GET', 'key']);
      const all = Buffer.allocUnsafe(cmd.length * N);
      for (let i = 0; i < N; i++) cmd.copy(all, i * cmd.length);
      const replyLen = `$${value.length}\r\n${value}\r\n`.length;

      await new Promise<void>((r) => sock.connect(server.port, '127.0.0.1', () => r()));
      sock.pause();
      let got = 0;
      sock.on('data', (d: Buffer) => (got += d.length));
      const before = rssOf(server.pid);
      sock.write(all);
      let during = 0;
      for (let i = 0; i < 10; i++) {
        await sleep(200);
        during = Math.max(during, rssOf(server.pid));
      }
      const info = await RawClient.connect(server.port);
      const clientLine = (await info.command('CLIENT', 'LIST', 'TYPE', 'normal')).toString('latin1');
      await info.close();
      const t0 = Date.now();
      sock.resume();
      while (got < N * replyLen && Date.now() - t0 < 30_000) await sleep(20);
      const readMs = Date.now() - t0;
      const afterRss = rssOf(server.pid);
      report(
        `1M GETs of a 1000-byte value (${mb(N * replyLen)} of replies) unread: server RSS before ${mb(before)}, ` +
          `peak while blocked ${mb(during)}, after reading all ${mb(afterRss)}; replies read in ${readMs} ms`,
      );
      report(
        `the blocked client while unread: ${/omem=\d+/.exec(clientLine)?.[0]} ${/qbuf=\d+/.exec(clientLine)?.[0]}`,
      );
      assert.equal(got, N * replyLen, 'every reply arrives once the client reads');
      // Buffering the replies would cost about 1 GB; the bound is a small fraction of that.
      assert.ok(
        during - before < 100 * MB,
        `RSS grew by ${mb(during - before)} while the client did not read`,
      );
      await alive(server);
    } finally {
      sock.destroy();
      await server.stop();
    }
  });

  test('10,000 idle connections (or as many as the fd limits allow)', async () => {
    const server = await spawnMnemo(['--maxclients', '10100']);
    const socks: Socket[] = [];
    try {
      const mine = fdLimit('self');
      const theirs = fdLimit(server.pid);
      // Keep headroom for the test runner's and the server's own descriptors.
      const target = Math.min(10_000, mine - 200, theirs - 200);
      report(`fd limits: test process ${mine}, server ${theirs}; opening ${target} connections`);
      const before = rssOf(server.pid);
      const t0 = Date.now();
      for (let opened = 0; opened < target; ) {
        const batch = Math.min(500, target - opened);
        await Promise.all(
          Array.from(
            { length: batch },
            () =>
              new Promise<void>((resolve, reject) => {
                const s = new Socket();
                s.once('error', reject);
                s.connect(server.port, '127.0.0.1', () => resolve());
                socks.push(s);
              }),
          ),
        );
        opened += batch;
      }
      const openMs = Date.now() - t0;
      await sleep(300);
      const c = await RawClient.connect(server.port);
      const deadline = Date.now() + 10_000;
      let connected = 0;
      while (Date.now() < deadline) {
        const info = (await c.command('INFO', 'clients')).toString('latin1');
        connected = Number(/connected_clients:(\d+)/.exec(info)?.[1]);
        if (connected >= target + 1) break;
        await sleep(100);
      }
      const withAll = rssOf(server.pid);
      // A client arriving now is served promptly.
      const t1 = performance.now();
      assert.equal(showRaw(await c.command('PING')), '+PONG\\r\\n');
      const pingMs = performance.now() - t1;
      report(
        `${target} idle connections opened in ${openMs} ms; server RSS ${mb(before)} -> ${mb(withAll)} ` +
          `(${((withAll - before) / target / 1024).toFixed(1)} KB each); PING with all open: ${pingMs.toFixed(2)} ms`,
      );
      assert.equal(connected, target + 1);
      assert.ok(pingMs < 1000);
      // Some of them still work as clients.
      for (const s of socks.slice(0, 20)) s.write('*1\r\n$4\r\nPING\r\n');
      for (const s of socks) s.destroy();
      socks.length = 0;
      while (Date.now() < deadline + 10_000) {
        const info = (await c.command('INFO', 'clients')).toString('latin1');
        if (/connected_clients:1\r\n/.test(info)) break;
        await sleep(100);
      }
      await c.close();
      await alive(server);
    } finally {
      for (const s of socks) s.destroy();
      await server.stop();
    }
  });

  test('100 clients doing GET/SET while one never reads and one sends garbage: p99 before and during', async () => {
    const server = await spawnMnemo(['--maxclients', '1000']);
    let stop = false;
    const attackers: Socket[] = [];
    try {
      const setup = await RawClient.connect(server.port);
      await setup.command('SET', 'big', 'B'.repeat(100_000));
      for (let i = 0; i < 100; i++) await setup.command('SET', `k${i}`, '0123456789');
      await setup.close();

      /** One request-reply loop per client for `ms`; latencies in ms. */
      async function hammer(ms: number): Promise<{ lat: number[]; errors: number }> {
        const lat: number[] = [];
        let errors = 0;
        const end = Date.now() + ms;
        await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const sock = new Socket();
            sock.setNoDelay(true);
            await new Promise<void>((r) => sock.connect(server.port, '127.0.0.1', () => r()));
            let buf = '';
            let want = 0;
            let wake: (() => void) | null = null;
            sock.on('data', (d: Buffer) => {
              buf += d.toString('latin1');
              if (buf.length >= want && wake !== null) wake();
            });
            sock.on('error', () => errors++);
            const set = encodeCommand(['SET', `k${i}`, '0123456789']);
            const get = encodeCommand(['GET', `k${i}`]);
            for (let n = 0; Date.now() < end; n++) {
              const isGet = n % 2 === 1;
              want = isGet ? 17 : 5;
              buf = '';
              const t = performance.now();
              const done = new Promise<void>((r) => (wake = r));
              sock.write(isGet ? get : set);
              await done;
              wake = null;
              lat.push(performance.now() - t);
              if (buf !== (isGet ? '$10\r\n0123456789\r\n' : '+OK\r\n')) errors++;
            }
            sock.destroy();
          }),
        );
        return { lat: lat.sort((a, b) => a - b), errors };
      }

      const rssBefore = rssOf(server.pid);
      const base = await hammer(2000);

      // The attack: a client pipelining GETs of a 100 KB value it never reads (2 GB of replies),
      // and a stream of connections sending random bytes.
      const slow = new Socket();
      attackers.push(slow);
      slow.on('error', () => {});
      await new Promise<void>((r) => slow.connect(server.port, '127.0.0.1', () => r()));
      slow.pause();
      const bigGets = Buffer.concat(Array.from({ length: 20_000 }, () => encodeCommand(['GET', 'big'])));
      slow.write(bigGets);
      let garbageConns = 0;
      const random = prng(0x5eed);
      const garbage = (async () => {
        while (!stop) {
          const g = new Socket();
          attackers.push(g);
          g.on('error', () => {});
          await new Promise<void>((r) => {
            g.connect(server.port, '127.0.0.1', () => {
              const bytes = Buffer.alloc(4096);
              for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
              g.write(bytes);
              r();
            });
            g.on('close', () => r());
          });
          garbageConns++;
          await sleep(5);
          g.destroy();
        }
      })();
      let rssPeak = 0;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(server.pid))), 100);
      const attacked = await hammer(2000);
      stop = true;
      await garbage;
      clearInterval(sampler);

      const p = (r: { lat: number[] }, q: number) => percentile(r.lat, q).toFixed(2);
      report(
        `baseline: ${base.lat.length} requests, p50 ${p(base, 50)} ms, p99 ${p(base, 99)} ms; ` +
          `under attack: ${attacked.lat.length} requests, p50 ${p(attacked, 50)} ms, p99 ${p(attacked, 99)} ms ` +
          `(${garbageConns} garbage connections)`,
      );
      report(`server RSS before ${mb(rssBefore)}, peak during the attack ${mb(rssPeak)}`);
      assert.equal(base.errors, 0);
      assert.equal(attacked.errors, 0);
      assert.ok(garbageConns > 10, 'the garbage sender ran');
      // Generous: a 2-core machine runs the server, 100 clients and the attackers at once.
      const baseP99 = percentile(base.lat, 99);
      const attackP99 = percentile(attacked.lat, 99);
      assert.ok(attackP99 < Math.max(10 * baseP99, baseP99 + 100), `p99 ${attackP99} ms vs ${baseP99} ms`);
      assert.ok(attacked.lat.length > base.lat.length / 5, 'throughput did not collapse');
      assert.ok(rssPeak - rssBefore < 200 * MB, `RSS grew by ${mb(rssPeak - rssBefore)}`);
      await alive(server);
    } finally {
      stop = true;
      for (const s of attackers) s.destroy();
      await server.stop();
    }
  });

  test('seeded random garbage never crashes the parser; other clients keep working', async () => {
    const server = await spawnMnemo(['--maxclients', '1000']);
    const seed = Number(process.env.MNEMO_FUZZ_SEED ?? 20261126);
    const random = prng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    try {
      const control = await RawClient.connect(server.port, { timeoutMs: 5000 });
      await control.command('SET', 'control', 'ok');
      const commands = [
        ['GET', 'k'],
        ['SET', 'k', 'v'],
        ['INCR', 'n'],
        ['LPUSH', 'l', 'a', 'b'],
        ['LRANGE', 'l', '0', '-1'],
        ['HSET', 'h', 'f', 'v'],
        ['ZADD', 'z', '1', 'm'],
        ['SADD', 's', 'x'],
        ['MGET', 'k', 'n'],
        ['ECHO', 'hello'],
        ['PING'],
        ['EXISTS', 'k'],
        ['APPEND', 'k', 'x'],
      ];
      const numbers = [
        '-1',
        '0',
        '1',
        '-2147483649',
        '2147483648',
        '9223372036854775808',
        '99999999999999999999',
        '+5',
        '05',
        '',
        'x',
      ];
      const frame = (): Buffer => {
        const kind = int(6);
        if (kind === 0) {
          // Pure noise.
          const b = Buffer.alloc(1 + int(2048));
          for (let i = 0; i < b.length; i++) b[i] = int(256);
          return b;
        }
        if (kind === 1) {
          // Headers with odd counts and lengths.
          let s = `*${pick(numbers)}\r\n`;
          for (let i = int(4); i > 0; i--)
            s += `${pick(['$', '$', '*', ':', '+', 'x'])}${pick(numbers)}\r\n${'a'.repeat(int(8))}\r\n`;
          return Buffer.from(s, 'latin1');
        }
        if (kind === 2) {
          // Inline lines with quotes and escapes.
          const parts = ['"', "'", '\\x4', '\\"', ' ', 'GET', 'k', '\r', '\n', '\0', '"a"b'];
          let s = '';
          for (let i = 1 + int(20); i > 0; i--) s += pick(parts);
          return Buffer.from(`${s}\r\n`, 'latin1');
        }
        // Valid commands, then mutated: flipped bytes, cut short, duplicated pieces.
        const b = Buffer.concat(Array.from({ length: 1 + int(5) }, () => encodeCommand(pick(commands))));
        for (let i = int(4); i > 0; i--) b[int(b.length)] = int(256);
        const cut = kind === 3 ? b.subarray(0, int(b.length + 1)) : b;
        return kind === 5 ? Buffer.concat([cut, cut.subarray(int(cut.length))]) : cut;
      };

      const CONNS = 400;
      let closedByServer = 0;
      for (let round = 0; round < CONNS; round += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            const c = await RawClient.connect(server.port, { timeoutMs: 5000 });
            const pieces = 1 + int(4);
            for (let i = 0; i < pieces; i++) {
              c.write(frame());
              if (random() < 0.3) await sleep(1);
            }
            // Whatever came back must be well-formed RESP (drain() would throw on a bad frame).
            const out = await c.drain(40);
            if (out.closed) closedByServer++;
            await c.close();
          }),
        );
        // The well-behaved client is served between rounds.
        assert.equal(showRaw(await control.command('GET', 'control')), '$2\\r\\nok\\r\\n');
      }
      report(
        `fuzz seed ${seed}: ${CONNS} connections of random input, ${closedByServer} closed by the server (protocol errors)`,
      );
      assert.ok(closedByServer > 0, 'some inputs were protocol errors');
      // dispatch() reports a handler that threw something other than a ReplyError as a warning.
      const warnings = server.output().match(/^\(node:\d+\) .*$/gm) ?? [];
      assert.deepEqual(warnings, [], 'no command failed with an internal error');
      await control.close();
      await alive(server);
    } finally {
      await server.stop();
    }
  });
});
