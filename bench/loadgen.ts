/**
 * Drives redis-benchmark: builds its command line from a LoadTest, runs it as a tracked
 * child, and reads requests/s and latency percentiles from its `--csv` output (the only
 * format of redis-benchmark 7.0 that prints both p50 and p99 for every test). A failed run
 * (an error reply makes redis-benchmark exit 1, or it times out) becomes an error string
 * instead of numbers, so one unsupported command does not abort the whole benchmark.
 * measureTest() is one measured test against one server (its set-up commands, the run, and the
 * server's CPU time per request from /proc), shared by the throughput and persistence parts.
 */

import { spawn } from 'node:child_process';
import { RespClient } from './client.js';
import { type LoadTest, withValue } from './plan.js';
import { cpuMicros } from './procstat.js';
import type { Measurement } from './report.js';
import { type ServerProcess, track } from './servers.js';

export interface BenchRow {
  rps: number;
  avgMs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadOptions {
  port: number;
  clients: number;
  requests: number;
  keyspace: number;
  pipeline: number;
  valueSize: number;
  timeoutMs: number;
}

export type LoadOutcome = { row: BenchRow; error?: undefined } | { row?: undefined; error: string };

export function benchmarkArgs(test: LoadTest, o: LoadOptions): string[] {
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(o.port),
    '-c',
    String(o.clients),
    '-n',
    String(o.requests),
    '-r',
    String(o.keyspace),
    '-P',
    String(o.pipeline),
    '-d',
    String(o.valueSize),
    '--csv',
  ];
  if (test.builtin !== undefined) args.push('-t', test.builtin);
  else if (test.command !== undefined) args.push(...withValue(test.command, o.valueSize));
  else throw new Error(`test ${test.name} has neither builtin nor command`);
  return args;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^,]+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? ''));
  }
  return cells;
}

/**
 * The test's row of redis-benchmark's CSV. A test's own row is the last one: set-up phases
 * that redis-benchmark runs on its own (e.g. "LPUSH (needed to benchmark LRANGE)") come first.
 */
export function parseCsv(text: string): BenchRow | undefined {
  const lines = text.split('\n').filter((l) => l.startsWith('"'));
  const header = lines[0] !== undefined ? splitCsvLine(lines[0]) : [];
  if (header[0] !== 'test' || lines.length < 2) return undefined;
  const cells = splitCsvLine(lines[lines.length - 1]!);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    const v = i < 0 ? Number.NaN : Number(cells[i]);
    if (!Number.isFinite(v)) throw new Error(`redis-benchmark CSV has no numeric ${name}: ${text}`);
    return v;
  };
  return {
    rps: col('rps'),
    avgMs: col('avg_latency_ms'),
    minMs: col('min_latency_ms'),
    p50Ms: col('p50_latency_ms'),
    p95Ms: col('p95_latency_ms'),
    p99Ms: col('p99_latency_ms'),
    maxMs: col('max_latency_ms'),
  };
}

export function runRedisBenchmark(test: LoadTest, o: LoadOptions): Promise<LoadOutcome> {
  return new Promise((resolve) => {
    const child = spawn('redis-benchmark', benchmarkArgs(test, o), { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ error: `cannot run redis-benchmark: ${e.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ error: `timed out after ${o.timeoutMs / 1000}s` });
        return;
      }
      const message = (err + out)
        .split('\n')
        .find((l) => /error/i.test(l))
        ?.trim();
      if (code !== 0) {
        resolve({ error: message ?? `redis-benchmark exited with code ${code}` });
        return;
      }
      const row = parseCsv(out);
      resolve(row !== undefined ? { row } : { error: `no CSV result in: ${out.slice(0, 200)}` });
    });
  });
}

/** Sends a test's set-up commands (unmeasured); an error reply becomes the test's error. */
async function prepare(server: ServerProcess, test: LoadTest, size: number): Promise<string | undefined> {
  if (test.prepare === undefined) return undefined;
  const c = await RespClient.connect(server.port);
  try {
    for (const argv of test.prepare) {
      try {
        await c.call(...withValue(argv, size));
      } catch (err) {
        return `prepare: ${(err as Error).message}`;
      }
    }
    return undefined;
  } finally {
    c.close();
  }
}

export interface MeasureSettings {
  clients: number;
  keyspace: number;
  timeoutMs: number;
}

/** One redis-benchmark run of `test` against `server`, with the server's CPU time over the run. */
export async function measureTest(
  server: ServerProcess,
  test: LoadTest,
  pipeline: number,
  size: number,
  requests: number,
  settings: MeasureSettings,
): Promise<Measurement> {
  const base = { test: test.name, pipeline, valueSize: size, server: server.name, requests };
  const prepError = await prepare(server, test, size);
  if (prepError !== undefined) {
    return {
      ...base,
      wallMs: 0,
      cpuUs: 0,
      cpuSysUs: 0,
      cpuUsPerOp: Number.NaN,
      cpuShare: 0,
      error: prepError,
    };
  }
  const cpu0 = cpuMicros(server.pid);
  const t0 = performance.now();
  const outcome = await runRedisBenchmark(test, {
    port: server.port,
    clients: settings.clients,
    requests,
    keyspace: settings.keyspace,
    pipeline,
    valueSize: size,
    timeoutMs: settings.timeoutMs,
  });
  const wallMs = performance.now() - t0;
  const cpu1 = cpuMicros(server.pid);
  const cpuUs = cpu1.total - cpu0.total;
  return {
    ...base,
    wallMs,
    cpuUs,
    cpuSysUs: cpu1.sys - cpu0.sys,
    cpuUsPerOp: cpuUs / requests,
    cpuShare: cpuUs / (wallMs * 1000),
    ...(outcome.row !== undefined ? { row: outcome.row } : { error: outcome.error }),
  };
}
