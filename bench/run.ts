/**
 * `npm run bench`: mnemo against redis-server, side by side in one run. The parts:
 * redis-benchmark throughput/latency with each server's CPU time per request (tests
 * alternate between the servers), pub/sub fan-out (deliveries per second and server CPU per
 * delivered message with 1, 100 and 1,000 subscribers), memory per key after loading N keys
 * into a fresh server of each kind, scale (load time and memory at 1M to 20M keys, 50M on
 * request), pauses (latency and server stalls under a steady load with 10M keys), persistence
 * (background save stalls, SET cost under each AOF fsync policy, restart load times from RDB
 * and AOF), eviction, and MemoryStore against a Map and other in-process caches. Prints the
 * tables, writes the raw results to .bench-out/results.json and (full runs) the tables to
 * docs/benchmarks.md and a chart to docs/bench-chart.svg. Whatever happens (error, Ctrl-C,
 * SIGTERM), every child process is killed before exit.
 *
 * Options: --quick, --tests A,B, --sizes 3,1024, --scale-steps 1000000,10000000,50000000,
 * --only throughput,pubsub,memory,collections,scale,pauses,persistence,eviction,inprocess,
 * --profile (mnemo under node --cpu-prof; top self-time functions), --docs / --no-docs.
 */

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeChart } from './chart.js';
import { type CollectionResult, collectionScenarios, measureCollection } from './collections.js';
import { type EvictionResult, evictionArgs, runEviction } from './eviction.js';
import { runInProcess } from './inprocess.js';
import { type MeasureSettings, measureTest } from './loadgen.js';
import { type PauseResult, runPauses } from './pauses.js';
import {
  AOF_SETTINGS,
  AOF_VALUE_SIZE,
  type AofMeasurement,
  aofArgs,
  dataDir,
  type LoadTimeResult,
  PERSISTENCE_ARGS,
  runLoadTimes,
  runStalls,
  type StallResult,
} from './persistence.js';
import {
  CATALOGUE,
  DEFAULT_TESTS,
  DEFAULT_VALUE_SIZES,
  FANOUT_PAYLOAD_BYTES,
  FANOUT_SUBSCRIBERS,
  FULL,
  fanoutMessages,
  type LoadTest,
  type Mode,
  QUICK,
} from './plan.js';
import { describeEnvironment } from './procstat.js';
import { busiestProfile } from './profile.js';
import { type FanoutResult, runFanout } from './pubsub.js';
import {
  environmentLines,
  type Measurement,
  markdownSection,
  type Results,
  renderText,
  tables,
  updateDocs,
} from './report.js';
import { loadInSteps, runScale, type ScaleResult } from './scale.js';
import { killAllSync, type ServerProcess, startMnemo, startRedis } from './servers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT_DIR = join(ROOT, '.bench-out');
const PROFILE_DIR = join(OUT_DIR, 'prof');
const LOG_DIR = join(OUT_DIR, 'logs');
const SERVER_SCRIPT = join(ROOT, 'dist', 'src', 'bin', 'mnemo-server.js');
const DOCS = join(ROOT, 'docs', 'benchmarks.md');
const CHART = join(ROOT, 'docs', 'bench-chart.svg');
const PARTS = [
  'throughput',
  'pubsub',
  'memory',
  'collections',
  'scale',
  'pauses',
  'persistence',
  'eviction',
  'inprocess',
] as const;
type Part = (typeof PARTS)[number];

interface Options {
  mode: Mode;
  tests: LoadTest[];
  sizes: number[];
  parts: Set<Part>;
  profile: boolean;
  docs: boolean;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      tests: { type: 'string' },
      sizes: { type: 'string' },
      only: { type: 'string' },
      'scale-steps': { type: 'string' },
      profile: { type: 'boolean', default: false },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
    },
    strict: true,
  });
  let mode = values.quick ? QUICK : FULL;
  if (values['scale-steps'] !== undefined) {
    const steps = values['scale-steps'].split(',').map(Number);
    if (steps.some((n, i) => !Number.isInteger(n) || n < 1 || n <= (steps[i - 1] ?? 0))) {
      fail(
        `bad --scale-steps ${values['scale-steps']}: increasing key counts, e.g. 1000000,10000000,50000000`,
      );
    }
    mode = { ...mode, scaleSteps: steps };
  }
  const names = values.tests?.split(',').map((s) => s.trim().toUpperCase()) ?? [...DEFAULT_TESTS];
  const tests: LoadTest[] = [];
  for (const name of names) {
    const t = CATALOGUE.find((c) => c.name === name);
    if (t === undefined) fail(`unknown test ${name}; known: ${CATALOGUE.map((c) => c.name).join(', ')}`);
    tests.push(t);
  }
  // Run in catalogue order whatever order they were named in: pops follow their pushes.
  tests.sort((a, b) => CATALOGUE.indexOf(a) - CATALOGUE.indexOf(b));
  const sizes = values.sizes?.split(',').map(Number) ?? [...DEFAULT_VALUE_SIZES];
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) fail(`bad --sizes ${values.sizes}`);
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...PARTS];
  for (const p of only) if (!(PARTS as readonly string[]).includes(p)) fail(`unknown part ${p}`);
  // Quick, profiled and partial (--only) runs must not overwrite the published full-run numbers
  // by accident: the generated section is replaced as a whole.
  const docs = values['no-docs']
    ? false
    : (values.docs ?? (!values.quick && !values.profile && values.only === undefined));
  return { mode, tests, sizes, parts: new Set(only as Part[]), profile: values.profile, docs };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs one part and says how long it took (the full run's length is budgeted part by part). */
async function timed<T>(part: Part, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await run();
  progress(`${part} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return out;
}

function measureSettings(mode: Mode): MeasureSettings {
  return { clients: mode.clients, keyspace: mode.keyspace, timeoutMs: mode.runTimeoutMs };
}

function describe(m: Measurement): string {
  if (m.row === undefined) return `error: ${m.error}`;
  return [
    `${Math.round(m.row.rps).toLocaleString('en-US').padStart(9)} rps`,
    `p50 ${m.row.p50Ms.toFixed(3)} p99 ${m.row.p99Ms.toFixed(3)} ms`,
    `cpu ${m.cpuUsPerOp.toFixed(2)} µs/op (${Math.round(m.cpuShare * 100)}% of a core, ${Math.round((m.cpuSysUs * 100) / (m.cpuUs || 1))}% sys)`,
  ].join('  ');
}

async function throughput(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const mnemo = await startMnemo(LOG_DIR, SERVER_SCRIPT, opts.profile ? { profileDir: PROFILE_DIR } : {});
  started.push(mnemo);
  const redis = await startRedis(LOG_DIR);
  started.push(redis);
  const total = opts.sizes.length * opts.mode.requests.size * opts.tests.length * 2;
  let done = 0;
  let turn = 0;
  try {
    for (const size of opts.sizes) {
      for (const [pipeline, count] of opts.mode.requests) {
        for (const test of opts.tests) {
          const requests = Math.max(1000, Math.round(count * (test.weight ?? 1)));
          // Alternate who goes first so that neither server always runs on a warmer machine.
          const order = turn++ % 2 === 0 ? [mnemo, redis] : [redis, mnemo];
          for (const server of order) {
            const m = await measureTest(server, test, pipeline, size, requests, measureSettings(opts.mode));
            results.throughput.push(m);
            done++;
            progress(
              `[${String(done).padStart(3)}/${total}] ${`${test.name} P${pipeline} ${size}B`.padEnd(20)} ${server.name.padEnd(5)} ${describe(m)}`,
            );
          }
        }
      }
    }
  } finally {
    await Promise.all([mnemo.stop(), redis.stop()]);
  }
  if (opts.profile) {
    const summary = busiestProfile(PROFILE_DIR);
    if (summary === undefined) progress('no CPU profile was written by mnemo');
    else results.profile = summary;
  }
}

function describeFanout(m: FanoutResult): string {
  if (m.error !== undefined) return `error: ${m.error}`;
  return [
    `${Math.round(m.deliveredPerSec).toLocaleString('en-US').padStart(10)} deliveries/s`,
    `cpu ${m.cpuUsPerDelivery.toFixed(3)} µs/delivery (${Math.round((m.cpuSysUs * 100) / (m.cpuUs || 1))}% sys)`,
  ].join('  ');
}

async function pubsub(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const mnemo = await startMnemo(LOG_DIR, SERVER_SCRIPT);
  started.push(mnemo);
  const redis = await startRedis(LOG_DIR);
  started.push(redis);
  const list: FanoutResult[] = [];
  results.pubsub = list;
  try {
    let turn = 0;
    for (const subscribers of FANOUT_SUBSCRIBERS) {
      const messages = fanoutMessages(opts.mode, subscribers);
      // Alternate who goes first, as the throughput tests do.
      const order = turn++ % 2 === 0 ? [mnemo, redis] : [redis, mnemo];
      for (const server of order) {
        const m = await runFanout(server, {
          subscribers,
          messages,
          payloadBytes: FANOUT_PAYLOAD_BYTES,
          timeoutMs: opts.mode.runTimeoutMs,
        });
        list.push(m);
        progress(
          `pubsub ${`${subscribers} sub x ${messages} msg`.padEnd(22)} ${server.name.padEnd(5)} ${describeFanout(m)}`,
        );
      }
    }
  } finally {
    await Promise.all([mnemo.stop(), redis.stop()]);
  }
}

async function memory(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const starters = [() => startMnemo(LOG_DIR, SERVER_SCRIPT), () => startRedis(LOG_DIR)];
  for (const start of starters) {
    const server = await start();
    started.push(server);
    try {
      const [m] = await loadInSteps(server, [opts.mode.memoryKeys]);
      if (m === undefined) throw new Error(`${server.name}: no memory measurement`);
      results.memory.push(m);
      progress(
        `memory ${server.name.padEnd(5)} ${m.keys} keys in ${(m.loadMs / 1000).toFixed(2)} s: ${m.rssPerKey.toFixed(1)} B/key RSS, ${m.usedPerKey.toFixed(1)} B/key used_memory`,
      );
    } finally {
      await server.stop();
    }
  }
}

/** Bytes per member of big and small aggregates: a fresh server of each kind per collection. */
async function collections(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: CollectionResult[] = [];
  results.collections = list;
  for (const sc of collectionScenarios(opts.mode.memoryKeys)) {
    for (const start of [() => startMnemo(LOG_DIR, SERVER_SCRIPT), () => startRedis(LOG_DIR)]) {
      const server = await start();
      started.push(server);
      try {
        const m = await measureCollection(server, sc);
        list.push(m);
        progress(
          `collections ${server.name.padEnd(5)} ${sc.name}: ${m.usedPerMember.toFixed(1)} B/member used_memory, ${m.rssPerMember.toFixed(1)} B/member RSS, loaded in ${(m.loadMs / 1000).toFixed(2)} s`,
        );
      } finally {
        await server.stop();
      }
    }
  }
}

/**
 * Load time and memory per key at each of the mode's key counts, one server at a time (50M keys
 * take gigabytes in each). A server that fails part-way keeps the steps it reached.
 */
async function scale(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: ScaleResult[] = [];
  results.scale = list;
  const starters = [() => startMnemo(LOG_DIR, SERVER_SCRIPT), () => startRedis(LOG_DIR)];
  for (const start of starters) {
    const server = await start();
    started.push(server);
    const t0 = performance.now();
    try {
      const r = await runScale(server, opts.mode.scaleSteps, (m) =>
        progress(
          `scale ${server.name.padEnd(5)} ${m.keys.toLocaleString('en-US').padStart(10)} keys in ${(m.loadMs / 1000).toFixed(1)} s: RSS ${(m.rssAfter / 1048576).toFixed(0)} MiB, ${m.rssPerKey.toFixed(1)} B/key RSS, ${m.usedPerKey.toFixed(1)} B/key used_memory`,
        ),
      );
      list.push(r);
      if (r.error !== undefined) progress(`scale ${server.name.padEnd(5)} error: ${r.error}`);
    } finally {
      await server.stop();
    }
    progress(`scale ${server.name.padEnd(5)} part took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}

function describePauses(m: PauseResult): string {
  if (m.error !== undefined) return `error: ${m.error}`;
  const stall =
    m.server === 'mnemo'
      ? `event loop max ${m.eventLoopMaxMs?.toFixed(2)} ms, GC max ${m.gcMaxPauseMs?.toFixed(2)} ms`
      : `LATENCY worst ${m.latencyMonitorMaxMs?.toFixed(2)} ms`;
  return [
    `${Math.round(m.achievedRate).toLocaleString('en-US')} req/s`,
    `p50 ${m.p50Ms.toFixed(3)} p99 ${m.p99Ms.toFixed(3)} p99.9 ${m.p999Ms.toFixed(3)} max ${m.maxMs.toFixed(2)} ms`,
    stall,
    `client loop max ${m.clientLoopMaxMs.toFixed(2)} ms`,
    `${m.errors} errors`,
  ].join(', ');
}

/** A steady GET/SET load on a server holding many keys: client latency and server stalls. */
async function pauses(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: PauseResult[] = [];
  results.pauses = list;
  const starters = [() => startMnemo(LOG_DIR, SERVER_SCRIPT), () => startRedis(LOG_DIR)];
  for (const start of starters) {
    const server = await start();
    started.push(server);
    try {
      const m = await runPauses(server, opts.mode.pauses);
      list.push(m);
      progress(`pauses ${server.name.padEnd(5)} ${describePauses(m)}`);
    } finally {
      await server.stop();
    }
  }
}

/**
 * The persistence part: BGSAVE and BGREWRITEAOF with the memory test's keys loaded (stalls and
 * extra memory), SET throughput and CPU per request with appendonly no / everysec / always, and
 * the time a restart takes to load the mode's restartKeys from RDB and from AOF.
 */
async function persistence(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: StallResult[] = [];
  results.persistence = list;
  const starters = [
    () => startMnemo(LOG_DIR, SERVER_SCRIPT, { extraArgs: PERSISTENCE_ARGS }),
    () => startRedis(LOG_DIR, PERSISTENCE_ARGS),
  ];
  for (const start of starters) {
    const server = await start();
    started.push(server);
    try {
      for (const m of await runStalls(server, opts.mode.memoryKeys, opts.mode.stallRuns)) {
        list.push(m);
        progress(
          `persistence ${m.op.padEnd(12)} ${server.name.padEnd(5)} ${(m.durationMs / 1000).toFixed(2)} s, worst PING ${m.maxRttMs.toFixed(2)} ms (idle ${m.baselineMaxMs.toFixed(2)}), p99 ${m.p99RttMs.toFixed(2)} ms, extra memory ${(m.extraMemory / 1048576).toFixed(1)} MiB; ${m.serverSays}`,
        );
      }
    } finally {
      await server.stop();
    }
  }
  await aofWrites(opts, results, started);
  await loadTimes(opts, results, started);
}

/** redis-benchmark SET on both servers under each AOF setting, tests alternating as in throughput. */
async function aofWrites(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: AofMeasurement[] = [];
  results.aofWrites = list;
  const set = CATALOGUE.find((t) => t.name === 'SET');
  if (set === undefined) throw new Error('no SET test in the catalogue');
  let turn = 0;
  for (const aof of AOF_SETTINGS) {
    // A fresh server pair and directories per setting: each AOF starts empty.
    const dirs = [dataDir('aof-mnemo'), dataDir('aof-redis')] as const;
    try {
      const mnemo = await startMnemo(LOG_DIR, SERVER_SCRIPT, { extraArgs: aofArgs(aof, dirs[0].path) });
      started.push(mnemo);
      const redis = await startRedis(LOG_DIR, aofArgs(aof, dirs[1].path));
      started.push(redis);
      try {
        for (const [pipeline, requests] of opts.mode.requests) {
          const order = turn++ % 2 === 0 ? [mnemo, redis] : [redis, mnemo];
          for (const server of order) {
            const m = await measureTest(
              server,
              set,
              pipeline,
              AOF_VALUE_SIZE,
              requests,
              measureSettings(opts.mode),
            );
            list.push({ ...m, aof });
            progress(`aof ${`${aof} SET P${pipeline}`.padEnd(17)} ${server.name.padEnd(5)} ${describe(m)}`);
          }
        }
      } finally {
        await Promise.all([mnemo.stop(), redis.stop()]);
      }
    } finally {
      for (const d of dirs) d.remove();
    }
  }
}

/** Restart times from RDB and AOF files holding the mode's restartKeys, one server at a time. */
async function loadTimes(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const list: LoadTimeResult[] = [];
  results.loadTimes = list;
  const keep = (s: ServerProcess) => {
    started.push(s);
    return s;
  };
  const starters = [
    async (args: readonly string[]) => keep(await startMnemo(LOG_DIR, SERVER_SCRIPT, { extraArgs: args })),
    async (args: readonly string[]) => keep(await startRedis(LOG_DIR, args)),
  ];
  for (const start of starters) {
    const got = await runLoadTimes(start, opts.mode.restartKeys, (m) =>
      progress(
        m.error !== undefined
          ? `restart ${m.format.padEnd(8)} ${m.server.padEnd(5)} error: ${m.error}`
          : `restart ${m.format.padEnd(8)} ${m.server.padEnd(5)} ${m.keys} keys, ${(m.fileBytes / 1048576).toFixed(1)} MiB: ready in ${(m.readyMs / 1000).toFixed(3)} s (first PONG ${(m.startMs / 1000).toFixed(3)} s, server logged ${m.loggedMs !== undefined ? `${(m.loggedMs / 1000).toFixed(3)} s` : '-'})`,
      ),
    );
    list.push(...got);
  }
}

/** maxmemory + allkeys-lru under a SET load over 10M random keys, then GETs: hit ratio and overshoot. */
async function eviction(opts: Options, results: Results, started: ServerProcess[]): Promise<void> {
  const e = opts.mode.eviction;
  const list: EvictionResult[] = [];
  results.eviction = list;
  const starters = [
    () => startMnemo(LOG_DIR, SERVER_SCRIPT, { extraArgs: evictionArgs(e.maxmemory) }),
    () => startRedis(LOG_DIR, evictionArgs(e.maxmemory)),
  ];
  for (const start of starters) {
    const server = await start();
    started.push(server);
    try {
      const m = await runEviction(server, {
        ...e,
        valueSize: opts.sizes[0] ?? 3,
        clients: opts.mode.clients,
        pipeline: 16,
        timeoutMs: opts.mode.runTimeoutMs,
      });
      list.push(m);
      const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
      progress(
        m.error !== undefined
          ? `eviction ${server.name.padEnd(5)} error: ${m.error}`
          : `eviction ${server.name.padEnd(5)} hit ratio ${(m.hitRatio * 100).toFixed(2)}%, ${m.keysHeld} keys held, ${m.evictedKeys} evicted, max used_memory ${mib(m.maxUsed)} of ${mib(m.maxmemory)}`,
      );
    } finally {
      await server.stop();
    }
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(SERVER_SCRIPT)) fail(`${SERVER_SCRIPT} is missing: build first (npm run build)`);
  rmSync(LOG_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });
  if (opts.profile) rmSync(PROFILE_DIR, { recursive: true, force: true });
  const weights: Record<string, number> = {};
  for (const t of opts.tests) if (t.weight !== undefined && t.weight !== 1) weights[t.name] = t.weight;
  const results: Results = {
    mode: opts.mode.name,
    env: await describeEnvironment(),
    mnemoVersion: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string })
      .version,
    settings: {
      clients: opts.mode.clients,
      keyspace: opts.mode.keyspace,
      requests: Object.fromEntries([...opts.mode.requests].map(([p, n]) => [String(p), n])),
      tests: opts.tests.map((t) => t.name),
      weights,
      valueSizes: opts.sizes,
      memoryKeys: opts.mode.memoryKeys,
      inProcessOps: opts.mode.inProcessOps,
      fanout: {
        subscribers: [...FANOUT_SUBSCRIBERS],
        deliveries: opts.mode.fanoutDeliveries,
        payloadBytes: FANOUT_PAYLOAD_BYTES,
      },
      profiled: opts.profile,
    },
    throughput: [],
    memory: [],
  };
  if (results.env.backgroundCores > 0.25) {
    progress(
      `warning: other processes keep ${results.env.backgroundCores.toFixed(2)} of ${results.env.cores} cores busy; the figures will be skewed`,
    );
  }
  const started: ServerProcess[] = [];
  const t0 = performance.now();
  try {
    if (opts.parts.has('throughput')) await throughput(opts, results, started);
    if (opts.parts.has('pubsub')) await pubsub(opts, results, started);
    if (opts.parts.has('memory')) await memory(opts, results, started);
    if (opts.parts.has('collections')) await timed('collections', () => collections(opts, results, started));
    if (opts.parts.has('scale')) await timed('scale', () => scale(opts, results, started));
    if (opts.parts.has('pauses')) await timed('pauses', () => pauses(opts, results, started));
    if (opts.parts.has('persistence')) await timed('persistence', () => persistence(opts, results, started));
    if (opts.parts.has('eviction')) await eviction(opts, results, started);
    if (opts.parts.has('inprocess')) {
      results.inProcess = await timed('inprocess', () => runInProcess(opts.mode.inProcessOps));
    }
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
  progress(`finished in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

  const jsonPath = join(OUT_DIR, 'results.json');
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const out = [environmentLines(results).join('\n'), ...tables(results).map(renderText)];
  process.stdout.write(`${out.join('\n\n')}\n`);
  if (opts.docs) {
    mkdirSync(dirname(DOCS), { recursive: true });
    updateDocs(DOCS, markdownSection(results));
    if (results.throughput.length > 0) writeChart(CHART, results);
  }
  process.stdout.write(
    `raw results: ${relative(ROOT, jsonPath)}${opts.docs ? `; tables: ${relative(ROOT, DOCS)}` : ''}${opts.docs && results.throughput.length > 0 ? `; chart: ${relative(ROOT, CHART)}` : ''}\n`,
  );
}

// Servers and redis-benchmark are our children: they must not outlive this process.
process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
    killAllSync();
    process.exit(130);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  killAllSync();
  process.exit(1);
});
