/**
 * The command table checked against a real redis-server 7.0: for every command and subcommand
 * mnemo registers, COMMAND INFO and COMMAND DOCS must equal Redis's (RESP2 and RESP3, reply types
 * included), as must COMMAND / COMMAND INFO / COMMAND DOCS without arguments, COMMAND LIST with
 * its filters, COMMAND GETKEYS / GETKEYSANDFLAGS for a sample of commands, COMMAND HELP, the
 * error replies, and what redis-cli prints. Orders that Redis takes from a hash table (sets,
 * subcommand lists, the command list) are compared as sets. A container (CLIENT, CONFIG, ...)
 * may implement fewer subcommands than Redis; the ones it has must match.
 * Needs redis-server and redis-cli on PATH; fails (never skips) without them.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startServer } from '../src/server/index.js';
import { isolatedConfig } from './helpers/mnemo.js';
import { type RespValue, sendCommands, showResp } from './helpers/resp.js';

// ---------------------------------------------------------------------------------------------
// Servers

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ proc: ChildProcess; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: 'ignore' },
    );
    let exited = false;
    proc.once('exit', () => {
      exited = true;
    });
    for (let i = 0; i < 100 && !exited; i++) {
      try {
        const [pong] = await sendCommands(port, [['PING']], { timeoutMs: 500 });
        if (pong?.type === 'simple' && pong.value === 'PONG') return { proc, port };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
  }
  throw new Error('could not start redis-server');
}

let redis: { proc: ChildProcess; port: number };
let mnemo: RunningServer;
/** Every command name mnemo reports (COMMAND LIST), subcommands included. */
let mnemoNames: string[];
let mnemoSet: Set<string>;

before(async () => {
  redis = await startRedis();
  mnemo = await startServer({ port: 0, host: '127.0.0.1', silent: true, config: isolatedConfig() });
  const [list] = await sendCommands(mnemo.port, [['COMMAND', 'LIST']]);
  assert.equal(list?.type, 'array');
  mnemoNames = (list as { value: RespValue[] }).value.map((v) => bulkText(v));
  mnemoSet = new Set(mnemoNames);
});

after(async () => {
  redis?.proc.kill('SIGKILL');
  await mnemo?.close();
});

// ---------------------------------------------------------------------------------------------
// Canonical forms: keep every RESP type, sort what Redis emits in hash-table order.

type Canon = string | Canon[] | { set: Canon[] } | { map: Array<[Canon, Canon]> };

function bulkText(v: RespValue | undefined): string {
  assert.ok(
    v !== undefined && (v.type === 'bulk' || v.type === 'simple'),
    `expected a string, got ${v?.type}`,
  );
  return (v as { value: string }).value;
}

function byJson(a: Canon, b: Canon): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function canon(v: RespValue): Canon {
  switch (v.type) {
    case 'simple':
      return `+${v.value}`;
    case 'error':
      return `-${v.value}`;
    case 'int':
      return `:${v.value}`;
    case 'bulk':
      return `$${v.value}`;
    case 'verbatim':
      return `=${v.format}:${v.value}`;
    case 'double':
      return `,${v.value}`;
    case 'bool':
      return v.value ? '#t' : '#f';
    case 'bignum':
      return `(${v.value}`;
    case 'null':
      return '_';
    case 'nullbulk':
      return '$-1';
    case 'nullarray':
      return '*-1';
    case 'array':
    case 'push':
      return v.value.map(canon);
    case 'set':
      return { set: v.value.map(canon).sort(byJson) };
    case 'map':
    case 'attribute':
      return { map: v.value.map(([k, x]) => [canon(k), canon(x)] as [Canon, Canon]) };
  }
}

/** A container's subcommands: those of `subs` whose name mnemo has, sorted by name. */
function keepSubs<T>(subs: T[], nameOf: (s: T) => string): T[] {
  return subs.filter((s) => mnemoSet.has(nameOf(s))).sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
}

/** One COMMAND INFO entry (RESP2 or RESP3), its subcommand list reduced to mnemo's. */
function canonInfo(v: RespValue): Canon {
  if (v.type !== 'array' || v.value.length !== 10) return canon(v);
  const out = v.value.map(canon);
  const subs = v.value[9]!;
  if (subs.type === 'array' && subs.value.length > 0) {
    out[9] = keepSubs(subs.value, (s) => bulkText((s as { value: RespValue[] }).value[0])).map(canonInfo);
  }
  return out;
}

/** Pairs of a RESP3 map or a RESP2 flat array. */
function pairsOf(v: RespValue): Array<[RespValue, RespValue]> {
  if (v.type === 'map') return v.value;
  assert.ok(v.type === 'array', `expected a map, got ${v.type}`);
  const pairs: Array<[RespValue, RespValue]> = [];
  for (let i = 0; i + 1 < v.value.length; i += 2) pairs.push([v.value[i]!, v.value[i + 1]!]);
  return pairs;
}

/** One command's COMMAND DOCS map, its `subcommands` reduced to mnemo's. */
function canonDoc(v: RespValue): Canon {
  const pairs = pairsOf(v).map(([k, x]): [Canon, Canon] => {
    if (bulkText(k) !== 'subcommands') return [canon(k), canon(x)];
    const subs = keepSubs(pairsOf(x), ([n]) => bulkText(n));
    return [canon(k), subs.map(([n, d]) => [canon(n), canonDoc(d)])];
  });
  return { map: pairs };
}

/** A whole COMMAND DOCS reply: name -> doc, sorted by name (order is the hash table's). */
function canonDocs(v: RespValue, only?: Set<string>): Canon {
  const pairs = pairsOf(v).filter(([n]) => only === undefined || only.has(bulkText(n)));
  return pairs.map(([n, d]): Canon => [canon(n), canonDoc(d)]).sort(byJson);
}

async function both(argvs: string[][], resp: 2 | 3): Promise<{ r: RespValue[]; m: RespValue[] }> {
  const [r, m] = await Promise.all([
    sendCommands(redis.port, argvs, { resp }),
    sendCommands(mnemo.port, argvs, { resp }),
  ]);
  return { r, m };
}

function show(c: Canon): string {
  return JSON.stringify(c);
}

// ---------------------------------------------------------------------------------------------

describe('COMMAND INFO and COMMAND DOCS per command, against redis-server 7.0', () => {
  it('every mnemo command exists in Redis', async () => {
    const [list] = await sendCommands(redis.port, [['COMMAND', 'LIST']]);
    const redisNames = new Set((list as { value: RespValue[] }).value.map(bulkText));
    const extra = mnemoNames.filter((n) => !redisNames.has(n));
    assert.deepEqual(extra, [], `commands Redis 7.0 does not have: ${extra.join(' ')}`);
    assert.ok(mnemoNames.length > 50, 'COMMAND LIST returned too few commands');
  });

  for (const resp of [3, 2] as const) {
    it(`COMMAND INFO <name> matches for every command (RESP${resp})`, async () => {
      const argvs = mnemoNames.map((n) => ['COMMAND', 'INFO', n]);
      const { r, m } = await both(argvs, resp);
      const bad: string[] = [];
      for (let i = 0; i < argvs.length; i++) {
        const want = canon(r[i]!);
        // The reply is an array of one entry.
        const wantEntry =
          r[i]!.type === 'array' ? (r[i] as { value: RespValue[] }).value.map(canonInfo) : want;
        const gotEntry =
          m[i]!.type === 'array' ? (m[i] as { value: RespValue[] }).value.map(canonInfo) : canon(m[i]!);
        if (show(wantEntry) !== show(gotEntry)) {
          bad.push(`${mnemoNames[i]}\n  redis: ${show(wantEntry)}\n  mnemo: ${show(gotEntry)}`);
        }
      }
      assert.equal(bad.length, 0, `COMMAND INFO differs for ${bad.length} commands:\n${bad.join('\n')}`);
    });

    it(`COMMAND DOCS <name> matches for every command (RESP${resp})`, async () => {
      const argvs = mnemoNames.map((n) => ['COMMAND', 'DOCS', n]);
      const { r, m } = await both(argvs, resp);
      const bad: string[] = [];
      for (let i = 0; i < argvs.length; i++) {
        const want = canonDocs(r[i]!);
        const got = canonDocs(m[i]!);
        if (show(want) !== show(got))
          bad.push(`${mnemoNames[i]}\n  redis: ${show(want)}\n  mnemo: ${show(got)}`);
      }
      assert.equal(bad.length, 0, `COMMAND DOCS differs for ${bad.length} commands:\n${bad.join('\n')}`);
    });
  }

  it('reply types of COMMAND INFO and DOCS are exactly Redis’s (RESP3 spot check)', async () => {
    const { r, m } = await both(
      [
        ['COMMAND', 'INFO', 'set'],
        ['COMMAND', 'DOCS', 'set'],
        ['COMMAND', 'INFO', 'rename'],
      ],
      3,
    );
    // Byte-level shape, order included (these fields are not hash-ordered).
    for (let i = 0; i < r.length; i++) assert.equal(showResp(m[i]!), showResp(r[i]!));
  });
});

describe('COMMAND without a name, COUNT and LIST', () => {
  for (const resp of [3, 2] as const) {
    it(`COMMAND and COMMAND INFO list each command as Redis does (RESP${resp})`, async () => {
      const { r, m } = await both([['COMMAND'], ['COMMAND', 'INFO'], ['COMMAND', 'COUNT']], resp);
      for (const i of [0, 1]) {
        const redisByName = new Map<string, Canon>();
        for (const e of (r[i] as { value: RespValue[] }).value) {
          redisByName.set(bulkText((e as { value: RespValue[] }).value[0]), canonInfo(e));
        }
        const entries = (m[i] as { value: RespValue[] }).value;
        assert.equal(m[i]!.type, 'array');
        assert.equal(
          BigInt(entries.length),
          (m[2] as { value: bigint }).value,
          'COMMAND length is COMMAND COUNT',
        );
        for (const e of entries) {
          const name = bulkText((e as { value: RespValue[] }).value[0]);
          assert.ok(!name.includes('|'), `${name}: COMMAND lists top-level commands only`);
          assert.equal(show(canonInfo(e)), show(redisByName.get(name) ?? '(missing in Redis)'), name);
        }
      }
    });

    it(`COMMAND DOCS without names gives every top-level command (RESP${resp})`, async () => {
      const { r, m } = await both([['COMMAND', 'DOCS']], resp);
      const names = new Set(pairsOf(m[0]!).map(([n]) => bulkText(n)));
      assert.ok(names.size > 20);
      for (const n of names) assert.ok(!n.includes('|'), `${n}: DOCS lists top-level commands only`);
      assert.equal(show(canonDocs(m[0]!)), show(canonDocs(r[0]!, names)));
    });
  }

  it('COMMAND COUNT is at most Redis’s and counts the top-level commands', async () => {
    const { r, m } = await both([['COMMAND', 'COUNT']], 2);
    assert.equal(m[0]!.type, 'int');
    const count = Number((m[0] as { value: bigint }).value);
    assert.ok(count <= Number((r[0] as { value: bigint }).value));
    assert.equal(count, mnemoNames.filter((n) => !n.includes('|')).length);
  });

  it('COMMAND LIST filters select what Redis selects', async () => {
    const filters = [
      [],
      ['FILTERBY', 'ACLCAT', 'string'],
      ['FILTERBY', 'aclcat', 'KEYSPACE'],
      ['FILTERBY', 'ACLCAT', 'dangerous'],
      ['FILTERBY', 'ACLCAT', 'connection'],
      ['FILTERBY', 'ACLCAT', 'fast'],
      ['FILTERBY', 'ACLCAT', 'nosuchcategory'],
      ['filterby', 'pattern', 'o*'],
      ['FILTERBY', 'PATTERN', 'CONFIG*'],
      ['FILTERBY', 'PATTERN', 'config|*'],
      ['FILTERBY', 'PATTERN', '*e?'],
      ['FILTERBY', 'MODULE', 'nosuchmodule'],
    ];
    const argvs = filters.map((f) => ['COMMAND', 'LIST', ...f]);
    const { r, m } = await both(argvs, 3);
    for (let i = 0; i < argvs.length; i++) {
      assert.equal(m[i]!.type, 'array', argvs[i]!.join(' '));
      const want = (r[i] as { value: RespValue[] }).value
        .map(bulkText)
        .filter((n) => mnemoSet.has(n))
        .sort();
      const got = (m[i] as { value: RespValue[] }).value.map(bulkText).sort();
      assert.deepEqual(got, want, argvs[i]!.join(' '));
    }
    // The string category is non-trivial: both GET and SET are in it.
    const stringCat = (m[1] as { value: RespValue[] }).value.map(bulkText);
    assert.ok(stringCat.includes('get') && stringCat.includes('set'));
  });
});

describe('COMMAND GETKEYS, GETKEYSANDFLAGS, HELP and errors', () => {
  const getkeysCases: string[][] = [
    ['get', 'k'],
    ['set', 'k', 'v'],
    ['set', 'k', 'v', 'GET'],
    ['set', 'k', 'v', 'ex', '10', 'get'],
    ['mget', 'a', 'b', 'c'],
    ['mset', 'a', '1', 'b', '2'],
    ['mset', 'a', '1', 'b'],
    ['msetnx', 'a', '1', 'b', '2'],
    ['del', 'a', 'b', 'c'],
    ['exists', 'a'],
    ['rename', 'a', 'b'],
    ['renamenx', 'a', 'b'],
    ['copy', 'a', 'b', 'DB', '1', 'REPLACE'],
    ['lcs', 'a', 'b', 'LEN'],
    ['getex', 'k', 'PERSIST'],
    ['lpush', 'l', 'x', 'y'],
    ['sadd', 's', 'm'],
    ['object', 'encoding', 'k'],
    ['OBJECT', 'FREQ', 'k'],
    ['expire', 'k', '10', 'NX'],
    // errors
    ['nosuchcommand', 'a'],
    ['get', 'a', 'b'],
    ['set', 'k'],
    ['ping', 'x'],
    ['config', 'get', 'x'],
    ['object', 'nosuch', 'k'],
    ['object', 'encoding'],
    ['keys', '*'],
    ['scan', '0'],
    ['command', 'info'],
  ];

  for (const resp of [3, 2] as const) {
    it(`GETKEYS and GETKEYSANDFLAGS answer as Redis does (RESP${resp})`, async () => {
      const argvs: string[][] = [];
      for (const c of getkeysCases) {
        argvs.push(['COMMAND', 'GETKEYS', ...c]);
        argvs.push(['COMMAND', 'GETKEYSANDFLAGS', ...c]);
      }
      const { r, m } = await both(argvs, resp);
      for (let i = 0; i < argvs.length; i++) {
        assert.equal(showResp(m[i]!), showResp(r[i]!), argvs[i]!.join(' '));
      }
    });
  }

  it('error replies and odd names match Redis', async () => {
    const argvs: string[][] = [
      ['COMMAND', 'GETKEYS'],
      ['COMMAND', 'GETKEYS', 'get'],
      ['COMMAND', 'GETKEYSANDFLAGS', 'get'],
      ['COMMAND', 'COUNT', 'x'],
      ['COMMAND', 'HELP', 'x'],
      ['COMMAND', 'NOSUCH'],
      ['COMMAND', 'LIST', 'FILTERBY', 'NOSUCH', 'x'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT'],
      ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'string', 'extra'],
      ['COMMAND', 'LIST', 'NOSUCH'],
      [
        'COMMAND',
        'INFO',
        'nosuch',
        'get|x',
        'config|',
        '|get',
        'a|b|c',
        '',
        'GET',
        'Config|Get',
        'object|ENCODING',
      ],
      ['COMMAND', 'DOCS', 'nosuch', 'config|nosuch', 'get', 'GET', ''],
      ['COMMAND', 'HELP'],
      ['command', 'help'],
    ];
    for (const resp of [2, 3] as const) {
      const { r, m } = await both(argvs, resp);
      for (let i = 0; i < argvs.length; i++) {
        assert.equal(
          show(canonInfoList(m[i]!)),
          show(canonInfoList(r[i]!)),
          `RESP${resp} ${argvs[i]!.join(' ')}`,
        );
      }
    }
  });
});

/** COMMAND INFO replies (arrays of entries), or any other reply, canonically. */
function canonInfoList(v: RespValue): Canon {
  if (v.type === 'array' && v.value.every((e) => e.type === 'array' && e.value.length === 10)) {
    return v.value.map(canonInfo);
  }
  if (v.type === 'array' && v.value.some((e) => e.type === 'array' && e.value.length === 10)) {
    return v.value.map((e) => (e.type === 'array' ? canonInfo(e) : canon(e)));
  }
  return canon(v);
}

describe('redis-cli against mnemo', () => {
  // Asynchronous on purpose: mnemo serves from this very process, so the event loop must run.
  function cli(port: number, args: string[], input = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const proc = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
        stdio: [input === '' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.stdout?.setEncoding('latin1').on('data', (d: string) => {
        out += d;
      });
      proc.stderr?.setEncoding('latin1').on('data', (d: string) => {
        err += d;
      });
      proc.once('error', reject);
      proc.once('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${err}`));
      });
      if (proc.stdin !== null) {
        proc.stdin.on('error', () => {});
        proc.stdin.end(input);
      }
    });
  }

  it('prints COMMAND DOCS and COMMAND INFO exactly as for Redis', async () => {
    for (const args of [
      ['command', 'docs', 'get'],
      ['command', 'docs', 'set'],
      ['command', 'docs', 'client|kill'],
      ['-3', 'command', 'docs', 'lcs'],
      ['command', 'info', 'get'],
      ['-3', 'command', 'info', 'mset'],
      ['command', 'getkeysandflags', 'set', 'k', 'v', 'get'],
      ['command', 'help'],
    ]) {
      assert.equal(await cli(mnemo.port, args), await cli(redis.port, args), args.join(' '));
    }
  });

  it('answers commands read from stdin (redis-cli loads COMMAND DOCS at start)', async () => {
    const out = await cli(mnemo.port, [], 'SET cli-key hello\nGET cli-key\nCOMMAND COUNT\n');
    const lines = out.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['OK', 'hello']);
    assert.match(lines[2]!, /^\d+$/);
  });
});
