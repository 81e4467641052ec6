/**
 * Real clients against a live mnemo server: ioredis, node-redis v5 (RESP2 and RESP3) and the
 * redis-cli binary (plain commands, INFO, HELLO 3, --pipe mass insertion), plus what a person
 * with nc would do: an inline command, a thousand commands in one write, and a protocol error
 * that must close that one connection and nothing else. Each test does real work through the
 * client's own API and checks the results, so a reply the client cannot parse or maps wrongly
 * fails here even when the raw bytes looked plausible.
 */

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
// The named export: under NodeNext the default import of this CommonJS package is its namespace.
import { Redis, type RedisOptions } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { type MnemoInProcess, spawnMnemo, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';

const run = promisify(execFile);

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** redis-cli with its output; stdout is a pipe, so replies print in raw form. */
async function cli(port: number, args: string[], input?: string, exitCode = 0): Promise<string> {
  const fullArgs = ['-h', '127.0.0.1', '-p', String(port), ...args];
  if (input === undefined) {
    const { stdout } = await run('redis-cli', fullArgs, { timeout: 15_000, encoding: 'latin1' });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', fullArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === exitCode) resolve(out);
      else reject(new Error(`redis-cli ${fullArgs.join(' ')} exited with ${code}:\n${out}`));
    });
    child.stdin.end(input, 'latin1');
  });
}

function encode(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

describe('real clients against mnemo', { timeout: 300_000 }, () => {
  let mnemo: MnemoInProcess;
  let port: number;
  const closers: Array<() => Promise<unknown> | unknown> = [];

  before(async () => {
    mnemo = await startMnemo();
    port = mnemo.port;
  });

  after(async () => {
    try {
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch {
          // already closed by the test
        }
      }
    } finally {
      await mnemo?.stop();
    }
  });

  function ioredis(options: RedisOptions = {}): Redis {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...options,
    });
    closers.push(() => client.disconnect());
    return client;
  }

  describe('ioredis', () => {
    test('strings, counters and expiry', async () => {
      const r = ioredis();
      await r.connect();
      assert.equal(await r.set('io:s', 'hello'), 'OK');
      assert.equal(await r.get('io:s'), 'hello');
      assert.equal(await r.get('io:missing'), null);
      assert.equal(await r.append('io:s', ' world'), 11);
      assert.equal(await r.getrange('io:s', 0, 4), 'hello');
      assert.equal(await r.strlen('io:s'), 11);
      assert.equal(await r.incr('io:n'), 1);
      assert.equal(await r.incrby('io:n', 41), 42);
      assert.equal(await r.decr('io:n'), 41);
      assert.equal(await r.incrbyfloat('io:f', '2.5'), '2.5');
      assert.deepEqual(await r.mget('io:s', 'io:n', 'io:missing'), ['hello world', '41', null]);
      assert.equal(await r.set('io:nx', 'a', 'NX'), 'OK');
      assert.equal(await r.set('io:nx', 'b', 'NX'), null);
      assert.equal(await r.set('io:e', 'v', 'EX', 100), 'OK');
      const ttl = await r.ttl('io:e');
      assert.ok(ttl === 100 || ttl === 99, `ttl ${ttl}`);
      assert.equal(await r.expire('io:s', 50), 1);
      assert.ok((await r.pttl('io:s')) > 49_000);
      assert.equal(await r.persist('io:s'), 1);
      assert.equal(await r.ttl('io:s'), -1);
      assert.equal(await r.ttl('io:missing'), -2);
      await r.set('io:short', 'v', 'PX', 30);
      await new Promise((res) => setTimeout(res, 80));
      assert.equal(await r.get('io:short'), null);
      assert.equal(await r.exists('io:s', 'io:n', 'io:missing'), 2);
      assert.equal(await r.type('io:s'), 'string');
      assert.equal(await r.del('io:s', 'io:n', 'io:missing'), 2);
      assert.equal(await r.getdel('io:f'), '2.5');
      r.disconnect();
    });

    test('lists and sets', async () => {
      const r = ioredis();
      await r.connect();
      assert.equal(await r.rpush('io:l', 'a', 'b', 'c'), 3);
      assert.equal(await r.lpush('io:l', 'z'), 4);
      assert.deepEqual(await r.lrange('io:l', 0, -1), ['z', 'a', 'b', 'c']);
      assert.equal(await r.llen('io:l'), 4);
      assert.equal(await r.lindex('io:l', -1), 'c');
      assert.equal(await r.lpop('io:l'), 'z');
      assert.deepEqual(await r.rpop('io:l', 2), ['c', 'b']);
      assert.equal(await r.lpushx('io:nolist', 'x'), 0);
      assert.equal(await r.sadd('io:set', 'x', 'y', 'z', 'x'), 3);
      assert.deepEqual((await r.smembers('io:set')).sort(), ['x', 'y', 'z']);
      assert.equal(await r.sismember('io:set', 'y'), 1);
      assert.deepEqual(await r.smismember('io:set', 'x', 'nope'), [1, 0]);
      assert.equal(await r.srem('io:set', 'x', 'nope'), 1);
      assert.equal(await r.scard('io:set'), 2);
      assert.equal(await r.object('ENCODING', 'io:set'), 'hashtable');
      assert.equal(await r.type('io:l'), 'list');
      r.disconnect();
    });

    test('a pipeline of many commands', async () => {
      const r = ioredis();
      await r.connect();
      const p = r.pipeline();
      for (let i = 0; i < 500; i++) p.set(`io:p:${i}`, String(i));
      for (let i = 0; i < 500; i++) p.incr(`io:p:${i}`);
      p.get('io:p:499');
      p.incr('io:p:notanint').set('io:p:notanint', 'x').incr('io:p:notanint');
      const results = await p.exec();
      assert.ok(results !== null);
      assert.equal(results.length, 1004);
      for (let i = 0; i < 500; i++) assert.deepEqual(results[i], [null, 'OK']);
      for (let i = 0; i < 500; i++) assert.deepEqual(results[500 + i], [null, i + 1]);
      assert.deepEqual(results[1000], [null, '500']);
      assert.deepEqual(results[1001], [null, 1]);
      const [err] = results[1003]!;
      assert.ok(err instanceof Error);
      assert.equal(err.message, 'ERR value is not an integer or out of range');
      const keys = await r.keys('io:p:*');
      assert.equal(keys.length, 501);
      r.disconnect();
    });

    test('binary values and keys as Buffers', async () => {
      const r = ioredis();
      await r.connect();
      const key = Buffer.from([0, 0xff, 13, 10, 0x80]);
      assert.equal(await r.set(key, ALL_BYTES), 'OK');
      const back = await r.getBuffer(key);
      assert.ok(back?.equals(ALL_BYTES));
      assert.equal(await r.strlen(key), 256);
      const slice = await r.getrangeBuffer(key, 10, 14);
      assert.ok(slice.equals(ALL_BYTES.subarray(10, 15)));
      await r.rpush('io:bl', Buffer.from('\r\n'), Buffer.alloc(0), ALL_BYTES);
      const items = await r.lrangeBuffer('io:bl', 0, -1);
      assert.deepEqual(
        items.map((b) => b.toString('hex')),
        ['0d0a', '', ALL_BYTES.toString('hex')],
      );
      const keys = await r.keysBuffer('*');
      assert.ok(keys.some((k) => k.equals(key)));
      r.disconnect();
    });

    test('error replies reject with the server message, the connection keeps working', async () => {
      const r = ioredis();
      await r.connect();
      await r.set('io:str', 'abc');
      await r.rpush('io:list', 'x');
      await assert.rejects(r.incr('io:str'), { message: 'ERR value is not an integer or out of range' });
      await assert.rejects(r.lpush('io:str', 'x'), {
        message: 'WRONGTYPE Operation against a key holding the wrong kind of value',
      });
      await assert.rejects(r.get('io:list'), /^ReplyError: WRONGTYPE|WRONGTYPE/);
      await assert.rejects(r.call('NOSUCHCMD', 'a'), {
        message: "ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' ",
      });
      await assert.rejects(r.call('GET'), { message: "ERR wrong number of arguments for 'get' command" });
      await assert.rejects(r.set('io:str', 'v', 'EX', 0), {
        message: "ERR invalid expire time in 'set' command",
      });
      assert.equal(await r.ping(), 'PONG');
      r.disconnect();
    });

    test('connection name and database selection', async () => {
      const a = ioredis({ connectionName: 'io-named', db: 3 });
      await a.connect();
      assert.equal(await a.client('GETNAME'), 'io-named');
      await a.set('io:db', 'three');
      const b = ioredis();
      await b.connect();
      assert.equal(await b.get('io:db'), null);
      assert.equal(await b.select(3), 'OK');
      assert.equal(await b.get('io:db'), 'three');
      assert.equal(await b.client('SETNAME', 'other'), 'OK');
      assert.equal(await b.client('GETNAME'), 'other');
      assert.equal(await b.echo('hi'), 'hi');
      a.disconnect();
      b.disconnect();
    });
  });

  for (const RESP of [2, 3] as const) {
    test(`node-redis v5, RESP${RESP}`, async () => {
      const client = createClient({
        socket: { host: '127.0.0.1', port, reconnectStrategy: false },
        RESP,
        name: `nr-${RESP}`,
        database: RESP === 2 ? 1 : 4,
      });
      const errors: Error[] = [];
      client.on('error', (e: Error) => errors.push(e));
      closers.push(() => (client.isOpen ? client.destroy() : undefined));
      await client.connect();
      assert.equal(await client.flushDb(), 'OK');
      const k = (s: string) => `nr${RESP}:${s}`;
      assert.equal(await client.clientGetName(), `nr-${RESP}`);
      assert.equal(await client.set(k('s'), 'v1'), 'OK');
      assert.equal(await client.get(k('s')), 'v1');
      assert.equal(await client.get(k('missing')), null);
      assert.equal(await client.set(k('s'), 'v2', { GET: true }), 'v1');
      assert.equal(await client.incr(k('n')), 1);
      assert.equal(await client.incrBy(k('n'), 9), 10);
      assert.equal(await client.expire(k('n'), 100), 1);
      const ttl = await client.ttl(k('n'));
      assert.ok(ttl === 100 || ttl === 99, `ttl ${ttl}`);
      assert.equal(await client.expireTime(k('s')), -1);
      assert.equal(await client.pExpireAt(k('s'), 4102444800123), 1);
      assert.equal(await client.pExpireTime(k('s')), 4102444800123);
      assert.equal(await client.rPush(k('l'), ['a', 'b', 'c']), 3);
      assert.deepEqual(await client.lRange(k('l'), 0, -1), ['a', 'b', 'c']);
      assert.deepEqual(await client.lPopCount(k('l'), 2), ['a', 'b']);
      assert.equal(await client.lPopCount(k('nolist'), 2), null);
      assert.equal(await client.sAdd(k('set'), ['1', '2', '3']), 3);
      assert.deepEqual([...(await client.sMembers(k('set')))].sort(), ['1', '2', '3']);
      assert.equal(await client.sIsMember(k('set'), '2'), 1);
      assert.equal(await client.dbSize(), 4);
      // Issued in one tick: node-redis pipelines them on the socket.
      const many = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => client.set(k(`p${i}`), String(i))),
      );
      assert.equal(many.length, 1000);
      assert.ok(many.every((x) => x === 'OK'));
      const values = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.get(k(`p${i}`))));
      assert.deepEqual(
        values,
        Array.from({ length: 1000 }, (_, i) => String(i)),
      );
      // Binary: a Buffer in, a Buffer out.
      const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      assert.equal(await client.set(k('bin'), ALL_BYTES), 'OK');
      const back = await bin.get(k('bin'));
      assert.ok(Buffer.isBuffer(back) && back.equals(ALL_BYTES));
      // Errors reject and leave the connection usable.
      await assert.rejects(client.incr(k('s')), /ERR value is not an integer or out of range/);
      await assert.rejects(client.lPush(k('s'), 'x'), /WRONGTYPE/);
      await assert.rejects(client.sendCommand(['NOSUCHCMD']), /ERR unknown command 'NOSUCHCMD'/);
      assert.equal(await client.ping(), 'PONG');
      if (RESP === 3) {
        const hello = (await client.sendCommand(['HELLO', '3'])) as Record<string, unknown> | unknown[];
        const proto = Array.isArray(hello) ? hello[hello.indexOf('proto') + 1] : hello.proto;
        assert.equal(proto, 3);
      }
      await client.close();
      assert.deepEqual(errors, []);
    });
  }

  describe('redis-cli', () => {
    test('commands, errors, INFO and HELLO 3', async () => {
      assert.equal(await cli(port, ['PING']), 'PONG\n');
      assert.equal(await cli(port, ['SET', 'cli:k', 'hello world']), 'OK\n');
      assert.equal(await cli(port, ['GET', 'cli:k']), 'hello world\n');
      assert.equal(await cli(port, ['INCR', 'cli:n']), '1\n');
      assert.equal(await cli(port, ['RPUSH', 'cli:l', 'a', 'b']), '2\n');
      assert.equal(await cli(port, ['LRANGE', 'cli:l', '0', '-1']), 'a\nb\n');
      assert.equal(await cli(port, ['-n', '2', 'SET', 'cli:db2', 'x']), 'OK\n');
      assert.equal(await cli(port, ['-n', '2', 'DBSIZE']), '1\n');
      // redis-cli's raw mode ends an error with an empty line (as it does against Redis).
      const err = await cli(port, ['INCR', 'cli:k']);
      assert.equal(err, 'ERR value is not an integer or out of range\n\n');
      const info = await cli(port, ['INFO']);
      assert.match(info, /^# Server\r\n/);
      assert.match(info, /\r\nredis_version:7\.0\.15\r\n/);
      assert.match(info, new RegExp(`\\r\\ntcp_port:${port}\\r\\n`));
      assert.match(info, /\r\n# Keyspace\r\ndb0:keys=\d+,expires=\d+,avg_ttl=\d+\r\n/);
      const keyspace = await cli(port, ['INFO', 'keyspace']);
      assert.match(keyspace, /db2:keys=1,expires=0,avg_ttl=0/);
      // Raw mode prints a map as one "key value" line per entry.
      const hello = (await cli(port, ['-3', 'HELLO', '3'])).split('\n');
      const field = (name: string) => hello.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1);
      assert.equal(field('server'), 'redis');
      assert.equal(field('version'), '7.0.15');
      assert.equal(field('proto'), '3');
      assert.equal(field('mode'), 'standalone');
      assert.equal(field('role'), 'master');
      // RESP3 types through redis-cli's human formatter.
      const pretty = await cli(port, ['-3', '--no-raw', 'SMEMBERS', 'cli:none']);
      assert.equal(pretty, '(empty set)\n');
      const nil = await cli(port, ['-3', '--no-raw', 'GET', 'cli:none']);
      assert.equal(nil, '(nil)\n');
    });

    test('--pipe mass insertion of 5000 commands', async () => {
      let input = '';
      for (let i = 0; i < 4000; i++) input += encode(['SET', `mass:${i}`, `value-${i}`]);
      for (let i = 0; i < 999; i++) input += encode(['RPUSH', 'mass:list', String(i)]);
      input += encode(['INCR', 'mass:0']); // an error reply, counted by redis-cli
      // redis-cli exits 1 when any reply was an error.
      const out = await cli(port, ['-n', '7', '--pipe'], input, 1);
      assert.match(out, /All data transferred/);
      assert.match(out, /errors: 1, replies: 5000/);
      assert.equal(await cli(port, ['-n', '7', 'DBSIZE']), '4001\n');
      assert.equal(await cli(port, ['-n', '7', 'GET', 'mass:3999']), 'value-3999\n');
      assert.equal(await cli(port, ['-n', '7', 'LLEN', 'mass:list']), '999\n');
    });
  });

  describe('raw sockets', () => {
    test('an inline command typed as over nc', async () => {
      const c = await RawClient.connect(port);
      c.write('SET nc:a b\r\n');
      assert.deepEqual(
        (await c.read(1)).map((b) => b.toString()),
        ['+OK\r\n'],
      );
      c.write('GET nc:a\r\n');
      assert.deepEqual(
        (await c.read(1)).map((b) => b.toString()),
        ['$1\r\nb\r\n'],
      );
      c.write('EXISTS nc:a nc:b\n');
      assert.deepEqual(
        (await c.read(1)).map((b) => b.toString()),
        [':1\r\n'],
      );
      await c.close();
    });

    test('1000 commands in one write get 1000 replies in order', async () => {
      const c = await RawClient.connect(port);
      const argvs: string[][] = [];
      for (let i = 0; i < 500; i++) argvs.push(['SET', `pipe:${i}`, String(i)]);
      for (let i = 0; i < 500; i++) argvs.push(['GET', `pipe:${i}`]);
      const replies = await c.send(argvs);
      assert.equal(replies.length, 1000);
      for (let i = 0; i < 500; i++) assert.equal(replies[i]!.toString(), '+OK\r\n');
      for (let i = 0; i < 500; i++) {
        const v = String(i);
        assert.equal(replies[500 + i]!.toString(), `$${v.length}\r\n${v}\r\n`);
      }
      await c.close();
    });

    test('a protocol error closes only its own connection', async () => {
      const bystander = await RawClient.connect(port);
      assert.equal((await bystander.command('SET', 'pe:k', 'v')).toString(), '+OK\r\n');
      const bad = await RawClient.connect(port);
      assert.equal((await bad.command('PING')).toString(), '+PONG\r\n');
      bad.write('*1\r\n$-5\r\n');
      const { bytes, closed } = await bad.drain(2000);
      assert.equal(bytes.toString(), '-ERR Protocol error: invalid bulk length\r\n');
      assert.equal(closed, true);
      assert.equal((await bystander.command('GET', 'pe:k')).toString(), '$1\r\nv\r\n');
      const fresh = await RawClient.connect(port);
      assert.equal((await fresh.command('PING')).toString(), '+PONG\r\n');
      await Promise.all([bystander.close(), fresh.close()]);
    });
  });

  test('mnemo-server as a child process serves redis-cli and exits on SIGTERM', async () => {
    const child = await spawnMnemo();
    closers.push(() => child.stop());
    assert.equal(await cli(child.port, ['SET', 'proc:k', 'v']), 'OK\n');
    assert.equal(await cli(child.port, ['GET', 'proc:k']), 'v\n');
    await child.stop('SIGTERM');
    assert.match(child.output(), /shutting down/);
  });
});
