/**
 * Blocking commands against a real redis-server 7.0, byte for byte: BLPOP, BRPOP, BLMOVE,
 * BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP served first-come first-served per key, from the first non-empty key
 * in argument order when they can answer at once and from the key that became ready when they
 * waited; timeouts (decimals, 0 = forever, the argument's errors and Redis 7.0.15's ceill()
 * rounding, values too large to fire); a push inside MULTI waking waiters once after EXEC;
 * one push serving several waiters; BLMOVE into a wrong-typed destination; a key replaced by
 * another type leaving list waiters blocked; CLIENT UNBLOCK; pipelined commands behind a
 * blocked one; disconnecting while blocked; SWAPDB/RENAME/MOVE/COPY/SORT STORE/LMOVE making a
 * list appear under a waited key; CLIENT LIST flags=b and INFO blocked_clients. Scenarios run
 * on mnemo and on Redis (RESP2 and RESP3) and their transcripts must be equal. Last, the
 * library's blocking Promises (store.blpop/brpop/blmove/blocking) meet TCP clients on one
 * instance in both directions.
 */

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryStore, ReplyError } from '../src/index.js';
import { ClientConnection } from '../src/server/connection.js';
import { Logger } from '../src/server/log.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { encodeCommand } from './helpers/resp.js';
import { sideBySide } from './helpers/side-by-side.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run of a scenario against one server: named connections opened on first use (after
 * HELLO 3 in RESP3 runs) and a transcript of every reply's exact bytes. `run` reads a known
 * number of replies; `send` writes without waiting (a command that blocks); `read` takes a
 * reply that comes later; `idle` checks that nothing arrived.
 */
class Session {
  private readonly conns = new Map<string, RawClient>();
  readonly log: string[] = [];
  /** Values that differ between servers (client ids) and how the transcript shows them. */
  private readonly aliases = new Map<string, string>();

  alias(value: string, shown: string): void {
    this.aliases.set(value, shown);
  }

  private show(argv: string[]): string {
    return argv.map((a) => this.aliases.get(a) ?? a).join(' ');
  }

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

  private check(what: string, text: string, expected: string | undefined): void {
    if (expected !== undefined) assert.equal(text, expected, `${this.server} (RESP${this.resp}): ${what}`);
  }

  async run(name: string, argv: string[], expected?: string, count = 1): Promise<string> {
    const c = await this.conn(name);
    c.write(encodeCommand(argv));
    const text = (await c.read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(`${name}> ${this.show(argv)} => ${text}`);
    this.check(`${name}> ${this.show(argv)}`, text, expected);
    return text;
  }

  /** Writes argvs (pipelined) without waiting, then waits until the server blocked `name`. */
  async block(name: string, ...argvs: string[][]): Promise<void> {
    const c = await this.conn(name);
    const before = await this.blockedClients();
    c.write(Buffer.concat(argvs.map((a) => encodeCommand(a))));
    this.log.push(`${name}> ${argvs.map((a) => a.join(' ')).join(' ; ')} (blocks)`);
    for (let i = 0; i < 200 && (await this.blockedClients()) <= before; i++) await sleep(5);
    assert.equal(await this.blockedClients(), before + 1, `${this.server}: ${name} did not block`);
  }

  async send(name: string, argv: string[]): Promise<void> {
    (await this.conn(name)).write(encodeCommand(argv));
    this.log.push(`${name}> ${argv.join(' ')} (no wait)`);
  }

  async read(name: string, expected?: string, count = 1): Promise<string> {
    const text = (await (await this.conn(name)).read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(`${name}< ${text}`);
    this.check(`${name}<`, text, expected);
    return text;
  }

  /** Asserts that `name` received nothing within `ms`. */
  async idle(name: string, ms = 50): Promise<void> {
    await sleep(ms);
    const rest = await (await this.conn(name)).drain(0);
    assert.equal(showRaw(rest.bytes), '', `${this.server}: ${name} got a reply while it should wait`);
    this.log.push(`${name} still waiting`);
  }

  private probe: RawClient | null = null;

  /** INFO blocked_clients, through a connection of its own that the transcript ignores. */
  async blockedClients(): Promise<number> {
    this.probe ??= await RawClient.connect(this.port);
    const info = showRaw(await this.probe.command('INFO', 'clients'), 4000);
    return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
  }

  async close(): Promise<void> {
    await sleep(20);
    for (const [name, c] of this.conns) {
      const rest = await c.drain(0);
      if (rest.bytes.length > 0) this.log.push(`${name} unread: ${showRaw(rest.bytes)}`);
      await c.close();
    }
    await this.probe?.close();
  }
}

type Scenario = (s: Session) => Promise<void>;

describe('blocking list commands: mnemo vs redis-server', { timeout: 300_000 }, () => {
  const servers = sideBySide();

  async function compare(scenario: Scenario, resp: 2 | 3): Promise<void> {
    const logs: string[][] = [];
    for (const [server, port] of [
      ['mnemo', servers.mnemo.port],
      ['redis', servers.redis.port],
    ] as const) {
      const ctl = await RawClient.connect(port);
      await ctl.send([['FLUSHALL'], ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']]);
      await ctl.close();
      const s = new Session(port, resp, server);
      try {
        await scenario(s);
      } catch (err) {
        // Say where in the scenario it went wrong.
        (err as Error).message += `\n${server} transcript so far:\n  ${s.log.slice(-8).join('\n  ')}`;
        throw err;
      } finally {
        await s.close();
      }
      logs.push(s.log);
    }
    assert.deepEqual(logs[0], logs[1], 'mnemo transcript (actual) vs redis transcript (expected)');
  }

  function scenario(name: string, fn: Scenario, resps: Array<2 | 3> = [2, 3]): void {
    for (const resp of resps) test(`${name} (RESP${resp})`, () => compare(fn, resp));
  }

  const nullArray = (s: Session) => (s.resp === 2 ? '*-1\\r\\n' : '_\\r\\n');
  const nullBulk = (s: Session) => (s.resp === 2 ? '$-1\\r\\n' : '_\\r\\n');

  scenario('answers at once from the first non-empty key in argument order', async (s) => {
    await s.run('a', ['RPUSH', 'k2', 'a', 'b'], ':2\\r\\n');
    await s.run('a', ['RPUSH', 'k3', 'c'], ':1\\r\\n');
    await s.run('a', ['BLPOP', 'k1', 'k3', 'k2', '0'], '*2\\r\\n$2\\r\\nk3\\r\\n$1\\r\\nc\\r\\n');
    await s.run('a', ['BRPOP', 'k1', 'k2', 'k3', '0'], '*2\\r\\n$2\\r\\nk2\\r\\n$1\\r\\nb\\r\\n');
    await s.run('a', ['RPUSH', 'k3', 'x', 'y', 'z'], ':3\\r\\n');
    await s.run('a', ['BLMPOP', '0', '3', 'k1', 'k3', 'k2', 'RIGHT', 'COUNT', '2']);
    await s.run('a', ['BLMOVE', 'k2', 'dst', 'RIGHT', 'LEFT', '0'], '$1\\r\\na\\r\\n');
    await s.run('a', ['BRPOPLPUSH', 'k3', 'dst', '0'], '$1\\r\\nx\\r\\n');
    await s.run('a', ['LRANGE', 'dst', '0', '-1']);
    // Any wrong-typed key before a non-empty one is an error, after it is not looked at.
    await s.run('a', ['SET', 'str', 'v'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'l', 'v'], ':1\\r\\n');
    await s.run('a', ['BLPOP', 'str', 'l', '0']);
    await s.run('a', ['BLPOP', 'l', 'str', '0'], '*2\\r\\n$1\\r\\nl\\r\\n$1\\r\\nv\\r\\n');
    await s.run('a', ['BLMPOP', '0', '1', 'str', 'LEFT']);
    await s.run('a', ['BLMOVE', 'str', 'x', 'LEFT', 'LEFT', '0']);
    await s.run('a', ['RPUSH', 'l', 'v'], ':1\\r\\n');
    await s.run('a', ['BLMOVE', 'l', 'str', 'LEFT', 'LEFT', '0']);
    await s.run('a', ['LLEN', 'l'], ':1\\r\\n');
    // Argument errors.
    for (const bad of [
      ['BLMPOP', '0', '0', 'l', 'LEFT'],
      ['BLMPOP', '0', '2', 'l', 'LEFT'],
      ['BLMPOP', '0', '1', 'l', 'UP'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '2'],
      ['BLMOVE', 'l', 'd', 'UP', 'LEFT', '0'],
      ['BLPOP', 'l'],
      ['BRPOPLPUSH', 'l', 'd'],
    ]) {
      await s.run('a', bad);
    }
  });

  scenario('waiters are served FIFO per key', async (s) => {
    await s.block('w1', ['BLPOP', 'k', '0']);
    await s.block('w2', ['BRPOP', 'k', 'other', '0']);
    await s.block('w3', ['BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '5']);
    await s.run('a', ['RPUSH', 'k', 'a'], ':1\\r\\n');
    await s.read('w1', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\na\\r\\n');
    await s.idle('w2');
    // One push of several elements serves several waiters, in order, each with its own end.
    await s.block('w4', ['BLMOVE', 'k', 'moved', 'RIGHT', 'LEFT', '0']);
    await s.run('a', ['LPUSH', 'k', 'x', 'y', 'z', 'q', 'r', 's', 't'], ':7\\r\\n');
    await s.read('w2', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nx\\r\\n');
    await s.read('w3');
    await s.read('w4');
    await s.run('a', ['LRANGE', 'k', '0', '-1']);
    await s.run('a', ['LRANGE', 'moved', '0', '-1']);
  });

  scenario('a waiter is served from the key that became ready', async (s) => {
    await s.block('w', ['BLPOP', 'k1', 'k2', '0']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k2', 'a'], '+QUEUED\\r\\n');
    await s.run('a', ['RPUSH', 'k1', 'b'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:1\\r\\n:1\\r\\n');
    await s.read('w', '*2\\r\\n$2\\r\\nk2\\r\\n$1\\r\\na\\r\\n');
    await s.run('a', ['FLUSHALL'], '+OK\\r\\n');
    await s.block('w', ['BLMPOP', '0', '2', 'k1', 'k2', 'LEFT', 'COUNT', '5']);
    await s.block('v', ['BLPOP', 'k1', '0']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k2', 'a', 'b'], '+QUEUED\\r\\n');
    await s.run('a', ['RPUSH', 'k1', 'c'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:2\\r\\n:1\\r\\n');
    await s.read('w');
    // k1's first waiter was already served from k2: the next one gets k1.
    await s.read('v', '*2\\r\\n$2\\r\\nk1\\r\\n$1\\r\\nc\\r\\n');
  });

  scenario('a push inside MULTI wakes waiters once, after EXEC', async (s) => {
    await s.block('w1', ['BLPOP', 'k', '0']);
    await s.block('w2', ['BLPOP', 'k', '0']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'a'], '+QUEUED\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'b'], '+QUEUED\\r\\n');
    await s.run('a', ['LPOP', 'k'], '+QUEUED\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'c'], '+QUEUED\\r\\n');
    await s.run('a', ['LLEN', 'k'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*5\\r\\n:1\\r\\n:2\\r\\n$1\\r\\na\\r\\n:2\\r\\n:2\\r\\n');
    await s.read('w1', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nb\\r\\n');
    await s.read('w2', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nc\\r\\n');
    // A list created and emptied inside the transaction serves nobody.
    await s.block('w1', ['BLPOP', 'k', '0']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'a'], '+QUEUED\\r\\n');
    await s.run('a', ['DEL', 'k'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:1\\r\\n:1\\r\\n');
    await s.idle('w1');
    await s.run('a', ['RPUSH', 'k', 'late'], ':1\\r\\n');
    await s.read('w1', '*2\\r\\n$1\\r\\nk\\r\\n$4\\r\\nlate\\r\\n');
  });

  scenario('timeouts: decimals, 0 waits forever, nulls of the right kind', async (s) => {
    const started = Date.now();
    await s.block('w', ['BLPOP', 'k', '0.15']);
    await s.read('w', nullArray(s));
    const waited = Date.now() - started;
    assert.ok(waited >= 140 && waited < 2000, `${s.server}: BLPOP 0.15 answered after ${waited} ms`);
    await s.block('w', ['BRPOP', 'k', 'k2', '.1']);
    await s.read('w', nullArray(s));
    // The moves time out with a null array too, as every list waiter does in Redis 7.0.
    await s.block('w', ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0.1']);
    await s.read('w', nullArray(s));
    await s.block('w', ['BRPOPLPUSH', 'k', 'd', '0.1']);
    await s.read('w', nullArray(s));
    await s.block('w', ['BLMPOP', '0.1', '1', 'k', 'LEFT']);
    await s.read('w', nullArray(s));
    // 0 is forever: still waiting well after the others timed out.
    await s.block('w', ['BLPOP', 'k', '0']);
    await s.idle('w', 300);
    await s.run('a', ['LPUSH', 'k', 'v'], ':1\\r\\n');
    await s.read('w', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n');
  });

  scenario('timeout argument errors and rounding', async (s) => {
    for (const t of ['abc', '', ' 1', '1 ', 'nan', '1e', '--1', '0x']) {
      await s.run('a', ['BLPOP', 'k', t], '-ERR timeout is not a float or out of range\\r\\n');
      await s.run('a', ['BLMPOP', t, '1', 'k', 'LEFT'], '-ERR timeout is not a float or out of range\\r\\n');
    }
    for (const t of [
      '-1',
      '-0.002',
      'inf',
      '-inf',
      '+inf',
      '1e20',
      '9223372036854775807',
      '99999999999999999999',
    ]) {
      await s.run('a', ['BLPOP', 'k', t], '-ERR timeout is negative\\r\\n');
      await s.run('a', ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', t], '-ERR timeout is negative\\r\\n');
    }
    // ceill(seconds * 1000): a fraction of a millisecond waits 1 ms...
    for (const t of ['0.0001', '1e-5', '0.0009', '0.001']) {
      await s.send('w', ['BLPOP', 'k', t]);
      await s.read('w', nullArray(s));
    }
    // ...and 0 < -x < 0.001 seconds is 0: forever. strtold reads hex (0x10 is 16 s). Deadlines
    // that overflow int64 never fire in Redis, and huge ones that do not overflow must not fire
    // early either (setTimeout's 24.8-day limit).
    const wid = showRaw(await (await s.conn('w')).command('CLIENT', 'ID')).slice(1, -4);
    for (const t of ['-0.0001', '-0.001', '0x10', '9223372036854775', '1700000000000000', '2147484']) {
      await s.block('w', ['BLPOP', 'k', t]);
      await s.idle('w', 120);
      await (await s.conn('ctl')).command('CLIENT', 'UNBLOCK', wid);
      await s.read('w', nullArray(s));
    }
  });

  scenario(
    'BLMOVE into a wrong-typed destination: the waiter gets WRONGTYPE, the element stays',
    async (s) => {
      await s.block('w', ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0']);
      await s.run('a', ['SET', 'dst', 'str'], '+OK\\r\\n');
      await s.run('a', ['RPUSH', 'src', 'x'], ':1\\r\\n');
      await s.read('w', '-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n');
      await s.run('a', ['LRANGE', 'src', '0', '-1'], '*1\\r\\n$1\\r\\nx\\r\\n');
      // The next waiter still gets the element.
      await s.run('a', ['DEL', 'src'], ':1\\r\\n');
      await s.block('w', ['BRPOPLPUSH', 'src', 'dst', '0']);
      await s.block('v', ['BLPOP', 'src', '0']);
      await s.run('a', ['RPUSH', 'src', 'y'], ':1\\r\\n');
      await s.read('w', '-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n');
      await s.read('v', '*2\\r\\n$3\\r\\nsrc\\r\\n$1\\r\\ny\\r\\n');
    },
  );

  scenario('a key replaced by another type does not wake list waiters', async (s) => {
    await s.block('w', ['BLPOP', 'k', '0']);
    await s.run('a', ['SET', 'k', 'str'], '+OK\\r\\n');
    await s.run('a', ['ZADD', 'z', '1', 'm'], ':1\\r\\n');
    await s.run('a', ['RENAME', 'z', 'k'], '+OK\\r\\n');
    await s.idle('w');
    await s.run('a', ['DEL', 'k'], ':1\\r\\n');
    await s.run('a', ['ZADD', 'k', '1', 'm'], ':1\\r\\n');
    await s.idle('w');
    await s.run('a', ['DEL', 'k'], ':1\\r\\n');
    // A list that a transaction replaces with a string before EXEC ends: not served.
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'a'], '+QUEUED\\r\\n');
    await s.run('a', ['SET', 'k', 'str'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:1\\r\\n+OK\\r\\n');
    await s.idle('w');
    await s.run('a', ['DEL', 'k'], ':1\\r\\n');
    await s.run('a', ['RPUSH', 'k', 'z'], ':1\\r\\n');
    await s.read('w', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nz\\r\\n');
    // Waiting on two keys, one turning into a zset and one into a list.
    await s.block('w', ['BLMPOP', '0', '2', 'k1', 'k2', 'RIGHT']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['ZADD', 'k1', '1', 'a'], '+QUEUED\\r\\n');
    await s.run('a', ['RPUSH', 'k2', 'b'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:1\\r\\n:1\\r\\n');
    await s.read('w', '*2\\r\\n$2\\r\\nk2\\r\\n*1\\r\\n$1\\r\\nb\\r\\n');
  });

  scenario('SWAPDB, RENAME, MOVE, COPY, SORT STORE and LMOVE make a list appear', async (s) => {
    const served = async (make: Array<[string, string[]]>) => {
      await s.block('w', ['BLPOP', 'k', '0']);
      for (const [who, argv] of make) await s.run(who, argv);
      await s.read('w');
      await s.run('a', ['FLUSHALL'], '+OK\\r\\n');
    };
    await served([
      ['b', ['SELECT', '1']],
      ['b', ['RPUSH', 'k', 'from1']],
      ['a', ['SWAPDB', '0', '1']],
    ]);
    await served([
      ['a', ['RPUSH', 'src', 'renamed']],
      ['a', ['RENAME', 'src', 'k']],
    ]);
    await served([
      ['b', ['RPUSH', 'k', 'moved']],
      ['b', ['MOVE', 'k', '0']],
    ]);
    await served([
      ['a', ['RPUSH', 'src', 'copied']],
      ['a', ['COPY', 'src', 'k']],
    ]);
    await served([
      ['a', ['RPUSH', 'src', '3', '1', '2']],
      ['a', ['SORT', 'src', 'STORE', 'k']],
    ]);
    await served([
      ['a', ['RPUSH', 'src', 'lmoved']],
      ['a', ['LMOVE', 'src', 'k', 'LEFT', 'LEFT']],
    ]);
    // A SWAPDB that brings a string does not.
    await s.block('w', ['BLPOP', 'k', '0']);
    await s.run('b', ['SET', 'k', 'str'], '+OK\\r\\n');
    await s.run('a', ['SWAPDB', '0', '1'], '+OK\\r\\n');
    await s.idle('w');
    await s.run('a', ['SELECT', '0'], '+OK\\r\\n');
    await s.run('a', ['DEL', 'k'], ':1\\r\\n');
    await s.run('a', ['LPUSH', 'k', 'end'], ':1\\r\\n');
    await s.read('w');
    // A waiter in database 1 is not woken by database 0.
    await s.run('w', ['SELECT', '1'], '+OK\\r\\n');
    await s.block('w', ['BLPOP', 'q', '0']);
    await s.run('a', ['RPUSH', 'q', 'db0'], ':1\\r\\n');
    await s.idle('w');
    await s.run('b', ['RPUSH', 'q', 'db1']);
    await s.read('w', '*2\\r\\n$1\\r\\nq\\r\\n$3\\r\\ndb1\\r\\n');
  });

  scenario('BZPOPMIN, BZPOPMAX and BZMPOP', async (s) => {
    // At once, from the first non-empty sorted set in argument order.
    await s.run('a', ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4.5', 'd'], ':4\\r\\n');
    await s.run('a', ['BZPOPMIN', 'none', 'z', '0']);
    await s.run('a', ['BZPOPMAX', 'none', 'z', '0']);
    await s.run('a', ['BZMPOP', '0', '2', 'none', 'z', 'MIN', 'COUNT', '5']);
    await s.run('a', ['SET', 'str', 'v'], '+OK\\r\\n');
    await s.run('a', ['BZPOPMIN', 'str', '0']);
    await s.run('a', ['BZMPOP', '0', '1', 'str', 'MAX']);
    for (const bad of [
      ['BZPOPMIN', 'z', '-1'],
      ['BZPOPMAX', 'z', 'x'],
      ['BZMPOP', '0', '0', 'z', 'MIN'],
      ['BZMPOP', '0', '1', 'z', 'UP'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0'],
      ['BZMPOP', 'x', '1', 'z', 'MIN'],
    ]) {
      await s.run('a', bad);
    }
    // FIFO waiters, each with its own end and count.
    await s.block('w1', ['BZPOPMIN', 'zk', '0']);
    await s.block('w2', ['BZPOPMAX', 'zk', 'other', '0']);
    await s.block('w3', ['BZMPOP', '0', '1', 'zk', 'MAX', 'COUNT', '2']);
    await s.run('a', ['ZADD', 'zk', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ':5\\r\\n');
    await s.read('w1');
    await s.read('w2');
    await s.read('w3');
    await s.run('a', ['ZRANGE', 'zk', '0', '-1', 'WITHSCORES']);
    // Served from the key that became ready.
    await s.block('w1', ['BZPOPMAX', 'k1', 'k2', '0']);
    await s.run('a', ['MULTI'], '+OK\\r\\n');
    await s.run('a', ['ZADD', 'k2', '1', 'two'], '+QUEUED\\r\\n');
    await s.run('a', ['ZADD', 'k1', '1', 'one'], '+QUEUED\\r\\n');
    await s.run('a', ['EXEC'], '*2\\r\\n:1\\r\\n:1\\r\\n');
    await s.read('w1');
    // A list under a key a sorted-set waiter waits on does not serve it, and vice versa.
    await s.block('w1', ['BZPOPMIN', 'mixed', '0']);
    await s.block('w2', ['BLPOP', 'mixed', '0']);
    await s.run('a', ['RPUSH', 'mixed', 'x'], ':1\\r\\n');
    await s.read('w2', '*2\\r\\n$5\\r\\nmixed\\r\\n$1\\r\\nx\\r\\n');
    await s.idle('w1');
    await s.run('a', ['ZADD', 'mixed', '7', 'm'], ':1\\r\\n');
    await s.read('w1');
    // Timeouts and CLIENT UNBLOCK answer a null array.
    await s.block('w1', ['BZPOPMIN', 'none', '0.05']);
    await s.read('w1', nullArray(s));
    await s.block('w1', ['BZMPOP', '0.05', '1', 'none', 'MIN']);
    await s.read('w1', nullArray(s));
    const id = showRaw(await (await s.conn('w3')).command('CLIENT', 'ID')).slice(1, -4);
    await s.block('w3', ['BZPOPMAX', 'none', '0']);
    await (await s.conn('ctl')).command('CLIENT', 'UNBLOCK', id);
    await s.read('w3', nullArray(s));
  });

  scenario('CLIENT UNBLOCK TIMEOUT and ERROR, and its errors', async (s) => {
    const idOf = async (name: string) => {
      const reply = showRaw(await (await s.conn(name)).command('CLIENT', 'ID'));
      return reply.slice(1, -4);
    };
    const w = await idOf('w');
    const a = await idOf('a');
    s.alias(w, '<id of w>');
    s.alias(a, '<id of a>');
    await s.block('w', ['BLPOP', 'k', '0']);
    await s.run('a', ['CLIENT', 'UNBLOCK', w], ':1\\r\\n');
    await s.read('w', nullArray(s));
    await s.block('w', ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0']);
    await s.run('a', ['CLIENT', 'UNBLOCK', w, 'TIMEOUT'], ':1\\r\\n');
    await s.read('w', nullArray(s));
    await s.block('w', ['BLMPOP', '0', '1', 'k', 'LEFT']);
    await s.run('a', ['CLIENT', 'UNBLOCK', w, 'error'], ':1\\r\\n');
    await s.read('w', '-UNBLOCKED client unblocked via CLIENT UNBLOCK\\r\\n');
    await s.run('a', ['CLIENT', 'UNBLOCK', w], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'UNBLOCK', a], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'UNBLOCK', '999999'], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'UNBLOCK', 'abc']);
    await s.run('a', ['CLIENT', 'UNBLOCK', '-1'], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'UNBLOCK', w, 'FOO']);
    await s.run('a', ['CLIENT', 'UNBLOCK', w, 'TIMEOUT', 'x']);
    await s.run('a', ['CLIENT', 'UNBLOCK']);
    // The unblocked client carries on normally.
    await s.run('w', ['PING'], '+PONG\\r\\n');
  });

  scenario('pipelined commands behind a blocked one run after it is served', async (s) => {
    await s.block(
      'w',
      ['BLPOP', 'k', '0'],
      ['SET', 'after', '1'],
      ['RPUSH', 'k', 'own'],
      ['LRANGE', 'k', '0', '-1'],
    );
    await s.run('a', ['GET', 'after'], nullBulk(s));
    await s.run('a', ['RPUSH', 'k', 'v'], ':1\\r\\n');
    await s.read('w', undefined, 4);
    await s.run('a', ['GET', 'after'], '$1\\r\\n1\\r\\n');
    // A timeout releases the queue too.
    await s.block('w', ['BLPOP', 'nothing', '0.05'], ['PING']);
    await s.read('w', undefined, 2);
  });

  scenario('disconnecting while blocked', async (s) => {
    await s.block('w', ['BLPOP', 'k', '0']);
    await s.block('v', ['BLPOP', 'k', '0']);
    await (await s.conn('w')).close();
    for (let i = 0; i < 100 && (await s.blockedClients()) !== 1; i++) await sleep(5);
    assert.equal(await s.blockedClients(), 1);
    await s.run('a', ['RPUSH', 'k', 'x', 'y'], ':2\\r\\n');
    await s.read('v', '*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nx\\r\\n');
    await s.run('a', ['LRANGE', 'k', '0', '-1'], '*1\\r\\n$1\\r\\ny\\r\\n');
  });

  scenario('CLIENT LIST flags=b and INFO blocked_clients', async (s) => {
    const listLine = async (id: string) => {
      const text = (await (await s.conn('a')).command('CLIENT', 'LIST', 'ID', id)).toString('latin1');
      const pick = (f: string) => new RegExp(` ${f}=(\\S*)`).exec(text)?.[1];
      return `flags=${pick('flags')} db=${pick('db')} multi=${pick('multi')} cmd=${pick('cmd')}`;
    };
    const id = showRaw(await (await s.conn('w')).command('CLIENT', 'ID')).slice(1, -4);
    s.log.push(`before: ${await listLine(id)}, blocked_clients=${await s.blockedClients()}`);
    await s.run('w', ['SELECT', '2'], '+OK\\r\\n');
    await s.block('w', ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0']);
    s.log.push(`blocked: ${await listLine(id)}, blocked_clients=${await s.blockedClients()}`);
    await s.block('v', ['BRPOP', 'k', '0']);
    s.log.push(`two blocked: blocked_clients=${await s.blockedClients()}`);
    await s.run('a', ['SELECT', '2'], '+OK\\r\\n');
    await s.run('a', ['RPUSH', 'k', '1'], ':1\\r\\n');
    await s.read('w', '$1\\r\\n1\\r\\n');
    s.log.push(`served: ${await listLine(id)}, blocked_clients=${await s.blockedClients()}`);
  });
});

// ---- the library's blocking Promises on the same instance as TCP clients ----

/** Serves a MemoryStore's instance over TCP on 127.0.0.1, as startServer does for its own. */
async function serveStore(store: MemoryStore): Promise<{ port: number; close(): Promise<void> }> {
  const log = new Logger('silent');
  const conns = new Set<ClientConnection>();
  const server = createServer({ noDelay: true }, (socket) => {
    conns.add(
      new ClientConnection(socket, store.instance, log, (c) => conns.delete(c), {
        maxBulkLen: 512 * 1024 * 1024,
        queryBufferLimit: 1024 * 1024 * 1024,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    close: async () => {
      for (const c of conns) c.shutdown();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('library blocking Promises meet TCP clients', () => {
  let store: MemoryStore;
  let served: { port: number; close(): Promise<void> };
  let tcp: RawClient;

  before(async () => {
    store = new MemoryStore();
    served = await serveStore(store);
    tcp = await RawClient.connect(served.port);
  });

  after(async () => {
    await tcp?.close();
    await served?.close();
    store?.close();
  });

  test('store.blpop/brpop/blmove resolve when a TCP client pushes', async () => {
    const p1 = store.blpop(['a', 'b'], 0);
    const p2 = store.brpop('b', 5);
    const p3 = store.blmove('c', 'dst', 'LEFT', 'RIGHT', 0);
    let settled = false;
    void Promise.all([p1, p2, p3]).then(() => (settled = true));
    await sleep(20);
    assert.equal(settled, false);
    assert.match(showRaw(await tcp.command('INFO', 'clients'), 2000), /blocked_clients:3/);
    assert.equal(showRaw(await tcp.command('RPUSH', 'b', 'x', 'y')), ':2\\r\\n');
    assert.deepEqual(await p1, ['b', 'x']);
    assert.deepEqual(await p2, ['b', 'y']);
    assert.equal(showRaw(await tcp.command('LPUSH', 'c', 'moved')), ':1\\r\\n');
    assert.equal(await p3, 'moved');
    assert.equal(showRaw(await tcp.command('LRANGE', 'dst', '0', '-1')), '*1\\r\\n$5\\r\\nmoved\\r\\n');
    assert.match(showRaw(await tcp.command('INFO', 'clients'), 2000), /blocked_clients:0/);
  });

  test('store Promises: at once when data is there, null at the timeout, ReplyError on errors', async () => {
    store.rpush('ready', '1');
    assert.deepEqual(await store.blpop('ready', 0), ['ready', '1']);
    const t0 = Date.now();
    assert.equal(await store.brpop('none', 0.05), null);
    assert.ok(Date.now() - t0 >= 45);
    assert.equal(await store.blmove('none', 'd', 'LEFT', 'LEFT', 0.05), null);
    await assert.rejects(
      store.blpop('k', -1),
      (e: unknown) => e instanceof ReplyError && e.message === 'ERR timeout is negative',
    );
    store.set('str', 'v');
    await assert.rejects(
      store.blpop('str', 0),
      (e: unknown) => e instanceof ReplyError && /^WRONGTYPE/.test(e.message),
    );
    assert.deepEqual(await store.blocking('BLMPOP', 0.05, 1, 'none', 'LEFT'), null);
    store.rpush('m', 'a', 'b', 'c');
    assert.deepEqual(await store.blocking('BLMPOP', 0, 1, 'm', 'RIGHT', 'COUNT', 2), ['m', ['c', 'b']]);
  });

  test('CLIENT UNBLOCK from TCP releases a library waiter', async () => {
    const p = store.blocking('BLPOP', 'never', 0);
    // Settled while this test still awaits TCP replies: observe it from the start.
    const outcome = p.then(
      () => null,
      (e: unknown) => e,
    );
    const list = showRaw(await tcp.command('CLIENT', 'LIST'), 4000);
    const id = /id=(\d+) [^\\]*?flags=b/.exec(list)?.[1];
    assert.ok(id !== undefined, list);
    assert.equal(showRaw(await tcp.command('CLIENT', 'UNBLOCK', id, 'ERROR')), ':1\\r\\n');
    const err = await outcome;
    assert.ok(err instanceof ReplyError && err.message === 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  });

  test('a TCP BLPOP is served by store.rpush, a TCP BLMOVE by store.lpush', async () => {
    tcp.write(encodeCommand(['BLPOP', 'q', '0']));
    await sleep(20);
    assert.equal(store.rpush('q', 'from-lib'), 1);
    assert.equal(showRaw((await tcp.read(1))[0]!), '*2\\r\\n$1\\r\\nq\\r\\n$8\\r\\nfrom-lib\\r\\n');
    assert.equal(store.llen('q'), 0);
    tcp.write(encodeCommand(['BLMOVE', 'q2', 'q3', 'RIGHT', 'LEFT', '0']));
    await sleep(20);
    assert.equal(store.lpush('q2', 'x'), 1);
    assert.equal(showRaw((await tcp.read(1))[0]!), '$1\\r\\nx\\r\\n');
    assert.deepEqual(store.lrange('q3', 0, -1), ['x']);
    // In a library transaction the push wakes the TCP waiter once, after exec().
    tcp.write(encodeCommand(['BRPOP', 'q4', '0']));
    await sleep(20);
    assert.deepEqual(store.multi().command('RPUSH', 'q4', 'a', 'b').command('LPOP', 'q4').exec(), [2, 'a']);
    assert.equal(showRaw((await tcp.read(1))[0]!), '*2\\r\\n$2\\r\\nq4\\r\\n$1\\r\\nb\\r\\n');
  });
});
