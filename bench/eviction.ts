/**
 * The eviction part of the benchmark: a server with `maxmemory` and allkeys-lru takes a
 * redis-benchmark SET load over far more random keys than fit (`-r 10000000`), then a GET load
 * over the same key range. The GET hit ratio says how many keys the server managed to keep in
 * its memory budget (with uniformly random keys it is the share of the key range held, so it
 * compares memory per key and eviction together); the highest used_memory seen while the loads
 * run (INFO memory, polled every POLL_MS) says how far past maxmemory the server let itself go.
 * Both servers run the same loads; the server's CPU time per request comes from /proc as in the
 * throughput part.
 */

import { RespClient } from './client.js';
import { runRedisBenchmark } from './loadgen.js';
import type { LoadTest } from './plan.js';
import { cpuMicros, rssBytes } from './procstat.js';
import type { ServerName, ServerProcess } from './servers.js';

/** The directives both servers are started with (see EvictionOptions.maxmemory). */
export function evictionArgs(maxmemory: string): string[] {
  return ['--maxmemory', maxmemory, '--maxmemory-policy', 'allkeys-lru'];
}

export interface EvictionOptions {
  /** As given to --maxmemory (e.g. "100mb"). */
  maxmemory: string;
  keyspace: number;
  setRequests: number;
  getRequests: number;
  valueSize: number;
  clients: number;
  pipeline: number;
  timeoutMs: number;
}

export interface EvictionLoad {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per request, µs. */
  cpuUsPerOp: number;
}

export interface EvictionResult {
  server: ServerName;
  /** maxmemory in bytes, as the server reports it. */
  maxmemory: number;
  keyspace: number;
  setRequests: number;
  getRequests: number;
  valueSize: number;
  set?: EvictionLoad;
  get?: EvictionLoad;
  /** Keys held after the SET load (DBSIZE). */
  keysHeld: number;
  evictedKeys: number;
  hits: number;
  misses: number;
  hitRatio: number;
  /** Highest INFO used_memory seen during the loads. */
  maxUsed: number;
  /** used_memory once the loads are over. */
  finalUsed: number;
  rssAfter: number;
  error?: string;
}

const POLL_MS = 25;
const SET: LoadTest = { name: 'SET', builtin: 'set' };
const GET: LoadTest = { name: 'GET', builtin: 'get' };

const num = (m: Map<string, string>, field: string) => Number(m.get(field) ?? Number.NaN);

/** Polls used_memory on its own connection until stopped; keeps the highest value. */
class UsedMemoryPoller {
  max = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly c: RespClient) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const used = num(await this.c.info('memory'), 'used_memory');
      if (used > this.max) this.max = used;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async stop(): Promise<number> {
    this.stopped = true;
    await this.loop;
    return this.max;
  }
}

export async function runEviction(server: ServerProcess, o: EvictionOptions): Promise<EvictionResult> {
  const c = await RespClient.connect(server.port);
  const pollConn = await RespClient.connect(server.port);
  const result: EvictionResult = {
    server: server.name,
    maxmemory: 0,
    keyspace: o.keyspace,
    setRequests: o.setRequests,
    getRequests: o.getRequests,
    valueSize: o.valueSize,
    keysHeld: 0,
    evictedKeys: 0,
    hits: 0,
    misses: 0,
    hitRatio: Number.NaN,
    maxUsed: 0,
    finalUsed: 0,
    rssAfter: 0,
  };
  const poller = new UsedMemoryPoller(pollConn);
  try {
    result.maxmemory = num(await c.info('memory'), 'maxmemory');
    const load = async (test: LoadTest, requests: number): Promise<EvictionLoad | string> => {
      const cpu0 = cpuMicros(server.pid);
      const outcome = await runRedisBenchmark(test, {
        port: server.port,
        clients: o.clients,
        requests,
        keyspace: o.keyspace,
        pipeline: o.pipeline,
        valueSize: o.valueSize,
        timeoutMs: o.timeoutMs,
      });
      const cpu = cpuMicros(server.pid).total - cpu0.total;
      if (outcome.row === undefined) return outcome.error;
      return {
        rps: outcome.row.rps,
        p50Ms: outcome.row.p50Ms,
        p99Ms: outcome.row.p99Ms,
        cpuUsPerOp: cpu / requests,
      };
    };
    const set = await load(SET, o.setRequests);
    if (typeof set === 'string') throw new Error(`SET load: ${set}`);
    result.set = set;
    result.keysHeld = Number(await c.call('DBSIZE'));
    const before = await c.info('stats');
    const get = await load(GET, o.getRequests);
    if (typeof get === 'string') throw new Error(`GET load: ${get}`);
    result.get = get;
    const after = await c.info('stats');
    result.hits = num(after, 'keyspace_hits') - num(before, 'keyspace_hits');
    result.misses = num(after, 'keyspace_misses') - num(before, 'keyspace_misses');
    result.hitRatio = result.hits / (result.hits + result.misses);
    result.evictedKeys = num(after, 'evicted_keys');
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    result.maxUsed = await poller.stop();
    try {
      result.finalUsed = num(await c.info('memory'), 'used_memory');
      result.rssAfter = rssBytes(server.pid);
    } catch {
      // the server is gone: the error above says why
    }
    c.close();
    pollConn.close();
  }
  return result;
}
