/**
 * Client-side caching (CLIENT TRACKING, Redis 7.0's tracking.c) against a real redis-server,
 * byte for byte: each scenario is a script of commands on named connections, run on both
 * servers, and the transcripts (every byte each connection received after each step) must be
 * equal. Covered: RESP3 default mode (own and foreign changes, MULTI/EXEC, pipelines, CLIENT
 * REPLY OFF, databases, FLUSHALL/FLUSHDB, SWAPDB), RESP2 with REDIRECT to a subscribed
 * connection (any subscription), RESP3 redirect targets, broken redirects, BCAST with prefixes
 * and NOLOOP (one batched message per prefix and event-loop turn), OPTIN/OPTOUT with CLIENT
 * CACHING and when its flag lapses, NOLOOP, active and lazy expiry, RESET, every error text,
 * CLIENT TRACKINGINFO / GETREDIR / HELP, CLIENT INFO flags and redir, and the INFO counters.
 * tracking-table-max-keys is compared by counts (Redis evicts random keys). Last, node-redis's
 * own client-side cache (RESP3) and an ioredis RESP2 REDIRECT subscriber run against both.
 */

import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BasicClientSideCache, createClient } from 'redis';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { encodeCommand } from './helpers/resp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Quiet time after the last byte before a step counts as complete. */
const IDLE_MS = 30;

/** A socket that keeps every byte it receives, with the time of the last arrival. */
class Conn {
  private chunks: Buffer[] = [];
  received = 0;
  lastData = 0;
  id = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
      this.lastData = Date.now();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = new Socket();
      s.setNoDelay(true);
      s.once('error', reject);
      s.connect(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve(new Conn(s));
      });
    });
  }

  take(): Buffer {
    const b = Buffer.concat(this.chunks);
    this.chunks = [];
    return b;
  }

  /** Sends a command and returns its whole reply text (a single-frame reply, for setup). */
  async ask(argv: string[]): Promise<string> {
    const before = this.received;
    this.socket.write(encodeCommand(argv));
    const deadline = Date.now() + 5000;
    for (;;) {
      const text = Buffer.concat(this.chunks).toString('latin1');
      if (this.received > before && text.endsWith('\r\n') && completeFrame(text)) {
        this.chunks = [];
        return text;
      }
      if (Date.now() > deadline) throw new Error(`no reply to ${argv.join(' ')}: ${JSON.stringify(text)}`);
      await sleep(2);
    }
  }
}

/** Whether `text` is one complete simple/integer/bulk/verbatim reply (enough for setup). */
function completeFrame(text: string): boolean {
  if (text[0] !== '$' && text[0] !== '=') return true;
  const eol = text.indexOf('\r\n');
  const n = Number(text.slice(1, eol));
  return n < 0 || text.length >= eol + 2 + n + 2;
}

interface Target {
  name: 'redis' | 'mnemo';
  port: number;
  /** Turns active expiry off/on (Redis: DEBUG SET-ACTIVE-EXPIRE on `conn`, unrecorded). */
  activeExpire(conn: Conn, on: boolean): Promise<void>;
}

/**
 * The id the next connection will get (this probe used one). Ids count connections on both
 * servers, so probing the lower one until they agree aligns them.
 */
async function nextClientId(port: number): Promise<number> {
  const c = await Conn.open(port);
  const id = Number((await c.ask(['CLIENT', 'ID'])).slice(1, -2));
  c.socket.destroy();
  return id + 1;
}

/**
 * Runs a script; returns the transcript. Lines: `A GET k` (send on connection A, wait for a
 * reply and for every connection to go quiet), `A! ...` (no reply expected), `A RAW <bytes>`
 * with \r\n escapes, `A CLOSE`, `sleep <ms>`, `A INFO-TRACKING` (the INFO tracking counters),
 * `A CLIENT-FLAGS` (flags= and redir= of CLIENT INFO), `A ACTIVE-EXPIRE 0|1`. `@X` stands for
 * connection X's id and `""` for an empty argument.
 */
async function runScript(t: Target, script: string): Promise<string[]> {
  const conns = new Map<string, Conn>();
  const out: string[] = [];
  const conn = async (name: string): Promise<Conn> => {
    let c = conns.get(name);
    if (c === undefined) {
      c = await Conn.open(t.port);
      c.id = Number((await c.ask(['CLIENT', 'ID'])).slice(1, -2));
      conns.set(name, c);
    }
    return c;
  };
  const record = () => {
    for (const [name, c] of conns) {
      const b = c.take();
      if (b.length > 0) out.push(`  ${name}< ${showRaw(b, 4000)}`);
    }
  };
  const settle = async (sender: Conn | null, before: number) => {
    const start = Date.now();
    for (;;) {
      await sleep(3);
      const now = Date.now();
      if (now - start > 5000) return;
      if (sender !== null && sender.received === before) continue;
      let last = start;
      for (const c of conns.values()) last = Math.max(last, c.lastData);
      if (now - last >= IDLE_MS) return;
    }
  };
  try {
    for (const raw of script.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const words = line.split(/\s+/);
      if (words[0] === 'sleep') {
        await sleep(Number(words[1]));
        await settle(null, 0);
        out.push(line);
        record();
        continue;
      }
      const noReply = words[0]!.endsWith('!');
      const name = noReply ? words[0]!.slice(0, -1) : words[0]!;
      const c = await conn(name);
      const rest = words.slice(1);
      if (rest[0] === 'CLOSE') {
        c.socket.destroy();
        conns.delete(name);
        await sleep(50);
        out.push(line);
        continue;
      }
      if (rest[0] === 'ACTIVE-EXPIRE') {
        await t.activeExpire(c, rest[1] === '1');
        continue;
      }
      if (rest[0] === 'INFO-TRACKING' || rest[0] === 'CLIENT-FLAGS') {
        const info = rest[0] === 'INFO-TRACKING';
        const text = await c.ask(info ? ['INFO', 'everything'] : ['CLIENT', 'INFO']);
        const fields = info
          ? text.split('\r\n').filter((l) => l.startsWith('tracking_'))
          : text.split(' ').filter((f) => f.startsWith('flags=') || f.startsWith('redir='));
        out.push(`${line} => ${fields.join(' ')}`);
        continue;
      }
      const before = c.received;
      if (rest[0] === 'RAW') {
        c.socket.write(Buffer.from(rest.slice(1).join(' ').replaceAll('\\r\\n', '\r\n'), 'latin1'));
      } else {
        const argv = rest.map((w) =>
          w === '""' ? '' : w.startsWith('@') ? String(conns.get(w.slice(1))!.id) : w,
        );
        c.socket.write(encodeCommand(argv));
      }
      out.push(line);
      await settle(noReply ? null : c, before);
      record();
    }
  } finally {
    for (const c of conns.values()) c.socket.destroy();
  }
  return out;
}

let redis: RedisServer;
let mnemo: MnemoInProcess;
let redisTarget: Target;
let mnemoTarget: Target;

before(async () => {
  [redis, mnemo] = await Promise.all([startRedis(['--enable-debug-command', 'yes']), startMnemo()]);
  redisTarget = {
    name: 'redis',
    port: redis.port,
    async activeExpire(c, on) {
      assert.equal(await c.ask(['DEBUG', 'SET-ACTIVE-EXPIRE', on ? '1' : '0']), '+OK\r\n');
    },
  };
  const ks = mnemo.instance.ks;
  const cycle = ks.activeExpireCycle;
  mnemoTarget = {
    name: 'mnemo',
    port: mnemo.port,
    async activeExpire(_c, on) {
      // mnemo has no DEBUG SET-ACTIVE-EXPIRE: the cron's expiry cycle is switched off instead.
      ks.activeExpireCycle = on ? cycle : () => {};
    },
  };
});

after(async () => {
  await Promise.all([redis?.stop(), mnemo?.stop()]);
});

/** Runs `script` on both servers (client ids aligned first) and compares the transcripts. */
async function compare(script: string): Promise<string[]> {
  let [r, m] = await Promise.all([nextClientId(redis.port), nextClientId(mnemo.port)]);
  while (r < m) r = await nextClientId(redis.port);
  while (m < r) m = await nextClientId(mnemo.port);
  const [want, got] = await Promise.all([runScript(redisTarget, script), runScript(mnemoTarget, script)]);
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    assert.equal(
      got[i],
      want[i],
      `transcripts differ at line ${i}:\nredis:\n${want.join('\n')}\nmnemo:\n${got.join('\n')}`,
    );
  }
  // A scenario that produced no invalidation at all would prove nothing.
  return want;
}

function countPushes(transcript: string[]): number {
  return transcript.join('\n').split('invalidate').length - 1;
}

describe('CLIENT TRACKING against redis-server', () => {
  test('RESP3 default mode: reads are remembered, changes invalidate once', async () => {
    const t = await compare(`
      A HELLO 3
      A CLIENT TRACKING on
      A SET k v
      A GET k
      A GET k
      # Own change: the push follows the reply.
      A SET k v2
      # Not tracked any more: no second push.
      B SET k v3
      B SET k2 x
      A MGET k k2 k3
      B MSET k 1 k2 2 k3 3
      # A write command remembers nothing.
      A SET w 1
      B SET w 2
      # Type, existence and length reads are reads too; a WRONGTYPE read is remembered.
      B RPUSH l a
      A TYPE k
      A EXISTS k l nokey
      A STRLEN k
      A GET l
      B DEL k nokey l
      # Keys are not per database.
      A GET k
      B SELECT 1
      B SET k other-db
      # A pipeline: GET's reply, SET's reply, the push, then PONG.
      A GET k
      A RAW *2\\r\\n$3\\r\\nGET\\r\\n$1\\r\\nk\\r\\n*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nk\\r\\n$1\\r\\nx\\r\\n*1\\r\\n$4\\r\\nPING\\r\\n
      # EXEC's reply comes first, then the invalidation.
      A GET k
      A MULTI
      A SET k y
      A GET k
      A EXEC
      # Pushes bypass CLIENT REPLY OFF.
      A CLIENT REPLY OFF
      A! SET k z
      A! GET k
      A CLIENT REPLY ON
      B SET k q
      A CLIENT TRACKINGINFO
      A CLIENT GETREDIR
      A CLIENT-FLAGS
      A INFO-TRACKING
      A GET k
      A FLUSHALL
      A INFO-TRACKING
      A GET k
      B FLUSHDB
      # SWAPDB invalidates nothing.
      A GET k
      B SWAPDB 0 1
      B SWAPDB 0 1
      B SET k 1
      A CLIENT TRACKING off
      A CLIENT TRACKINGINFO
      A CLIENT-FLAGS
      B SET k 2
      A INFO-TRACKING
    `);
    assert.ok(countPushes(t) >= 10);
  });

  test('RESP2 with REDIRECT: messages on __redis__:invalidate, broken redirects', async () => {
    const t = await compare(`
      R SUBSCRIBE foo
      A CLIENT TRACKING on redirect @R
      A GET k
      B SET k 1
      A GET k
      A FLUSHALL
      A GET k
      A CLIENT GETREDIR
      A CLIENT TRACKINGINFO
      A CLIENT-FLAGS
      # Not subscribed: nothing arrives (the key is forgotten all the same).
      R UNSUBSCRIBE
      A SET k 2
      # Any subscription will do, even a pattern.
      R PSUBSCRIBE x*
      A GET k
      A SET k 3
      # A RESP2 client without a redirect tracks, silently.
      N CLIENT TRACKING on
      N GET n
      B SET n 1
      N INFO-TRACKING
      # A RESP3 redirect target gets pushes, subscribed or not.
      T HELLO 3
      C CLIENT TRACKING on redirect @T
      C GET c
      B SET c 1
      # A RESP3 tracking client redirecting to a RESP2 subscriber: its own null after a flush.
      # (Its own subscriber: Redis walks its clients in an order clientsCron keeps rotating.)
      S SUBSCRIBE bar
      D HELLO 3
      D CLIENT TRACKING on redirect @S
      D GET d
      B SET d 1
      B FLUSHALL
      # The target goes away.
      A GET k
      R CLOSE
      A SET k 4
      A CLIENT TRACKINGINFO
      A CLIENT-FLAGS
      A HELLO 3
      A GET k
      A SET k 5
      A CLIENT TRACKINGINFO
      A FLUSHALL
      # Re-enabling clears the broken flag until the next message.
      A CLIENT TRACKING on
      A CLIENT TRACKINGINFO
      A GET k
      B SET k 6
    `);
    assert.ok(countPushes(t) >= 5);
  });

  test('BCAST with prefixes, NOLOOP and batching per event-loop turn', async () => {
    const t = await compare(`
      A HELLO 3
      A CLIENT TRACKING on bcast prefix user: prefix obj
      N HELLO 3
      N CLIENT TRACKING on bcast noloop
      # One message per prefix, prefixes and keys in byte order.
      B MSET user:2 a user:1 b objx c other d
      A SET user:3 x
      N SET zzz 1
      N MSET zzz 2 aaa 1 user:5 1
      # Two commands in one read: one batch.
      B RAW *3\\r\\n$3\\r\\nSET\\r\\n$6\\r\\nuser:9\\r\\n$1\\r\\n1\\r\\n*2\\r\\n$3\\r\\nDEL\\r\\n$6\\r\\nuser:9\\r\\n
      A CLIENT TRACKINGINFO
      N CLIENT TRACKINGINFO
      A CLIENT-FLAGS
      A INFO-TRACKING
      A CLIENT TRACKING on
      A CLIENT TRACKING on optin
      A CLIENT TRACKING on bcast prefix x
      A CLIENT TRACKINGINFO
      A CLIENT TRACKING on bcast
      A CLIENT TRACKINGINFO
      B SET xyz 1
      # Reads remember nothing in BCAST mode.
      A GET nothing
      B SET nothing 1
      A FLUSHDB
      B SET e1 1 PX 100
      sleep 400
      A CLIENT TRACKING off
      A CLIENT TRACKINGINFO
      A INFO-TRACKING
      B SET user:1 again
      N CLIENT TRACKING on bcast optin
      N CLIENT TRACKING on optin
      N CLIENT CACHING yes
      # A RESP2 BCAST client redirecting to a subscriber.
      R SUBSCRIBE x
      P CLIENT TRACKING on bcast prefix p redirect @R
      B MSET p1 1 p2 2 q 3
    `);
    assert.ok(countPushes(t) >= 8);
  });

  test('prefix checks, including Redis 7.0 answering an overlap both with an error and +OK', async () => {
    await compare(`
      C CLIENT TRACKING on bcast prefix a prefix b prefix bc
      C CLIENT TRACKINGINFO
      C CLIENT TRACKING on bcast prefix ab
      C CLIENT TRACKING on bcast prefix b
      C CLIENT TRACKING on bcast prefix z prefix ""
      C CLIENT TRACKING off
      C CLIENT TRACKING on bcast prefix fo prefix foo
      C CLIENT TRACKING on bcast prefix foo prefix fo
      C CLIENT TRACKING on bcast prefix "" prefix x
      C CLIENT TRACKING on bcast prefix foo prefix bar
      C CLIENT TRACKINGINFO
      C CLIENT TRACKING on bcast prefix foobar
      C CLIENT TRACKING on bcast prefix f
      C CLIENT TRACKING on bcast prefix baz prefix qux
      C CLIENT TRACKINGINFO
      C INFO-TRACKING
    `);
  });

  test('OPTIN / OPTOUT with CLIENT CACHING, and when the CACHING flag lapses', async () => {
    const t = await compare(`
      A HELLO 3
      A CLIENT TRACKING on optin
      A CLIENT TRACKINGINFO
      A CLIENT CACHING no
      A CLIENT CACHING yes
      A CLIENT TRACKINGINFO
      A GET a
      A GET b
      B MSET a 1 b 2
      # Any CLIENT subcommand keeps the flag, even one refused for its arity.
      A CLIENT CACHING yes
      A RAW CLIENT ID\\r\\n
      A GET c
      A CLIENT CACHING yes
      A CLIENT HELP extra
      A GET c2
      A CLIENT CACHING yes
      A CLIENT
      A GET c3
      A CLIENT CACHING yes
      A CLIENT FOO
      A GET c4
      # It covers a whole transaction, and can be given inside it.
      A CLIENT CACHING yes
      A MULTI
      A GET d
      A GET e
      A EXEC
      A MULTI
      A CLIENT CACHING yes
      A GET f
      A EXEC
      A GET g
      A CLIENT CACHING yes
      A FOO
      A GET h
      A CLIENT CACHING yes
      A PING
      A GET k
      A CLIENT CACHING yes
      A MULTI
      A FOO
      A EXEC
      A GET m
      B MSET c 1 c2 1 c3 1 c4 1 d 1 e 1 f 1 g 1 h 1 k 1 m 1
      A CLIENT TRACKING on optout
      A CLIENT CACHING yes
      A CLIENT TRACKING on optin noloop
      A CLIENT TRACKINGINFO
      A CLIENT TRACKING off
      A CLIENT TRACKING on optout
      A CLIENT CACHING yes
      A CLIENT CACHING no
      A CLIENT TRACKINGINFO
      A GET x
      A GET y
      B MSET x 1 y 1
      A CLIENT CACHING maybe
      A CLIENT CACHING yes x
      A RESET
      A CLIENT TRACKINGINFO
      A CLIENT CACHING yes
    `);
    assert.ok(countPushes(t) >= 6);
  });

  test('NOLOOP: no invalidations for the client’s own changes', async () => {
    const t = await compare(`
      A HELLO 3
      A CLIENT TRACKING on noloop
      A SET k 1
      A GET k
      A SET k 2
      # The own change removed the key from the table too.
      B SET k 3
      A GET k
      A MGET k k
      B SET k 4
      A GET k
      A MULTI
      A GET k
      A SET k 5
      A EXEC
      B SET k 6
      A CLIENT TRACKINGINFO
    `);
    assert.ok(countPushes(t) >= 1);
  });

  test('expiry: active expiry pushes; a lazily expired key pushes after the reading reply', async () => {
    const t = await compare(`
      A HELLO 3
      A CLIENT TRACKING on
      A SET e 1 PX 150
      A GET e
      sleep 500
      A ACTIVE-EXPIRE 0
      A SET e 1 PX 100
      A GET e
      sleep 300
      A GET e
      A GET e
      B SET e 2
      A CLIENT TRACKING on noloop
      A SET e 1 PX 100
      A GET e
      sleep 300
      A GET e
      A ACTIVE-EXPIRE 1
      B SET e 3
    `);
    assert.ok(countPushes(t) >= 3);
  });

  test('every error text, CLIENT HELP, and the replies while tracking is off', async () => {
    await compare(`
      R CLIENT GETREDIR
      A CLIENT TRACKINGINFO
      A CLIENT GETREDIR
      A CLIENT CACHING yes
      A CLIENT CACHING no
      A CLIENT TRACKING on optin optout
      A CLIENT TRACKING on bcast optin
      A CLIENT TRACKING on bcast optout
      A CLIENT TRACKING on prefix foo
      A CLIENT TRACKING on redirect 99999
      A CLIENT TRACKING on redirect 0
      A CLIENT TRACKING on redirect -1
      A CLIENT TRACKING on redirect abc
      A CLIENT TRACKING on redirect 99999999999999999999
      A CLIENT TRACKING on redirect @R redirect @R
      A CLIENT TRACKING off redirect 99999
      A CLIENT TRACKING on foo redirect 99999
      A CLIENT TRACKING on redirect 99999 foo
      A CLIENT TRACKING maybe
      A CLIENT TRACKING maybe redirect 99999
      A CLIENT TRACKING
      A CLIENT TRACKING on redirect
      A CLIENT TRACKING on prefix
      A CLIENT TRACKING OFF
      A client tracking ON BCAST PREFIX a OPTIN
      A CLIENT GETREDIR x
      A CLIENT TRACKINGINFO x
      A CLIENT CACHING
      A CLIENT HELP
      A HELLO 3
      A CLIENT TRACKINGINFO
      A CLIENT TRACKING on redirect @R
      A CLIENT TRACKINGINFO
      A CLIENT GETREDIR
      A CLIENT TRACKING on
      A CLIENT GETREDIR
    `);
  });

  test('COMMAND INFO and DOCS of the new CLIENT subcommands', async () => {
    await compare(`
      A COMMAND INFO client|tracking client|caching client|getredir client|trackinginfo
      A COMMAND DOCS client|tracking
      A COMMAND DOCS client|caching
      A COMMAND DOCS client|getredir
      A COMMAND DOCS client|trackinginfo
    `);
  });

  test('tracking-table-max-keys: keys over the limit are invalidated and forgotten', async () => {
    const counts = async (t: Target) => {
      const a = await Conn.open(t.port);
      const b = await Conn.open(t.port);
      try {
        await a.ask(['HELLO', '3']);
        await a.ask(['CLIENT', 'TRACKING', 'on']);
        await b.ask(['CONFIG', 'SET', 'tracking-table-max-keys', '2']);
        // Not ask(): the pushes may arrive together with the reply.
        a.socket.write(encodeCommand(['MGET', 't1', 't2', 't3', 't4', 't5']));
        // Redis trims before the next command or in serverCron: give both a moment.
        await sleep(300);
        await b.ask(['PING']);
        await sleep(50);
        const pushes = a.take().toString('latin1');
        const keys = [...pushes.matchAll(/invalidate\r\n\*1\r\n\$2\r\n(t\d)\r\n/g)].map((m) => m[1]!);
        const info = await b.ask(['INFO', 'stats']);
        const total = /tracking_total_keys:(\d+)/.exec(info)![1];
        await b.ask(['CONFIG', 'SET', 'tracking-table-max-keys', '0']);
        await b.ask(['FLUSHALL']);
        return { evicted: keys.length, distinct: new Set(keys).size, total };
      } finally {
        a.socket.destroy();
        b.socket.destroy();
      }
    };
    const [want, got] = await Promise.all([counts(redisTarget), counts(mnemoTarget)]);
    assert.deepEqual(want, { evicted: 3, distinct: 3, total: '2' });
    assert.deepEqual(got, want);
  });

  test('node-redis client-side cache: hits stay local, invalidations and FLUSHALL reach it', async () => {
    const run = async (port: number) => {
      const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0, evictPolicy: 'LRU' });
      const cached = createClient({ url: `redis://127.0.0.1:${port}`, RESP: 3, clientSideCache: cache });
      const plain = createClient({ url: `redis://127.0.0.1:${port}` });
      const getCalls = async () =>
        Number(/cmdstat_get:calls=(\d+)/.exec(await plain.info('commandstats'))?.[1] ?? '0');
      const until = async (cond: () => Promise<boolean>) => {
        for (let i = 0; i < 200 && !(await cond()); i++) await sleep(5);
      };
      await Promise.all([cached.connect(), plain.connect()]);
      try {
        await plain.set('csc:k', 'v1');
        assert.equal(await cached.get('csc:k'), 'v1');
        const calls = await getCalls();
        assert.equal(await cached.get('csc:k'), 'v1');
        assert.equal(await cached.get('csc:k'), 'v1');
        const localHits = (await getCalls()) === calls;
        await plain.set('csc:k', 'v2');
        await until(async () => cache.size() === 0);
        const afterChange = await cached.get('csc:k');
        await plain.flushAll();
        await until(async () => cache.size() === 0);
        const afterFlush = await cached.get('csc:k');
        return { localHits, hits: cache.stats().hitCount, afterChange, afterFlush };
      } finally {
        await Promise.all([cached.close(), plain.close()]);
      }
    };
    const want = await run(redis.port);
    assert.deepEqual(want, { localHits: true, hits: 2, afterChange: 'v2', afterFlush: null });
    assert.deepEqual(await run(mnemo.port), want);
  });

  test('ioredis (RESP2): a REDIRECT subscriber receives the keys and the flush', async () => {
    const run = async (port: number) => {
      const options = { port, host: '127.0.0.1', lazyConnect: true };
      const sub = new Redis(options);
      const reader = new Redis(options);
      const writer = new Redis(options);
      try {
        await Promise.all([sub.connect(), reader.connect(), writer.connect()]);
        const got: Array<[string, unknown]> = [];
        sub.on('messageBuffer', (channel: Buffer, message: unknown) => {
          got.push([channel.toString(), Array.isArray(message) ? message.map(String) : message]);
        });
        const id = await sub.client('ID');
        await sub.subscribe('__redis__:invalidate');
        await reader.client('TRACKING', 'ON', 'REDIRECT', String(id));
        await reader.get('io:k');
        await reader.mget('io:a', 'io:b');
        await writer.mset('io:k', '1', 'io:b', '2');
        await writer.flushall();
        for (let i = 0; i < 100 && got.length < 3; i++) await sleep(5);
        return got;
      } finally {
        sub.disconnect();
        reader.disconnect();
        writer.disconnect();
      }
    };
    const want = await run(redis.port);
    assert.deepEqual(want, [
      ['__redis__:invalidate', ['io:k']],
      ['__redis__:invalidate', ['io:b']],
      ['__redis__:invalidate', null],
    ]);
    assert.deepEqual(await run(mnemo.port), want);
  });
});
