/**
 * The configuration subsystem (src/config) checked against a real redis-server 7.0: every
 * parameter name and default from CONFIG GET *, hidden parameters, which parameters CONFIG SET
 * accepts at all, CONFIG SET results and error texts for a sample of every kind of value,
 * CONFIG GET pattern matching, CONFIG REWRITE output over several rounds, and the fatal
 * start-up error blocks. Redis is the oracle: when these disagree, mnemo is wrong.
 * These tests need redis-server on PATH and fail (never skip) without it.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ReplyError } from '../src/commands/errors.js';
import { Config, ConfigLoadError, MNEMO_VERSION } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';

// ---------------------------------------------------------------------------------------------
// A minimal RESP2 client: enough for CONFIG replies.

class ErrorReply {
  constructor(readonly message: string) {}
}
type Reply = string | number | null | ErrorReply | Reply[];

function parseReply(b: Buffer, i: number): { value: Reply; end: number } | null {
  const nl = b.indexOf('\r\n', i);
  if (nl < 0) return null;
  const type = String.fromCharCode(b[i]!);
  const line = b.toString('latin1', i + 1, nl);
  switch (type) {
    case '+':
      return { value: line, end: nl + 2 };
    case '-':
      return { value: new ErrorReply(line), end: nl + 2 };
    case ':':
      return { value: Number(line), end: nl + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: nl + 2 };
      if (b.length < nl + 4 + len) return null;
      return { value: b.toString('latin1', nl + 2, nl + 2 + len), end: nl + 4 + len };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: nl + 2 };
      const items: Reply[] = [];
      let at = nl + 2;
      for (let k = 0; k < n; k++) {
        const r = parseReply(b, at);
        if (!r) return null;
        items.push(r.value);
        at = r.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP type ${type}`);
  }
}

class Client {
  private buf = Buffer.alloc(0);
  private readonly waiting: Array<(r: Reply) => void> = [];
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const r = parseReply(this.buf, 0);
        if (!r) return;
        this.buf = this.buf.subarray(r.end);
        this.waiting.shift()?.(r.value);
      }
    });
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const sock = new Socket();
      sock.once('error', reject);
      sock.connect(port, '127.0.0.1', () => {
        sock.off('error', reject);
        resolve(new Client(sock));
      });
    });
  }

  call(...args: string[]): Promise<Reply> {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.sock.write(Buffer.from(out, 'latin1'));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.sock.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Running the oracle.

const REDIS_VERSION = (() => {
  try {
    return (
      /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'latin1' }))?.[1] ?? 'unknown'
    );
  } catch {
    return undefined;
  }
})();

function requireRedis(): void {
  if (REDIS_VERSION === undefined) {
    throw new Error(
      'redis-server is not on PATH: these tests compare mnemo with Redis 7.0 and need it (apt-get install redis-server)',
    );
  }
  assert.match(REDIS_VERSION, /^7\.0\./, `the oracle must be Redis 7.0.x, found ${REDIS_VERSION}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

interface Oracle {
  proc: ChildProcess;
  client: Client;
  port: number;
  dir: string;
}

/** Start redis-server on a free loopback port inside its own temporary directory. */
async function startRedis(dir: string, args: string[]): Promise<Oracle> {
  requireRedis();
  const port = await freePort();
  const proc = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const client = await Client.connect(port);
      if ((await client.call('PING')) === 'PONG') return { proc, client, port, dir };
      client.close();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopRedis(o: Oracle | undefined): void {
  if (!o) return;
  o.client.close();
  o.proc.kill('SIGKILL');
}

function tempDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'mnemo-config-')));
}

function pairsOf(reply: Reply): Array<[string, string]> {
  assert.ok(Array.isArray(reply), `expected an array, got ${JSON.stringify(reply)}`);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i] as string, reply[i + 1] as string]);
  return out;
}

function mnemoSet(cfg: Config, pairs: ReadonlyArray<readonly [string, string]>): string {
  try {
    cfg.set(pairs);
    return 'OK';
  } catch (err) {
    if (err instanceof ReplyError) return err.message;
    throw err;
  }
}

async function redisSet(o: Oracle, pairs: ReadonlyArray<readonly [string, string]>): Promise<string> {
  const r = await o.client.call('CONFIG', 'SET', ...pairs.flat());
  return r instanceof ErrorReply ? r.message : String(r);
}

const sorted = (xs: ReadonlyArray<[string, string]>) =>
  [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));

/**
 * Parameters whose value on the oracle comes from how the test must run it, not from Redis's
 * defaults: `port` (a free port is chosen), `bind` (the oracle may only listen on 127.0.0.1;
 * the real default "* -::*" would listen on every interface) and `dir` (the working directory).
 */
const ENVIRONMENT_DEPENDENT = new Set(['port', 'bind', 'dir']);

// ---------------------------------------------------------------------------------------------

describe('config against redis-server 7.0', () => {
  let redis: Oracle | undefined;
  let dir = '';

  before(async () => {
    dir = tempDir();
    redis = await startRedis(dir, []);
  });

  after(() => {
    stopRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('knows every parameter CONFIG GET * lists, with the same defaults', async () => {
    const cfg = Config.defaults({ cwd: dir });
    const theirs = new Map(pairsOf(await redis!.client.call('CONFIG', 'GET', '*')));
    const ours = new Map(cfg.getMatching(['*']));
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    assert.equal(ours.size, theirs.size, 'each name once');
    for (const [name, value] of theirs) {
      if (ENVIRONMENT_DEPENDENT.has(name)) continue;
      assert.equal(ours.get(name), value, `default of ${name}`);
    }
    // The environment-dependent ones, checked against what a default Redis would print.
    assert.equal(theirs.get('dir'), dir);
    assert.equal(ours.get('dir'), dir);
    assert.equal(ours.get('port'), '6379');
    // mnemo's deliberate difference: loopback only by default (redis.conf's shipped default),
    // where a redis-server started without a config file binds every interface.
    assert.equal(ours.get('bind'), '127.0.0.1 -::1');
  });

  it('knows the hidden parameters, which only an exact name finds', async () => {
    const cfg = Config.defaults({ cwd: dir });
    const hidden = Config.params().filter((p) => p.hidden);
    assert.ok(hidden.length >= 5);
    for (const p of hidden) {
      const theirs = pairsOf(await redis!.client.call('CONFIG', 'GET', p.name));
      assert.deepEqual(cfg.getMatching([p.name]), theirs, p.name);
      assert.deepEqual(pairsOf(await redis!.client.call('CONFIG', 'GET', `${p.name}*`)), []);
      assert.deepEqual(cfg.getMatching([`${p.name}*`]), []);
    }
  });

  it('has the same mutable, immutable and protected parameters (setting each to its current value)', async () => {
    const cfg = Config.defaults({ cwd: dir });
    const theirs = new Map(pairsOf(await redis!.client.call('CONFIG', 'GET', '*')));
    for (const p of Config.params()) {
      // Re-binding would briefly close the oracle's listener; bind's flags are covered by the table test.
      if (p.name === 'bind') continue;
      for (const name of p.alias === undefined ? [p.name] : [p.name, p.alias]) {
        const value = theirs.get(name) ?? pairsOf(await redis!.client.call('CONFIG', 'GET', name))[0]![1];
        const expected = await redisSet(redis!, [[name, value]]);
        const mine = mnemoSet(cfg, [
          [name, p.name === 'port' || p.name === 'dir' ? cfg.string(name) : value],
        ]);
        assert.equal(mine, expected, `CONFIG SET ${name} ${value}`);
      }
    }
  });

  it('answers CONFIG SET like Redis: results, error texts and normalised values', async () => {
    const cfg = Config.defaults({ cwd: dir });
    type Case = Array<[string, string]>;
    const cases: Case[] = [
      // memory values
      [['maxmemory', '1mb']],
      [['maxmemory', '1GB']],
      [['maxmemory', '1k']],
      [['maxmemory', '3B']],
      [['maxmemory', '']],
      [['maxmemory', 'abc']],
      [['maxmemory', '+5']],
      [['maxmemory', '-1']],
      [['maxmemory', ' 5']],
      [['maxmemory', '5 ']],
      [['maxmemory', '1.5mb']],
      [['maxmemory', '99999999999999999999']],
      [['maxmemory', '18446744073709551615kb']],
      [['maxmemory', '0']],
      [['hash-max-listpack-value', '-1']],
      [['hash-max-ziplist-value', '1kb']],
      [['hash-max-listpack-value', '64']],
      [['proto-max-bulk-len', '99999999999999999999']],
      [['proto-max-bulk-len', '1k']],
      [['proto-max-bulk-len', '1gb']],
      [['proto-max-bulk-len', '512mb']],
      [['client-query-buffer-limit', '2gb']],
      [['client-query-buffer-limit', '1gb']],
      [['repl-backlog-size', '0']],
      [['auto-aof-rewrite-min-size', '1g']],
      [['auto-aof-rewrite-min-size', '64mb']],
      // percent or memory
      [['maxmemory-clients', '101%']],
      [['maxmemory-clients', '50%']],
      [['maxmemory-clients', 'abc']],
      [['maxmemory-clients', '-5%']],
      [['maxmemory-clients', '%']],
      [['maxmemory-clients', '+5%']],
      [['maxmemory-clients', '18446744073709551615']],
      [['maxmemory-clients', '1mb']],
      [['maxmemory-clients', '0']],
      // integers
      [['maxmemory-samples', 'abc']],
      [['maxmemory-samples', '0']],
      [['maxmemory-samples', '+3']],
      [['maxmemory-samples', '03']],
      [['maxmemory-samples', '-0']],
      [['maxmemory-samples', '1k']],
      [['maxmemory-samples', '7']],
      [['maxmemory-samples', '5']],
      [['list-max-listpack-size', '-5']],
      [['list-max-ziplist-size', '2147483648']],
      [['list-max-listpack-size', '-2']],
      [['slowlog-max-len', '-1']],
      [['set-max-intset-entries', '-1']],
      [['maxclients', '-1']],
      [['maxclients', '0']],
      [['slowlog-log-slower-than', '-2']],
      [['slowlog-log-slower-than', '-1']],
      [['slowlog-log-slower-than', '10000']],
      [['hz', '1000']],
      [['hz', '0']],
      [['hz', '10']],
      [['tls-port', '99999']],
      [['active-expire-effort', '11']],
      [['timeout', '9223372036854775808']],
      [['timeout', '99999999999999999999999']],
      [['lua-time-limit', '100']],
      [['busy-reply-threshold', '5000']],
      // yes/no
      [['appendonly', 'maybe']],
      [['activerehashing', 'NO']],
      [['activerehashing', 'Yes']],
      [['activerehashing', '']],
      [['activedefrag', 'yes']],
      // enums
      [['maxmemory-policy', 'foo']],
      [['maxmemory-policy', 'ALLKEYS-LRU']],
      [['maxmemory-policy', 'allkeys-lru volatile-lru']],
      [['maxmemory-policy', 'noeviction']],
      [['loglevel', 'verbose']],
      [['loglevel', 'notice']],
      [['oom-score-adj', 'relative']],
      [['oom-score-adj', 'no']],
      [['shutdown-on-sigint', 'now save']],
      [['shutdown-on-sigint', 'save nosave']],
      [['shutdown-on-sigint', '']],
      [['shutdown-on-sigint', 'default save']],
      [['shutdown-on-sigterm', 'force  now']],
      [['shutdown-on-sigterm', 'force now']],
      [['shutdown-on-sigint', 'default']],
      [['shutdown-on-sigterm', 'default']],
      [['acl-pubsub-default', 'ALLchannels']],
      [['acl-pubsub-default', 'resetchannels']],
      [['appendfsync', 'Always']],
      [['appendfsync', 'everysec']],
      [['repl-diskless-load', 'swapdb']],
      [['repl-diskless-load', 'disabled']],
      [['sanitize-dump-payload', 'clients']],
      [['sanitize-dump-payload', 'no']],
      [['cluster-preferred-endpoint-type', 'x']],
      // immutable and protected
      [['daemonize', 'no']],
      [['unixsocketperm', '777']],
      [['dir', '/tmp']],
      [['dbfilename', 'x.rdb']],
      [['replicaof', 'no one']],
      [['slaveof', '127.0.0.1 1']],
      [['databases', '1']],
      [['io-threads', '2']],
      // special parameters
      [['save', '10 1  20 2']],
      [['save', '10']],
      [['save', '0 1']],
      [['save', ' 10 1']],
      [['save', 'abc 1']],
      [['save', '+10 -0']],
      [['save', '10 4294967297']],
      [['save', '3600 1 300 100 60 10000']],
      [['save', '']],
      [['client-output-buffer-limit', 'normal 1mb 2k 3']],
      [['client-output-buffer-limit', 'master 1 1 1']],
      [['client-output-buffer-limit', 'normal 1 1']],
      [['client-output-buffer-limit', 'normal 1 1 -1']],
      [['client-output-buffer-limit', 'normal x 0 0']],
      [['client-output-buffer-limit', 'normal 0 0 0 REPLICA 1 1 1']],
      [['client-output-buffer-limit', 'pubsub 1 1 4294967297']],
      [['client-output-buffer-limit', '']],
      [['client-output-buffer-limit', 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60']],
      [['oom-score-adj-values', '1 2']],
      [['oom-score-adj-values', '1 2 3000']],
      [['oom-score-adj-values', '1 2 3 ']],
      [['oom-score-adj-values', ' 1 +2 -0']],
      [['oom-score-adj-values', '0 200 800']],
      [['notify-keyspace-events', 'KA']],
      [['notify-keyspace-events', 'Egx$lshzetdnm']],
      [['notify-keyspace-events', 'q']],
      [['notify-keyspace-events', 'KEA']],
      [['notify-keyspace-events', 'gKn']],
      [['notify-keyspace-events', '']],
      [['latency-tracking-info-percentiles', '99.9 1e1 0x10 +5 100.0']],
      [['latency-tracking-info-percentiles', '101']],
      [['latency-tracking-info-percentiles', 'abc']],
      [['latency-tracking-info-percentiles', '']],
      [['latency-tracking-info-percentiles', '0.0078125 -0']],
      [['latency-tracking-info-percentiles', '1e-400']],
      [['latency-tracking-info-percentiles', '1e400']],
      [['latency-tracking-info-percentiles', 'inf']],
      [['latency-tracking-info-percentiles', 'nan']],
      [['latency-tracking-info-percentiles', '0x1.8p3 5.']],
      [['latency-tracking-info-percentiles', ' 5']],
      [['latency-tracking-info-percentiles', '50 99 99.9']],
      // strings
      [['proc-title-template', '{title}']],
      [['proc-title-template', '{foo}']],
      [['proc-title-template', '{title} {listen-addr}']],
      [['proc-title-template', '{{x} {port}']],
      [['proc-title-template', '{title} {listen-addr} {server-mode}']],
      [['cluster-announce-hostname', 'a_b']],
      [['cluster-announce-hostname', 'a-b.c']],
      [['cluster-announce-hostname', '']],
      [['bind-source-addr', '1.2.3.4']],
      [['bind-source-addr', '']],
      [['replica-announce-ip', 'x y']],
      [['slave-announce-ip', '']],
      [['masteruser', 'u']],
      [['masteruser', '']],
      [['ignore-warnings', 'ARM64-COW-BUG']],
      [['ignore-warnings', '']],
      // several pairs: all or nothing, first error wins, duplicates
      [['MAXMEMORY', '2mb']],
      [
        ['maxmemory', '1'],
        ['maxmemory', '2'],
      ],
      [
        ['maxmemory', '1'],
        ['MAXMEMORY', '2'],
      ],
      [
        ['slave-priority', '1'],
        ['replica-priority', '2'],
      ],
      [
        ['slave-priority', '1'],
        ['SLAVE-PRIORITY', '2'],
      ],
      [['SLAVE-PRIORITY', 'abc']],
      [['replica-priority', '100']],
      [['foo', 'bar']],
      [
        ['maxmemory', '1'],
        ['foo', 'bar'],
      ],
      [
        ['foo', 'bar'],
        ['daemonize', 'yes'],
      ],
      [
        ['daemonize', 'yes'],
        ['foo', 'bar'],
      ],
      [
        ['maxmemory', 'abc'],
        ['foo', 'bar'],
      ],
      [
        ['maxmemory', 'abc'],
        ['daemonize', 'yes'],
      ],
      [
        ['maxmemory', '5'],
        ['maxmemory-samples', 'abc'],
      ],
      [
        ['maxmemory', '3mb'],
        ['maxmemory-policy', 'allkeys-lfu'],
        ['hz', '20'],
      ],
      [
        ['maxmemory', '0'],
        ['maxmemory-policy', 'noeviction'],
        ['hz', '10'],
      ],
      [
        ['client-output-buffer-limit', 'normal 1 2 3'],
        ['client-output-buffer-limit', 'pubsub 4 5 6'],
      ],
      [
        ['client-output-buffer-limit', 'normal 0 0 0 pubsub 32mb 8mb 60'],
        ['save', '3600 1 300 100 60 10000'],
      ],
    ];
    for (const pairs of cases) {
      const label = `CONFIG SET ${pairs.map(([n, v]) => `${n} ${JSON.stringify(v)}`).join(' ')}`;
      assert.equal(mnemoSet(cfg, pairs), await redisSet(redis!, pairs), label);
      for (const [name] of pairs) {
        const theirs = pairsOf(await redis!.client.call('CONFIG', 'GET', name));
        assert.deepEqual(cfg.getMatching([name]), theirs, `${label}, then CONFIG GET ${name}`);
      }
    }
  });

  it('matches CONFIG GET patterns like Redis', async () => {
    const cfg = Config.defaults({ cwd: dir });
    const patternSets = [
      ['*'],
      ['maxmemory*'],
      ['MAXMEMORY*'],
      ['slave*', 'replica-*'],
      ['maxmemory', 'MAXMEMORY', 'maxmem*'],
      ['*max*entries*'],
      ['[ab]*'],
      ['?z*'],
      ['nonexistent'],
      ['hash-max-ziplist-entries'],
      ['Hash-Max-Ziplist-Entries', 'hash-max-*'],
      ['*', '*'],
    ];
    for (const patterns of patternSets) {
      const theirs = pairsOf(await redis!.client.call('CONFIG', 'GET', ...patterns)).filter(
        ([n]) => !ENVIRONMENT_DEPENDENT.has(n),
      );
      const ours = cfg.getMatching(patterns).filter(([n]) => !ENVIRONMENT_DEPENDENT.has(n));
      assert.deepEqual(sorted(ours), sorted(theirs), `CONFIG GET ${patterns.join(' ')}`);
    }
  });
});

describe('protected parameters against redis-server 7.0', () => {
  let redis: Oracle | undefined;
  let dir = '';
  after(() => {
    stopRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets dir and dbfilename like Redis once enable-protected-configs is yes', async () => {
    dir = tempDir();
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    redis = await startRedis(sub, ['--enable-protected-configs', 'yes']);
    const cfg = loadConfig(['--enable-protected-configs', 'yes'], () => '', {
      cwd: sub,
      validators: { dir: (d) => (existsSync(d) ? undefined : 'No such file or directory') },
    }).config;
    const cases: Array<Array<[string, string]>> = [
      [['dir', '..']],
      [['dir', '']],
      [['dir', '/nonexistent-mnemo-dir']],
      [['dir', 'sub']],
      [['dbfilename', 'a\\b']],
      [['dbfilename', 'a/b']],
      [
        ['dir', '..'],
        ['dbfilename', 'x.rdb'],
      ],
      [
        ['dir', 'sub'],
        ['dbfilename', 'dump.rdb'],
      ],
    ];
    for (const pairs of cases) {
      const label = `CONFIG SET ${pairs.flat().join(' ')}`;
      assert.equal(mnemoSet(cfg, pairs), await redisSet(redis, pairs), label);
      for (const name of ['dir', 'dbfilename']) {
        assert.deepEqual(
          cfg.getMatching([name]),
          pairsOf(await redis.client.call('CONFIG', 'GET', name)),
          label,
        );
      }
    }
  });
});

describe('CONFIG REWRITE against redis-server 7.0', () => {
  let redis: Oracle | undefined;
  let dir = '';
  after(() => {
    stopRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rewrites a config file as Redis does, round after round', async () => {
    dir = tempDir();
    const file = join(dir, 'redis.conf');
    writeFileSync(
      file,
      [
        '# mnemo rewrite test',
        '',
        '',
        '   save 900 1',
        'save 300 10',
        '',
        'slave-priority 50',
        'maxmemory 100mb',
        'hash-max-ziplist-entries 100',
        'rename-command FLUSHALL ""',
        '  # indented comment',
        'appendonly no',
        'notify-keyspace-events Ex',
        'masterauth secret',
        'client-output-buffer-limit pubsub 1mb 1mb 1',
        'client-output-buffer-limit normal 0 0 0',
        'hz 15',
        'hz 16',
        'latency-tracking-info-percentiles 50',
        'list-max-ziplist-entries 5',
        '',
      ].join('\n'),
    );
    const extra = ['--save', '60 5', '--client-output-buffer-limit', 'replica 1mb 1mb 1', '--hz', '600'];
    redis = await startRedis(dir, [file, ...extra]);
    const argv = [file, ...extra, '--port', String(redis.port), '--bind', '127.0.0.1'];
    const cfg = loadConfig(argv, (p) => readFileSync(p, 'latin1'), { cwd: dir }).config;
    // The loaded state first: file then command line, repeated save lines, aliases, hz clamping.
    const loaded = pairsOf(await redis.client.call('CONFIG', 'GET', '*'));
    assert.deepEqual(sorted(cfg.getMatching(['*'])), sorted(loaded));
    assert.equal(cfg.get('hz'), '500');
    assert.equal(cfg.get('save'), '900 1 300 10 60 5');
    const users = ['default on nopass ~* &* +@all'];

    const rounds: Array<Array<[string, string]>> = [
      [
        ['maxmemory', '2gb'],
        ['hz', '20'],
        ['masterauth', ''],
        ['client-output-buffer-limit', 'pubsub 1mb 2mb 3'],
        ['notify-keyspace-events', ''],
        ['latency-tracking-info-percentiles', '99.99 50'],
        ['replica-announce-ip', 'a"b c\\\x01'],
        ['save', '10 1 20 2'],
        ['maxmemory-clients', '10%'],
        ['shutdown-on-sigterm', 'now force'],
        ['slowlog-log-slower-than', '-1'],
        ['repl-backlog-size', '3000'],
      ],
      [
        ['hz', '10'],
        ['save', ''],
        ['masterauth', 'x'],
        ['client-output-buffer-limit', 'replica 1gb 0 0'],
        ['maxmemory-clients', '0'],
        ['active-defrag-ignore-bytes', '1025kb'],
        ['latency-tracking-info-percentiles', ''],
        ['proc-title-template', '{title} {port}'],
      ],
      [
        ['save', '3600 1 300 100 60 10000'],
        ['client-output-buffer-limit', 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60'],
        ['notify-keyspace-events', 'KEA'],
        ['maxmemory', '0'],
        ['replica-announce-ip', ''],
      ],
    ];
    for (const [round, pairs] of rounds.entries()) {
      assert.equal(mnemoSet(cfg, pairs), 'OK');
      assert.equal(await redisSet(redis, pairs), 'OK');
      // Lines Redis cannot read become comments; a marker ends the old text so the appended
      // tail (in Redis's hash order) can be compared as a set.
      if (round === 0) appendFileSync(file, 'unknown-directive foo\nmaxmemory "unbalanced\n');
      appendFileSync(file, `# end of round ${round} input\n`);
      const before = readFileSync(file, 'latin1');
      const mine = cfg.rewrite(file, before, { users });
      assert.equal(await redis.client.call('CONFIG', 'REWRITE'), 'OK');
      const theirs = readFileSync(file, 'latin1');
      const marker = `# end of round ${round} input`;
      const split = (text: string) => {
        const lines = text.split('\n');
        const at = lines.indexOf(marker);
        assert.ok(at >= 0, 'the marker line survives');
        return { head: lines.slice(0, at + 1), tail: lines.slice(at + 1).sort() };
      };
      const a = split(mine);
      const b = split(theirs);
      assert.deepEqual(
        a.head,
        b.head,
        `round ${round}: rewritten lines in place\n--- mnemo\n${mine}\n--- redis\n${theirs}`,
      );
      assert.deepEqual(
        a.tail,
        b.tail,
        `round ${round}: appended lines\n--- mnemo\n${mine}\n--- redis\n${theirs}`,
      );
    }
  });
});

describe('fatal start-up errors against redis-server 7.0', () => {
  let dir = '';
  before(() => {
    requireRedis();
    dir = tempDir();
    writeFileSync(join(dir, 'bad-value.conf'), 'port 1234\nmaxmemory abc\n');
    writeFileSync(join(dir, 'unbalanced.conf'), 'port 1234\nfoo "bar\n');
    writeFileSync(join(dir, 'include-missing.conf'), '# top\ninclude missing.conf\n');
    writeFileSync(join(dir, 'included-bad.conf'), 'hz 5\n\nsave 1\n');
    writeFileSync(join(dir, 'include-bad.conf'), `port 1\ninclude ${join(dir, 'included-bad.conf')}\n`);
    writeFileSync(join(dir, 'ok.conf'), 'hz 5\n');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What redis-server prints on stderr for arguments that must not start it. */
  function redisFatal(args: string[]): string {
    const r = spawnSync('redis-server', args, {
      cwd: dir,
      timeout: 5000,
      killSignal: 'SIGKILL',
      encoding: 'latin1',
    });
    assert.equal(r.status, 1, `redis-server ${args.join(' ')} must fail; stderr: ${r.stderr}`);
    const block = r.stderr.trim();
    if (block.startsWith('***')) return block.replace(`(Redis ${REDIS_VERSION})`, `(mnemo ${MNEMO_VERSION})`);
    // Errors before parsing go to the log: "pid:C date # Fatal error, ..."
    const log = `${r.stdout}${r.stderr}`.trim();
    return log.slice(log.indexOf('# ') + 2);
  }

  function mnemoFatal(args: string[]): string {
    try {
      loadConfig(args, (p) => readFileSync(p, 'latin1'), {
        cwd: dir,
        validators: { dir: (d) => (existsSync(d) ? undefined : 'No such file or directory') },
      });
    } catch (err) {
      if (err instanceof ConfigLoadError) return err.message;
      throw err;
    }
    return 'started';
  }

  // Each case runs after "--port 0 --bind 127.0.0.1" so that a case that wrongly succeeded
  // would not open a socket, and a config file (when any) stays the first argument.
  const safe = ['--port', '0', '--bind', '127.0.0.1'];
  const cases: Array<{ file?: string; args: string[] }> = [
    { args: ['--port', '1234', '--foo', 'bar'] },
    { args: ['--port', '1234', '--maxmemory'] },
    { args: ['--port', '1234', '--daemonize', 'yes', 'no'] },
    { args: ['--save', '--maxmemory', 'abc'] },
    { args: ['--maxmemory', '--foo'] },
    { args: ['--hz', 'abc'] },
    { args: ['--hz'] },
    { args: ['--port 1234 5'] },
    { args: ['--maxmemory-policy', 'bogus'] },
    { args: ['--save', '10'] },
    { args: ['--save', '10 1', '--save', 'x'] },
    { args: ['--client-output-buffer-limit', 'normal 1 1'] },
    { args: ['--replicaof', 'host', 'port'] },
    { args: ['--replicaof', 'host'] },
    { args: ['--bind', ...Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`)] },
    { args: ['--list-max-ziplist-entries', '1', '--foo'] },
    { args: ['--appendfilename', 'a/b'] },
    { args: ['--appenddirname', ''] },
    { args: ['--cluster-enabled', 'yes', '--replicaof', '127.0.0.1', '6379'] },
    { args: ['--shutdown-on-sigint', 'save', 'nosave'] },
    { args: ['--unixsocketperm', '800'] },
    { args: ['--unixsocketperm', '1000'] },
    { args: ['--maxmemory-clients', '200%'] },
    { args: ['--latency-tracking-info-percentiles', 'a'] },
    { args: ['--enable-protected-configs', 'maybe'] },
    { args: ['--notify-keyspace-events', 'q'] },
    { args: ['--oom-score-adj-values', '1 2'] },
    { args: ['--proc-title-template', '{x}'] },
    { args: ['--dir', '/nonexistent-mnemo-dir'] },
    { args: ['--dir', ''] },
    { args: ['--databases', '0'] },
    { args: ['--sentinel-foo', 'x'] },
    { args: ['--x.y'] },
    { file: 'bad-value.conf', args: [] },
    { file: 'unbalanced.conf', args: ['--port', '1'] },
    { file: 'include-missing.conf', args: [] },
    { file: 'include-bad.conf', args: [] },
    { file: 'ok.conf', args: ['--hz', 'x'] },
    { file: 'missing.conf', args: [] },
  ];
  for (const c of cases) {
    it(`redis-server ${c.file ?? ''} ${c.args.join(' ')}`, () => {
      const args = c.file === undefined ? [...safe, ...c.args] : [c.file, ...safe, ...c.args];
      assert.equal(mnemoFatal(args), redisFatal(args));
    });
  }
});
