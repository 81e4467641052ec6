/**
 * The benchmark's results and how they are shown: the result records (also written raw to
 * .bench-out/results.json), the tables built from them, rendered as aligned text for the
 * terminal and as Markdown for docs/benchmarks.md, where only the part between the
 * `<!-- bench:begin -->` and `<!-- bench:end -->` markers is replaced on each run.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { CollectionResult } from './collections.js';
import type { EvictionResult } from './eviction.js';
import type { InProcessResult } from './inprocess.js';
import type { BenchRow } from './loadgen.js';
import { PAUSE_TARGETS, type PauseResult } from './pauses.js';
import type { AofMeasurement, AofSetting, LoadFormat, LoadTimeResult, StallResult } from './persistence.js';
import type { Environment } from './procstat.js';
import type { ProfileSummary } from './profile.js';
import type { FanoutResult } from './pubsub.js';
import type { ScaleResult } from './scale.js';
import type { ServerName } from './servers.js';

export interface Measurement {
  test: string;
  pipeline: number;
  valueSize: number;
  server: ServerName;
  requests: number;
  wallMs: number;
  /** Server CPU (user + system) used during the run. */
  cpuUs: number;
  /** The kernel's share of cpuUs. */
  cpuSysUs: number;
  cpuUsPerOp: number;
  /** Server CPU time over wall time: 1.0 is one core fully busy. */
  cpuShare: number;
  row?: BenchRow;
  error?: string;
}

export interface MemoryResult {
  server: ServerName;
  keys: number;
  loadMs: number;
  rssBefore: number;
  rssAfter: number;
  usedBefore: number;
  usedAfter: number;
  rssPerKey: number;
  usedPerKey: number;
}

export interface Results {
  mode: 'full' | 'quick';
  env: Environment;
  mnemoVersion: string;
  settings: {
    clients: number;
    keyspace: number;
    requests: Record<string, number>;
    tests: string[];
    /** Tests whose request count is scaled from the mode's count. */
    weights: Record<string, number>;
    valueSizes: number[];
    memoryKeys: number;
    inProcessOps: number;
    /** Pub/sub fan-out settings (absent in results from before the part existed). */
    fanout?: { subscribers: number[]; deliveries: number; payloadBytes: number };
    profiled: boolean;
  };
  throughput: Measurement[];
  pubsub?: FanoutResult[];
  memory: MemoryResult[];
  /** BGSAVE / BGREWRITEAOF stalls and memory (absent in results from before the part existed). */
  persistence?: StallResult[];
  /** SET under appendonly no / everysec / always (absent in older results). */
  aofWrites?: AofMeasurement[];
  /** Restart times from RDB and AOF files (absent in older results). */
  loadTimes?: LoadTimeResult[];
  /** maxmemory + allkeys-lru under SET then GET loads (absent in older results). */
  eviction?: EvictionResult[];
  inProcess?: InProcessResult;
  /** Load time and memory per key at growing key counts (absent in older results). */
  scale?: ScaleResult[];
  /** Latency and stalls under a steady load with many keys (absent in older results). */
  pauses?: PauseResult[];
  /** Memory per member of big and small aggregates (absent in older results). */
  collections?: CollectionResult[];
  profile?: ProfileSummary;
}

export interface Table {
  title: string;
  headers: string[];
  /** 'l' or 'r' per column. */
  align: string;
  rows: string[][];
  notes: string[];
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : '-';
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function geomean(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** A redis-benchmark measurement's table cells: requests/s, p50 / p99 ms, server CPU µs/op. */
function measurementCells(x: Measurement | undefined): { rps: string; lat: string; cpu: string } {
  if (x === undefined) return { rps: '-', lat: '-', cpu: '-' };
  if (x.row === undefined) return { rps: 'error', lat: '-', cpu: '-' };
  return {
    rps: int.format(x.row.rps),
    lat: `${fixed(x.row.p50Ms, 3)} / ${fixed(x.row.p99Ms, 3)}`,
    cpu: fixed(x.cpuUsPerOp, 2),
  };
}

export function throughputTable(r: Results): Table {
  const manySizes = r.settings.valueSizes.length > 1;
  const rows: string[][] = [];
  const notes: string[] = [];
  const ratiosByPipeline = new Map<number, number[]>();
  const find = (test: string, pipeline: number, size: number, server: ServerName) =>
    r.throughput.find(
      (m) => m.test === test && m.pipeline === pipeline && m.valueSize === size && m.server === server,
    );
  const seen = new Set<string>();
  for (const m of r.throughput) {
    const key = `${m.valueSize}/${m.pipeline}/${m.test}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = find(m.test, m.pipeline, m.valueSize, 'mnemo');
    const b = find(m.test, m.pipeline, m.valueSize, 'redis');
    const ca = measurementCells(a);
    const cb = measurementCells(b);
    const ok = a?.row !== undefined && b?.row !== undefined;
    if (ok) {
      const list = ratiosByPipeline.get(m.pipeline) ?? [];
      list.push(a.cpuUsPerOp / b.cpuUsPerOp);
      ratiosByPipeline.set(m.pipeline, list);
    }
    rows.push([
      manySizes ? `${m.test} (${m.valueSize} B)` : m.test,
      String(m.pipeline),
      ca.rps,
      cb.rps,
      ca.lat,
      cb.lat,
      ca.cpu,
      cb.cpu,
      ok ? ratio(a.cpuUsPerOp, b.cpuUsPerOp) : '-',
    ]);
    for (const x of [a, b]) {
      if (x?.error === undefined) continue;
      const text = x.error.replace(/\s+/g, ' ');
      const size = manySizes ? ` ${x.valueSize} B` : '';
      notes.push(
        `${x.server} ${x.test}${size} P${x.pipeline}: ${text.length > 110 ? `${text.slice(0, 107)}...` : text}`,
      );
    }
  }
  const means = [...ratiosByPipeline].map(
    ([pipeline, list]) =>
      `Geometric mean of the CPU ratio at pipeline ${pipeline}: ${fixed(geomean(list), 2)}x`,
  );
  notes.unshift(...means);
  return {
    title: 'Throughput, latency and server CPU per request',
    headers: [
      'test',
      'P',
      'mnemo rps',
      'redis rps',
      'mnemo p50/p99 ms',
      'redis p50/p99 ms',
      'mnemo CPU µs/op',
      'redis CPU µs/op',
      'CPU mnemo/redis',
    ],
    align: 'lrrrrrrrr',
    rows,
    notes,
  };
}

export function pubsubTable(r: Results): Table | undefined {
  const list = r.pubsub;
  if (list === undefined || list.length === 0) return undefined;
  const rows: string[][] = [];
  const notes: string[] = [];
  const counts = [...new Set(list.map((m) => m.subscribers))];
  for (const n of counts) {
    const a = list.find((m) => m.subscribers === n && m.server === 'mnemo');
    const b = list.find((m) => m.subscribers === n && m.server === 'redis');
    const ok = (x: FanoutResult | undefined): x is FanoutResult => x !== undefined && x.error === undefined;
    const rate = (x: FanoutResult | undefined) =>
      x === undefined ? '-' : ok(x) ? int.format(x.deliveredPerSec) : 'error';
    const cpu = (x: FanoutResult | undefined) => (ok(x) ? fixed(x.cpuUsPerDelivery, 3) : '-');
    rows.push([
      int.format(n),
      int.format((a ?? b)?.published ?? 0),
      rate(a),
      rate(b),
      cpu(a),
      cpu(b),
      ok(a) && ok(b) ? ratio(a.cpuUsPerDelivery, b.cpuUsPerDelivery) : '-',
    ]);
    for (const x of [a, b]) {
      if (x?.error !== undefined) notes.push(`${x.server} with ${n} subscribers: ${x.error}`);
    }
  }
  notes.unshift(
    'A delivery is one message reaching one subscriber. The subscribers are sockets in the benchmark process, on one core, so deliveries/s is capped by that reader for both servers; the server CPU per delivery is the figure that compares.',
  );
  const bytes = list[0]!.payloadBytes;
  return {
    title: `Pub/sub fan-out: one publisher pipelining PUBLISH of ${bytes}-byte messages to N subscribers`,
    headers: [
      'subscribers',
      'PUBLISHes',
      'mnemo deliveries/s',
      'redis deliveries/s',
      'mnemo CPU µs/delivery',
      'redis CPU µs/delivery',
      'CPU mnemo/redis',
    ],
    align: 'rrrrrrr',
    rows,
    notes,
  };
}

export function persistenceTable(r: Results): Table | undefined {
  const list = r.persistence;
  if (list === undefined || list.length === 0) return undefined;
  const rows: string[][] = [];
  for (const op of ['BGSAVE', 'BGREWRITEAOF'] as const) {
    for (const server of ['mnemo', 'redis'] as const) {
      const x = list.find((m) => m.op === op && m.server === server);
      if (x === undefined) continue;
      rows.push([
        op,
        server,
        `${fixed(x.durationMs / 1000, 2)} s`,
        fixed(x.maxRttMs, 2),
        fixed(x.maxOfRunsMs ?? x.maxRttMs, 2),
        fixed(x.p99RttMs, 2),
        fixed(x.baselineMaxMs, 2),
        mib(x.extraMemory),
        x.serverSays,
      ]);
    }
  }
  return {
    title: `Background persistence with ${int.format(list[0]!.keys)} keys: longest stall seen by a client, extra memory`,
    headers: [
      'operation',
      'server',
      'duration',
      'worst PING ms',
      'worst of all runs ms',
      'p99 PING ms',
      'idle worst ms',
      'extra memory',
      'server says',
    ],
    align: 'llrrrrrrl',
    rows,
    notes: [
      `Each operation runs ${list[0]!.runs ?? 1} times on the same server; the figures are medians over the runs, except "worst of all runs".`,
      'One client pings in a tight loop during the operation; its worst round trip is the longest time the server could not answer (mnemo: a snapshot step or GC on the event loop; redis-server: the fork). "idle worst" is the same client with nothing running.',
      "Extra memory is the peak growth of the server's RSS during the operation plus, for redis-server, the private (copy-on-write) memory of its forked child, sampled from /proc every 5 ms.",
      "Both servers run with appendonly yes, appendfsync everysec; the keys are the memory test's (key:0000001 -> val1, ...).",
      ...(list[0]!.environment !== undefined ? [list[0]!.environment] : []),
    ],
  };
}

const AOF_LABELS: Record<AofSetting, string> = {
  off: 'no',
  everysec: 'yes, everysec',
  always: 'yes, always',
};

export function aofWritesTable(r: Results): Table | undefined {
  const list = r.aofWrites;
  if (list === undefined || list.length === 0) return undefined;
  const rows: string[][] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const m of list) {
    const key = `${m.aof}/${m.pipeline}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = list.find((x) => x.aof === m.aof && x.pipeline === m.pipeline && x.server === 'mnemo');
    const b = list.find((x) => x.aof === m.aof && x.pipeline === m.pipeline && x.server === 'redis');
    const ca = measurementCells(a);
    const cb = measurementCells(b);
    const ok = a?.row !== undefined && b?.row !== undefined;
    rows.push([
      AOF_LABELS[m.aof],
      String(m.pipeline),
      ca.rps,
      cb.rps,
      ca.lat,
      cb.lat,
      ca.cpu,
      cb.cpu,
      ok ? ratio(a.cpuUsPerOp, b.cpuUsPerOp) : '-',
    ]);
    for (const x of [a, b]) {
      if (x?.error !== undefined) notes.push(`${x.server} ${AOF_LABELS[x.aof]} P${x.pipeline}: ${x.error}`);
    }
  }
  notes.push(
    "Each setting runs on a fresh pair of servers with an empty data directory; automatic AOF rewrites are off (auto-aof-rewrite-percentage 0) so that only the per-write cost is measured. Server CPU includes every thread (Redis's background fsync thread, Node's thread pool).",
    "With appendfsync always both servers write and fsync the AOF once per event-loop turn before sending that turn's replies (group commit), so requests/s there depends on the disk's fsync latency as much as on the server: it is reported as measured.",
  );
  const first = list[0]!;
  return {
    title: `AOF: SET throughput and server CPU per request with appendonly no / everysec / always (redis-benchmark -t set, ${r.settings.clients} clients, -r ${int.format(r.settings.keyspace)}, ${first.valueSize}-byte values)`,
    headers: [
      'appendonly',
      'P',
      'mnemo rps',
      'redis rps',
      'mnemo p50/p99 ms',
      'redis p50/p99 ms',
      'mnemo CPU µs/op',
      'redis CPU µs/op',
      'CPU mnemo/redis',
    ],
    align: 'lrrrrrrrr',
    rows,
    notes,
  };
}

const LOAD_LABELS: Record<LoadFormat, string> = {
  empty: 'nothing (empty start)',
  RDB: 'RDB (SAVE)',
  AOF: 'AOF, commands (aof-use-rdb-preamble no)',
  'AOF+RDB': 'AOF, RDB preamble (aof-use-rdb-preamble yes)',
};

export function loadTimesTable(r: Results): Table | undefined {
  const list = r.loadTimes;
  if (list === undefined || list.length === 0) return undefined;
  const rows: string[][] = [];
  const notes: string[] = [];
  const ok = (x: LoadTimeResult | undefined): x is LoadTimeResult => x !== undefined && x.error === undefined;
  const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${fixed(ms / 1000, 3)} s`);
  for (const format of Object.keys(LOAD_LABELS) as LoadFormat[]) {
    const a = list.find((m) => m.format === format && m.server === 'mnemo');
    const b = list.find((m) => m.format === format && m.server === 'redis');
    if (a === undefined && b === undefined) continue;
    const size = (x: LoadTimeResult | undefined) => (ok(x) && format !== 'empty' ? mib(x.fileBytes) : '-');
    const ready = (x: LoadTimeResult | undefined) =>
      x === undefined ? '-' : ok(x) ? secs(x.readyMs) : 'error';
    const logged = (x: LoadTimeResult | undefined) => (ok(x) ? secs(x.loggedMs) : '-');
    rows.push([
      LOAD_LABELS[format],
      size(a),
      size(b),
      ready(a),
      ready(b),
      ok(a) && ok(b) ? ratio(a.readyMs, b.readyMs) : '-',
      logged(a),
      logged(b),
    ]);
    for (const x of [a, b]) if (x?.error !== undefined) notes.push(`${x.server} ${format}: ${x.error}`);
  }
  const keys = list.find((m) => m.keys > 0)?.keys ?? 0;
  notes.push(
    'Each server takes the keys (pipelined SETs, appendonly yes, aof-use-rdb-preamble no), runs SAVE and BGREWRITEAOF (waiting for the rewrite to finish) and is stopped; then it is restarted on the same directory with appendonly no (loads dump.rdb), with appendonly yes (loads the commands AOF; CONFIG SET aof-use-rdb-preamble yes and BGREWRITEAOF follow) and again (loads the RDB-preamble AOF).',
    'Ready is from the spawn until DBSIZE answers with every key (the harness polls PING every 10 ms; the last key\'s value is checked), so it includes process start-up: the empty start is that floor. Logged is the server\'s own "DB loaded from disk" (RDB) or "DB loaded from append only file" (AOF) line. The AOF size is every file in appendonlydir.',
  );
  return {
    title: `Restart: time to load ${int.format(keys)} keys (key:0000001 -> val1, ...) from RDB and from AOF`,
    headers: [
      'loaded from',
      'mnemo file',
      'redis file',
      'mnemo ready',
      'redis ready',
      'ready mnemo/redis',
      'mnemo logged',
      'redis logged',
    ],
    align: 'lrrrrrrr',
    rows,
    notes,
  };
}

export function memoryTable(r: Results): Table {
  const a = r.memory.find((m) => m.server === 'mnemo');
  const b = r.memory.find((m) => m.server === 'redis');
  const row = (label: string, f: (m: MemoryResult) => number, show: (n: number) => string): string[] => {
    const x = a !== undefined ? f(a) : Number.NaN;
    const y = b !== undefined ? f(b) : Number.NaN;
    return [label, a ? show(x) : '-', b ? show(y) : '-', a && b ? ratio(x, y) : '-'];
  };
  const keys = a?.keys ?? b?.keys ?? 0;
  return {
    title: `Memory after loading ${int.format(keys)} keys (key:0000001 -> val1, ...)`,
    headers: ['', 'mnemo', 'redis', 'mnemo/redis'],
    align: 'lrrr',
    rows: [
      row(
        'bytes per key (RSS)',
        (m) => m.rssPerKey,
        (n) => fixed(n, 1),
      ),
      row(
        'bytes per key (used_memory)',
        (m) => m.usedPerKey,
        (n) => fixed(n, 1),
      ),
      row('RSS before', (m) => m.rssBefore, mib),
      row('RSS after', (m) => m.rssAfter, mib),
      row('used_memory before', (m) => m.usedBefore, mib),
      row('used_memory after', (m) => m.usedAfter, mib),
      row(
        'load time (pipelined SETs)',
        (m) => m.loadMs / 1000,
        (n) => `${fixed(n, 2)} s`,
      ),
    ],
    notes: [],
  };
}

const pct = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${((a * 100) / b).toFixed(1)}%` : '-');
const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

export function inProcessTable(r: Results): Table | undefined {
  const p = r.inProcess;
  if (p === undefined) return undefined;
  const sides: Array<[string, OpsPerSecondLike | undefined]> = [
    ['MemoryStore store.set/get', p.memoryStoreTyped],
    ["MemoryStore command('SET'/'GET')", p.memoryStore],
    ['Map', p.map],
    ['lru-cache', p.lruCache],
    ['node-cache (useClones: false)', p.nodeCache],
    ['ioredis-mock (awaited)', p.ioredisMock],
  ];
  const rows = sides
    .filter((s): s is [string, OpsPerSecondLike] => s[1] !== undefined)
    .map(([name, x]) => [
      name,
      int.format(x.set),
      int.format(x.get),
      pct(x.set, p.map.set),
      pct(x.get, p.map.get),
    ]);
  const notes: string[] = [];
  for (const [label, x] of [
    ['store.set/get', p.memoryStoreTyped],
    ['command()', p.memoryStore],
  ] as const) {
    if (x === undefined) continue;
    const vsMap = Math.min(x.set / p.map.set, x.get / p.map.get);
    let line = `MemoryStore ${label}: SET ${pct(x.set, p.map.set)}, GET ${pct(x.get, p.map.get)} of Map (target ≥ 50%: ${verdict(vsMap >= 0.5)})`;
    const m = p.ioredisMock;
    if (m !== undefined) {
      const vsMock = Math.min(x.set / m.set, x.get / m.get);
      line += `; SET ${ratio(x.set, m.set)}, GET ${ratio(x.get, m.get)} ioredis-mock (target ≥ 10x: ${verdict(vsMock >= 10)})`;
    }
    notes.push(line);
  }
  return {
    title: `In-process: ${int.format(p.ops)} SETs then ${int.format(p.ops)} GETs (best of 7 rounds)`,
    headers: ['implementation', 'SET ops/s', 'GET ops/s', 'SET, % of Map', 'GET, % of Map'],
    align: 'lrrrr',
    rows,
    notes,
  };
}

type OpsPerSecondLike = { set: number; get: number };

export function collectionsTable(r: Results): Table | undefined {
  const list = r.collections;
  if (list === undefined || list.length === 0) return undefined;
  const rows: string[][] = [];
  for (const name of [...new Set(list.map((x) => x.scenario))]) {
    const a = list.find((x) => x.scenario === name && x.server === 'mnemo');
    const b = list.find((x) => x.scenario === name && x.server === 'redis');
    if (a === undefined || b === undefined) continue;
    rows.push([
      name,
      fixed(a.usedPerMember, 1),
      fixed(b.usedPerMember, 1),
      ratio(a.usedPerMember, b.usedPerMember),
      fixed(a.rssPerMember, 1),
      fixed(b.rssPerMember, 1),
      ratio(a.rssPerMember, b.rssPerMember),
    ]);
  }
  return {
    title: 'Collections: bytes per member of big and small aggregates',
    headers: [
      'collection',
      'mnemo used_memory',
      'redis used_memory',
      'mnemo/redis',
      'mnemo RSS',
      'redis RSS',
      'mnemo/redis',
    ],
    align: 'lrrrrrr',
    rows,
    notes: [
      "Each collection is loaded into a freshly started server of each kind (10 members per command, pipelined); the figures are the growth of INFO used_memory and of RSS divided by the members. The small hashes are user records of 10 short fields (listpack in Redis, packed strings in mnemo). The string keys with a TTL are the memory test's keys, each SET with EX: compare with its bytes per key to see what a TTL adds.",
    ],
  };
}

export function scaleTable(r: Results): Table | undefined {
  const list = r.scale;
  if (list === undefined || list.length === 0) return undefined;
  const a = list.find((m) => m.server === 'mnemo');
  const b = list.find((m) => m.server === 'redis');
  const counts = [...new Set(list.flatMap((x) => x.steps.map((s) => s.keys)))].sort((x, y) => x - y);
  const rows: string[][] = [];
  for (const keys of counts) {
    const x = a?.steps.find((s) => s.keys === keys);
    const y = b?.steps.find((s) => s.keys === keys);
    const row = (label: string, f: (m: MemoryResult) => number, show: (n: number) => string) => {
      const u = x !== undefined ? f(x) : Number.NaN;
      const v = y !== undefined ? f(y) : Number.NaN;
      rows.push([int.format(keys), label, x ? show(u) : '-', y ? show(v) : '-', x && y ? ratio(u, v) : '-']);
    };
    row(
      'load time',
      (m) => m.loadMs / 1000,
      (n) => `${fixed(n, 1)} s`,
    );
    row('RSS', (m) => m.rssAfter, mib);
    row(
      'bytes per key (RSS)',
      (m) => m.rssPerKey,
      (n) => fixed(n, 1),
    );
    row(
      'bytes per key (used_memory)',
      (m) => m.usedPerKey,
      (n) => fixed(n, 1),
    );
  }
  const notes = list
    .filter((x) => x.error !== undefined)
    .map((x) => `${x.server} stopped after ${int.format(x.steps.at(-1)?.keys ?? 0)} keys: ${x.error}`);
  notes.push(
    'One server of each kind, run one at a time, takes the keys in steps (continuing where the last step stopped); load time is from the empty server to that count, per-key figures are growth since the empty server divided by the keys held.',
  );
  return {
    title: 'Scale: load time and memory per key at growing key counts (key:<i> -> val<i>, pipelined SETs)',
    headers: ['keys', '', 'mnemo', 'redis', 'mnemo/redis'],
    align: 'rlrrr',
    rows,
    notes,
  };
}

export function pausesTable(r: Results): Table | undefined {
  const list = r.pauses;
  if (list === undefined || list.length === 0) return undefined;
  const a = list.find((m) => m.server === 'mnemo');
  const b = list.find((m) => m.server === 'redis');
  const first = (a ?? b)!;
  const ok = (x: PauseResult | undefined): x is PauseResult => x !== undefined && x.error === undefined;
  const ms = (n: number) => `${fixed(n, 3)} ms`;
  const rows: string[][] = [];
  const row = (
    label: string,
    f: (m: PauseResult) => number | undefined,
    show: (n: number) => string,
    target?: { text: string; pass: (n: number) => boolean },
  ) => {
    const cell = (x: PauseResult | undefined) => {
      const v = ok(x) ? f(x) : undefined;
      if (v === undefined || Number.isNaN(v)) return '-';
      return target !== undefined ? `${show(v)} ${verdict(target.pass(v))}` : show(v);
    };
    const u = ok(a) ? (f(a) ?? Number.NaN) : Number.NaN;
    const v = ok(b) ? (f(b) ?? Number.NaN) : Number.NaN;
    rows.push([label, cell(a), cell(b), ratio(u, v), target?.text ?? '']);
  };
  row(
    'requests/s achieved',
    (m) => m.achievedRate,
    (n) => int.format(n),
  );
  row('p50 latency', (m) => m.p50Ms, ms);
  row('p99 latency', (m) => m.p99Ms, ms);
  row('p99.9 latency', (m) => m.p999Ms, ms, {
    text: `< ${PAUSE_TARGETS.p999Ms} ms`,
    pass: (n) => n < PAUSE_TARGETS.p999Ms,
  });
  row('max latency', (m) => m.maxMs, ms);
  row('longest server stall', (m) => m.stallMs, ms, {
    text: `≤ ${PAUSE_TARGETS.stallMs} ms`,
    pass: (n) => n <= PAUSE_TARGETS.stallMs,
  });
  row('  event-loop max delay (mnemo INFO)', (m) => m.eventLoopMaxMs, ms);
  row('  longest GC pause (mnemo INFO)', (m) => m.gcMaxPauseMs, ms);
  row('  LATENCY LATEST worst (redis)', (m) => m.latencyMonitorMaxMs, ms);
  row('benchmark client event-loop max delay', (m) => m.clientLoopMaxMs, ms);
  row(
    'server CPU µs/op',
    (m) => m.cpuUsPerOp,
    (n) => fixed(n, 2),
  );
  row(
    'errors',
    (m) => m.errors,
    (n) => int.format(n),
  );
  row(
    `load time (${int.format(first.keys)} keys)`,
    (m) => m.loadMs / 1000,
    (n) => `${fixed(n, 1)} s`,
  );
  const notes = list.filter((m) => m.error !== undefined).map((m) => `${m.server}: ${m.error}`);
  notes.push(
    'Open-loop load: requests go out on schedule whether or not earlier ones were answered, so a stall shows up as latency; latency is from the write of a request to its reply, measured in the benchmark process (its own event-loop delay, listed above, is part of every figure).',
    "Longest server stall: mnemo's longest event-loop delay or GC pause (INFO stats, reset by CONFIG RESETSTAT when the window opens); redis-server's worst latency-monitor event (threshold 1 ms; 0 means none).",
  );
  return {
    title: `Pauses: ${int.format(first.keys)} keys, ${int.format(first.rate)} requests/s (${Math.round((1 - first.setShare) * 100)}% GET, ${Math.round(first.setShare * 100)}% SET) over ${first.clients} connections for ${first.seconds} s`,
    headers: ['', 'mnemo', 'redis', 'mnemo/redis', 'target'],
    align: 'lrrrl',
    rows,
    notes,
  };
}

export function profileTable(r: Results): Table | undefined {
  const p = r.profile;
  if (p === undefined) return undefined;
  return {
    title: 'mnemo CPU profile (node --cpu-prof): top functions by self time',
    headers: ['#', 'self %', 'self ms', 'function', 'location'],
    align: 'rrrll',
    rows: p.top.map((f, i) => [String(i + 1), fixed(f.percent, 1), int.format(f.selfMs), f.name, f.location]),
    notes: [
      `Busy ${int.format(p.busyMs)} ms, idle ${int.format(p.idleMs)} ms; self % is of busy time. ${p.file}`,
      // V8 samples on a wall-clock timer, so a thread descheduled inside a syscall keeps
      // charging the JS function that made it; on a crowded machine that is writeBuffer.
      'Samples are wall-clock: time descheduled inside a syscall (socket writes: writeBuffer) counts as self time.',
    ],
  };
}

export function renderText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (t.align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [t.title, line(t.headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of t.rows) out.push(line(r));
  for (const n of t.notes) out.push(`  ${n}`);
  return `${out.join('\n')}\n`;
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(t: Table): string {
  const out = [`### ${t.title}`, ''];
  out.push(`| ${t.headers.map(mdCell).join(' | ')} |`);
  out.push(`|${[...t.align].map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`);
  for (const r of t.rows) out.push(`| ${r.map(mdCell).join(' | ')} |`);
  if (t.notes.length > 0) {
    out.push('');
    for (const n of t.notes) out.push(`- ${n}`);
  }
  return `${out.join('\n')}\n`;
}

export function evictionTable(r: Results): Table | undefined {
  const list = r.eviction;
  if (list === undefined || list.length === 0) return undefined;
  const a = list.find((m) => m.server === 'mnemo');
  const b = list.find((m) => m.server === 'redis');
  const first = (a ?? b)!;
  const row = (
    label: string,
    f: (m: EvictionResult) => number,
    show: (n: number) => string,
    compare = true,
  ) => {
    const x = a?.error === undefined && a !== undefined ? f(a) : Number.NaN;
    const y = b?.error === undefined && b !== undefined ? f(b) : Number.NaN;
    return [
      label,
      Number.isNaN(x) ? '-' : show(x),
      Number.isNaN(y) ? '-' : show(y),
      compare ? ratio(x, y) : '-',
    ];
  };
  const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
  const over = (m: EvictionResult) => m.maxUsed / m.maxmemory;
  const notes = list.filter((m) => m.error !== undefined).map((m) => `${m.server}: ${m.error}`);
  notes.push(
    'With uniformly random keys the hit ratio is the share of the key range a server holds: it compares memory per key and eviction together.',
    'Max used_memory is the highest INFO used_memory seen (polled every 25 ms) during both loads; Redis evicts before each command, so it may pass maxmemory by a command or a time-limited eviction round.',
  );
  return {
    title: `Eviction: maxmemory ${mib(first.maxmemory)}, allkeys-lru, ${int.format(first.setRequests)} SETs then ${int.format(first.getRequests)} GETs over ${int.format(first.keyspace)} random keys (P16, ${first.valueSize} B values)`,
    headers: ['', 'mnemo', 'redis', 'mnemo/redis'],
    align: 'lrrr',
    rows: [
      row('GET hit ratio', (m) => m.hitRatio, pct),
      row(
        'keys held after the SETs',
        (m) => m.keysHeld,
        (n) => int.format(n),
      ),
      row(
        'evicted keys',
        (m) => m.evictedKeys,
        (n) => int.format(n),
      ),
      row('max used_memory', (m) => m.maxUsed, mib),
      row('max used_memory / maxmemory', over, (n) => `${(n * 100).toFixed(3)}%`, false),
      row(
        'max used_memory past maxmemory',
        (m) => Math.max(0, m.maxUsed - m.maxmemory),
        (n) => `${fixed(n / 1024, 1)} KiB`,
        false,
      ),
      row('used_memory at the end', (m) => m.finalUsed, mib),
      row('RSS at the end', (m) => m.rssAfter, mib),
      row(
        'SET requests/s',
        (m) => m.set?.rps ?? Number.NaN,
        (n) => int.format(n),
      ),
      row(
        'SET server CPU µs/op',
        (m) => m.set?.cpuUsPerOp ?? Number.NaN,
        (n) => fixed(n, 2),
      ),
      row(
        'GET requests/s',
        (m) => m.get?.rps ?? Number.NaN,
        (n) => int.format(n),
      ),
      row(
        'GET server CPU µs/op',
        (m) => m.get?.cpuUsPerOp ?? Number.NaN,
        (n) => fixed(n, 2),
      ),
    ],
    notes,
  };
}

export function tables(r: Results): Table[] {
  const list: Array<Table | undefined> = [
    r.throughput.length > 0 ? throughputTable(r) : undefined,
    pubsubTable(r),
    r.memory.length > 0 ? memoryTable(r) : undefined,
    scaleTable(r),
    collectionsTable(r),
    pausesTable(r),
    persistenceTable(r),
    aofWritesTable(r),
    loadTimesTable(r),
    evictionTable(r),
    inProcessTable(r),
    profileTable(r),
  ];
  return list.filter((t): t is Table => t !== undefined);
}

export function environmentLines(r: Results): string[] {
  const e = r.env;
  const req = Object.entries(r.settings.requests)
    .map(([p, n]) => `P${p}: ${int.format(n)}`)
    .join(', ');
  const scaled = Object.entries(r.settings.weights)
    .map(([t, w]) => ` ${t} x${w}`)
    .join(',');
  return [
    `Run: ${e.date} (${r.mode}${r.settings.profiled ? ', mnemo under --cpu-prof' : ''})`,
    `Machine: ${e.cpuModel}, ${e.cores} cores, ${mib(e.memoryBytes)} RAM, ${e.kernel}; other load before the run: ${fixed(e.backgroundCores, 2)} cores busy`,
    `Versions: mnemo ${r.mnemoVersion} on Node ${e.node}; redis-server ${e.redisServer}; redis-benchmark ${e.redisBenchmark}`,
    `Load: redis-benchmark -c ${r.settings.clients} -r ${int.format(r.settings.keyspace)} --csv; requests per test ${req}${scaled !== '' ? ` (scaled:${scaled})` : ''}; value sizes ${r.settings.valueSizes.join(', ')} B`,
  ];
}

export const BEGIN = '<!-- bench:begin -->';
export const END = '<!-- bench:end -->';

const INTRO = `# Benchmarks

mnemo and redis-server, side by side in one run on one machine, with \`redis-benchmark\` as the
load. The section between the markers below is rewritten by every full run of the benchmark.

## How to run

\`\`\`sh
npm run bench               # full run, under ~10 minutes; rewrites the results below
npm run bench -- --quick    # smaller run (under 2 minutes); results to the terminal and .bench-out/ only
npm run bench -- --profile  # also profile mnemo with node --cpu-prof and list its hottest functions
npm run bench -- --tests SET,GET,LRANGE_100 --sizes 3,1024   # other tests / value sizes (see bench/plan.ts)
npm run bench -- --only pubsub   # one part: throughput, pubsub, memory, collections, scale, pauses, persistence, eviction or inprocess
\`\`\`

Both servers are started by the harness on free ports on 127.0.0.1 with no persistence
(\`redis-server --save '' --appendonly no\`) and are stopped when it ends, also on error or
Ctrl-C. Raw numbers go to \`.bench-out/results.json\`.

## What the numbers mean

- **requests/s and p50/p99 latency** come from \`redis-benchmark --csv\` (50 clients, random keys
  out of 1,000,000, pipeline depth 1 and 16). The tests alternate between the servers, so drift
  in the machine affects both.
- **Server CPU µs/op** is the figure that compares. On a 2-core machine redis-benchmark itself
  saturates one core, so requests/s is capped by the client for both servers and says little
  about either. The harness reads the server's own CPU time (utime + stime from
  \`/proc/<pid>/stat\`, all threads) before and after each test and divides by the number of
  requests. The ratio mnemo/redis is how much more CPU mnemo spends per request: 2.00x means
  twice as much. An MSET request writes 10 keys.
- **Pub/sub fan-out** has one publisher pipeline \`PUBLISH\` to a channel with 1, 100 and 1,000
  subscribers (sockets in the benchmark process that count what they receive) and reports
  messages delivered per second and the server's CPU time per delivered message.
- **Memory per key** loads N keys (\`key:0000001\` -> \`val1\`, ...) into a fresh server and divides
  the growth of RSS (\`VmRSS\` from \`/proc/<pid>/status\`) and of INFO \`used_memory\` by N. For mnemo,
  \`used_memory\` is the live heap measured after the last major GC plus the dataset's estimated
  growth since (docs/architecture.md, "Memory accounting"), so it does not count garbage.
- **Background persistence** loads the same N keys into a server started with \`appendonly yes\`,
  then runs \`BGSAVE\` and \`BGREWRITEAOF\` while a client pings in a tight loop: the worst PING round
  trip is the longest time the server could not answer (mnemo: the snapshot copy and its slices on
  the event loop; redis-server: the fork). Extra memory is the peak RSS growth, plus the forked
  child's private (copy-on-write) memory for redis-server.
- **Eviction** starts each server with \`maxmemory\` (100 MB; 32 MB in --quick) and \`allkeys-lru\`,
  runs a redis-benchmark SET load over 10,000,000 random keys (far more than fit), then a GET
  load over the same range. The GET hit ratio is the share of the key range the server kept, and
  the highest \`used_memory\` seen during the loads shows how far past \`maxmemory\` it went. The
  harness measures the process it started: mnemo-server keeps one pid even when it raises its V8
  heap limit (it runs the server in a worker thread; INFO \`process_id\` is that same pid).
- **In-process** times \`MemoryStore.command('SET'|'GET', ...)\` against a plain \`Map\` doing the
  same: the Map is the floor, the ratio is the cost of the command layer.
- Absolute numbers depend on the machine; ratios are what compare across machines.

## Latest results

${BEGIN}
${END}
`;

/** Replaces the generated section of the docs file, creating the file if needed. */
export function updateDocs(path: string, section: string): void {
  let text = existsSync(path) ? readFileSync(path, 'utf8') : INTRO;
  if (!text.includes(BEGIN) || !text.includes(END)) text = `${text.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const start = text.indexOf(BEGIN) + BEGIN.length;
  const end = text.indexOf(END, start);
  writeFileSync(path, `${text.slice(0, start)}\n${section.trim()}\n${text.slice(end)}`);
}

export function markdownSection(r: Results): string {
  const env = environmentLines(r).map((l) => `- ${l}`);
  return [env.join('\n'), '', ...tables(r).map(renderMarkdown)].join('\n');
}
