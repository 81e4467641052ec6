/**
 * Sorted set memory, mnemo next to redis-server: loads one zset of 1,000,000 members into a fresh
 * server of each kind and prints bytes per member from `used_memory` and from RSS. Two scenarios,
 * because mnemo's B+tree packs differently by insertion order: random scores (members land all
 * over the tree, leaves end up about 70% full) and ascending scores (timestamps: every insert
 * appends, leaves stay full). Members are `member:<n>` (13-14 bytes), ten pairs per ZADD.
 * Not a test: `npx tsc -p tsconfig.json && node dist/bench/zset-memory.js [--members N]`.
 *
 * mnemo's used_memory is V8's heap in use plus external memory, which counts garbage until a
 * full collection runs. mnemo is therefore started with a preloaded hook (through NODE_OPTIONS,
 * nothing in mnemo itself) that runs a full GC on SIGUSR2, and used_memory and RSS are read after
 * one; Redis frees at once and is simply sampled.
 *
 * Every server runs in a fresh temporary directory of its own: mnemo saves a dump.rdb on SIGTERM
 * (its default save points) and either server loads a dump.rdb it finds at start-up, so sharing
 * a directory (or using the repository) would feed one run's data into the next.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient } from './client.js';
import { rssBytes } from './procstat.js';
import { killAllSync, type ServerProcess, startMnemo, startRedis } from './servers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOG_DIR = join(ROOT, '.bench-out', 'logs');
const SERVER_SCRIPT = join(ROOT, 'dist', 'src', 'bin', 'mnemo-server.js');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const MEMBERS = option('members', 1_000_000);
const PAIRS_PER_ZADD = 10;

/** Preloaded into mnemo: a full garbage collection on SIGUSR2, so live memory can be measured. */
const GC_HOOK =
  'import v8 from "node:v8"; import vm from "node:vm"; v8.setFlagsFromString("--expose-gc");' +
  'const gc = vm.runInNewContext("gc"); process.on("SIGUSR2", () => gc());';

async function startMnemoWithGcHook(): Promise<ServerProcess> {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS =
    `${saved ?? ''} --import=data:text/javascript,${encodeURIComponent(GC_HOOK)}`.trim();
  try {
    return await startMnemo(LOG_DIR, SERVER_SCRIPT);
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

function encode(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/**
 * Sends `total` commands built by `make(i)` over one connection with a deep pipeline; every reply
 * must be an integer (ZADD's). Resolves with the wall time in ms.
 */
function pipeline(port: number, total: number, make: (i: number) => string[]): Promise<number> {
  const batch = 1_000;
  const window = 4 * batch;
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let sent = 0;
    let acked = 0;
    let atLineStart = true;
    let done = false;
    const start = performance.now();
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(err);
    };
    const sendMore = () => {
      while (sent < total && sent - acked < window) {
        let out = '';
        const end = Math.min(total, sent + batch);
        for (let i = sent; i < end; i++) out += encode(make(i));
        socket.write(Buffer.from(out, 'latin1'));
        sent = end;
      }
    };
    socket.on('connect', sendMore);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`connection closed after ${acked} of ${total} replies`)));
    socket.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (atLineStart && b !== 0x3a) {
          fail(new Error(`command #${acked + 1} answered: ${chunk.toString('latin1', i, i + 120).trim()}`));
          return;
        }
        atLineStart = b === 0x0a;
        if (atLineStart) acked++;
      }
      if (acked === total) {
        done = true;
        socket.destroy();
        resolvePromise(performance.now() - start);
      } else {
        sendMore();
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  used: number;
  rss: number;
}

async function sample(c: RespClient, server: ServerProcess): Promise<Sample> {
  const used = Number((await c.info('memory')).get('used_memory'));
  return { used, rss: rssBytes(server.pid) };
}

/** used_memory and RSS after a full collection in mnemo (Redis: a plain sample). */
async function collected(c: RespClient, server: ServerProcess): Promise<Sample> {
  if (server.name === 'redis') return sample(c, server);
  process.kill(server.pid, 'SIGUSR2');
  await sleep(1500);
  return sample(c, server);
}

/** A deterministic permutation of 0..n-1: i * A mod n, with A a prime that does not divide n. */
function scrambled(i: number, n: number): number {
  return (i * 999_983) % n;
}

interface Scenario {
  name: string;
  score: (i: number) => string;
}

const SCENARIOS: Scenario[] = [
  // Fractional scores in a scrambled order: inserts land anywhere in the order.
  { name: 'random scores', score: (i) => String(scrambled(i, MEMBERS) / 8 + 0.1) },
  // Unix-millisecond timestamps, increasing: every insert appends.
  { name: 'ascending scores', score: (i) => String(1_700_000_000_000 + i * 10) },
];

interface Result {
  scenario: string;
  server: string;
  loadMs: number;
  usedPerMember: number;
  rssPerMember: number;
}

async function measure(server: ServerProcess, sc: Scenario): Promise<Result> {
  const c = await RespClient.connect(server.port);
  try {
    await c.call('PING');
    await sleep(500);
    const before = await collected(c, server);
    const commands = Math.ceil(MEMBERS / PAIRS_PER_ZADD);
    const loadMs = await pipeline(server.port, commands, (k) => {
      const argv = ['ZADD', 'big'];
      const end = Math.min(MEMBERS, (k + 1) * PAIRS_PER_ZADD);
      for (let i = k * PAIRS_PER_ZADD; i < end; i++) argv.push(sc.score(i), `member:${i}`);
      return argv;
    });
    const n = await c.call('ZCARD', 'big');
    if (n !== MEMBERS) throw new Error(`${server.name}: ZCARD big = ${String(n)}`);
    const enc = await c.call('OBJECT', 'ENCODING', 'big');
    if (enc !== 'skiplist') throw new Error(`${server.name}: encoding ${String(enc)}`);
    const first = await c.call('ZRANGE', 'big', '0', '0');
    const top = await c.call('ZREVRANGE', 'big', '0', '0');
    if (!Array.isArray(first) || !Array.isArray(top)) throw new Error('ZRANGE failed');
    await sleep(1000);
    const after = await collected(c, server);
    return {
      scenario: sc.name,
      server: server.name,
      loadMs,
      usedPerMember: (after.used - before.used) / MEMBERS,
      rssPerMember: (after.rss - before.rss) / MEMBERS,
    };
  } finally {
    c.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const workDirs: string[] = [];
  process.on('exit', () => {
    for (const d of workDirs) rmSync(d, { recursive: true, force: true });
  });
  const results: Result[] = [];
  for (const sc of SCENARIOS) {
    for (const start of [() => startRedis(LOG_DIR), startMnemoWithGcHook]) {
      const workDir = mkdtempSync(join(tmpdir(), 'mnemo-zset-memory-'));
      workDirs.push(workDir);
      process.chdir(workDir);
      const server = await start();
      try {
        const r = await measure(server, sc);
        results.push(r);
        console.log(
          `1 zset x ${MEMBERS} members, ${r.scenario.padEnd(16)} ${r.server.padEnd(5)} ` +
            `load ${(r.loadMs / 1000).toFixed(2)} s  used_memory ${r.usedPerMember.toFixed(1)} B/member  ` +
            `RSS ${r.rssPerMember.toFixed(1)} B/member`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  console.log('\nmnemo / redis:');
  for (const sc of SCENARIOS) {
    const r = results.find((x) => x.scenario === sc.name && x.server === 'redis')!;
    const m = results.find((x) => x.scenario === sc.name && x.server === 'mnemo')!;
    console.log(
      `${sc.name.padEnd(16)} used_memory ${(m.usedPerMember / r.usedPerMember).toFixed(2)}x  ` +
        `RSS ${(m.rssPerMember / r.rssPerMember).toFixed(2)}x  load time ${(m.loadMs / r.loadMs).toFixed(2)}x`,
    );
  }
}

process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllSync();
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(err);
  killAllSync();
  process.exit(1);
});
