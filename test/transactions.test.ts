/**
 * Transactions against a real redis-server 7.0, byte for byte: MULTI/EXEC/DISCARD queueing,
 * EXECABORT for commands rejected while queueing (and for a rejected EXEC itself), runtime
 * errors landing in their slot, what may not run inside MULTI, blocking commands turning
 * non-blocking inside EXEC, and every way a WATCHed key can change (or not) before EXEC:
 * writes by other clients and by the watcher itself, expiry (lazy and active, and a key
 * already expired at WATCH time whose deletion is no change), FLUSHDB/FLUSHALL/SWAPDB,
 * RENAME and MOVE. Each scenario runs on mnemo and on Redis, in RESP2 and RESP3, and the two
 * transcripts (every reply's exact bytes, per client) must be equal. Scenarios also assert
 * the key replies directly, so a scenario that stopped testing anything would fail on Redis.
 * The library's multi()/watch() are checked at the end.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, ReplyError } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { encodeCommand } from './helpers/resp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run of a scenario against one server: named connections opened on first use (after
 * HELLO 3 in RESP3 runs), and a transcript of every reply's exact bytes. `run` reads a known
 * number of replies; `send` writes without waiting (a command that blocks); `read` takes
 * replies that arrive later.
 */
class Session {
  private readonly conns = new Map<string, RawClient>();
  readonly log: string[] = [];

  constructor(
    readonly port: number,
    readonly resp: 2 | 3,
    readonly server: 'mnemo' | 'redis',
  ) {}

  async conn(name: string): Promise<RawClient> {
    let c = this.conns.get(name);
    if (c === undefined) {
      c = await RawClient.connect(this.port, { timeoutMs: 5000 });
      this.conns.set(name, c);
      if (this.resp === 3) await c.command('HELLO', '3');
    }
    return c;
  }

  /** Sends argv, reads `count` replies, records and returns them (joined, readable form). */
  async run(name: string, argv: string[], expected?: string, count = 1): Promise<string> {
    const c = await this.conn(name);
    c.write(encodeCommand(argv));
    const text = (await c.read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(`${name}> ${argv.join(' ')} => ${text}`);
    if (expected !== undefined) {
      assert.equal(text, expected, `${this.server} (RESP${this.resp}): ${name}> ${argv.join(' ')}`);
    }
    return text;
  }

  async send(name: string, argv: string[]): Promise<void> {
    (await this.conn(name)).write(encodeCommand(argv));
    this.log.push(`${name}> ${argv.join(' ')} (no wait)`);
  }

  async read(name: string, count = 1): Promise<string> {
    const text = (await (await this.conn(name)).read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(`${name}< ${text}`);
    return text;
  }

  /** Replies nobody read, so an extra reply from either server shows up as a difference. */
  async close(): Promise<void> {
    for (const [name, c] of this.conns) {
      const rest = await c.drain(30);
      if (rest.bytes.length > 0) this.log.push(`${name} unread: ${showRaw(rest.bytes)}`);
      await c.close();
    }
  }
}

type Scenario = (s: Session) => Promise<void>;

describe('transactions: mnemo vs redis-server', { timeout: 300_000 }, () => {
  let mnemo: MnemoInProcess;
  /** A second mnemo whose cron is stopped: only lazy expiry, like Redis after DEBUG SET-ACTIVE-EXPIRE 0. */
  let lazyMnemo: MnemoInProcess;
  let redis: RedisServer;

  before(async () => {
    [mnemo, lazyMnemo, redis] = await Promise.all([
      startMnemo(),
      startMnemo(),
      startRedis(['--enable-debug-command', 'yes']),
    ]);
    lazyMnemo.instance.close();
  });

  after(async () => {
    await Promise.all([mnemo?.stop(), lazyMnemo?.stop(), redis?.stop()]);
  });

  async function reset(port: number): Promise<void> {
    const c = await RawClient.connect(port);
    await c.send([['AUTH', 'pw'], ['FLUSHALL'], ['CONFIG', 'SET', 'requirepass', '']]);
    await c.close();
  }

  /** Runs `scenario` on mnemo and on Redis in the given protocol; transcripts must match. */
  async function compare(scenario: Scenario, resp: 2 | 3, options: { lazy?: boolean } = {}): Promise<void> {
    const logs: string[][] = [];
    const targets: Array<['mnemo' | 'redis', number]> = [
      ['mnemo', options.lazy ? lazyMnemo.port : mnemo.port],
      ['redis', redis.port],
    ];
    for (const [server, port] of targets) {
      await reset(port);
      if (server === 'redis' && options.lazy) await redisDebug('SET-ACTIVE-EXPIRE', '0');
      const s = new Session(port, resp, server);
      try {
        await scenario(s);
      } finally {
        await s.close();
        if (server === 'redis' && options.lazy) await redisDebug('SET-ACTIVE-EXPIRE', '1');
      }
      logs.push(s.log);
    }
    assert.deepEqual(logs[0], logs[1], 'mnemo transcript (actual) vs redis transcript (expected)');
  }

  async function redisDebug(...args: string[]): Promise<void> {
    const c = await RawClient.connect(redis.port);
    assert.equal(showRaw(await c.command('DEBUG', ...args)), '+OK\\r\\n');
    await c.close();
  }

  /** Declares one scenario as two tests, RESP2 and RESP3. */
  function scenario(name: string, fn: Scenario, options: { lazy?: boolean } = {}): void {
    for (const resp of [2, 3] as const) test(`${name} (RESP${resp})`, () => compare(fn, resp, options));
  }

  const OK = '+OK\\r\\n';
  const QUEUED = '+QUEUED\\r\\n';
  const nullArray = (s: Session) => (s.resp === 2 ? '*-1\\r\\n' : '_\\r\\n');
  const nullBulk = (s: Session) => (s.resp === 2 ? '$-1\\r\\n' : '_\\r\\n');

  /** WATCH k on `a`, then `between`, then MULTI / INCR k / EXEC: `aborted` says what EXEC must do. */
  async function watchThenExec(
    s: Session,
    between: () => Promise<void>,
    aborted: boolean,
    key = 'k',
  ): Promise<void> {
    await s.run('a', ['WATCH', key], OK);
    await between();
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['PING'], QUEUED);
    await s.run('a', ['EXEC'], aborted ? nullArray(s) : '*1\\r\\n+PONG\\r\\n');
  }

  // ---- queueing and EXEC ----

  scenario('MULTI queues, EXEC runs in order with runtime errors in their slot', async (s) => {
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'k', 'v'], QUEUED);
    await s.run('a', ['INCR', 'k'], QUEUED);
    await s.run('a', ['LPUSH', 'k', 'x'], QUEUED);
    await s.run('a', ['GET', 'k'], QUEUED);
    await s.run('a', ['APPEND', 'k', '2'], QUEUED);
    await s.run('a', ['HSET', 'h', 'f', '1'], QUEUED);
    await s.run('a', ['HGETALL', 'h'], QUEUED);
    await s.run('a', ['EXEC']);
    await s.run('a', ['GET', 'k'], '$2\\r\\nv2\\r\\n');
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['EXEC'], '*0\\r\\n');
    // Another client sees nothing of the queued commands until EXEC.
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'q', '1'], QUEUED);
    await s.run('b', ['EXISTS', 'q'], ':0\\r\\n');
    await s.run('a', ['EXEC'], '*1\\r\\n+OK\\r\\n');
    await s.run('b', ['EXISTS', 'q'], ':1\\r\\n');
  });

  scenario('DISCARD, EXEC and DISCARD without MULTI, nested MULTI, WATCH inside MULTI', async (s) => {
    await s.run('a', ['EXEC'], '-ERR EXEC without MULTI\\r\\n');
    await s.run('a', ['DISCARD'], '-ERR DISCARD without MULTI\\r\\n');
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'd', '1'], QUEUED);
    await s.run('a', ['MULTI'], '-ERR MULTI calls can not be nested\\r\\n');
    await s.run('a', ['WATCH', 'd'], '-ERR WATCH inside MULTI is not allowed\\r\\n');
    await s.run('a', ['UNWATCH'], QUEUED);
    await s.run('a', ['DISCARD'], OK);
    await s.run('a', ['GET', 'd'], nullBulk(s));
    // Neither nested MULTI nor WATCH inside MULTI dooms the transaction.
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['MULTI']);
    await s.run('a', ['WATCH', 'x']);
    await s.run('a', ['SET', 'd', '2'], QUEUED);
    await s.run('a', ['EXEC'], '*1\\r\\n+OK\\r\\n');
    await s.run('a', ['EXEC'], '-ERR EXEC without MULTI\\r\\n');
  });

  scenario('queue-time rejections make EXEC answer EXECABORT and discard', async (s) => {
    for (const bad of [
      ['SET', 'k'],
      ['NOSUCHCOMMAND', 'a', 'b'],
      ['CONFIG', 'NOSUCH'],
      ['GET'],
      ['SHUTDOWN'],
    ]) {
      await s.run('a', ['MULTI'], OK);
      await s.run('a', ['SET', 'k', '1'], QUEUED);
      await s.run('a', bad);
      await s.run('a', ['SET', 'k2', '1'], QUEUED);
      await s.run('a', ['EXEC'], '-EXECABORT Transaction discarded because of previous errors.\\r\\n');
      await s.run('a', ['EXISTS', 'k', 'k2'], ':0\\r\\n');
      await s.run('a', ['EXEC'], '-ERR EXEC without MULTI\\r\\n');
    }
    // Arity errors of the transaction commands themselves.
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['MULTI', 'x'], "-ERR wrong number of arguments for 'multi' command\\r\\n");
    await s.run('a', ['DISCARD', 'x'], "-ERR wrong number of arguments for 'discard' command\\r\\n");
    await s.run('a', ['WATCH'], "-ERR wrong number of arguments for 'watch' command\\r\\n");
    await s.run('a', ['UNWATCH', 'x'], "-ERR wrong number of arguments for 'unwatch' command\\r\\n");
    await s.run('a', ['EXEC'], '-EXECABORT Transaction discarded because of previous errors.\\r\\n');
  });

  scenario('a rejected EXEC answers EXECABORT ... because of ... and discards', async (s) => {
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'a', '1'], QUEUED);
    await s.run(
      'a',
      ['EXEC', 'x'],
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\\r\\n",
    );
    await s.run('a', ['GET', 'a'], nullBulk(s));
    await s.run('a', ['EXEC'], '-ERR EXEC without MULTI\\r\\n');
    // Outside MULTI too: Redis's rejectCommand aborts for EXEC whatever the state.
    await s.run(
      'a',
      ['EXEC', 'x'],
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\\r\\n",
    );
  });

  scenario('NOAUTH: nothing queues before AUTH; MULTI after AUTH works', async (s) => {
    await s.run('admin', ['CONFIG', 'SET', 'requirepass', 'pw'], OK);
    await s.run('a', ['MULTI'], '-NOAUTH Authentication required.\\r\\n');
    await s.run('a', ['SET', 'k', '1'], '-NOAUTH Authentication required.\\r\\n');
    await s.run(
      'a',
      ['EXEC'],
      '-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\\r\\n',
    );
    await s.run('a', ['AUTH', 'pw'], OK);
    await s.run('a', ['MULTI'], OK);
    // AUTH is queued like any other command, and its error lands in its slot.
    await s.run('a', ['AUTH', 'wrong'], QUEUED);
    await s.run('a', ['SET', 'k', '1'], QUEUED);
    await s.run('a', ['EXEC']);
    await s.run('admin', ['CONFIG', 'SET', 'requirepass', ''], OK);
  });

  scenario('blocking commands inside MULTI answer at once', async (s) => {
    await s.run('a', ['MULTI'], OK);
    for (const argv of [
      ['BLPOP', 'nl', '0'],
      ['BRPOP', 'nl', 'nl2', '1.5'],
      ['BLMOVE', 'nl', 'dst', 'LEFT', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'nl', 'dst', '0'],
      ['BLMPOP', '0', '2', 'nl', 'nl2', 'LEFT'],
      ['BLMPOP', '0', '1', 'nl', 'RIGHT', 'COUNT', '3'],
      ['BZPOPMIN', 'nz', '0'],
      ['BZPOPMAX', 'nz', 'nz2', '0'],
      ['BZMPOP', '0', '1', 'nz', 'MIN', 'COUNT', '2'],
      ['BLPOP', 'nl', '-1'],
      ['BLPOP', 'nl', 'abc'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'nl', 'l', '0'],
      ['BLMOVE', 'l', 'dst', 'RIGHT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '5'],
      ['ZADD', 'z', '1', 'm', '2', 'n'],
      ['BZPOPMAX', 'nz', 'z', '0'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'],
      ['EXISTS', 'l', 'dst', 'z'],
    ]) {
      await s.run('a', argv, QUEUED);
    }
    const exec = await s.run('a', ['EXEC']);
    assert.ok(exec.startsWith('*19\\r\\n'));
    // The waiters served after EXEC: none, nothing blocked.
    await s.run('a', ['PING'], '+PONG\\r\\n');
  });

  scenario('SUBSCRIBE, PUBLISH and MONITOR inside MULTI', async (s) => {
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SUBSCRIBE', 'ch'], QUEUED);
    await s.run('a', ['PUBLISH', 'ch', 'hi'], QUEUED);
    await s.run('a', ['MONITOR'], QUEUED);
    // The message to itself is written in the middle of EXEC's reply, as Redis does: the array
    // of 3 replies takes the confirmation, the message and PUBLISH's count; MONITOR's error
    // (a transaction cannot block) comes after.
    await s.run('a', ['EXEC'], undefined, 2);
    // Now subscribed: RESP2 restricts commands, RESP3 does not.
    await s.run('a', ['GET', 'x']);
    await s.run('a', ['UNSUBSCRIBE']);
    // In RESP2 subscribed mode MULTI is refused; after UNSUBSCRIBE it works again.
    await s.run('b', ['SUBSCRIBE', 'c2']);
    await s.run('b', ['MULTI']);
    await s.run('b', ['UNSUBSCRIBE', 'c2']);
    if (s.resp === 3)
      await s.run('b', ['EXEC'], '*1\\r\\n>3\\r\\n$11\\r\\nunsubscribe\\r\\n$2\\r\\nc2\\r\\n:0\\r\\n');
    await s.run('b', ['MULTI'], OK);
    await s.run('b', ['PING'], QUEUED);
    await s.run('b', ['EXEC'], '*1\\r\\n+PONG\\r\\n');
  });

  scenario('QUIT and RESET inside MULTI', async (s) => {
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'r', '1'], QUEUED);
    await s.run('a', ['RESET'], '+RESET\\r\\n');
    await s.run('a', ['EXEC'], '-ERR EXEC without MULTI\\r\\n');
    await s.run('a', ['EXISTS', 'r'], ':0\\r\\n');
    await s.run('b', ['MULTI'], OK);
    await s.run('b', ['SET', 'r', '1'], QUEUED);
    await s.run('b', ['QUIT'], OK);
    await (await s.conn('b')).closed;
    await s.run('a', ['EXISTS', 'r'], ':0\\r\\n');
  });

  scenario('commands after EXEC see the transaction; SELECT inside MULTI', async (s) => {
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SELECT', '2'], QUEUED);
    await s.run('a', ['SET', 'in2', 'x'], QUEUED);
    await s.run('a', ['SELECT', '99'], QUEUED);
    await s.run('a', ['EXEC'], `*3\\r\\n+OK\\r\\n+OK\\r\\n-ERR DB index is out of range\\r\\n`);
    await s.run('a', ['GET', 'in2'], '$1\\r\\nx\\r\\n');
    await s.run('a', ['SELECT', '0'], OK);
    await s.run('a', ['GET', 'in2'], nullBulk(s));
  });

  // ---- WATCH ----

  scenario('WATCH: another client writes the key', async (s) => {
    await s.run('b', ['SET', 'k', '1'], OK);
    await watchThenExec(s, () => s.run('b', ['SET', 'k', '2']).then(() => {}), true);
    // A read is no change.
    await watchThenExec(s, () => s.run('b', ['GET', 'k']).then(() => {}), false);
    // A write that changes nothing is still a write (SET same value), in Redis's sense.
    await watchThenExec(s, () => s.run('b', ['SET', 'k', '2']).then(() => {}), true);
    // Failed writes are no change.
    await watchThenExec(s, () => s.run('b', ['LPUSH', 'k', 'x']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['SET', 'k', '3', 'NX']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['DEL', 'nothing']).then(() => {}), false);
    // The same key name in another database is another key.
    await watchThenExec(
      s,
      async () => {
        await s.run('b', ['SELECT', '3'], OK);
        await s.run('b', ['SET', 'k', 'other'], OK);
        await s.run('b', ['SELECT', '0'], OK);
      },
      false,
    );
  });

  scenario('WATCH: the watcher itself writes before MULTI; WATCH after the write', async (s) => {
    await watchThenExec(s, () => s.run('a', ['SET', 'k', 'mine']).then(() => {}), true);
    await s.run('b', ['SET', 'k', 'x'], OK);
    await s.run('a', ['WATCH', 'k'], OK);
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['SET', 'k', 'y'], QUEUED);
    // A write by someone else after MULTI still aborts.
    await s.run('b', ['APPEND', 'k', 'z'], ':2\\r\\n');
    await s.run('a', ['EXEC'], nullArray(s));
    await s.run('a', ['GET', 'k'], '$2\\r\\nxz\\r\\n');
    // EXEC (or its abort) forgets the watched keys: the next transaction is unaffected.
    await s.run('b', ['SET', 'k', 'again'], OK);
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['GET', 'k'], QUEUED);
    await s.run('a', ['EXEC'], '*1\\r\\n$5\\r\\nagain\\r\\n');
  });

  scenario('WATCH: a missing key gets created, deleted keys, several keys', async (s) => {
    await watchThenExec(s, () => s.run('b', ['SET', 'k', 'new']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['DEL', 'k']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['DEL', 'k']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['RPUSH', 'k', 'a']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['LPOP', 'k']).then(() => {}), true);
    await s.run('a', ['WATCH', 'x', 'y'], OK);
    await s.run('a', ['WATCH', 'z', 'x'], OK);
    await s.run('b', ['SADD', 'z', 'm'], ':1\\r\\n');
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['PING'], QUEUED);
    await s.run('a', ['EXEC'], nullArray(s));
  });

  scenario('UNWATCH and DISCARD forget watched keys; a dirty WATCH stays dirty', async (s) => {
    await watchThenExec(
      s,
      async () => {
        await s.run('a', ['UNWATCH'], OK);
        await s.run('b', ['SET', 'k', '1'], OK);
      },
      false,
    );
    await watchThenExec(
      s,
      async () => {
        await s.run('b', ['SET', 'k', '2'], OK);
        await s.run('a', ['UNWATCH'], OK);
      },
      false,
    );
    // DISCARD unwatches too.
    await s.run('a', ['WATCH', 'k'], OK);
    await s.run('b', ['SET', 'k', '3'], OK);
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['DISCARD'], OK);
    await s.run('a', ['MULTI'], OK);
    await s.run('a', ['PING'], QUEUED);
    await s.run('a', ['EXEC'], '*1\\r\\n+PONG\\r\\n');
    // Watching more keys after one changed does not clean the slate.
    await watchThenExec(
      s,
      async () => {
        await s.run('b', ['SET', 'k', '4'], OK);
        await s.run('a', ['WATCH', 'other'], OK);
      },
      true,
    );
  });

  scenario('WATCH: FLUSHDB, FLUSHALL and SWAPDB', async (s) => {
    await s.run('b', ['SET', 'k', '1'], OK);
    await watchThenExec(s, () => s.run('b', ['FLUSHDB']).then(() => {}), true);
    // Flushing a database where the watched key does not exist is no change.
    await watchThenExec(s, () => s.run('b', ['FLUSHDB']).then(() => {}), false);
    await s.run('b', ['SET', 'k', '1'], OK);
    await watchThenExec(s, () => s.run('b', ['FLUSHALL']).then(() => {}), true);
    await s.run('b', ['SET', 'k', '1'], OK);
    // FLUSHDB of another database.
    await watchThenExec(
      s,
      async () => {
        await s.run('b', ['SELECT', '1'], OK);
        await s.run('b', ['FLUSHDB'], OK);
        await s.run('b', ['SELECT', '0'], OK);
      },
      false,
    );
    // SWAPDB: the key exists on either side, or on neither.
    await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), true);
    await s.run('b', ['FLUSHALL'], OK);
    await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['SWAPDB', '2', '1']).then(() => {}), false);
  });

  scenario('WATCH: RENAME, MOVE, COPY, EXPIRE, PERSIST', async (s) => {
    await s.run('b', ['SET', 'k', '1'], OK);
    await watchThenExec(s, () => s.run('b', ['RENAME', 'k', 'k2']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['RENAME', 'k2', 'k']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['MOVE', 'k', '1']).then(() => {}), true);
    await s.run('b', ['SELECT', '1'], OK);
    await watchThenExec(s, () => s.run('b', ['MOVE', 'k', '0']).then(() => {}), true);
    await s.run('b', ['SELECT', '0'], OK);
    await s.run('b', ['SET', 'src', 'v'], OK);
    await watchThenExec(s, () => s.run('b', ['COPY', 'src', 'k']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['COPY', 'src', 'k', 'REPLACE']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['COPY', 'k', 'k', 'DB', '1']).then(() => {}), false);
    await watchThenExec(s, () => s.run('b', ['EXPIRE', 'k', '100']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['PERSIST', 'k']).then(() => {}), true);
    await watchThenExec(s, () => s.run('b', ['PERSIST', 'k']).then(() => {}), false);
    // EXPIRE with a time in the past deletes the key.
    await watchThenExec(s, () => s.run('b', ['EXPIRE', 'k', '-1']).then(() => {}), true);
  });

  scenario('WATCH: a watched key that expires (active expiry)', async (s) => {
    await s.run('b', ['SET', 'k', '1', 'PX', '30'], OK);
    await watchThenExec(
      s,
      async () => {
        // Both servers run their active cycle at hz 10; give it a few rounds.
        const probe = await RawClient.connect(s.port);
        let size = '';
        for (let i = 0; i < 40 && size !== ':0\\r\\n'; i++) {
          await sleep(50);
          size = showRaw(await probe.command('DBSIZE'));
        }
        await probe.close();
        assert.equal(size, ':0\\r\\n', `${s.server}: the active cycle did not expire the key`);
      },
      true,
    );
  });

  scenario(
    'WATCH with lazy expiry only: expiring under WATCH, already expired at WATCH time',
    async (s) => {
      // Live at WATCH time, expires, nobody touches it: EXEC notices (isWatchedKeyExpired).
      await s.run('b', ['SET', 'k', '1', 'PX', '20'], OK);
      await watchThenExec(
        s,
        async () => {
          await sleep(50);
        },
        true,
      );
      // Live at WATCH time, expires, deleted lazily by a read.
      await s.run('b', ['SET', 'k', '1', 'PX', '20'], OK);
      await watchThenExec(
        s,
        async () => {
          await sleep(50);
          await s.run('b', ['GET', 'k'], nullBulk(s));
        },
        true,
      );
      // Already expired (but still stored) at WATCH time: its lazy deletion is no change...
      for (const touch of [
        ['GET', 'k'],
        ['EXISTS', 'k'],
        ['DEL', 'k'],
        ['FLUSHDB'],
        ['FLUSHALL'],
        ['SWAPDB', '0', '1'],
      ]) {
        await s.run('b', ['SET', 'k', '1', 'PX', '5'], OK);
        await sleep(25);
        await watchThenExec(s, () => s.run('b', touch).then(() => {}), false);
        await s.run('b', ['FLUSHALL'], OK);
      }
      // ...nor is leaving it alone...
      await s.run('b', ['SET', 'k', '1', 'PX', '5'], OK);
      await sleep(25);
      await watchThenExec(s, async () => {}, false);
      // ...but writing a new value is.
      await s.run('b', ['SET', 'k', '1', 'PX', '5'], OK);
      await sleep(25);
      await watchThenExec(s, () => s.run('b', ['SET', 'k', 'fresh']).then(() => {}), true);
      await s.run('b', ['SET', 'k', '1', 'PX', '5'], OK);
      await sleep(25);
      await watchThenExec(
        s,
        async () => {
          await s.run('b', ['GET', 'k'], nullBulk(s));
          await s.run('b', ['RPUSH', 'k', 'x'], ':1\\r\\n');
        },
        true,
      );
      await s.run('b', ['FLUSHALL'], OK);
      // SWAPDB bringing in a live key, or an already-expired one.
      await s.run('b', ['SELECT', '1'], OK);
      await s.run('b', ['SET', 'k', 'live'], OK);
      await s.run('b', ['SELECT', '0'], OK);
      await s.run('b', ['SET', 'k', '1', 'PX', '5'], OK);
      await sleep(25);
      await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), true);
      await s.run('b', ['FLUSHALL'], OK);
      await s.run('b', ['SELECT', '1'], OK);
      await s.run('b', ['SET', 'k', 'dead', 'PX', '5'], OK);
      await s.run('b', ['SELECT', '0'], OK);
      await sleep(25);
      // A missing key replaced by an expired one: no logical change.
      await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), false);
      await s.run('b', ['FLUSHALL'], OK);
      await s.run('b', ['SELECT', '1'], OK);
      await s.run('b', ['SET', 'k', 'dead', 'PX', '5'], OK);
      await s.run('b', ['SELECT', '0'], OK);
      await s.run('b', ['SET', 'k', 'dead0', 'PX', '5'], OK);
      await sleep(25);
      // An expired key replaced by another expired one: still no change.
      await watchThenExec(s, () => s.run('b', ['SWAPDB', '0', '1']).then(() => {}), false);
    },
    { lazy: true },
  );
});

describe('library multi()/watch()', () => {
  test('exec runs the queue atomically and returns each reply, errors in their slot', () => {
    const store = new MemoryStore({ activeExpire: false });
    const out = store.multi().set('k', 'v').incr('k').command('APPEND', 'k', '!').get('k').exec();
    assert.ok(out !== null);
    assert.equal(out.length, 4);
    assert.equal(out[0], 'OK');
    assert.ok(out[1] instanceof ReplyError);
    assert.equal((out[1] as ReplyError).message, 'ERR value is not an integer or out of range');
    assert.equal(out[2], 2);
    assert.equal(out[3], 'v!');
    store.close();
  });

  test('a queue-time rejection throws and leaves no transaction open', () => {
    const store = new MemoryStore({ activeExpire: false });
    assert.throws(
      () => store.multi().set('a', '1').command('SET', 'x').exec(),
      (e: unknown) =>
        e instanceof ReplyError && e.message === "ERR wrong number of arguments for 'set' command",
    );
    assert.equal(store.get('a'), null);
    // Not stuck in MULTI: a plain command runs.
    assert.equal(store.command('SET', 'a', '2'), 'OK');
    assert.deepEqual(store.multi().get('a').exec(), ['2']);
    store.close();
  });

  test('watch(): a change before exec() makes it return null; unwatch() clears it', () => {
    const store = new MemoryStore({ activeExpire: false });
    store.set('k', '1');
    store.watch('k');
    store.set('k', '2');
    assert.equal(store.multi().set('k', '3').exec(), null);
    assert.equal(store.get('k'), '2');
    store.watch('k');
    assert.deepEqual(store.multi().set('k', '3').exec(), ['OK']);
    store.watch('k');
    store.set('k', '4');
    store.unwatch();
    assert.deepEqual(store.multi().get('k').exec(), ['4']);
    // Blocking commands inside a library transaction answer at once.
    assert.deepEqual(store.multi().command('BLPOP', 'none', '0').exec(), [null]);
    store.close();
  });
});
