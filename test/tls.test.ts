/**
 * TLS (tls-port and the tls-* parameters) against a real redis-server 7.0 configured the same
 * way, with certificates generated at test time: redis-cli --tls with and without a client
 * certificate under tls-auth-clients yes / optional / no, a certificate from an untrusted CA,
 * ioredis over TLS, tls-protocols, tls-ciphers / tls-ciphersuites / tls-prefer-server-ciphers
 * (the negotiated cipher must be the same on both servers), CONFIG SET of tls-* applying to new
 * connections, an encrypted key (tls-key-file-pass), tls-ca-cert-dir, TLS beside and instead of
 * plain TCP, the session cache, and start-up refusals with Redis's log texts. All on loopback.
 */

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { constants as cryptoConstants } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load.js';
import { type RunningServer, startServer } from '../src/server/index.js';
import { PROTECTED_MODE_DENIED } from '../src/server/limits.js';
import { makeCerts, type TestCerts } from './helpers/certs.js';
import { MNEMO_BIN } from './helpers/mnemo.js';
import { freePort, killProcess, type RedisServer, startRedis, track } from './helpers/redis-server.js';

let certs: TestCerts;

/** The tls-* arguments both servers get, plus the test's own. */
function tlsArgs(extra: readonly string[] = []): string[] {
  return [
    '--tls-cert-file',
    certs.serverCert,
    '--tls-key-file',
    certs.serverKey,
    '--tls-ca-cert-file',
    certs.caCert,
    ...extra,
  ];
}

/** An in-process mnemo with TLS only (port null), configured from redis-server style arguments. */
async function startTlsMnemo(args: readonly string[], port: number | null = null): Promise<RunningServer> {
  const { config } = loadConfig(['--save', '', ...args], (p) => readFileSync(p, 'latin1'));
  return startServer({ config, port, tlsPort: 0, host: '127.0.0.1', silent: true });
}

interface Pair {
  mnemo: RunningServer;
  redis: RedisServer;
  redisTlsPort: number;
  ports(): Array<[string, number]>;
  stop(): Promise<void>;
}

async function startPair(extra: readonly string[] = []): Promise<Pair> {
  const args = tlsArgs(extra);
  const mnemo = await startTlsMnemo(args);
  const redisTlsPort = await freePort();
  const redis = await startRedis(['--tls-port', String(redisTlsPort), ...args]);
  return {
    mnemo,
    redis,
    redisTlsPort,
    ports: () => [
      ['mnemo', mnemo.tlsPort],
      ['redis', redisTlsPort],
    ],
    stop: async () => {
      await mnemo.close();
      await redis.stop();
    },
  };
}

/** redis-cli over TLS; never throws: exit code and combined output. */
function cli(port: number, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('redis-cli', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '--tls',
      '--cacert',
      certs.caCert,
      ...args,
    ]);
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const withCert = () => ['--cert', certs.clientCert, '--key', certs.clientKey];
const withRogue = () => ['--cert', certs.rogueCert, '--key', certs.rogueKey];

interface TlsResult {
  ok: boolean;
  reply: string;
  protocol: string | null;
  cipher: string;
  reused: boolean;
  session: Buffer | undefined;
  error: string;
}

/** One command over a fresh node:tls connection; reports what was negotiated. */
function tlsCommand(port: number, options: ConnectionOptions, command = 'PING\r\n'): Promise<TlsResult> {
  return new Promise((resolve) => {
    let reply = '';
    let session: Buffer | undefined;
    let settled = false;
    const sock: TLSSocket = tlsConnect(
      { host: '127.0.0.1', port, ca: certs.pem(certs.caCert), ...options },
      () => sock.write(command),
    );
    const finish = (ok: boolean, error = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const res: TlsResult = {
        ok,
        reply,
        protocol: sock.getProtocol(),
        cipher: sock.getCipher()?.name ?? '',
        reused: sock.isSessionReused(),
        session,
        error,
      };
      // Give a TLSv1.2 session a moment to arrive before closing, then report.
      setTimeout(() => {
        res.session = session;
        sock.destroy();
        resolve(res);
      }, 30);
    };
    const timer = setTimeout(() => finish(false, 'timeout'), 5000);
    sock.on('session', (s: Buffer) => (session = s));
    sock.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
      if (reply.endsWith('\r\n')) finish(true);
    });
    sock.on('error', (err) => finish(false, err.message));
    sock.on('close', () => finish(reply !== '', reply === '' ? 'closed' : ''));
  });
}

const clientCert = () => ({ cert: certs.pem(certs.clientCert), key: certs.pem(certs.clientKey) });

describe('TLS', { timeout: 300_000 }, () => {
  before(() => {
    certs = makeCerts();
  });
  after(() => certs.remove());

  test('tls-auth-clients yes (default): a client certificate signed by the CA is required', async () => {
    const pair = await startPair();
    try {
      for (const [name, port] of pair.ports()) {
        const good = await cli(port, [...withCert(), 'PING']);
        assert.equal(good.out, 'PONG\n', `${name}: with a certificate`);
        assert.equal(good.code, 0);
        const none = await cli(port, ['PING']);
        assert.notEqual(none.code, 0, `${name}: without a certificate redis-cli must fail: ${none.out}`);
        assert.doesNotMatch(none.out, /PONG/);
        const rogue = await cli(port, [...withRogue(), 'PING']);
        assert.notEqual(rogue.code, 0, `${name}: an untrusted certificate must fail: ${rogue.out}`);
        assert.doesNotMatch(rogue.out, /PONG/);
      }
      // The server is unharmed by the refused handshakes.
      const after = await cli(pair.mnemo.tlsPort, [...withCert(), 'DBSIZE']);
      assert.equal(after.out, '0\n');
    } finally {
      await pair.stop();
    }
  });

  test('tls-auth-clients optional and no', async () => {
    for (const mode of ['optional', 'no']) {
      const pair = await startPair(['--tls-auth-clients', mode]);
      try {
        for (const [name, port] of pair.ports()) {
          assert.equal((await cli(port, ['PING'])).out, 'PONG\n', `${name} ${mode}: no certificate`);
          assert.equal((await cli(port, [...withCert(), 'PING'])).out, 'PONG\n', `${name} ${mode}: good one`);
          const rogue = await cli(port, [...withRogue(), 'PING']);
          if (mode === 'optional') {
            // A certificate that is presented must verify.
            assert.notEqual(rogue.code, 0, `${name}: ${rogue.out}`);
            assert.doesNotMatch(rogue.out, /PONG/);
          } else {
            // Not even asked for: the untrusted certificate is never looked at.
            assert.equal(rogue.out, 'PONG\n', `${name} no: rogue`);
          }
        }
      } finally {
        await pair.stop();
      }
    }
  });

  test('ioredis over TLS (ca, cert, key); without a certificate it cannot run commands', async () => {
    const mnemo = await startTlsMnemo(tlsArgs());
    const clients: Redis[] = [];
    try {
      const r = new Redis({
        host: '127.0.0.1',
        port: mnemo.tlsPort,
        tls: { ca: certs.pem(certs.caCert), ...clientCert() },
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      clients.push(r);
      assert.equal(await r.set('tls:k', 'v'), 'OK');
      assert.equal(await r.get('tls:k'), 'v');
      // A value spanning many TLS records comes back intact.
      const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'x');
      big.write('start', 0);
      big.write('end', big.length - 3);
      await r.set('tls:big', big);
      assert.ok(big.equals((await r.getBuffer('tls:big')) ?? Buffer.alloc(0)));
      const pipeline = r.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.incr('tls:n');
      const results = await pipeline.exec();
      assert.deepEqual(results?.at(-1), [null, 1000]);

      const anon = new Redis({
        host: '127.0.0.1',
        port: mnemo.tlsPort,
        tls: { ca: certs.pem(certs.caCert) },
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      clients.push(anon);
      anon.on('error', () => {});
      await assert.rejects(async () => {
        await anon.connect();
        await anon.ping();
      });
      assert.equal(await r.get('tls:k'), 'v');
    } finally {
      for (const c of clients) c.disconnect();
      await mnemo.close();
    }
  });

  test('tls-protocols limits the versions, like Redis', async () => {
    for (const [protocols, clientOpts, expect] of [
      ['TLSv1.2', {}, 'TLSv1.2'],
      ['TLSv1.2', { minVersion: 'TLSv1.3' }, null],
      ['TLSv1.3', { maxVersion: 'TLSv1.2' }, null],
      ['TLSv1.2 TLSv1.3', {}, 'TLSv1.3'],
      ['tlsv1.3', {}, 'TLSv1.3'],
    ] as const) {
      const pair = await startPair(['--tls-protocols', protocols]);
      try {
        for (const [name, port] of pair.ports()) {
          const r = await tlsCommand(port, { ...clientCert(), ...clientOpts });
          if (expect === null) assert.equal(r.ok, false, `${name} ${protocols}: should fail, got ${r.reply}`);
          else {
            assert.equal(r.reply, '+PONG\r\n', `${name} ${protocols}: ${r.error}`);
            assert.equal(r.protocol, expect, `${name} ${protocols}`);
          }
        }
      } finally {
        await pair.stop();
      }
    }
  });

  test('tls-ciphers, tls-ciphersuites and tls-prefer-server-ciphers pick the same cipher as Redis', async () => {
    const legacy = 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256';
    const clientOrder = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384';
    const cases: Array<{ args: string[]; client: ConnectionOptions; cipher: string }> = [
      {
        args: ['--tls-ciphersuites', 'TLS_CHACHA20_POLY1305_SHA256'],
        client: {},
        cipher: 'TLS_CHACHA20_POLY1305_SHA256',
      },
      {
        args: ['--tls-ciphers', legacy, '--tls-prefer-server-ciphers', 'yes'],
        client: { maxVersion: 'TLSv1.2', ciphers: clientOrder },
        cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384',
      },
      {
        args: ['--tls-ciphers', legacy, '--tls-prefer-server-ciphers', 'no'],
        client: { maxVersion: 'TLSv1.2', ciphers: clientOrder },
        cipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      },
      // tls-ciphers alone leaves TLSv1.3 on, with its default suites.
      { args: ['--tls-ciphers', legacy], client: {}, cipher: 'TLS_AES_256_GCM_SHA384' },
    ];
    for (const c of cases) {
      const pair = await startPair(c.args);
      try {
        for (const [name, port] of pair.ports()) {
          const r = await tlsCommand(port, { ...clientCert(), ...c.client });
          assert.equal(r.reply, '+PONG\r\n', `${name} ${c.args.join(' ')}: ${r.error}`);
          assert.equal(r.cipher, c.cipher, `${name} ${c.args.join(' ')}`);
        }
      } finally {
        await pair.stop();
      }
    }
  });

  test('CONFIG SET tls-* applies to new connections', async () => {
    const pair = await startPair();
    try {
      for (const [name, port] of pair.ports()) {
        assert.equal((await tlsCommand(port, clientCert())).protocol, 'TLSv1.3');
        const set = await tlsCommand(
          port,
          clientCert(),
          '*6\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$13\r\ntls-protocols\r\n$7\r\nTLSv1.2\r\n$16\r\ntls-auth-clients\r\n$2\r\nno\r\n',
        );
        assert.equal(set.reply, '+OK\r\n', name);
        const after = await tlsCommand(port, {});
        assert.equal(after.reply, '+PONG\r\n', `${name}: no certificate needed any more (${after.error})`);
        assert.equal(after.protocol, 'TLSv1.2', name);
      }
    } finally {
      await pair.stop();
    }
  });

  test('tls-key-file-pass opens an encrypted key; tls-ca-cert-dir replaces the CA file', async () => {
    const mnemo = await startTlsMnemo([
      '--tls-cert-file',
      certs.serverCert,
      '--tls-key-file',
      certs.serverKeyEncrypted,
      '--tls-key-file-pass',
      certs.keyPass,
      '--tls-ca-cert-dir',
      certs.caDir,
    ]);
    try {
      assert.equal((await cli(mnemo.tlsPort, [...withCert(), 'PING'])).out, 'PONG\n');
      assert.notEqual((await cli(mnemo.tlsPort, [...withRogue(), 'PING'])).code, 0);
    } finally {
      await mnemo.close();
    }
  });

  test('start-up refusals log what Redis logs', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'mnemo-tls-log-'));
    try {
      const cases: Array<{ args: string[]; text: string }> = [
        {
          args: ['--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey],
          text: 'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
        },
        {
          args: [...tlsArgs(), '--tls-protocols', 'TLSv1.2 SSLv3'],
          text: "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
        },
        {
          args: ['--tls-key-file', certs.serverKey, '--tls-auth-clients', 'no'],
          text: 'No tls-cert-file configured!',
        },
        {
          args: [...tlsArgs(), '--tls-key-file', certs.serverKeyEncrypted, '--tls-key-file-pass', 'wrong'],
          text: `Failed to load private key: ${certs.serverKeyEncrypted}:`,
        },
        {
          args: [...tlsArgs(), '--tls-cert-file', join(certs.dir, 'missing.crt')],
          text: `Failed to load certificate: ${join(certs.dir, 'missing.crt')}:`,
        },
        {
          args: [...tlsArgs(), '--tls-ciphers', 'NOT-A-CIPHER'],
          text: 'Failed to configure ciphers: NOT-A-CIPHER',
        },
      ];
      for (const [i, c] of cases.entries()) {
        // Redis: the reason, then "Failed to configure TLS", then exit 1.
        const port = await freePort();
        const redisOut = await new Promise<string>((resolve) => {
          execFile(
            'redis-server',
            ['--port', '0', '--bind', '127.0.0.1', '--save', '', '--tls-port', String(port), ...c.args],
            { timeout: 10_000 },
            (_err, stdout, stderr) => resolve(stdout + stderr),
          );
        });
        assert.ok(redisOut.includes(c.text), `redis case ${i}: ${redisOut}`);
        assert.ok(redisOut.includes('Failed to configure TLS. Check logs for more info.'));
        const logfile = join(logDir, `case${i}.log`);
        const { config } = loadConfig(['--logfile', logfile, ...c.args], (p) => readFileSync(p, 'latin1'));
        await assert.rejects(
          startServer({ config, port: null, tlsPort: 0, host: '127.0.0.1' }),
          (err: Error) => err.message.includes(c.text),
        );
        const log = readFileSync(logfile, 'latin1');
        assert.match(log, new RegExp(`# ${c.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        assert.match(log, /# Failed to configure TLS\. Check logs for more info\./);
      }
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  test('TLS beside plain TCP, and instead of it when port is 0', async () => {
    const both = await startTlsMnemo(tlsArgs(), 0);
    try {
      assert.ok(both.port > 0 && both.tlsPort > 0 && both.port !== both.tlsPort);
      assert.equal((await cli(both.tlsPort, [...withCert(), 'SET', 'k', 'v'])).out, 'OK\n');
      const plain = await new Promise<string>((resolve) => {
        execFile('redis-cli', ['-p', String(both.port), 'GET', 'k'], (_e, out) => resolve(out));
      });
      assert.equal(plain, 'v\n', 'both listeners serve the same dataset');
      // A plaintext client on the TLS port is dropped; the server keeps serving.
      const bogus = await new Promise<string>((resolve) => {
        execFile('redis-cli', ['-p', String(both.tlsPort), 'PING'], { timeout: 5000 }, (_e, out, err) =>
          resolve(out + err),
        );
      });
      assert.doesNotMatch(bogus, /PONG/);
      assert.equal((await cli(both.tlsPort, [...withCert(), 'GET', 'k'])).out, 'v\n');
    } finally {
      await both.close();
    }

    // The executable with `port 0` and a tls-port listens on TLS only, as redis-server does.
    const tlsPort = await freePort();
    const proc = spawn(
      process.execPath,
      [
        MNEMO_BIN,
        '--port',
        '0',
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--tls-port',
        String(tlsPort),
        ...tlsArgs(),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(proc);
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    try {
      const deadline = Date.now() + 10_000;
      let r = await cli(tlsPort, [...withCert(), 'PING']);
      while (r.out !== 'PONG\n' && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        r = await cli(tlsPort, [...withCert(), 'PING']);
      }
      assert.equal(r.out, 'PONG\n', out);
      assert.match(out, new RegExp(`ready to accept connections on 127\\.0\\.0\\.1:${tlsPort} \\(TLS\\) `));
      assert.doesNotMatch(out, /127\.0\.0\.1:6379/);
    } finally {
      await killProcess(proc);
    }
  });

  test('tls-session-caching: TLSv1.2 session-id resumption on, then off', async () => {
    // A client without tickets resumes through the server's session cache only.
    const opts: ConnectionOptions = {
      ...clientCert(),
      maxVersion: 'TLSv1.2',
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    };
    for (const caching of ['yes', 'no']) {
      const mnemo = await startTlsMnemo([...tlsArgs(), '--tls-session-caching', caching]);
      try {
        const first = await tlsCommand(mnemo.tlsPort, opts);
        assert.equal(first.reply, '+PONG\r\n', first.error);
        assert.equal(first.reused, false);
        assert.ok(first.session !== undefined, 'the client got a session');
        const second = await tlsCommand(mnemo.tlsPort, { ...opts, session: first.session! });
        assert.equal(second.reply, '+PONG\r\n', second.error);
        assert.equal(second.reused, caching === 'yes', `caching ${caching}`);
      } finally {
        await mnemo.close();
      }
    }
  });

  test('protected mode applies to TLS clients after the handshake, as in Redis', async () => {
    const pair = await startPair();
    try {
      const replies: string[] = [];
      for (const [, port] of pair.ports()) {
        // tls.connect() passes socket options such as localAddress on to net.connect().
        const r = await tlsCommand(port, { ...clientCert(), localAddress: '127.0.0.2' } as ConnectionOptions);
        replies.push(r.reply);
      }
      assert.equal(replies[0], PROTECTED_MODE_DENIED);
      assert.equal(replies[0], replies[1]);
    } finally {
      await pair.stop();
    }
  });

  test('maxclients counts TLS clients; the one over the limit is dropped before the handshake', async () => {
    const mnemo = await startTlsMnemo([...tlsArgs(), '--maxclients', '2']);
    const open: TLSSocket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = tlsConnect({
          host: '127.0.0.1',
          port: mnemo.tlsPort,
          ca: certs.pem(certs.caCert),
          ...clientCert(),
        });
        await new Promise<void>((resolve, reject) => {
          s.once('secureConnect', () => resolve());
          s.once('error', reject);
        });
        open.push(s);
      }
      const over = await tlsCommand(mnemo.tlsPort, clientCert());
      assert.equal(over.ok, false, `third client: ${over.reply}`);
      assert.equal(mnemo.instance.stats.rejectedConnections, 1);
      for (const s of open) s.destroy();
      const deadline = Date.now() + 5000;
      while (mnemo.instance.clients.size > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal((await tlsCommand(mnemo.tlsPort, clientCert())).reply, '+PONG\r\n');
    } finally {
      for (const s of open) s.destroy();
      await mnemo.close();
    }
  });
});
