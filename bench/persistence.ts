/**
 * The persistence part of the benchmark: what BGSAVE and BGREWRITEAOF cost the clients of a
 * server holding N keys. A client pings in a tight loop (one PING in flight) and records every
 * round trip, first with nothing running (baseline), then while the background save or rewrite
 * runs; the worst round trip is the longest stall the event loop (mnemo) or the fork plus main
 * thread (redis-server) imposed. Extra memory is sampled from /proc every 5 ms on a worker thread: the
 * growth of the server's RSS, plus for redis-server the private (copy-on-write) memory of the
 * forked child, which is the memory the fork really costs. Both servers run the same way, with
 * appendonly yes / appendfsync everysec, in their own temporary directory.
 */

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { loadKeys, RespClient } from './client.js';
import { rssBytes } from './procstat.js';
import type { ServerProcess } from './servers.js';

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

/** Runs of each operation: the table shows medians, so one scheduling hiccup does not decide. */
const RUNS = 3;

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

/** Loads `keys` keys into a fresh server, then measures BGSAVE and BGREWRITEAOF. */
export async function runStalls(server: ServerProcess, keys: number): Promise<StallResult[]> {
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
      const runs: StallResult[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measureOp(server, op, keys, control, pinger));
      out.push(combine(runs));
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
