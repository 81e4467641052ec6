/**
 * The collections part of the benchmark: memory per member of big and small aggregates, mnemo
 * beside redis-server. Each scenario (one hash of N fields, one set of N strings, one set of N
 * integers, one sorted set of N members, one list of N elements, N/10 small hashes of 10
 * fields, the listpack case, and N string keys each with a TTL) is loaded into a freshly started server of each kind through one
 * deeply pipelined connection; the growth of INFO used_memory and of RSS is divided by the
 * number of members. A fresh server per scenario keeps one scenario's heap out of the next.
 *
 * mnemo's used_memory is its size model anchored to the live heap after major collections
 * (docs/architecture.md), so it does not count garbage; its RSS does include the heap V8 has
 * not returned yet, which is part of what the process really costs.
 */

import { encodeCommand, pipelineLoad, RespClient } from './client.js';
import { rssBytes } from './procstat.js';
import type { ServerName, ServerProcess } from './servers.js';

/** Members per command in the big-collection loads (HSET/SADD/ZADD/RPUSH with 10 items). */
const PER_COMMAND = 10;

export interface CollectionScenario {
  name: string;
  members: number;
  commands: number;
  make: (i: number) => string[];
  /** The first byte of every reply to `make`'s commands (default ':', an integer). */
  replyByte?: number;
  /** What the loaded data must look like: [command, expected reply]. */
  check: [string[], string | number];
}

/** The scenarios for `n` members (the small-hash case makes n/10 hashes of 10 fields). */
export function collectionScenarios(n: number): CollectionScenario[] {
  const big = (verb: string, key: string, item: (m: number) => string[]) => (i: number) => {
    const argv = [verb, key];
    const end = Math.min(n, (i + 1) * PER_COMMAND);
    for (let m = i * PER_COMMAND; m < end; m++) argv.push(...item(m));
    return argv;
  };
  const commands = Math.ceil(n / PER_COMMAND);
  const hashes = Math.floor(n / 10);
  return [
    {
      name: `1 hash x ${n} fields`,
      members: n,
      commands,
      make: big('HSET', 'h', (m) => [`field:${m}`, `value:${m}`]),
      check: [['HLEN', 'h'], n],
    },
    {
      name: `1 set x ${n} strings`,
      members: n,
      commands,
      make: big('SADD', 's', (m) => [`member:${m}`]),
      check: [['SCARD', 's'], n],
    },
    {
      name: `1 set x ${n} integers`,
      members: n,
      commands,
      make: big('SADD', 'i', (m) => [String(m * 7)]),
      check: [['SCARD', 'i'], n],
    },
    {
      name: `1 sorted set x ${n} members`,
      members: n,
      commands,
      // Scores out of insertion order, so the structure is built by real inserts, not appends.
      make: big('ZADD', 'z', (m) => [String((m * 7919) % n), `member:${m}`]),
      check: [['ZCARD', 'z'], n],
    },
    {
      name: `1 list x ${n} elements`,
      members: n,
      commands,
      make: big('RPUSH', 'l', (m) => [`element:${m}`]),
      check: [['LLEN', 'l'], n],
    },
    {
      name: `${hashes} hashes x 10 fields`,
      members: hashes * 10,
      commands: hashes,
      // A user record: short names, short strings and small numbers, as hashes usually hold.
      make: (i) => [
        'HSET',
        `user:${String(i).padStart(7, '0')}`,
        'name',
        `user${i}`,
        'email',
        `user${i}@example.com`,
        'age',
        String(18 + (i % 60)),
        'city',
        'Lisbon',
        'country',
        'PT',
        'created',
        String(1_700_000_000 + i),
        'visits',
        String(i % 1000),
        'plan',
        i % 3 === 0 ? 'pro' : 'free',
        'score',
        `${i % 100}.5`,
        'active',
        '1',
      ],
      check: [['OBJECT', 'ENCODING', 'user:0000000'], 'listpack'],
    },
    {
      // The memory part's keys (key:0000001 -> val1, ...), each with a TTL: what the expires
      // table adds to a key.
      name: `${n} string keys with a TTL`,
      members: n,
      commands: n,
      make: (i) => ['SET', `key:${String(i + 1).padStart(7, '0')}`, `val${i + 1}`, 'EX', '1000000'],
      replyByte: 0x2b,
      check: [['DBSIZE'], n],
    },
  ];
}

/** Sends `total` commands made by `make(i)` through one deep pipeline; each reply starts with `replyByte`. */
function pipeline(
  port: number,
  total: number,
  make: (i: number) => string[],
  replyByte: number,
): Promise<number> {
  const build = (from: number, n: number) => {
    const parts: Buffer[] = [];
    for (let i = from; i < from + n; i++) parts.push(encodeCommand(make(i)));
    return Buffer.concat(parts);
  };
  return pipelineLoad(port, total, build, { replyByte, batch: 2_000, what: 'command' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CollectionResult {
  scenario: string;
  server: ServerName;
  members: number;
  loadMs: number;
  /** used_memory growth per member. */
  usedPerMember: number;
  /** RSS growth per member. */
  rssPerMember: number;
}

async function memory(c: RespClient, server: ServerProcess): Promise<{ used: number; rss: number }> {
  const used = Number((await c.info('memory')).get('used_memory'));
  return { used, rss: rssBytes(server.pid) };
}

/** Loads one scenario into a fresh `server` and measures it. */
export async function measureCollection(
  server: ServerProcess,
  sc: CollectionScenario,
): Promise<CollectionResult> {
  const c = await RespClient.connect(server.port);
  try {
    await c.call('PING');
    await sleep(300);
    const before = await memory(c, server);
    const loadMs = await pipeline(server.port, sc.commands, sc.make, sc.replyByte ?? 0x3a);
    const got = await c.call(...sc.check[0]);
    if (got !== sc.check[1]) throw new Error(`${sc.check[0].join(' ')} = ${String(got)}, not ${sc.check[1]}`);
    // Let mnemo's cron and a collection catch up with the load, as an idle server would.
    await sleep(1000);
    const after = await memory(c, server);
    return {
      scenario: sc.name,
      server: server.name,
      members: sc.members,
      loadMs,
      usedPerMember: (after.used - before.used) / sc.members,
      rssPerMember: (after.rss - before.rss) / sc.members,
    };
  } finally {
    c.close();
  }
}
