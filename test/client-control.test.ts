/**
 * Client control against a real redis-server 7.0: CLIENT PAUSE WRITE/ALL (reads go on during
 * WRITE, writes, PUBLISH, queued writes and EXEC wait and then complete in order, UNPAUSE,
 * timeouts), CLIENT REPLY ON/OFF/SKIP byte for byte (including what is still sent while replies
 * are off: subscription confirmations and messages), CLIENT NO-EVICT, CLIENT KILL with every
 * filter and the old ip:port form, the deterministic CLIENT LIST/INFO fields (flags, db,
 * sub/psub/ssub, multi, cmd, resp, name, user), MONITOR lines (quoting of binary arguments,
 * "(redacted)" secrets, admin commands left out, the database after SELECT) compared without
 * timestamps and ports, the `timeout` config closing idle clients (but not subscribers, blocked
 * clients or monitors), and the maxclients rejection. Scenarios run on mnemo and on Redis and
 * their transcripts must be equal.
 */

import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { encodeCommand } from './helpers/resp.js';
import { sideBySide } from './helpers/side-by-side.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One run of a scenario against one server: named connections opened on first use (after
 * HELLO 3 in RESP3 runs) and a transcript of every reply's exact bytes. `run` reads a known
 * number of replies; `send` writes without waiting; `read` takes replies that come later;
 * `until` reads everything up to a PING's answer sent after CLIENT REPLY ON.
 */
class Session {
  private readonly conns = new Map<string, RawClient>();
  readonly log: string[] = [];
  private readonly aliases = new Map<string, string>();
  private seq = 0;

  constructor(
    readonly port: number,
    readonly resp: 2 | 3,
    readonly server: 'mnemo' | 'redis',
  ) {}

  /** Shows `value` (a client id, an address) as `shown` in the transcript. */
  alias(value: string, shown: string): void {
    this.aliases.set(value, shown);
  }

  private show(text: string): string {
    for (const [value, shown] of this.aliases) text = text.split(value).join(shown);
    return text;
  }

  async conn(name: string): Promise<RawClient> {
    let c = this.conns.get(name);
    if (c === undefined) {
      c = await RawClient.connect(this.port, { timeoutMs: 5000 });
      this.conns.set(name, c);
      if (this.resp === 3) await c.command('HELLO', '3');
    }
    return c;
  }

  async run(name: string, argv: string[], expected?: string, count = 1): Promise<string> {
    const c = await this.conn(name);
    c.write(encodeCommand(argv));
    const text = (await c.read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(this.show(`${name}> ${argv.join(' ')} => ${text}`));
    if (expected !== undefined) {
      assert.equal(text, expected, `${this.server} (RESP${this.resp}): ${name}> ${argv.join(' ')}`);
    }
    return text;
  }

  async send(name: string, ...argvs: string[][]): Promise<void> {
    (await this.conn(name)).write(Buffer.concat(argvs.map((a) => encodeCommand(a))));
    this.log.push(this.show(`${name}> ${argvs.map((a) => a.join(' ')).join(' ; ')} (no wait)`));
  }

  async read(name: string, expected?: string, count = 1): Promise<string> {
    const text = (await (await this.conn(name)).read(count)).map((b) => showRaw(b)).join(' ');
    this.log.push(this.show(`${name}< ${text}`));
    if (expected !== undefined) assert.equal(text, expected, `${this.server} (RESP${this.resp}): ${name}<`);
    return text;
  }

  /** Turns replies back on and reads everything the client was sent before a fresh PING's answer. */
  async until(name: string): Promise<string> {
    const c = await this.conn(name);
    const tag = `\u0001sync${this.seq++}`;
    c.write(Buffer.concat([encodeCommand(['CLIENT', 'REPLY', 'ON']), encodeCommand(['PING', tag])]));
    const out: Buffer[] = [];
    for (;;) {
      const [f] = await c.read(1);
      if (f!.includes(tag)) break;
      out.push(f!);
    }
    const text = out.map((b) => showRaw(b)).join(' ');
    this.log.push(this.show(`${name}< ${text}`));
    return text;
  }

  async close(): Promise<void> {
    await sleep(20);
    for (const [name, c] of this.conns) {
      const rest = await c.drain(0);
      if (rest.bytes.length > 0) this.log.push(this.show(`${name} unread: ${showRaw(rest.bytes)}`));
      await c.close();
    }
  }
}

type Scenario = (s: Session) => Promise<void>;

/** Selected `field=value` pairs of a CLIENT LIST / CLIENT INFO line. */
function pick(line: string, fields: readonly string[]): string {
  return fields.map((f) => `${f}=${new RegExp(`(?:^|[ :])${f}=(\\S*)`).exec(line)?.[1] ?? '?'}`).join(' ');
}

const DETERMINISTIC = ['name', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'cmd', 'user', 'resp'] as const;

describe('client control: mnemo vs redis-server', { timeout: 300_000 }, () => {
  const servers = sideBySide();

  async function compare(scenario: Scenario, resp: 2 | 3): Promise<void> {
    const logs: string[][] = [];
    for (const [server, port] of [
      ['mnemo', servers.mnemo.port],
      ['redis', servers.redis.port],
    ] as const) {
      const ctl = await RawClient.connect(port);
      await ctl.send([
        ['FLUSHALL'],
        ['CLIENT', 'UNPAUSE'],
        ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no'],
      ]);
      await ctl.closed;
      const s = new Session(port, resp, server);
      try {
        await scenario(s);
      } catch (err) {
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

  const ids = new WeakMap<Session, Map<string, string>>();

  /** A client's id (asked once, on its own connection, so ask before it blocks or subscribes). */
  async function idOf(s: Session, name: string): Promise<string> {
    let known = ids.get(s);
    if (known === undefined) {
      known = new Map();
      ids.set(s, known);
    }
    let id = known.get(name);
    if (id === undefined) {
      id = showRaw(await (await s.conn(name)).command('CLIENT', 'ID')).slice(1, -4);
      known.set(name, id);
    }
    return id;
  }

  /** The CLIENT INFO line of `name` as the fields that do not depend on timing or sockets. */
  async function info(s: Session, name: string): Promise<void> {
    const text = (await (await s.conn(name)).command('CLIENT', 'INFO')).toString('latin1');
    s.log.push(`${name} info: ${pick(text, DETERMINISTIC)}`);
  }

  /** Another client's line in CLIENT LIST (seen from `from`). */
  async function listed(s: Session, from: string, name: string): Promise<void> {
    const id = await idOf(s, name);
    const text = (await (await s.conn(from)).command('CLIENT', 'LIST', 'ID', id)).toString('latin1');
    s.log.push(`${name} listed: ${pick(text, DETERMINISTIC)}`);
  }

  // ---- CLIENT REPLY ----

  scenario('CLIENT REPLY OFF, SKIP and ON', async (s) => {
    await s.send('a', ['CLIENT', 'REPLY', 'OFF'], ['SET', 'x', '1'], ['GET', 'x'], ['NOSUCH'], ['SET', 'x']);
    await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'skipped?']);
    await s.until('a');
    await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'one'], ['PING', 'two']);
    await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', '3'], ['PING', '4']);
    await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['NOSUCH'], ['PING', '5']);
    await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['GET'], ['PING', '6']);
    await s.until('a');
    await s.send('a', ['CLIENT', 'REPLY', 'FOO'], ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'ON', 'x']);
    await s.send('a', ['CLIENT', 'REPLY', 'OFF'], ['CLIENT', 'REPLY', 'SKIP'], ['PING', 'off']);
    await s.until('a');
    // MULTI/EXEC with replies off: nothing, then the state is clean.
    await s.send('a', ['CLIENT', 'REPLY', 'OFF'], ['MULTI'], ['INCR', 'n'], ['EXEC'], ['GET', 'n']);
    await s.until('a');
    await s.run('a', ['GET', 'n'], '$1\\r\\n1\\r\\n');
  });

  scenario('replies off: subscription confirmations and messages are still sent', async (s) => {
    await s.send('a', ['CLIENT', 'REPLY', 'OFF'], ['SUBSCRIBE', 'ch'], ['PSUBSCRIBE', 'c*']);
    await s.run('b', ['PUBLISH', 'ch', 'm1'], ':2\\r\\n');
    await s.read('a', undefined, 4);
    await s.send('a', ['UNSUBSCRIBE'], ['PUNSUBSCRIBE']);
    await s.until('a');
    if (s.resp === 3) {
      // A message to itself while its own reply is skipped.
      await s.run('a', ['SUBSCRIBE', 'self'], undefined, 1);
      await s.send('a', ['CLIENT', 'REPLY', 'SKIP'], ['PUBLISH', 'self', 'hi'], ['UNSUBSCRIBE', 'self']);
      await s.until('a');
    }
  });

  // ---- CLIENT NO-EVICT, SETNAME, errors ----

  scenario('CLIENT NO-EVICT, SETNAME/GETNAME and argument errors', async (s) => {
    await s.run('a', ['CLIENT', 'NO-EVICT', 'on'], '+OK\\r\\n');
    await info(s, 'a');
    await s.run('a', ['CLIENT', 'NO-EVICT', 'OFF'], '+OK\\r\\n');
    await info(s, 'a');
    for (const argv of [
      ['CLIENT', 'NO-EVICT', 'x'],
      ['CLIENT', 'NO-EVICT'],
      ['CLIENT', 'PAUSE', 'abc'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '10', 'x'],
      ['CLIENT', 'PAUSE', '10', 'WRITE', 'x'],
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'a\nb'],
      ['CLIENT', 'SETNAME', 'nm'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'INFO', 'x'],
      ['CLIENT', 'ID', 'x'],
      ['CLIENT', 'FOO'],
      ['CLIENT'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'ID', 'abc'],
      ['CLIENT', 'LIST', 'ID'],
      ['CLIENT', 'LIST', 'x'],
      ['CLIENT', 'LIST', 'ID', '99999'],
      ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
      ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'TYPE', 'replica'],
    ]) {
      await s.run('a', argv);
    }
  });

  // ---- CLIENT LIST / INFO fields ----

  scenario('CLIENT LIST and CLIENT INFO fields', async (s) => {
    for (const name of ['b', 'c', 'd', 'e']) await idOf(s, name);
    // The field set, in order.
    const line = (await (await s.conn('a')).command('CLIENT', 'INFO')).toString('latin1');
    s.log.push(`fields: ${[...line.matchAll(/(?:^|[ :])([a-z-]+)=/g)].map((m) => m[1]).join(' ')}`);
    await info(s, 'a');
    await s.run('a', ['CLIENT', 'SETNAME', 'alpha'], '+OK\\r\\n');
    await s.run('a', ['SELECT', '3'], '+OK\\r\\n');
    await info(s, 'a');
    // cmd= is the last command looked up: queued ones count, rejected ones too.
    await s.run('b', ['SET', 'k', 'v'], '+OK\\r\\n');
    await listed(s, 'a', 'b');
    await s.run('b', ['GET'], "-ERR wrong number of arguments for 'get' command\\r\\n");
    await listed(s, 'a', 'b');
    await s.run('b', ['NOSUCH']);
    await listed(s, 'a', 'b');
    await s.run('b', ['CONFIG', 'NOSUCH']);
    await listed(s, 'a', 'b');
    await s.run('b', ['CONFIG', 'GET', 'hz'], undefined);
    await listed(s, 'a', 'b');
    await s.run('b', ['WATCH', 'k'], '+OK\\r\\n');
    await s.run('a', ['SELECT', '0'], '+OK\\r\\n');
    await s.run('a', ['SET', 'k', 'changed'], '+OK\\r\\n');
    await s.run('b', ['MULTI'], '+OK\\r\\n');
    await s.run('b', ['SET', 'k', '1'], '+QUEUED\\r\\n');
    await s.run('b', ['INCR', 'k'], '+QUEUED\\r\\n');
    await listed(s, 'a', 'b');
    await s.run('b', ['EXEC']);
    await listed(s, 'a', 'b');
    await s.run('c', ['SUBSCRIBE', 'x', 'y'], undefined, 2);
    await s.run('c', ['PSUBSCRIBE', 'p*'], undefined, 1);
    await s.run('c', ['SSUBSCRIBE', 's'], undefined, 1);
    await listed(s, 'a', 'c');
    await s.run('d', ['CLIENT', 'NO-EVICT', 'on'], '+OK\\r\\n');
    await s.send('d', ['BLPOP', 'nothing', '0']);
    await sleep(30);
    await listed(s, 'a', 'd');
    await s.run('e', ['MONITOR'], '+OK\\r\\n');
    await listed(s, 'a', 'e');
    // TYPE filters.
    const types = async (type: string) => {
      const text = (await (await s.conn('a')).command('CLIENT', 'LIST', 'TYPE', type)).toString('latin1');
      const names = [...text.matchAll(/ name=(\S*)/g)].map((m) => m[1]).sort();
      s.log.push(`TYPE ${type}: ${names.length} clients`);
    };
    await types('normal');
    await types('pubsub');
    await types('master');
    const pair = [await idOf(s, 'a'), await idOf(s, 'c')];
    const both = (await (await s.conn('a')).command('CLIENT', 'LIST', 'ID', ...pair, '424242')).toString(
      'latin1',
    );
    s.log.push(`ID filter: ${both.split('\n').filter((l) => l.includes('id=')).length} lines`);
    // The monitor saw all of the above with timestamps and ports: not part of this comparison.
    await sleep(20);
    await (await s.conn('e')).drain(0);
  });

  // ---- CLIENT KILL ----

  scenario('CLIENT KILL with every filter, and the old ip:port form', async (s) => {
    const addrOf = async (name: string) => {
      const text = (await (await s.conn(name)).command('CLIENT', 'INFO')).toString('latin1');
      return /addr=(\S+)/.exec(text)![1]!;
    };
    const closed = async (name: string) => {
      const c = await s.conn(name);
      await Promise.race([c.closed, sleep(500)]);
      s.log.push(`${name} ${c.isClosed ? 'closed' : 'open'}`);
    };
    for (const name of ['a', 'b', 'c', 'd']) await s.conn(name);
    // Old form: +OK, or an error.
    const bAddr = await addrOf('b');
    s.alias(bAddr, '<addr of b>');
    await s.run('a', ['CLIENT', 'KILL', bAddr], '+OK\\r\\n');
    await closed('b');
    await s.run('a', ['CLIENT', 'KILL', bAddr], '-ERR No such client\\r\\n');
    await s.run('a', ['CLIENT', 'KILL', '1.2.3.4:5'], '-ERR No such client\\r\\n');
    // ID
    const cId = await idOf(s, 'c');
    s.alias(`ID ${cId}`, 'ID <id of c>');
    await s.run('a', ['CLIENT', 'KILL', 'ID', cId], ':1\\r\\n');
    await closed('c');
    await s.run('a', ['CLIENT', 'KILL', 'ID', cId], ':0\\r\\n');
    // ADDR (new form): 0 when nothing matches.
    const dAddr = await addrOf('d');
    s.alias(dAddr, '<addr of d>');
    await s.run('a', ['CLIENT', 'KILL', 'ADDR', dAddr, 'SKIPME', 'yes'], ':1\\r\\n');
    await closed('d');
    await s.run('a', ['CLIENT', 'KILL', 'ADDR', dAddr], ':0\\r\\n');
    // TYPE pubsub kills subscribers only; TYPE normal spares the caller (SKIPME yes by default).
    await s.run('p1', ['SUBSCRIBE', 'x'], undefined, 1);
    await s.run('p2', ['PSUBSCRIBE', 'x*'], undefined, 1);
    await s.conn('n1');
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ':2\\r\\n');
    await closed('p1');
    await closed('p2');
    await closed('n1');
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'normal'], ':1\\r\\n');
    await closed('n1');
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'master'], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'replica'], ':0\\r\\n');
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'slave'], ':0\\r\\n');
    // USER and LADDR match everyone here; SKIPME no includes the caller, who gets its reply.
    await s.conn('u1');
    await s.run('a', ['CLIENT', 'KILL', 'USER', 'default'], ':1\\r\\n');
    await closed('u1');
    await s.conn('l1');
    const laddr = /laddr=(\S+)/.exec(
      (await (await s.conn('a')).command('CLIENT', 'INFO')).toString('latin1'),
    )![1]!;
    s.alias(laddr, '<server addr>');
    await s.run('a', ['CLIENT', 'KILL', 'LADDR', laddr], ':1\\r\\n');
    await closed('l1');
    await s.run('a', ['CLIENT', 'KILL', 'LADDR', '1.1.1.1:1'], ':0\\r\\n');
    for (const bad of [
      ['CLIENT', 'KILL', 'ID', 'abc'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', '-5'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'USER', 'nouser'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'ADDR'],
      ['CLIENT', 'KILL', 'MAXAGE', '1'],
      ['CLIENT', 'KILL', 'ID', '1', 'TYPE'],
    ]) {
      await s.run('a', bad);
    }
    await s.run('a', ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no'], ':1\\r\\n');
    await closed('a');
  });

  // ---- CLIENT PAUSE ----

  /** Milliseconds until `name` got `count` replies, with the replies. */
  async function timed(s: Session, name: string, count = 1): Promise<number> {
    const t0 = Date.now();
    await s.read(name, undefined, count);
    return Date.now() - t0;
  }

  scenario('CLIENT PAUSE WRITE: reads go on, writes wait and then run in order', async (s) => {
    await s.run('a', ['SET', 'k', '0'], '+OK\\r\\n');
    await s.run('p', ['CLIENT', 'PAUSE', '400', 'WRITE'], '+OK\\r\\n');
    const t0 = Date.now();
    await s.send('w', ['SET', 'k', '1'], ['INCR', 'k'], ['GET', 'k']);
    await s.send('x', ['PUBLISH', 'ch', 'm']);
    await s.send('m', ['MULTI'], ['SET', 'k', 'from-multi'], ['GET', 'k'], ['EXEC']);
    // Reads (and read-only transactions) are not held.
    await s.run('r', ['GET', 'k'], '$1\\r\\n0\\r\\n');
    await s.run('r', ['MULTI'], '+OK\\r\\n');
    await s.run('r', ['GET', 'k'], '+QUEUED\\r\\n');
    await s.run('r', ['EXEC'], '*1\\r\\n$1\\r\\n0\\r\\n');
    await s.run('r', ['PING'], '+PONG\\r\\n');
    assert.ok(Date.now() - t0 < 300, `${s.server}: reads were held during a WRITE pause`);
    // MULTI itself answers; the queued write is held, and so is everything after it.
    await s.read('m', '+OK\\r\\n');
    const waited = await timed(s, 'w', 3);
    assert.ok(Date.now() - t0 >= 350, `${s.server}: a write ran during the pause (${waited} ms)`);
    await s.read('x', ':0\\r\\n');
    await s.read('m', undefined, 3);
    await s.run('r', ['GET', 'k']);
    // A transaction queued before the pause: its EXEC waits when it holds a write.
    await s.run('m', ['MULTI'], '+OK\\r\\n');
    await s.run('m', ['INCRBY', 'n', '5'], '+QUEUED\\r\\n');
    await s.run('p', ['CLIENT', 'PAUSE', '300', 'WRITE'], '+OK\\r\\n');
    const t1 = Date.now();
    await s.send('m', ['EXEC']);
    await s.run('r', ['GET', 'n'], s.resp === 2 ? '$-1\\r\\n' : '_\\r\\n');
    await s.read('m', '*1\\r\\n:5\\r\\n');
    assert.ok(Date.now() - t1 >= 250, `${s.server}: EXEC with a write ran during the pause`);
  });

  scenario(
    'a second CLIENT PAUSE only extends and escalates; UNPAUSE releases at once',
    async (s) => {
      // A shorter pause does not cut a longer one short.
      await s.run('p', ['CLIENT', 'PAUSE', '600', 'WRITE'], '+OK\\r\\n');
      const t0 = Date.now();
      await s.run('p', ['CLIENT', 'PAUSE', '50', 'WRITE'], '+OK\\r\\n');
      await s.send('w', ['SET', 'k', '1']);
      await s.read('w', '+OK\\r\\n');
      const held = Date.now() - t0;
      assert.ok(held >= 500, `${s.server}: a 50 ms pause shortened a 600 ms one (${held} ms)`);
      // WRITE then ALL: reads are held too, until the later end.
      await s.run('p', ['CLIENT', 'PAUSE', '300', 'WRITE'], '+OK\\r\\n');
      await s.run('p', ['CLIENT', 'PAUSE', '0', 'ALL'], '+OK\\r\\n');
      const t1 = Date.now();
      await s.send('r', ['GET', 'k']);
      await s.read('r', '$1\\r\\n1\\r\\n');
      assert.ok(Date.now() - t1 >= 200, `${s.server}: ALL did not escalate a WRITE pause`);
      // ALL then WRITE does not de-escalate.
      await s.run('p', ['CLIENT', 'PAUSE', '300', 'ALL'], '+OK\\r\\n');
      const t2 = Date.now();
      await s.send('p', ['CLIENT', 'PAUSE', '10', 'WRITE']);
      await s.send('r', ['PING']);
      await s.read('p', '+OK\\r\\n');
      await s.read('r', '+PONG\\r\\n');
      assert.ok(Date.now() - t2 >= 200);
      // CLIENT UNPAUSE during a WRITE pause releases the held writes at once.
      await s.run('p', ['CLIENT', 'PAUSE', '5000', 'WRITE'], '+OK\\r\\n');
      const t3 = Date.now();
      await s.send('w', ['SET', 'k', '2']);
      await sleep(50);
      await s.run('p', ['CLIENT', 'UNPAUSE'], '+OK\\r\\n');
      await s.read('w', '+OK\\r\\n');
      assert.ok(Date.now() - t3 < 2000);
      await s.run('r', ['GET', 'k'], '$1\\r\\n2\\r\\n');
    },
    [2],
  );

  scenario(
    'CLIENT PAUSE ALL ends by its timeout; UNPAUSE is held like any command',
    async (s) => {
      await s.run('p', ['CLIENT', 'PAUSE', '300'], '+OK\\r\\n');
      const t0 = Date.now();
      await s.send('u', ['CLIENT', 'UNPAUSE']);
      await s.send('r', ['GET', 'k']);
      await s.read('u', '+OK\\r\\n');
      await s.read('r');
      const held = Date.now() - t0;
      assert.ok(held >= 250 && held < 2000, `${s.server}: held ${held} ms by a 300 ms pause`);
    },
    [2],
  );

  // ---- MONITOR ----

  scenario('MONITOR lines', async (s) => {
    await s.run('m', ['MONITOR'], '+OK\\r\\n');
    const aAddr = /addr=(\S+):\d+ /.exec(
      (await (await s.conn('a')).command('CLIENT', 'INFO')).toString('latin1'),
    )![1]!;
    const steps: string[][] = [
      ['SET', 'k', 'v'],
      ['SET', 'bin\u0000\u0001\u00ff"\\\n\r\t\u0007\u0008', 'v a l'],
      ['GET', ''],
      ['SELECT', '5'],
      ['GET', 'k'],
      ['AUTH', 'secret'],
      ['AUTH', 'user', 'secret'],
      ['HELLO', String(s.resp), 'AUTH', 'default', 'pw'],
      ['HELLO', String(s.resp), 'AUTH', 'default', 'pw', 'SETNAME', 'nm'],
      ['CONFIG', 'GET', 'hz'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'ID'],
      ['NOSUCH', 'x'],
      ['GET'],
      ['MULTI'],
      ['SET', 'q', '1'],
      ['INCR', 'q'],
      ['EXEC'],
      ['BLPOP', 'none', '0.01'],
      ['SELECT', '0'],
      ['PING'],
      ['ECHO', 'ünï'],
    ];
    for (const argv of steps) {
      // Replies carrying client ids or addresses differ between servers: not recorded.
      if (argv[0] === 'HELLO' || argv[0] === 'CLIENT') await (await s.conn('a')).command(...argv);
      else await s.run('a', argv);
    }
    await sleep(50);
    const raw = (await (await s.conn('m')).drain(50)).bytes.toString('latin1');
    const lines = raw.split('\r\n').filter((l) => l !== '');
    for (const line of lines) {
      const m = /^\+(\d{10})\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$/.exec(line);
      assert.ok(m !== null, `${s.server}: bad MONITOR line ${JSON.stringify(line)}`);
      assert.ok(
        Math.abs(Number(m[1]) - Date.now() / 1000) < 60,
        `${s.server}: MONITOR time ${m[1]} is not now`,
      );
      const who = m[4]!.startsWith(`${aAddr}:`) ? `${aAddr}:<port>` : m[4];
      s.log.push(`[${m[3]} ${who}] ${m[5]}`);
    }
    // Monitors see other monitors' nothing; RESET ends monitoring.
    await s.run('m', ['RESET'], '+RESET\\r\\n');
    await s.run('a', ['SET', 'after', 'reset'], '+OK\\r\\n');
    await sleep(30);
    assert.equal((await (await s.conn('m')).drain(0)).bytes.length, 0);
  });

  // ---- timeout and maxclients ----

  test('timeout closes idle normal clients, not subscribers, blocked clients or monitors', async () => {
    const check = async (port: number, server: string) => {
      const ctl = await RawClient.connect(port);
      const conns: RawClient[] = [ctl];
      try {
        assert.equal(showRaw(await ctl.command('CONFIG', 'SET', 'timeout', '1')), '+OK\\r\\n');
        const open = async () => {
          const c = await RawClient.connect(port);
          conns.push(c);
          return c;
        };
        const idle = await open();
        await idle.command('PING');
        const busy = await open();
        const sub = await open();
        await sub.command('SUBSCRIBE', 'ch');
        const blocked = await open();
        blocked.write(encodeCommand(['BLPOP', 'never', '0']));
        const mon = await open();
        await mon.command('MONITOR');
        const t0 = Date.now();
        while (!idle.isClosed && Date.now() - t0 < 5000) {
          await busy.command('PING');
          await ctl.command('CLIENT', 'ID');
          await sleep(200);
        }
        const closedAfter = Date.now() - t0;
        assert.ok(idle.isClosed, `${server}: the idle client was not closed`);
        assert.ok(closedAfter >= 900, `${server}: closed after ${closedAfter} ms with timeout 1`);
        assert.equal(busy.isClosed, false, `${server}: an active client was closed`);
        assert.equal(sub.isClosed, false, `${server}: a subscriber was closed`);
        assert.equal(blocked.isClosed, false, `${server}: a blocked client was closed`);
        assert.equal(mon.isClosed, false, `${server}: a monitor was closed`);
      } finally {
        await ctl.command('CONFIG', 'SET', 'timeout', '0').catch(() => {});
        await Promise.all(conns.map((c) => c.close()));
      }
    };
    await Promise.all([check(servers.mnemo.port, 'mnemo'), check(servers.redis.port, 'redis')]);
  });

  test('maxclients: the connection over the limit gets the error and is closed', async () => {
    const results: string[] = [];
    for (const port of [servers.mnemo.port, servers.redis.port]) {
      const ctl = await RawClient.connect(port);
      const others: RawClient[] = [];
      try {
        await ctl.send([
          ['CLIENT', 'KILL', 'TYPE', 'normal'],
          ['CONFIG', 'RESETSTAT'],
        ]);
        // Killed connections leave asynchronously: wait until this one is alone.
        let alone = false;
        for (let i = 0; i < 200 && !alone; i++) {
          alone = /connected_clients:1\\r\\n/.test(showRaw(await ctl.command('INFO', 'clients'), 4000));
          if (!alone) await sleep(10);
        }
        assert.ok(alone, 'other clients are still connected');
        assert.equal(showRaw(await ctl.command('CONFIG', 'SET', 'maxclients', '3')), '+OK\\r\\n');
        others.push(await RawClient.connect(port), await RawClient.connect(port));
        for (const o of others) assert.equal(showRaw(await o.command('PING')), '+PONG\\r\\n');
        const extra = new Socket();
        let got = '';
        extra.on('data', (d: Buffer) => (got += d.toString('latin1')));
        const closed = new Promise<void>((r) => extra.on('close', () => r()));
        extra.on('error', () => {});
        extra.connect(port, '127.0.0.1', () => extra.write(encodeCommand(['PING'])));
        await closed;
        results.push(showRaw(Buffer.from(got, 'latin1')));
        const stats = showRaw(await ctl.command('INFO', 'stats'), 4000);
        assert.match(stats, /rejected_connections:1\\r\\n/);
      } finally {
        assert.equal(showRaw(await ctl.command('CONFIG', 'SET', 'maxclients', '10000')), '+OK\\r\\n');
        await Promise.all([ctl, ...others].map((c) => c.close()));
      }
    }
    assert.equal(results[0], results[1]);
    assert.equal(results[1], '-ERR max number of clients reached\\r\\n');
  });
});
