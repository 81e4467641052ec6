/**
 * Hash memory, mnemo next to redis-server: loads (a) one hash of 1,000,000 fields (hashtable
 * encoding) and (b) 100,000 hashes of 10 fields each (listpack encoding) into a fresh server of
 * each kind, and prints bytes per field from `used_memory` and from RSS. Each scenario gets its
 * own freshly started server, so one does not inherit the other's heap. Not a test: run it with
 * `npx tsc -p tsconfig.json && node dist/bench/hash-memory.js [--fields N] [--hashes N]`.
 *
 * mnemo's used_memory is V8's heap in use plus external memory, which counts garbage until a full
 * collection runs, and an idle V8 heap is not necessarily collected. So mnemo is started with a
 * preloaded hook (through NODE_OPTIONS, nothing in mnemo itself) that runs a full GC on SIGUSR2;
 * the script reports used_memory both as INFO shows it after the load settles and after a full
 * GC, the figure comparable to Redis's allocator count. RSS is reported after the GC.
 */

import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
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

/** Preloaded into mnemo: a full garbage collection on SIGUSR2, for measuring live memory only. */
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

const BIG_FIELDS = option('fields', 1_000_000);
const SMALL_HASHES = option('hashes', 100_000);

function encode(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/**
 * Sends `total` commands made by `make(i)` through one connection with a deep pipeline, and
 * checks every reply is an integer (HSET's). Resolves with the wall time in ms.
 */
function pipeline(port: number, total: number, make: (i: number) => string[]): Promise<number> {
  const batch = 2_000;
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

/** The lowest used_memory over a few seconds of idleness (mnemo's heap counts garbage until GC). */
async function settled(c: RespClient, server: ServerProcess): Promise<Sample> {
  let best = await sample(c, server);
  if (server.name === 'redis') return best;
  for (let i = 0; i < 6; i++) {
    await sleep(500);
    const s = await sample(c, server);
    if (s.used < best.used) best = s;
  }
  return best;
}

/** used_memory and RSS after a full collection in mnemo (Redis frees at once: just a sample). */
async function collected(c: RespClient, server: ServerProcess): Promise<Sample> {
  if (server.name === 'redis') return sample(c, server);
  process.kill(server.pid, 'SIGUSR2');
  await sleep(1500);
  return sample(c, server);
}

interface Scenario {
  name: string;
  fields: number;
  commands: number;
  make: (i: number) => string[];
  check: (c: RespClient) => Promise<void>;
}

const PER_BIG_COMMAND = 10;

const SCENARIOS: Scenario[] = [
  {
    name: `1 hash x ${BIG_FIELDS} fields`,
    fields: BIG_FIELDS,
    commands: Math.ceil(BIG_FIELDS / PER_BIG_COMMAND),
    make: (i) => {
      const argv = ['HSET', 'big'];
      const end = Math.min(BIG_FIELDS, (i + 1) * PER_BIG_COMMAND);
      for (let f = i * PER_BIG_COMMAND; f < end; f++) argv.push(`field:${f}`, `value:${f}`);
      return argv;
    },
    async check(c) {
      const n = await c.call('HLEN', 'big');
      if (n !== BIG_FIELDS) throw new Error(`HLEN big = ${String(n)}`);
      const enc = await c.call('OBJECT', 'ENCODING', 'big');
      if (enc !== 'hashtable') throw new Error(`encoding ${String(enc)}`);
    },
  },
  {
    name: `${SMALL_HASHES} hashes x 10 fields`,
    fields: SMALL_HASHES * 10,
    commands: SMALL_HASHES,
    // A user record: short names, short strings and small numbers, as hashes usually hold.
    make: (i) => [
      'HSET',
      `user:${String(i).padStart(6, '0')}`,
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
    async check(c) {
      const n = await c.call('DBSIZE');
      if (n !== SMALL_HASHES) throw new Error(`DBSIZE ${String(n)}`);
      const enc = await c.call('OBJECT', 'ENCODING', 'user:000000');
      if (enc !== 'listpack') throw new Error(`encoding ${String(enc)}`);
    },
  },
];

interface Result {
  scenario: string;
  server: string;
  fields: number;
  loadMs: number;
  /** used_memory growth as INFO reports it once the load settled (mnemo: garbage included). */
  settledPerField: number;
  /** used_memory growth after a full GC (Redis: the same sample as settled). */
  usedPerField: number;
  rssPerField: number;
}

async function measure(server: ServerProcess, sc: Scenario): Promise<Result> {
  const c = await RespClient.connect(server.port);
  try {
    await c.call('PING');
    await sleep(500);
    const before = await collected(c, server);
    const loadMs = await pipeline(server.port, sc.commands, sc.make);
    await sc.check(c);
    const afterLoad = await settled(c, server);
    const afterGc = await collected(c, server);
    return {
      scenario: sc.name,
      server: server.name,
      fields: sc.fields,
      loadMs,
      settledPerField: (afterLoad.used - before.used) / sc.fields,
      usedPerField: (afterGc.used - before.used) / sc.fields,
      rssPerField: (afterGc.rss - before.rss) / sc.fields,
    };
  } finally {
    c.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const results: Result[] = [];
  for (const sc of SCENARIOS) {
    for (const start of [() => startRedis(LOG_DIR), startMnemoWithGcHook]) {
      const server = await start();
      try {
        const r = await measure(server, sc);
        results.push(r);
        console.log(
          `${r.scenario.padEnd(26)} ${r.server.padEnd(5)} load ${(r.loadMs / 1000).toFixed(2)} s  ` +
            `used_memory ${r.usedPerField.toFixed(1)} B/field (before GC ${r.settledPerField.toFixed(1)})  ` +
            `RSS ${r.rssPerField.toFixed(1)} B/field`,
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
      `${sc.name.padEnd(26)} used_memory ${(m.usedPerField / r.usedPerField).toFixed(2)}x ` +
        `(before GC ${(m.settledPerField / r.usedPerField).toFixed(2)}x)  ` +
        `RSS ${(m.rssPerField / r.rssPerField).toFixed(2)}x`,
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
