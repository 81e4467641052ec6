/**
 * ACL against a real redis-server 7.0: the same commands go to both servers and the replies
 * must match. Covered: ACL SETUSER with every kind of rule and the canonical text ACL LIST and
 * ACL GETUSER print for it (RESP2 and RESP3), every SETUSER error text, the other subcommands'
 * errors and replies (CAT, GENPASS, LOG, DRYRUN, HELP...), command, key (%R~/%W~) and channel
 * denials with their NOPERM texts and ACL LOG entries, selectors, MULTI (queue time and EXEC
 * time), AUTH and HELLO AUTH with users, requirepass and the default user, clients disconnected
 * when their user is deleted, loses channels or is reloaded, CLIENT KILL USER, SORT BY/GET
 * under key restrictions, ACL SAVE/LOAD with an aclfile, and users declared at start-up.
 *
 * Relaxed, and only there: Redis lists the single-command part of a rule text (+get +set ...)
 * and ACL CAT in its command table's hash order, which is random per process, so those runs are
 * compared sorted; ACL LOG's age and most client-info fields (ids, ports, ages) are not compared;
 * ACL file paths are masked.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Config } from '../src/config/config.js';
import { ManualClock, MemoryStore } from '../src/index.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';
import {
  freePort,
  killProcess,
  type RedisServer,
  startRedis,
  track,
  waitForPing,
} from './helpers/redis-server.js';
import { RespReader, type RespValue, showResp } from './helpers/resp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function parse(b: Buffer): RespValue {
  const r = new RespReader();
  r.feed(b);
  const v = r.next();
  assert.ok(v !== undefined, 'a complete reply');
  return v;
}

/** Sorts each run of single-command rules (+get -set +config|get ...) of a rule text. */
function sortRuleRuns(text: string): string {
  const segments = text.split(/(?= \()/);
  return segments
    .map((seg) => {
      const sel = seg.startsWith(' (') && seg.endsWith(')');
      const body = sel ? seg.slice(2, -1) : seg;
      const out: string[] = [];
      let run: string[] = [];
      for (const tok of body.split(' ')) {
        if (/^[+-][^@]/.test(tok)) run.push(tok);
        else {
          out.push(...run.sort(), tok);
          run = [];
        }
      }
      out.push(...run.sort());
      return sel ? ` (${out.join(' ')})` : out.join(' ');
    })
    .join('');
}

/** Rule texts anywhere in a reply, normalised with sortRuleRuns. */
function normRules(v: RespValue): RespValue {
  switch (v.type) {
    case 'bulk':
      return /[+-]@all/.test(v.value) ? { type: 'bulk', value: sortRuleRuns(v.value) } : v;
    case 'array':
    case 'set':
      return { type: v.type, value: v.value.map(normRules) };
    case 'map':
      return { type: 'map', value: v.value.map(([k, x]) => [k, normRules(x)] as [RespValue, RespValue]) };
    default:
      return v;
  }
}

/** An array reply whose order is undefined (ACL CAT): sorted. */
function sortedArray(v: RespValue): RespValue {
  if (v.type !== 'array') return v;
  return { type: 'array', value: [...v.value].sort((a, b) => (showResp(a) < showResp(b) ? -1 : 1)) };
}

const CLIENT_INFO_FIELDS = ['name', 'db', 'sub', 'psub', 'ssub', 'multi', 'cmd', 'user', 'resp'];

/** ACL LOG: every field but the age, and the stable fields of client-info. */
function normLog(v: RespValue): RespValue {
  if (v.type !== 'array') return v;
  return {
    type: 'array',
    value: v.value.map((e) => {
      if (e.type !== 'map' && e.type !== 'array') return e;
      const pairs: Array<[RespValue, RespValue]> =
        e.type === 'map'
          ? e.value
          : e.value.flatMap((x, i, all) => (i % 2 === 0 ? [[x, all[i + 1]!] as [RespValue, RespValue]] : []));
      const out: Array<[RespValue, RespValue]> = [];
      for (const [k, x] of pairs) {
        const key = k.type === 'bulk' ? k.value : '';
        if (key === 'age-seconds') out.push([k, { type: 'simple', value: x.type }]);
        else if (key === 'client-info' && x.type === 'bulk') {
          const fields = Object.fromEntries(
            x.value.split(' ').map((f) => f.split('=', 2) as [string, string]),
          );
          const kept = CLIENT_INFO_FIELDS.map((f) => `${f}=${fields[f]}`).join(' ');
          out.push([k, { type: 'bulk', value: kept }]);
        } else out.push([k, x]);
      }
      return { type: 'map', value: out };
    }),
  };
}

type Norm = (v: RespValue) => RespValue;
type Argv = ReadonlyArray<string>;

/** One connection to each server; every command goes to both and the replies are compared. */
class Duo {
  private constructor(
    readonly r: RawClient,
    readonly m: RawClient,
  ) {}

  static async open(ports: { redis: number; mnemo: number }, resp: 2 | 3 = 2): Promise<Duo> {
    const [r, m] = await Promise.all([
      RawClient.connect(ports.redis, { timeoutMs: 5000 }),
      RawClient.connect(ports.mnemo, { timeoutMs: 5000 }),
    ]);
    const d = new Duo(r, m);
    if (resp === 3) await d.both(['HELLO', '3']);
    return d;
  }

  async both(argv: Argv): Promise<[RespValue, RespValue]> {
    const [r, m] = await Promise.all([this.r.command(...argv), this.m.command(...argv)]);
    return [parse(r), parse(m)];
  }

  /** Sends `argv` to both and asserts equal replies (after `norm`); returns Redis's reply. */
  async same(argv: Argv, norm: Norm = normRules): Promise<RespValue> {
    const [r, m] = await this.both(argv);
    assert.equal(
      showResp(norm(m)),
      showResp(norm(r)),
      `${argv.map((a) => JSON.stringify(a)).join(' ')}\n--- redis: ${showResp(r)}\n--- mnemo: ${showResp(m)}`,
    );
    return r;
  }

  async all(argvs: ReadonlyArray<Argv>, norm?: Norm): Promise<void> {
    for (const argv of argvs) await this.same(argv, norm);
  }

  /** Both connections were closed by their servers (within a short wait). */
  async closedByServer(expected: boolean): Promise<void> {
    const wait = (c: RawClient) => Promise.race([c.closed.then(() => true), sleep(300).then(() => false)]);
    const [r, m] = await Promise.all([wait(this.r), wait(this.m)]);
    assert.equal(r, expected, `redis closed the connection: ${r}`);
    assert.equal(m, expected, `mnemo closed the connection: ${m}`);
  }

  close(): Promise<unknown> {
    return Promise.all([this.r.close(), this.m.close()]);
  }
}

/** Two servers and helpers to reset their users between tests. */
class Pair {
  private readonly duos: Duo[] = [];
  constructor(
    readonly redis: RedisServer,
    readonly mnemo: MnemoInProcess,
  ) {}

  get ports(): { redis: number; mnemo: number } {
    return { redis: this.redis.port, mnemo: this.mnemo.port };
  }

  async duo(resp: 2 | 3 = 2): Promise<Duo> {
    const d = await Duo.open(this.ports, resp);
    this.duos.push(d);
    return d;
  }

  /** A connection authenticated as `user` on both servers. */
  async as(user: string, password: string, resp: 2 | 3 = 2): Promise<Duo> {
    const d = await this.duo(resp);
    await d.same(['AUTH', user, password]);
    return d;
  }

  /** Deletes every user but default, empties the log and the keys. */
  async reset(): Promise<void> {
    const admin = await this.duo();
    const [users] = await admin.both(['ACL', 'USERS']);
    assert.equal(users.type, 'array');
    const names = users.value.flatMap((u) => (u.type === 'bulk' && u.value !== 'default' ? [u.value] : []));
    if (names.length > 0) await admin.both(['ACL', 'DELUSER', ...names]);
    await admin.same(['ACL', 'LOG', 'RESET']);
    await admin.same(['FLUSHALL']);
  }

  async stop(): Promise<void> {
    await Promise.all(this.duos.map((d) => d.close()));
    await Promise.all([this.redis.stop(), this.mnemo.stop()]);
  }
}

async function startPair(redisArgs: readonly string[] = [], config: Config = configWith([])): Promise<Pair> {
  const [redis, mnemo] = await Promise.all([startRedis(redisArgs), startMnemo({ config })]);
  return new Pair(redis, mnemo);
}

const scratch: string[] = [];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/**
 * A mnemo config as a config file would give it (no save points, a private `dir`, plus
 * `pairs`: aclfile, requirepass...).
 */
function configWith(pairs: ReadonlyArray<[string, string]>): Config {
  const config = Config.defaults();
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-acl-'));
  scratch.push(dir);
  const all: Array<[string, string]> = [['save', ''], ['dir', dir], ...pairs];
  config.apply(
    all.map(([name, value], i) => ({ line: i + 1, name, args: [value], raw: `${name} ${value}` })),
  );
  return config;
}

// ---------------------------------------------------------------------------------------------

/** Rule sets for SETUSER round trips (categories with no mnemo command are left out: see CAT). */
const RULE_SETS: string[][] = [
  [],
  ['on', '>pw', '~*', '&*', '+@all'],
  ['on', 'nopass', 'allkeys', 'allchannels', 'allcommands'],
  ['+@read', '+@write', '-@dangerous'],
  ['+@all', '-@string', '+get', '-client|kill'],
  ['-@all', '+config|get', '+client|id', '+client|info'],
  ['+client', '-client|kill'],
  ['+@all', '-config', '+config|get'],
  ['+select|0', '+select|1', '+SELECT|2', '+select|1'],
  ['+@all', '-select', '+select|0'],
  ['+select|0', '+select'],
  ['+select|0', '-select'],
  ['~a*', '%R~r*', '%W~w*', '%RW~rw', '%R~a*', '%W~r*'],
  ['~a*', 'resetkeys', '~x', 'allkeys'],
  ['%R', '%rw~', '%W~x', '%wR~y'],
  ['&ch1', '&ch*', 'resetchannels', '&x', '&x'],
  ['allchannels', 'resetchannels'],
  ['>a', '>b', '<a', `#${sha('c')}`, `!${sha('c')}`, '>d', '>d'],
  ['>a', 'nopass', '>d', 'resetpass', '>e'],
  ['on', 'off', 'on', 'skip-sanitize-payload', 'sanitize-payload', 'skip-sanitize-payload'],
  ['on', '>x', '+@all', '~*', 'reset'],
  ['(+get ~k*)', '(+set %W~w* &c)'],
  ['(', '+get', '~k*', ')'],
  ['(+get', '%R~k*)', '+set'],
  ['(+get ~x)', 'clearselectors', '(+@read)'],
  ['()', '(   )', '(resetchannels &x allkeys)'],
  ['(+get "x)'],
  ['+@hash', '+@list', '-@slow'],
  ['+@all', '-@fast', '+ping'],
  ['+@keyspace', '+@transaction', '+@connection', '-@admin'],
  ['+@pubsub', '&news.*'],
  ['nocommands', '+@bitmap', '+@hyperloglog', '-pfdebug'],
  ['allcommands', '-@dangerous', '+@admin'],
  ['+@set', '+@sortedset', '-@write'],
  ['+acl|whoami', '+acl|cat'],
  ['+ACL', '-acl|setuser'],
  ['+@all', '-@all', '+get'],
  ['+@ALL', '-@READ', '+@Read'],
  ['', 'on', ''],
  ['+@read', '+@write', '+@admin', '-@blocking', '-flushall'],
  ['+@all', '-@keyspace', '-@connection', '+client|setname'],
  ['-@all', '+@fast', '-@read'],
  ['+@slow', '-@admin', '+config|get', '-@pubsub'],
  ['+@list', '+@blocking', '-@write', '+lpush'],
];

const CATEGORIES_MNEMO_HAS = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
];
for (const cat of CATEGORIES_MNEMO_HAS) {
  RULE_SETS.push(
    [`+@${cat}`],
    ['+@all', `-@${cat}`],
    ['+@all', `-@${cat}`, '-@write'],
    ['+@read', `+@${cat}`],
  );
}

describe('ACL against redis-server 7.0', () => {
  let pair: Pair;
  before(async () => {
    pair = await startPair();
  });
  after(async () => {
    await pair?.stop();
  });

  test('SETUSER, LIST and GETUSER round trips', async () => {
    await pair.reset();
    const d = await pair.duo();
    const d3 = await pair.duo(3);
    for (const [i, rules] of RULE_SETS.entries()) {
      const name = `u${i}`;
      await d.same(['ACL', 'SETUSER', name, ...rules]);
      await d.same(['ACL', 'GETUSER', name]);
      await d3.same(['ACL', 'GETUSER', name]);
      // The same rules again on the existing user: applied on top.
      await d.same(['ACL', 'SETUSER', name, ...rules]);
    }
    await d.same(['ACL', 'LIST']);
    await d3.same(['ACL', 'LIST']);
    await d.same(['ACL', 'USERS']);
    await d.same(['ACL', 'GETUSER', 'nobody']);
    await d3.same(['ACL', 'GETUSER', 'nobody']);
    await d3.same(['ACL', 'GETUSER', 'default']);
    // What LIST prints, read back, describes the same user (mnemo alone: Redis orders rules randomly).
    const [, list] = await d.both(['ACL', 'LIST']);
    assert.equal(list.type, 'array');
    for (const line of list.value) {
      assert.equal(line.type, 'bulk');
      const [, name, ...rules] = line.value.split(' ');
      const copy = `copy-${name}`;
      await d.m.command('ACL', 'SETUSER', copy, ...rules);
      const [got] = (
        parse(await d.m.command('ACL', 'LIST')) as { value: Array<{ value: string }> }
      ).value.filter((l) => l.value.startsWith(`user ${copy} `));
      assert.equal(got?.value.slice(`user ${copy} `.length), line.value.slice(`user ${name} `.length));
      await d.m.command('ACL', 'DELUSER', copy);
    }
    // acl-pubsub-default allchannels: new users and selectors (and `reset`) get &*.
    await d.all([
      ['CONFIG', 'SET', 'acl-pubsub-default', 'allchannels'],
      ['ACL', 'SETUSER', 'pd1', 'on', '(+get)'],
      ['ACL', 'SETUSER', 'pd2', 'resetchannels', '&a', 'reset'],
      ['ACL', 'SETUSER', 'u1', '(+set)'],
      ['ACL', 'GETUSER', 'pd1'],
      ['CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'],
      ['ACL', 'SETUSER', 'pd3', 'on'],
      ['ACL', 'LIST'],
    ]);
    // An empty user name is allowed.
    await d.all([
      ['ACL', 'SETUSER', '', 'on'],
      ['ACL', 'USERS'],
      ['ACL', 'GETUSER', ''],
      ['ACL', 'DELUSER', ''],
    ]);
  });

  test('SETUSER error texts', async () => {
    await pair.reset();
    const d = await pair.duo();
    const bad: string[][] = [
      ['foo'],
      ['+nosuch'],
      ['-nosuch'],
      ['+@nosuch'],
      ['-@nosuch'],
      ['+'],
      ['-'],
      ['+@'],
      ['-@'],
      ['~*', '~x'],
      ['allkeys', '%R~x'],
      ['&*', '&x'],
      ['allchannels', '&x'],
      ['<nope'],
      [`!${'a'.repeat(64)}`],
      ['#abc'],
      [`#${'A'.repeat(64)}`],
      [`#${'a'.repeat(63)}g`],
      ['!xyz'],
      ['+config|get|x'],
      ['+config|'],
      ['+get|'],
      ['+config|nosuch'],
      ['+nosuch|x'],
      ['+get|x|y'],
      ['-config|get|x'],
      ['-select|0'],
      ['(+get'],
      ['on', '(+get', '+set'],
      ['(+get', '(+set'],
      ['(nosuch)'],
      ['(+get ~a', 'b)', 'foo'],
      ['%Rx~k'],
      ['%RR~k'],
      ['%~k'],
      ['%'],
      ['%~'],
      ['~a b'],
      ['&a b'],
      ['~a\tb'],
      ['on', 'foo\r\nbar'],
      ['x\0y'],
      ['on', '+get', 'nopass', '>p', 'badrule', '+set'],
    ];
    for (const rules of bad) {
      await d.same(['ACL', 'SETUSER', 'eve', ...rules]);
      // Nothing was applied.
      await d.same(['ACL', 'GETUSER', 'eve']);
    }
    await d.all([
      ['ACL', 'SETUSER', 'a b'],
      ['ACL', 'SETUSER', 'a\0b'],
      ['ACL', 'SETUSER', 'a\nb', 'on'],
      ['ACL', 'USERS'],
    ]);
  });

  test('subcommands: arity, HELP, CAT, GENPASS, WHOAMI, LOG arguments, DELUSER, DRYRUN errors', async () => {
    await pair.reset();
    const d = await pair.duo();
    await d.all([
      ['ACL'],
      ['ACL', 'NOSUCH'],
      ['ACL', 'SETUSER'],
      ['ACL', 'GETUSER'],
      ['ACL', 'GETUSER', 'a', 'b'],
      ['ACL', 'DELUSER'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'nobody', 'default'],
      ['ACL', 'DELUSER', 'nobody', 'x'],
      ['ACL', 'SETUSER', 'x'],
      ['ACL', 'DELUSER', 'x', 'x', 'nobody'],
      ['ACL', 'LIST', 'x'],
      ['ACL', 'USERS', 'x'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'WHOAMI', 'x'],
      ['ACL', 'HELP'],
      ['ACL', 'HELP', 'x'],
      ['acl', 'help'],
      ['ACL', 'CAT'],
      ['ACL', 'CAT', 'a', 'b'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT', 'x'.repeat(200)],
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '-1'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', 'x'],
      ['ACL', 'GENPASS', '1', '2'],
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '-1'],
      ['ACL', 'LOG', '0'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'LOG', 'reset'],
      ['ACL', 'LOAD'],
      ['ACL', 'SAVE'],
      ['ACL', 'LOAD', 'x'],
      ['ACL', 'DRYRUN'],
      ['ACL', 'DRYRUN', 'default', 'get'],
      ['ACL', 'DRYRUN', 'nobody', 'get', 'x'],
      ['ACL', 'DRYRUN', 'default', 'nosuch'],
      ['ACL', 'DRYRUN', 'default', 'config'],
      ['ACL', 'DRYRUN', 'default', 'config', 'nosuch'],
      ['ACL', 'DRYRUN', 'default', 'get', 'k'],
      ['ACL', 'DRYRUN', 'default', 'config', 'get', 'x'],
    ]);
    for (const [bits, chars] of [
      [undefined, 64],
      ['1', 1],
      ['4', 1],
      ['5', 2],
      ['255', 64],
      ['4096', 1024],
    ] as const) {
      const argv = bits === undefined ? ['ACL', 'GENPASS'] : ['ACL', 'GENPASS', bits];
      for (const v of await d.both(argv)) {
        assert.equal(v.type, 'bulk');
        assert.match(v.value, new RegExp(`^[0-9a-f]{${chars}}$`));
      }
    }
  });

  test('ACL CAT: each category holds the commands Redis puts there', async () => {
    const d = await pair.duo();
    const mine = new Set([...pair.mnemo.instance.commands.everything()].map((c) => c.fullName));
    const [cats] = await d.both(['ACL', 'CAT']);
    assert.equal(cats.type, 'array');
    for (const cat of cats.value) {
      assert.equal(cat.type, 'bulk');
      const [r, m] = await d.both(['ACL', 'CAT', cat.value]);
      assert.ok(r.type === 'array' && m.type === 'array');
      const theirs = r.value.map((x) => (x as { value: string }).value).filter((n) => mine.has(n));
      const ours = m.value.map((x) => (x as { value: string }).value);
      assert.deepEqual([...ours].sort(), [...theirs].sort(), `category ${cat.value}`);
    }
    // Category names are matched without regard to case, and end at a NUL as C strings do.
    const only = (v: RespValue): RespValue =>
      sortedArray(
        v.type === 'array'
          ? { type: 'array', value: v.value.filter((x) => x.type === 'bulk' && mine.has(x.value)) }
          : v,
      );
    await d.same(['ACL', 'CAT', 'READ'], only);
    await d.same(['ACL', 'CAT', 'Hash\0x'], only);
  });

  test('command, key and channel denials, their NOPERM texts and the ACL LOG', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.all([
      ['ACL', 'SETUSER', 'reader', 'on', '>pw', '~r*', '%R~ro*', '&chan*', '+@read', '+@connection'],
      ['ACL', 'SETUSER', 'reader', '+subscribe', '+psubscribe', '+publish', '+ssubscribe', '+spublish'],
      ['ACL', 'SETUSER', 'writer', 'on', '>pw', '+@all', '-@dangerous', '%W~w*', '%R~r*', '~rw*'],
      ['SET', 'r1', 'v'],
      ['SET', 'ro1', 'v'],
      ['RPUSH', 'rl', 'a', 'b'],
    ]);
    const reader = await pair.as('reader', 'pw');
    await reader.all([
      ['GET', 'r1'],
      ['GET', 'x'],
      ['SET', 'r1', 'v'],
      ['MGET', 'r1', 'ro1', 'x', 'y'],
      ['GET', 'ro1'],
      ['STRLEN', 'x'],
      ['CLIENT', 'SETNAME', 'rdr'],
      ['CLIENT', 'KILL', 'ID', '999999'],
      ['PUBLISH', 'chan1', 'm'],
      ['PUBLISH', 'other', 'm'],
      ['SPUBLISH', 'other', 'm'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'LOG'],
      ['CONFIG', 'GET', 'port'],
      ['PING'],
    ]);
    const writer = await pair.as('writer', 'pw');
    await writer.all([
      ['SET', 'w1', 'v'],
      ['GET', 'w1'],
      ['APPEND', 'w1', 'x'],
      ['COPY', 'r1', 'w2'],
      ['COPY', 'w1', 'w3'],
      ['LPUSH', 'w4', 'a'],
      ['RPOPLPUSH', 'rl', 'w4'],
      ['RPOPLPUSH', 'rwl', 'w4'],
      ['LMOVE', 'rw1', 'rw2', 'LEFT', 'RIGHT'],
      ['SET', 'r9', 'v'],
      ['SET', 'w5', 'v', 'GET'],
      ['GETDEL', 'w1'],
      ['DEL', 'w1'],
      ['EXISTS', 'w1'],
      ['SINTERSTORE', 'w6', 'r1', 'x'],
      ['SINTERSTORE', 'w6', 'r1', 'rw2'],
      ['ZUNIONSTORE', 'w7', '2', 'r1', 'w1'],
      ['FLUSHALL'],
      ['KEYS', '*'],
      ['BITFIELD', 'w8', 'GET', 'u8', '0'],
      ['BITFIELD', 'r8', 'GET', 'u8', '0'],
      ['BITFIELD', 'r8', 'SET', 'u8', '0', '1'],
      ['SORT', 'rl', 'ALPHA'],
      ['SORT', 'rl', 'BY', 'x*', 'ALPHA'],
      ['SORT', 'rl', 'BY', 'nosort'],
      ['SORT', 'rl', 'GET', '#'],
      ['SORT', 'rl', 'STORE', 'w9'],
      ['SORT', 'rl', 'STORE', 'r9'],
    ]);
    // SORT BY/GET: allowed with read access to every key.
    await admin.same(['ACL', 'SETUSER', 'writer', '%R~*']);
    await writer.all([
      ['SORT', 'rl', 'BY', 'x*', 'ALPHA'],
      ['SORT', 'rl', 'GET', '#'],
    ]);
    await admin.same(['ACL', 'LOG'], normLog);
    await admin.same(['ACL', 'LOG', '3'], normLog);
    const admin3 = await pair.duo(3);
    await admin3.same(['ACL', 'LOG', '4'], normLog);
    await admin.same(['ACL', 'LOG', 'RESET']);
    await admin.same(['ACL', 'LOG']);
    // acllog-max-len trims when the next entry comes; repeats of one denial merge into a count.
    await admin.same(['CONFIG', 'SET', 'acllog-max-len', '2']);
    await reader.all([
      ['SET', 'a', 'b'],
      ['GET', 'z1'],
      ['GET', 'z1'],
      ['DEL', 'r1'],
      ['SET', 'a', 'b'],
    ]);
    await admin.same(['ACL', 'LOG'], normLog);
    await admin.same(['CONFIG', 'SET', 'acllog-max-len', '0']);
    await admin.same(['ACL', 'LOG'], normLog);
    await reader.same(['GET', 'z2']);
    await admin.same(['ACL', 'LOG'], normLog);
    await admin.same(['CONFIG', 'SET', 'acllog-max-len', '128']);
  });

  test('channel permissions: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, PUBLISH', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.same([
      'ACL',
      'SETUSER',
      'sub',
      'on',
      'nopass',
      '~*',
      '+@all',
      'resetchannels',
      '&news.*',
      '&lit',
    ]);
    for (const resp of [2, 3] as const) {
      const s = await pair.as('sub', 'x', resp);
      await s.all([
        ['PUBLISH', 'news.1', 'm'],
        ['PUBLISH', 'sport', 'm'],
        ['SPUBLISH', 'sport', 'm'],
        ['PSUBSCRIBE', 'news.?'],
        ['PSUBSCRIBE', 'news.*', 'sport*'],
        ['SUBSCRIBE', 'news.1', 'sport'],
        ['SSUBSCRIBE', 'sport'],
        ['SUBSCRIBE', 'lit'],
        ['PSUBSCRIBE', 'lit'],
        ['PSUBSCRIBE', 'news.*'],
        ['UNSUBSCRIBE', 'sport'],
        ['PUNSUBSCRIBE', 'x'],
      ]);
      await s.close();
    }
    await admin.same(['ACL', 'LOG'], normLog);
    await admin.all([
      ['ACL', 'DRYRUN', 'sub', 'publish', 'news.x', 'm'],
      ['ACL', 'DRYRUN', 'sub', 'publish', 'x', 'm'],
      ['ACL', 'DRYRUN', 'sub', 'subscribe', 'news.x', 'x', 'y'],
      ['ACL', 'DRYRUN', 'sub', 'psubscribe', 'news.*'],
      ['ACL', 'DRYRUN', 'sub', 'psubscribe', 'news*'],
      ['ACL', 'DRYRUN', 'sub', 'ssubscribe', 'lit', 'news.1', 'no'],
      ['ACL', 'DRYRUN', 'sub', 'unsubscribe', 'x'],
    ]);
  });

  test('selectors and DRYRUN', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.all([
      [
        'ACL',
        'SETUSER',
        's',
        'on',
        'nopass',
        '+get',
        '~a*',
        '(+set ~b*)',
        '(+@hash %R~h*)',
        '(+publish &c*)',
      ],
      ['ACL', 'GETUSER', 's'],
      ['ACL', 'LIST'],
    ]);
    const probes: string[][] = [
      ['get', 'a1'],
      ['get', 'b1'],
      ['set', 'b1', 'v'],
      ['set', 'a1', 'v'],
      ['hget', 'h1', 'f'],
      ['hget', 'a1', 'f'],
      ['hset', 'h1', 'f', 'v'],
      ['hset', 'b1', 'f', 'v'],
      ['mget', 'a1', 'b1'],
      ['publish', 'c1', 'm'],
      ['publish', 'd1', 'm'],
      ['lpush', 'a1', 'x'],
      ['ping'],
      ['auth', 'x', 'y'],
      ['get'],
      ['get', 'a', 'b'],
    ];
    for (const p of probes) await admin.same(['ACL', 'DRYRUN', 's', ...p]);
    const s = await pair.as('s', 'x');
    for (const p of probes.filter((x) => x[0] !== 'auth')) await s.same(p);
    await admin.same(['ACL', 'LOG'], normLog);
    // The "best" denial across selectors: a key beats a command, the later argument wins.
    await admin.all([
      ['ACL', 'SETUSER', 't', 'on', '+mset', '~k1', '(+mset ~k2)', '(+mset ~k3)'],
      ['ACL', 'DRYRUN', 't', 'mset', 'k1', 'v', 'k2', 'v'],
      ['ACL', 'DRYRUN', 't', 'mset', 'k2', 'v', 'k1', 'v', 'k3', 'v'],
      ['ACL', 'DRYRUN', 't', 'mset', 'k3', 'v'],
      ['ACL', 'DRYRUN', 't', 'mget', 'k3'],
      ['ACL', 'SETUSER', 'f', 'on', '-@all', '+select|0', '+config|get', '+client'],
      ['ACL', 'DRYRUN', 'f', 'select', '0'],
      ['ACL', 'DRYRUN', 'f', 'select', '1'],
      ['ACL', 'DRYRUN', 'f', 'config', 'get', 'x'],
      ['ACL', 'DRYRUN', 'f', 'config', 'set', 'x', 'y'],
      ['ACL', 'DRYRUN', 'f', 'client', 'id'],
      ['ACL', 'DRYRUN', 'f', 'CLIENT', 'KILL', 'id', '1'],
    ]);
  });

  test('MULTI: denials when queueing and when EXEC runs', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.same(['ACL', 'SETUSER', 'm', 'on', '>pw', '+@all', '-set', '~k*', '&*']);
    const m = await pair.as('m', 'pw');
    await m.all([['MULTI'], ['GET', 'k1'], ['SET', 'k1', 'v'], ['GET', 'x'], ['EXEC']]);
    await m.all([['MULTI'], ['GET', 'k1'], ['INCR', 'k2'], ['LPUSH', 'k3', 'a'], ['PUBLISH', 'c', 'm']]);
    await admin.same(['ACL', 'SETUSER', 'm', '-incr', 'resetkeys', '~k1', '~k2', 'resetchannels']);
    await m.all([['EXEC'], ['GET', 'k2']]);
    await admin.same(['ACL', 'LOG'], normLog);
    // EXEC itself denied.
    await admin.same(['ACL', 'SETUSER', 'm', '-exec']);
    await m.all([['MULTI'], ['GET', 'k1'], ['EXEC'], ['DISCARD'], ['GET', 'k1']]);
    await admin.same(['ACL', 'LOG', '1'], normLog);
  });

  test('AUTH and HELLO AUTH with users', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.all([
      ['ACL', 'SETUSER', 'u', 'on', '>p1', '>p2', '+@all', '~*'],
      ['ACL', 'SETUSER', 'off', 'off', '>p', '+@all'],
      ['ACL', 'SETUSER', 'free', 'on', 'nopass', '+acl|whoami'],
    ]);
    const c = await pair.duo();
    await c.all([
      ['AUTH', 'u', 'p1'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'u', 'p2'],
      ['AUTH', 'u', 'bad'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'nobody', 'x'],
      ['AUTH', 'off', 'p'],
      ['AUTH', 'p1'],
      ['AUTH', 'a', 'b', 'c'],
      ['auth', 'free', 'anything'],
      ['ACL', 'WHOAMI'],
      ['GET', 'k'],
      ['HELLO', '2', 'AUTH', 'u', 'bad'],
      ['HELLO', '2', 'AUTH', 'nobody', 'bad', 'SETNAME', 'x'],
      ['ACL', 'WHOAMI'],
      ['RESET'],
      ['ACL', 'WHOAMI'],
      ['CLIENT', 'SETNAME', 'c1'],
      ['MULTI'],
      ['AUTH', 'u', 'wrong'],
      ['AUTH', 'u', 'p1'],
      ['EXEC'],
      ['ACL', 'WHOAMI'],
    ]);
    const h = await pair.duo();
    const [r, m] = await h.both(['HELLO', '3', 'AUTH', 'u', 'p2', 'SETNAME', 'hh']);
    assert.equal(r.type, 'map');
    assert.equal(m.type, 'map');
    await h.all([
      ['ACL', 'WHOAMI'],
      ['CLIENT', 'GETNAME'],
    ]);
    await admin.same(['ACL', 'LOG'], normLog);
    await admin.all([
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'USER', 'free'],
      ['CLIENT', 'KILL', 'USER', 'u'],
    ]);
    await h.closedByServer(true);
    await c.closedByServer(true);
  });

  test('deleting a user or narrowing its channels disconnects its clients', async () => {
    await pair.reset();
    const admin = await pair.duo();
    await admin.all([
      ['ACL', 'SETUSER', 'gone', 'on', '>pw', '+@all', '~*'],
      ['ACL', 'SETUSER', 'self', 'on', '>pw', '+@all', '~*'],
      ['ACL', 'SETUSER', 'ps', 'on', '>pw', '+@all', '~*', 'resetchannels', '&a*', '&b*'],
    ]);
    const g = await pair.as('gone', 'pw');
    await admin.same(['ACL', 'SETUSER', 'gone', 'off', '-get']);
    await g.closedByServer(false);
    await g.same(['SET', 'k', 'v']);
    await admin.same(['ACL', 'DELUSER', 'gone', 'nobody']);
    await g.closedByServer(true);
    const s = await pair.as('self', 'pw');
    await s.same(['ACL', 'DELUSER', 'self']);
    await s.closedByServer(true);
    // Subscribers: kept while the new channels cover the old ones, dropped otherwise.
    const p = await pair.as('ps', 'pw');
    await p.same(['SUBSCRIBE', 'a1']);
    const q = await pair.as('ps', 'pw');
    await q.same(['GET', 'k']);
    await admin.same(['ACL', 'SETUSER', 'ps', '&c*']);
    await p.closedByServer(false);
    await admin.same(['ACL', 'SETUSER', 'ps', 'resetchannels', '&b*', '&c*']);
    await p.closedByServer(true);
    await q.closedByServer(false);
    await q.same(['ACL', 'WHOAMI']);
  });

  test('requirepass and the default user', async () => {
    const local = await startPair(['--requirepass', 'secret'], configWith([['requirepass', 'secret']]));
    try {
      const c = await local.duo();
      await c.all([
        ['GET', 'k'],
        ['ACL', 'WHOAMI'],
        ['HELLO', '3'],
        ['AUTH', 'wrong'],
        ['AUTH', 'secret'],
        ['ACL', 'LIST'],
        ['ACL', 'GETUSER', 'default'],
      ]);
      await c.same(['ACL', 'LOG'], normLog);
      await c.all([
        ['CONFIG', 'SET', 'requirepass', 'other'],
        ['ACL', 'LIST'],
        ['CONFIG', 'GET', 'requirepass'],
        ['ACL', 'SETUSER', 'default', '>more'],
        ['CONFIG', 'SET', 'requirepass', 'third'],
        ['ACL', 'LIST'],
      ]);
      const d = await local.duo();
      await d.all([
        ['GET', 'k'],
        ['AUTH', 'other'],
        ['AUTH', 'third'],
        ['GET', 'k'],
      ]);
      await c.all([
        ['CONFIG', 'SET', 'requirepass', ''],
        ['ACL', 'LIST'],
      ]);
      const e = await local.duo();
      await e.all([
        ['GET', 'k'],
        ['AUTH', 'x'],
      ]);
      // The default user's password set through ACL: new connections must AUTH.
      await c.all([
        ['ACL', 'SETUSER', 'default', 'resetpass', '>acl'],
        ['CONFIG', 'GET', 'requirepass'],
      ]);
      const f = await local.duo();
      await f.all([['PING'], ['HELLO'], ['AUTH', 'acl'], ['PING']]);
      // Back to nopass: a connection that never authenticated may run commands, but not HELLO.
      const g = await local.duo();
      await c.same(['ACL', 'SETUSER', 'default', 'nopass']);
      await g.all([['PING'], ['HELLO', '2'], ['AUTH', 'x'], ['RESET'], ['HELLO', '2']], (v) =>
        v.type === 'array' && v.value.length === 14 ? { type: 'simple', value: 'hello' } : v,
      );
      // The default user switched off: nobody new gets in, not even with its password.
      await c.same(['ACL', 'SETUSER', 'default', 'off']);
      const h = await local.duo();
      await h.all([['PING'], ['AUTH', 'x'], ['AUTH', 'default', 'x'], ['ACL', 'LOG', '2']], normLog);
      await c.same(['ACL', 'SETUSER', 'default', 'on']);
    } finally {
      await local.stop();
    }
  });
});

describe('ACL files and users at start-up', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mnemo-acl-'));
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('ACL SAVE and ACL LOAD with an aclfile', async () => {
    const rfile = join(dir, 'redis.acl');
    const mfile = join(dir, 'mnemo.acl');
    const initial = [
      'user alice on #' + sha('pw') + ' ~a* &x +@read (+set ~s*)',
      'user default on nopass ~* &* +@all',
      '',
      '   user bob off +@all -@dangerous ~*   ',
    ].join('\n');
    writeFileSync(rfile, initial);
    writeFileSync(mfile, initial);
    const local = await startPair(['--aclfile', rfile], configWith([['aclfile', mfile]]));
    const mask = (v: RespValue): RespValue =>
      v.type === 'error'
        ? { type: 'error', value: v.value.split(rfile).join('F').split(mfile).join('F') }
        : v;
    try {
      const admin = await local.duo();
      await admin.all([
        ['ACL', 'LIST'],
        ['ACL', 'USERS'],
      ]);
      const alice = await local.as('alice', 'pw');
      await alice.same(['GET', 'a1']);
      await admin.all([
        ['ACL', 'SETUSER', 'carol', 'on', '>c', '+get', '%R~c*', '(+hget ~h*)'],
        ['ACL', 'SETUSER', 'default', '-flushall'],
        ['ACL', 'SAVE'],
      ]);
      const saved = (f: string) => readFileSync(f, 'latin1').split('\n').map(sortRuleRuns).join('\n');
      assert.equal(saved(mfile), saved(rfile));
      // A reload keeps the default user's clients and drops every other user's, even the
      // client that asked for it (after its reply).
      writeFileSync(rfile, 'user alice on nopass +@all ~*\n');
      writeFileSync(mfile, 'user alice on nopass +@all ~*\n');
      await admin.all([
        ['ACL', 'LOAD'],
        ['ACL', 'LIST'],
      ]);
      await alice.closedByServer(true);
      await admin.same(['PING']);
      const again = await local.as('alice', 'x');
      await again.same(['ACL', 'LOAD']);
      await again.closedByServer(true);
      const broken: string[] = [
        'user alice on\nfoo bar\n',
        'user alice on +nosuch +nosuch2 badrule other\n',
        'user alice on\nuser alice off\n',
        'User alice\n',
        'user\n',
        'user bob (+get ~x\n',
        'user bob on ~a b\n',
        'user bob on\n\n\nuser carol foo\r\n',
        'user "x y" on\n',
        'user bob on <nope\nuser carol &* &x\n',
      ];
      for (const text of broken) {
        writeFileSync(rfile, text);
        writeFileSync(mfile, text);
        await admin.same(['ACL', 'LOAD'], mask);
      }
      await admin.same(['ACL', 'LIST']);
      // Redis 7.0.15 crashes on an unmatched parenthesis after another rule; mnemo reports it.
      writeFileSync(mfile, 'user bob on (+get ~x\n');
      const [, crash] = await admin
        .both(['PING'])
        .then(async () => [null, parse(await admin.m.command('ACL', 'LOAD'))]);
      assert.deepEqual(crash, {
        type: 'error',
        value: `ERR ${mfile}:1: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to the previously active ACL rules was performed`,
      });
      // No default user in the file: the stock one.
      writeFileSync(rfile, 'user zed on nopass +ping\n');
      writeFileSync(mfile, 'user zed on nopass +ping\n');
      await admin.all([
        ['ACL', 'LOAD'],
        ['ACL', 'LIST'],
      ]);
      rmSync(rfile);
      rmSync(mfile);
      await admin.same(['ACL', 'LOAD'], mask);
    } finally {
      await local.stop();
    }
  });

  test('CONFIG REWRITE writes the users as `user` lines', async () => {
    const rconf = join(dir, 'redis.conf');
    const mconf = join(dir, 'mnemo.conf');
    const text = 'user old on nopass +ping\n';
    writeFileSync(rconf, text);
    writeFileSync(mconf, text);
    const port = await freePort();
    const proc = spawn('redis-server', [
      rconf,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--dir',
      dir,
    ]);
    track(proc);
    await waitForPing(port, proc, 'redis-server', () => '');
    const redis: RedisServer = { port, proc, stop: () => killProcess(proc) };
    const mnemo = await startMnemo({
      config: configWith([]),
      configFile: mconf,
      users: [{ line: 1, name: 'user', args: ['old', 'on', 'nopass', '+ping'], raw: text.trim() }],
    });
    const local = new Pair(redis, mnemo);
    try {
      const d = await local.duo();
      await d.all([
        ['ACL', 'SETUSER', 'new', 'on', '>pw', '~k*', '+@read', '(+set ~s*)'],
        ['ACL', 'DELUSER', 'old'],
        ['CONFIG', 'REWRITE'],
      ]);
      const users = (f: string) =>
        readFileSync(f, 'latin1')
          .split('\n')
          .filter((l) => l.startsWith('user '))
          .map(sortRuleRuns);
      assert.deepEqual(users(mconf), users(rconf));
      assert.equal(users(mconf).length, 2);
    } finally {
      await local.stop();
    }
  });

  test('user directives at start-up, and the errors that stop it', async () => {
    const users = [
      ['alice', 'on', '>pw', '~*', '+@all', '-@dangerous'],
      ['default', 'on', 'nopass', '+@read', '+@connection', '~*'],
      ['bob', '(+get', '~k*)', '+ping'],
    ];
    const redisArgs = users.flatMap((u) => ['--user', ...u]);
    const [redis, mnemo] = await Promise.all([
      startRedis(redisArgs),
      startMnemo({
        config: configWith([]),
        users: users.map((u, i) => ({ line: i + 1, name: 'user', args: u, raw: `user ${u.join(' ')}` })),
      }),
    ]);
    const pair = new Pair(redis, mnemo);
    try {
      const d = await pair.duo();
      await d.all([
        ['ACL', 'LIST'],
        ['SET', 'k', 'v'],
        ['AUTH', 'alice', 'pw'],
        ['SET', 'k', 'v'],
      ]);
    } finally {
      await pair.stop();
    }
    const failures: Array<{ users: string[][]; aclfile?: string; text: string }> = [
      { users: [['bob', 'on', 'foo']], text: "Error in user declaration 'bob': Syntax error" },
      {
        users: [
          ['bob', 'on'],
          ['bob', 'off'],
        ],
        text: "Error in user declaration 'bob': Duplicate user found. A user can only be defined once in config files",
      },
      {
        users: [['bob', 'on', '+nosuch']],
        text: "Error loading ACL rule '+nosuch' for the user named 'bob': Unknown command or category name in ACL",
      },
      {
        users: [['bob', 'on']],
        aclfile: 'x.acl',
        text: 'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid.',
      },
      {
        users: [],
        aclfile: join(dir, 'missing.acl'),
        text: `Aborting Redis startup because of ACL errors: Error loading ACLs, opening file '${join(dir, 'missing.acl')}': No such file or directory`,
      },
    ];
    for (const f of failures) {
      const args = [
        ...f.users.flatMap((u) => ['--user', ...u]),
        ...(f.aclfile ? ['--aclfile', f.aclfile] : []),
      ];
      const port = String(await freePort());
      const out = spawnSync(
        'redis-server',
        ['--port', port, '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args],
        {
          encoding: 'latin1',
          timeout: 5000,
        },
      );
      assert.ok(`${out.stdout}${out.stderr}`.includes(f.text), `redis says: ${out.stdout}${out.stderr}`);
      const config = configWith(f.aclfile ? [['aclfile', f.aclfile]] : []);
      await assert.rejects(
        startMnemo({
          config,
          users: f.users.map((u, i) => ({ line: i + 1, name: 'user', args: u, raw: `user ${u.join(' ')}` })),
        }),
        (err: Error) => err.message.includes(f.text),
      );
    }
  });
});

describe('ACL in the library', () => {
  test('the log merges a repeated denial within 60 s and keeps acllog-max-len entries', () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ activeExpire: false, clock });
    try {
      store.command('ACL', 'SETUSER', 'lib', 'on', 'nopass', '+get', '+set', '~k*');
      store.command('AUTH', 'lib', 'x');
      const deny = (...argv: string[]) =>
        assert.throws(() => store.command(...(argv as [string, ...string[]])), /NOPERM/);
      const counts = () =>
        (store.instance.acl.log as ReadonlyArray<{ count: number; object: string }>).map(
          (e) => `${e.object}:${e.count}`,
        );
      deny('DEL', 'k');
      clock.advance(60_000);
      deny('DEL', 'k');
      assert.deepEqual(counts(), ['del:2']);
      clock.advance(60_001);
      deny('DEL', 'k');
      assert.deepEqual(counts(), ['del:1', 'del:2']);
      deny('GET', 'x');
      deny('DEL', 'k');
      assert.deepEqual(counts(), ['del:2', 'x:1', 'del:2']);
      store.instance.config.set([['acllog-max-len', '2']]);
      deny('INCR', 'k');
      assert.deepEqual(counts(), ['incr:1', 'del:2']);
      // Only the ten newest entries are searched for a match.
      store.instance.config.set([['acllog-max-len', '20']]);
      for (let i = 0; i < 10; i++) deny('GET', `x${i}`);
      deny('INCR', 'k');
      assert.equal(counts()[0], 'incr:1');
      assert.equal(counts().length, 13);
    } finally {
      store.close();
    }
  });

  test('AUTH as a restricted user limits the in-process client', () => {
    const store = new MemoryStore({ activeExpire: false });
    try {
      assert.equal(store.command('ACL', 'SETUSER', 'lib', 'on', 'nopass', '+get', '+set', '~k*'), 'OK');
      assert.equal(store.command('SET', 'k1', 'v'), 'OK');
      assert.equal(store.command('AUTH', 'lib', 'x'), 'OK');
      assert.equal(store.command('GET', 'k1'), 'v');
      assert.throws(() => store.command('GET', 'other'), /^ReplyError: NOPERM .*keys/);
      assert.throws(
        () => store.command('DEL', 'k1'),
        /NOPERM this user has no permissions to run the 'del' command/,
      );
      assert.equal(store.command('SET', 'k2', 'v'), 'OK');
      // The cached command record is checked again after the rules change.
      assert.throws(() => store.command('ACL', 'WHOAMI'), /NOPERM/);
    } finally {
      store.close();
    }
  });
});
