/**
 * The persistence part of the benchmark, three measurements with both servers configured alike:
 *
 * Stalls: what BGSAVE and BGREWRITEAOF cost the clients of a
 * server holding N keys. A client pings in a tight loop (one PING in flight) and records every
 * round trip, first with nothing running (baseline), then while the background save or rewrite
 * runs; the worst round trip is the longest stall the event loop (mnemo) or the fork plus main
 * thread (redis-server) imposed. Extra memory is sampled from /proc every 5 ms on a worker thread: the
 * growth of the server's RSS, plus for redis-server the private (copy-on-write) memory of the
 * forked child, which is the memory the fork really costs. Both servers run the same way, with
 * appendonly yes / appendfsync everysec, in their own temporary directory.
 *
 * AOF writes: the settings (appendonly no, everysec, always) the harness runs redis-benchmark
 * SET under; the runs themselves are bench/loadgen.ts's measureTest, as in the throughput part.
 *
 * Restarts: N keys written to RDB (SAVE) and to AOF (BGREWRITEAOF, without and with the RDB
 * preamble), then the time from spawning a server on that directory until it answers with every
 * key, beside the load time the server logs itself and the file's size.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadKey, loadKeys, loadKeyWidth, RespClient } from './client.js';
import { rssBytes } from './procstat.js';
import type { Measurement } from './report.js';
import type { ServerName, ServerProcess } from './servers.js';

export interface StallResult {
  server: 'mnemo' | 'redis';
  op: 'BGSAVE' | 'BGREWRITEAOF';
  keys: number;
  /** Each figure is the median over this many runs (the worst of a run is sensitive to noise). */
  runs: number;
  /** The worst PING round trip over all runs. */
  maxOfRunsMs: number;
  /** Wall time from the command to the end of the background work. */
  durationMs: number;
  /** Worst PING round trip with nothing running (the noise floor). */
  baselineMaxMs: number;
  /** Worst PING round trip while the operation ran: the longest stall. */
  maxRttMs: number;
  p99RttMs: number;
  pings: number;
  /** Peak extra memory during the operation, bytes (see the module comment). */
  extraMemory: number;
  /** What the server says about it: mnemo's longest slice, Redis's fork time and COW size. */
  serverSays: string;
  /** When the part ran on its own (--only persistence) and was merged into a full run's results. */
  environment?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Private (not shared with the parent) memory of a process, from smaps_rollup. */
function privateBytes(pid: number): number {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    let kb = 0;
    for (const m of t.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
    return kb * 1024;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The server's memory as the benchmark counts it: RSS plus its children's private memory. */
function footprint(pid: number): number {
  let n = rssBytes(pid);
  for (const c of children(pid)) n += privateBytes(c);
  return n;
}

/**
 * Samples footprint() every 5 ms on a worker thread: reading smaps_rollup of a large forked
 * child takes milliseconds, which on the main thread would delay the pinger and be counted as
 * the server's stall.
 */
function startSampler(pid: number): { stop(): Promise<number> } {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const read = (p) => { try { return readFileSync(p, 'latin1'); } catch { return ''; } };
    const footprint = (pid) => {
      const rss = /^VmRSS:\\s+(\\d+)\\s+kB/m.exec(read('/proc/' + pid + '/status'));
      let kb = rss === null ? 0 : Number(rss[1]);
      for (const c of read('/proc/' + pid + '/task/' + pid + '/children').trim().split(/\\s+/).filter(Boolean)) {
        for (const m of read('/proc/' + c + '/smaps_rollup').matchAll(/^Private_(?:Clean|Dirty):\\s+(\\d+) kB/gm)) kb += Number(m[1]);
      }
      return kb * 1024;
    };
    let peak = 0;
    const timer = setInterval(() => { peak = Math.max(peak, footprint(workerData.pid)); }, 5);
    parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(peak); });
  `;
  const worker = new Worker(code, { eval: true, workerData: { pid } });
  return {
    stop: () =>
      new Promise<number>((resolve, reject) => {
        worker.once('message', (peak: number) => {
          void worker.terminate();
          resolve(peak);
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}

class Pinger {
  private stopped = false;
  rtts: number[] = [];
  private readonly loop: Promise<void>;

  constructor(private readonly c: RespClient) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const t = performance.now();
      await this.c.command('PING');
      this.rtts.push(performance.now() - t);
    }
  }

  take(): number[] {
    const r = this.rtts;
    this.rtts = [];
    return r;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

async function inProgress(c: RespClient, op: 'BGSAVE' | 'BGREWRITEAOF'): Promise<boolean> {
  const i = await c.info('persistence');
  const field = op === 'BGSAVE' ? 'rdb_bgsave_in_progress' : 'aof_rewrite_in_progress';
  return i.get(field) === '1' || i.get('aof_rewrite_scheduled') === '1';
}

async function measureOp(
  server: ServerProcess,
  op: 'BGSAVE' | 'BGREWRITEAOF',
  keys: number,
  control: RespClient,
  pinger: Pinger,
): Promise<StallResult> {
  // Baseline: one second of pings with nothing in the background.
  await sleep(300);
  pinger.take();
  await sleep(1000);
  const base = pinger.take();
  const before = footprint(server.pid);
  const sampler = startSampler(server.pid);
  const t0 = performance.now();
  const reply = await control.call(op);
  if (typeof reply !== 'string' || !reply.includes('started'))
    throw new Error(`${server.name} ${op}: ${String(reply)}`);
  while (await inProgress(control, op)) await sleep(25);
  const durationMs = performance.now() - t0;
  const peak = Math.max(before, await sampler.stop());
  const during = pinger.take();
  const sorted = [...during].sort((a, b) => a - b);
  const info = await control.info('persistence');
  const stats = await control.info('stats');
  const serverSays =
    server.name === 'mnemo'
      ? `longest slice ${op === 'BGSAVE' ? info.get('rdb_longest_save_slice_ms') : info.get('aof_longest_rewrite_slice_ms')} ms`
      : `fork ${((Number(stats.get('latest_fork_usec')) || 0) / 1000).toFixed(2)} ms, COW ${(
          Number(info.get(op === 'BGSAVE' ? 'rdb_last_cow_size' : 'aof_last_cow_size')) / 1048576
        ).toFixed(1)} MiB`;
  return {
    server: server.name,
    op,
    keys,
    runs: 1,
    maxOfRunsMs: Math.max(0, ...during),
    durationMs,
    baselineMaxMs: Math.max(0, ...base),
    maxRttMs: Math.max(0, ...during),
    p99RttMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    pings: during.length,
    extraMemory: Math.max(0, peak - before),
    serverSays,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function combine(runs: StallResult[]): StallResult {
  const mid = [...runs].sort((a, b) => a.maxRttMs - b.maxRttMs)[Math.floor(runs.length / 2)]!;
  return {
    ...mid,
    runs: runs.length,
    maxOfRunsMs: Math.max(...runs.map((r) => r.maxRttMs)),
    durationMs: median(runs.map((r) => r.durationMs)),
    baselineMaxMs: median(runs.map((r) => r.baselineMaxMs)),
    p99RttMs: median(runs.map((r) => r.p99RttMs)),
    pings: median(runs.map((r) => r.pings)),
    extraMemory: median(runs.map((r) => r.extraMemory)),
  };
}

/**
 * Loads `keys` keys into a fresh server, then measures BGSAVE and BGREWRITEAOF `runs` times
 * each: the table shows medians, so one scheduling hiccup does not decide.
 */
export async function runStalls(server: ServerProcess, keys: number, runs: number): Promise<StallResult[]> {
  await loadKeys(server.port, keys);
  const control = await RespClient.connect(server.port);
  const pc = await RespClient.connect(server.port);
  const pinger = new Pinger(pc);
  try {
    // Let the load's own AOF rewrite (if the growth triggered one) finish first.
    while ((await inProgress(control, 'BGREWRITEAOF')) || (await inProgress(control, 'BGSAVE')))
      await sleep(50);
    const out: StallResult[] = [];
    for (const op of ['BGSAVE', 'BGREWRITEAOF'] as const) {
      const measured: StallResult[] = [];
      for (let i = 0; i < runs; i++) measured.push(await measureOp(server, op, keys, control, pinger));
      out.push(combine(measured));
    }
    return out;
  } finally {
    await pinger.stop();
    pc.close();
    control.close();
  }
}

/** The arguments both servers run with for this part. */
export const PERSISTENCE_ARGS = ['--appendonly', 'yes', '--appendfsync', 'everysec'];

/** A scratch `dir` for a server's data files, removed when done with. */
export function dataDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** AOF settings the SET throughput runs under, in table order. */
export const AOF_SETTINGS = ['off', 'everysec', 'always'] as const;
export type AofSetting = (typeof AOF_SETTINGS)[number];

/** redis-benchmark -d for the AOF runs. */
export const AOF_VALUE_SIZE = 3;

/**
 * Both servers' arguments for an AOF setting. Automatic rewrites are off: Redis rewrites in a
 * forked child, whose CPU the parent's /proc times do not include, while mnemo's rewrite runs in
 * its own process; either way a rewrite is not the per-write cost measured here.
 */
export function aofArgs(setting: AofSetting, dir: string): string[] {
  const common = ['--dir', dir, '--auto-aof-rewrite-percentage', '0'];
  if (setting === 'off') return [...common, '--appendonly', 'no'];
  return [...common, '--appendonly', 'yes', '--appendfsync', setting];
}

/** One SET run of the AOF comparison: the throughput part's record plus the setting. */
export type AofMeasurement = Measurement & { aof: AofSetting };

/** What a restart loads: nothing (the start-up floor), an RDB file, or an AOF directory. */
export type LoadFormat = 'empty' | 'RDB' | 'AOF' | 'AOF+RDB';

export interface LoadTimeResult {
  server: ServerName;
  format: LoadFormat;
  keys: number;
  /** The RDB file, or every file in the AOF directory (manifest, BASE, INCR). */
  fileBytes: number;
  /** From the spawn until the first PONG. */
  startMs: number;
  /** From the spawn until DBSIZE answered `keys` (and the last key checked out). */
  readyMs: number;
  /** The server's own "DB loaded from disk / append only file: X seconds", when it logged one. */
  loggedMs?: number;
  error?: string;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function dirSize(path: string): number {
  try {
    return readdirSync(path).reduce((n, f) => n + fileSize(join(path, f)), 0);
  } catch {
    return 0;
  }
}

/** The last load time a server logged (both print Redis's wording), in milliseconds. */
function loggedLoadMs(logPath: string): number | undefined {
  let text = '';
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return undefined;
  }
  const all = [...text.matchAll(/DB loaded from (?:disk|append only file): ([\d.]+) seconds/g)];
  const last = all.at(-1);
  return last === undefined ? undefined : Number(last[1]) * 1000;
}

/** BGREWRITEAOF, then waits for the rewrite (and its switch to the new BASE) to finish. */
async function rewriteAof(c: RespClient): Promise<void> {
  while (await inProgress(c, 'BGREWRITEAOF')) await sleep(25);
  await c.call('BGREWRITEAOF');
  while (await inProgress(c, 'BGREWRITEAOF')) await sleep(25);
  const status = (await c.info('persistence')).get('aof_last_bgrewrite_status');
  if (status !== 'ok') throw new Error(`BGREWRITEAOF: aof_last_bgrewrite_status ${String(status)}`);
}

/** Starts a server of one kind with these extra arguments (the harness tracks and logs it). */
export type Starter = (extraArgs: readonly string[]) => Promise<ServerProcess>;

async function restart(
  start: Starter,
  args: readonly string[],
  format: LoadFormat,
  keys: number,
  fileBytes: number,
  then?: (c: RespClient) => Promise<void>,
): Promise<LoadTimeResult> {
  const server = await start(args);
  try {
    const c = await RespClient.connect(server.port);
    try {
      const size = await c.call('DBSIZE');
      const readyMs = performance.now() - server.spawnedAt;
      if (size !== keys) throw new Error(`${format}: DBSIZE ${String(size)} after a restart, not ${keys}`);
      const width = loadKeyWidth(keys);
      const last = await c.call('GET', loadKey(keys, width));
      if (last !== `val${keys}`)
        throw new Error(`${format}: key ${keys} holds ${String(last)} after a restart`);
      if (then !== undefined) await then(c);
      const loggedMs = loggedLoadMs(server.logPath);
      return {
        server: server.name,
        format,
        keys,
        fileBytes,
        startMs: server.startMs,
        readyMs,
        ...(loggedMs !== undefined ? { loggedMs } : {}),
      };
    } finally {
      c.close();
    }
  } finally {
    await server.stop();
  }
}

/**
 * One server kind: loads `keys` keys into an empty server (appendonly yes, commands-only AOF),
 * SAVEs and rewrites the AOF, stops it, then restarts it on the same directory three times: from
 * the RDB (appendonly no), from the AOF as commands, and (after CONFIG SET aof-use-rdb-preamble
 * yes and another rewrite) from the AOF with an RDB preamble. The first start, on an empty
 * directory, is the floor every restart includes. A failure ends the run with the results so far.
 */
export async function runLoadTimes(
  start: Starter,
  keys: number,
  onResult: (m: LoadTimeResult) => void = () => {},
): Promise<LoadTimeResult[]> {
  const dir = dataDir('restart');
  const common = ['--dir', dir.path, '--auto-aof-rewrite-percentage', '0'];
  const aof = (preamble: boolean) => [
    ...common,
    '--appendonly',
    'yes',
    '--aof-use-rdb-preamble',
    preamble ? 'yes' : 'no',
  ];
  const aofDir = join(dir.path, 'appendonlydir');
  const out: LoadTimeResult[] = [];
  const add = (m: LoadTimeResult) => {
    out.push(m);
    onResult(m);
  };
  let server: ServerName | undefined;
  let format: LoadFormat = 'empty';
  try {
    const filler = await start(aof(false));
    server = filler.name;
    try {
      add({ server, format, keys: 0, fileBytes: 0, startMs: filler.startMs, readyMs: filler.startMs });
      await loadKeys(filler.port, keys);
      const c = await RespClient.connect(filler.port);
      try {
        await c.call('SAVE');
        await rewriteAof(c);
      } finally {
        c.close();
      }
    } finally {
      await filler.stop();
    }
    format = 'RDB';
    const rdbBytes = fileSize(join(dir.path, 'dump.rdb'));
    add(await restart(start, [...common, '--appendonly', 'no'], format, keys, rdbBytes));
    format = 'AOF';
    add(
      await restart(start, aof(false), format, keys, dirSize(aofDir), async (c) => {
        await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'yes');
        await rewriteAof(c);
      }),
    );
    format = 'AOF+RDB';
    add(await restart(start, aof(true), format, keys, dirSize(aofDir)));
  } catch (err) {
    if (server !== undefined) {
      add({ server, format, keys, fileBytes: 0, startMs: 0, readyMs: 0, error: (err as Error).message });
    } else throw err;
  } finally {
    dir.remove();
  }
  return out;
}
