/**
 * The pauses part: how a server with many keys answers a steady, moderate load, and for mnemo
 * what stalls its event loop. N keys are loaded (bench/client.ts loader), then `clients`
 * connections send a mixed GET/SET load at a fixed rate for a fixed time. The load is open-loop:
 * requests are sent on schedule whether or not earlier ones were answered (a connection may
 * have several in flight), so a stalled server shows as latency instead of as fewer requests.
 * Each request's latency runs from its write to its reply, as redis-benchmark measures it.
 * After CONFIG RESETSTAT at the start of the window, mnemo's INFO stats give its longest
 * event-loop stall and GC pause during it (mnemo_eventloop_max_delay_ms, mnemo_gc_max_pause_ms);
 * redis-server's own view is its latency monitor (threshold 1 ms, LATENCY LATEST). The client's
 * own event-loop delay is recorded too: it is part of every latency measured here.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadKey, loadKeys, loadKeyWidth, RespClient, RespError, type RespValue } from './client.js';
import { cpuMicros } from './procstat.js';
import type { ServerName, ServerProcess } from './servers.js';

export interface PauseOptions {
  keys: number;
  /** Requests per second, all connections together. */
  rate: number;
  clients: number;
  seconds: number;
  /** Share of the requests that are SETs (the rest are GETs), 0..1. */
  setShare: number;
}

/** The targets the performance issue sets; the report prints pass/fail against them. */
export const PAUSE_TARGETS = { p999Ms: 2, stallMs: 10 };

export interface PauseResult {
  server: ServerName;
  keys: number;
  rate: number;
  clients: number;
  seconds: number;
  setShare: number;
  loadMs: number;
  requests: number;
  /** Requests per second actually completed over the window. */
  achievedRate: number;
  /** Error replies, wrong values, and requests still unanswered at the end. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Server CPU time per request, µs. */
  cpuUsPerOp: number;
  /** mnemo: INFO mnemo_eventloop_max_delay_ms over the window. */
  eventLoopMaxMs?: number;
  /** mnemo: INFO mnemo_gc_max_pause_ms over the window. */
  gcMaxPauseMs?: number;
  /** redis-server: the worst LATENCY LATEST event over the window (0: none reached 1 ms). */
  latencyMonitorMaxMs?: number;
  /** The benchmark process's own longest event-loop delay during the window. */
  clientLoopMaxMs: number;
  /** The longest stall the server reports: the figure held against PAUSE_TARGETS.stallMs. */
  stallMs?: number;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Window {
  latencies: Float64Array;
  errors: number;
  wallMs: number;
}

/** The open-loop load: sends what is due every millisecond, until `seconds` have passed. */
function drive(conns: RespClient[], o: PauseOptions, timeoutMs: number): Promise<Window> {
  const total = Math.round(o.rate * o.seconds);
  const latencies = new Float64Array(total);
  const width = loadKeyWidth(o.keys);
  let sent = 0;
  let answered = 0;
  let errors = 0;
  return new Promise((resolve) => {
    const start = performance.now();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(guard);
      errors += total - answered;
      resolve({ latencies: latencies.subarray(0, answered), errors, wallMs: performance.now() - start });
    };
    const onReply = (t0: number, expect: string) => (r: RespValue) => {
      latencies[answered++] = performance.now() - t0;
      if (r instanceof RespError || r !== expect) errors++;
      if (answered === total) finish();
    };
    // A connection that fails leaves its requests unanswered: finish() counts them.
    const onFail = () => undefined;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * o.rate) / 1000));
      while (sent < due) {
        const conn = conns[sent % conns.length]!;
        const i = 1 + Math.floor(Math.random() * o.keys);
        const key = loadKey(i, width);
        const value = `val${i}`;
        const isSet = Math.random() < o.setShare;
        const t0 = performance.now();
        // The SETs write the value the key already holds, so the dataset stays as loaded.
        const reply = isSet ? conn.command('SET', key, value) : conn.command('GET', key);
        reply.then(onReply(t0, isSet ? 'OK' : value), onFail);
        sent++;
      }
    };
    const timer = setInterval(tick, 1);
    const guard = setTimeout(finish, timeoutMs);
  });
}

/** The worst event in redis-server's LATENCY LATEST ([event, time, latest ms, max ms] rows). */
function latencyMax(reply: RespValue): number {
  let max = 0;
  if (!Array.isArray(reply)) return Number.NaN;
  for (const row of reply) {
    if (Array.isArray(row) && typeof row[3] === 'number') max = Math.max(max, row[3]);
  }
  return max;
}

/** Loads the keys into `server`, then runs the load window and collects both sides' figures. */
export async function runPauses(server: ServerProcess, o: PauseOptions): Promise<PauseResult> {
  const base = {
    server: server.name,
    keys: o.keys,
    rate: o.rate,
    clients: o.clients,
    seconds: o.seconds,
    setShare: o.setShare,
  };
  const empty = {
    loadMs: 0,
    requests: 0,
    achievedRate: 0,
    errors: 0,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    p999Ms: Number.NaN,
    maxMs: Number.NaN,
    cpuUsPerOp: Number.NaN,
    clientLoopMaxMs: Number.NaN,
  };
  const c = await RespClient.connect(server.port);
  const conns: RespClient[] = [];
  try {
    const loadMs = await loadKeys(server.port, o.keys);
    if ((await c.call('DBSIZE')) !== o.keys) return { ...base, ...empty, loadMs, error: 'DBSIZE after load' };
    for (let i = 0; i < o.clients; i++) conns.push(await RespClient.connect(server.port));
    // Let the load's garbage be collected before the window opens.
    await sleep(2000);
    if (server.name === 'redis') {
      await c.call('CONFIG', 'SET', 'latency-monitor-threshold', '1');
      await c.call('LATENCY', 'RESET');
    }
    await c.call('CONFIG', 'RESETSTAT');
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const cpu0 = cpuMicros(server.pid).total;
    const w = await drive(conns, o, o.seconds * 1000 + 30_000);
    const cpuUs = cpuMicros(server.pid).total - cpu0;
    loop.disable();
    const lat = Float64Array.from(w.latencies).sort();
    const result: PauseResult = {
      ...base,
      loadMs,
      requests: lat.length,
      achievedRate: (lat.length * 1000) / w.wallMs,
      errors: w.errors,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      p999Ms: percentile(lat, 99.9),
      maxMs: lat.length > 0 ? lat[lat.length - 1]! : Number.NaN,
      cpuUsPerOp: cpuUs / Math.max(1, lat.length),
      clientLoopMaxMs: Math.max(0, loop.max / 1e6 - 1),
    };
    if (server.name === 'mnemo') {
      const stats = await c.info('stats');
      const field = (name: string) => Number(stats.get(name) ?? Number.NaN);
      result.eventLoopMaxMs = field('mnemo_eventloop_max_delay_ms');
      result.gcMaxPauseMs = field('mnemo_gc_max_pause_ms');
      result.stallMs = Math.max(result.eventLoopMaxMs, result.gcMaxPauseMs);
    } else {
      result.latencyMonitorMaxMs = latencyMax(await c.call('LATENCY', 'LATEST'));
      result.stallMs = result.latencyMonitorMaxMs;
    }
    return result;
  } catch (err) {
    return { ...base, ...empty, error: (err as Error).message };
  } finally {
    for (const x of conns) x.close();
    c.close();
  }
}
