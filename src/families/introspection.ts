/**
 * Server introspection as Redis 7.0 answers it: MEMORY (USAGE, STATS, DOCTOR, MALLOC-STATS,
 * PURGE, HELP), SLOWLOG, LATENCY, ROLE, WAIT and LOLWUT. The slow log and latency monitor they
 * read live in commands/slowlog.ts, the per-command latency histograms in
 * commands/latency-histogram.ts. Numbers come from mnemo's own accounting (commands/memory.ts,
 * engine/memsize.ts); subsystems mnemo does not have (replication, Lua, functions, an allocator
 * of its own) report the values Redis reports when they are idle.
 */

import { intArg, isWord, syntaxError } from '../commands/args.js';
import type { Client } from '../commands/client.js';
import { ReplyError } from '../commands/errors.js';
import { sparkline } from '../commands/sparkline.js';
import type { Command, CommandSpec } from '../commands/spec.js';
import { heldBytes } from '../engine/db.js';
import { databaseTableBytes, expiresBytes, keyspaceBytes } from '../engine/memsize.js';
import { lookupByFullName } from './command.js';
import { REDIS_VERSION } from './connection.js';
import { command, helpSubcommand, keyRange } from './define.js';

// ---- helpers ----

function subSyntax(sub: string, container: string): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${container} HELP.`,
  );
}

/** A float field of MEMORY STATS: Redis computes these in single precision. */
function float(c: Client, v: number): void {
  c.reply.double(Math.fround(v));
}

// ---- MEMORY ----

/** A key's slot in the key table: value array slot; hash, chain, bucket, key record and LRU words. */
const KEY_SLOT = 8 + 5 * 4;

function memoryUsage(c: Client, argv: string[]): void {
  for (let j = 3; j < argv.length; j++) {
    if (isWord(argv[j]!, 'samples') && j + 1 < argv.length) {
      // The size model measures its own sample of big collections (engine/memsize.ts), so the
      // count is validated as Redis does but does not change the estimate.
      if (intArg(argv[j + 1]!) < 0) throw syntaxError();
      j++;
    } else throw syntaxError();
  }
  // Values changed in place by the commands before this one are measured first.
  c.inst.ks.settle();
  // dictFind, as Redis: no expiry, no access-time update.
  const d = c.db.dict;
  const e = d.find(argv[2]!);
  if (e < 0) {
    c.reply.nil();
    return;
  }
  c.reply.int(d.keyBytes(e) + heldBytes(d, e) + KEY_SLOT);
}

interface Overhead {
  peak: number;
  total: number;
  startup: number;
  clients: number;
  aof: number;
  dbs: Array<{ id: number; main: number; expires: number }>;
  overheadTotal: number;
  keys: number;
  rss: number;
}

/** getMemoryOverheadData with mnemo's figures. */
function overhead(c: Client): Overhead {
  const inst = c.inst;
  const total = inst.memory.used();
  const startup = inst.memory.startup;
  let clients = 0;
  for (const x of inst.clients.values()) {
    if (x.conn !== null) clients += x.conn.queryBufferBytes() + x.conn.outputBufferBytes();
  }
  const aof = inst.eviction.notCounted;
  keyspaceBytes(inst.ks);
  const dbs: Overhead['dbs'] = [];
  let keys = 0;
  let tables = 0;
  for (const db of inst.ks.dbs) {
    if (db.size === 0) continue;
    keys += db.size;
    const all = databaseTableBytes(db);
    const x = db.expires;
    const expires = x.size === 0 ? 0 : Math.min(all, expiresBytes(x));
    dbs.push({ id: db.id, main: all - expires, expires });
    tables += all;
  }
  return {
    peak: inst.memory.peak,
    total,
    startup,
    clients,
    aof,
    dbs,
    overheadTotal: startup + clients + aof + tables,
    keys,
    rss: process.memoryUsage().rss,
  };
}

function memoryStats(c: Client): void {
  const mh = overhead(c);
  const net = mh.total - mh.startup;
  const dataset = mh.total - mh.overheadTotal;
  const r = c.reply;
  r.map(27 + mh.dbs.length);
  const field = (k: string, v: number): void => {
    r.bulk(k);
    r.int(v);
  };
  field('peak.allocated', mh.peak);
  field('total.allocated', mh.total);
  field('startup.allocated', mh.startup);
  field('replication.backlog', 0);
  field('clients.slaves', 0);
  field('clients.normal', mh.clients);
  field('cluster.links', 0);
  field('aof.buffer', mh.aof);
  field('lua.caches', 0);
  field('functions.caches', 0);
  for (const db of mh.dbs) {
    r.bulk(`db.${db.id}`);
    r.map(3);
    field('overhead.hashtable.main', db.main);
    field('overhead.hashtable.expires', db.expires);
    field('overhead.hashtable.slot-to-keys', 0);
  }
  field('overhead.total', mh.overheadTotal);
  field('keys.count', mh.keys);
  field('keys.bytes-per-key', mh.keys === 0 ? 0 : Math.floor(net / mh.keys));
  field('dataset.bytes', dataset);
  r.bulk('dataset.percentage');
  float(c, net > 0 ? (dataset * 100) / net : 0);
  r.bulk('peak.percentage');
  float(c, mh.peak > 0 ? (mh.total * 100) / mh.peak : 0);
  // Not jemalloc: Redis's cron then takes allocated = used memory and active = resident = RSS.
  field('allocator.allocated', mh.total);
  field('allocator.active', mh.rss);
  field('allocator.resident', mh.rss);
  r.bulk('allocator-fragmentation.ratio');
  float(c, mh.rss / (mh.total || 1));
  field('allocator-fragmentation.bytes', mh.rss - mh.total);
  r.bulk('allocator-rss.ratio');
  float(c, 1);
  field('allocator-rss.bytes', 0);
  r.bulk('rss-overhead.ratio');
  float(c, 1);
  field('rss-overhead.bytes', 0);
  r.bulk('fragmentation');
  float(c, mh.rss / (mh.total || 1));
  field('fragmentation.bytes', mh.rss - mh.total);
}

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_PEAK =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const doctorFrag = (allocator: string): string =>
  ` * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "${allocator}".\n\n`;
const DOCTOR_CLIENTS =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';

/**
 * getMemoryDoctorReport. "Empty" is Redis's total under 5 MB; Redis's total starts near 1 MB,
 * mnemo's includes the JS runtime (tens of MB), so the test is on what the instance added to its
 * start-up memory. The allocator-level checks have nothing to measure (no allocator of ours) and
 * never fire, as under libc malloc; there are no replicas and no scripts.
 */
function doctorReport(c: Client): string {
  const mh = overhead(c);
  if (mh.total - mh.startup < 5 * 1024 * 1024) return DOCTOR_EMPTY;
  let s = '';
  if (mh.peak / mh.total > 1.5) s += DOCTOR_PEAK;
  const frag = Math.fround(mh.rss / mh.total);
  if (frag > 1.4 && mh.rss - mh.total > 10 << 20) s += doctorFrag(`v8-${process.versions.v8}`);
  let clients = 0;
  for (const x of c.inst.clients.values()) if (x.conn !== null) clients++;
  if (clients > 0 && mh.clients / clients > 1024 * 200) s += DOCTOR_CLIENTS;
  if (s === '') return DOCTOR_FINE;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${s}I'm here to keep you safe, Sam. I want to help you.\n`;
}

const MEMORY_HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

// ---- SLOWLOG ----

function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) throw subSyntax(argv[1]!, 'SLOWLOG');
  const log = c.inst.introspection.slowlog;
  let count = 10;
  if (argv.length === 3) {
    const err = 'ERR count should be greater than or equal to -1';
    count = intArg(argv[2]!, err);
    if (count < -1) throw new ReplyError(err);
    if (count === -1) count = log.length;
  }
  const n = Math.min(count, log.length);
  const r = c.reply;
  r.array(n);
  for (let i = 0; i < n; i++) {
    const e = log[i]!;
    r.array(6);
    r.int(e.id);
    r.int(e.time);
    r.int(e.usec);
    r.array(e.argv.length);
    for (const a of e.argv) r.bulk(a);
    r.bulk(e.peer);
    r.bulk(e.name);
  }
}

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

// ---- LATENCY ----

const LATENCY_OFF =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const LATENCY_QUIET =
  'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';

/**
 * createLatencyReport for the states mnemo can be in: monitoring off, no events, or events of
 * the `command`/`fast-command` kind, for which Redis gives per-event statistics and the advice
 * on slow commands.
 */
function latencyReport(c: Client): string {
  const intro = c.inst.introspection;
  if (intro.latencyMs === 0 && intro.events.size === 0) return LATENCY_OFF;
  if (intro.events.size === 0) return LATENCY_QUIET;
  let report =
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let n = 1;
  for (const [event, ev] of intro.events) {
    const h = intro.history(event);
    const avg = h.reduce((s, x) => s + x[1], 0) / h.length;
    let mad = 0;
    for (const x of h) mad += Math.abs(x[1] - avg);
    mad /= h.length;
    const period = Math.floor(intro.now() / 1000) - h[0]![0];
    report += `${n++}. ${event}: ${h.length} latency spikes (average ${Math.floor(avg)}ms, mean deviation ${Math.floor(mad)}ms, period ${(period / h.length).toFixed(2)} sec). Worst all time event ${ev.max}ms.\n`;
  }
  // Redis adds advice on the slow log's settings here; that part is not reproduced.
  report +=
    "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n";
  return report;
}

function latencyLatest(c: Client): void {
  const intro = c.inst.introspection;
  c.reply.array(intro.events.size);
  for (const [event, ev] of intro.events) {
    const h = intro.history(event);
    const last = h[h.length - 1]!;
    c.reply.array(4);
    c.reply.bulk(event);
    c.reply.int(last[0]);
    c.reply.int(last[1]);
    c.reply.int(ev.max);
  }
}

function latencyHistory(c: Client, argv: string[]): void {
  const h = c.inst.introspection.history(argv[2]!);
  c.reply.array(h.length);
  for (const [t, ms] of h) {
    c.reply.array(2);
    c.reply.int(t);
    c.reply.int(ms);
  }
}

/** Redis's LATENCY_GRAPH_COLS: samples per block of the drawing. */
const GRAPH_COLUMNS = 80;

/** How long ago, as latencyCommandGenSparkeline labels a sample: 5s, 12m, 3h, 2d. */
function ago(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.trunc(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.trunc(seconds / 3600)}h`;
  return `${Math.trunc(seconds / 86400)}d`;
}

/**
 * latencyCommandGenSparkeline: a header with the samples' high and low and the event's all-time
 * high, a rule, then the samples (oldest first) as a filled 4-row sparkline labelled with how
 * long ago each was taken, at `nowSec` (Unix seconds).
 */
export function latencyGraphText(
  event: string,
  samples: ReadonlyArray<readonly [number, number]>,
  allTimeHigh: number,
  nowSec: number,
): string {
  let min = 0;
  let max = 0;
  samples.forEach(([, ms], i) => {
    if (i === 0 || ms > max) max = ms;
    if (i === 0 || ms < min) min = ms;
  });
  const spark = sparkline(
    samples.map(([t, ms]) => ({ value: ms, label: ago(nowSec - t) })),
    GRAPH_COLUMNS,
    4,
    true,
  );
  return `${event} - high ${max} ms, low ${min} ms (all time high ${allTimeHigh} ms)\n${'-'.repeat(GRAPH_COLUMNS)}\n${spark}`;
}

function latencyGraph(c: Client, argv: string[]): void {
  const event = argv[2]!;
  const intro = c.inst.introspection;
  const ev = intro.events.get(event);
  if (ev === undefined) throw new ReplyError(`ERR No samples available for event '${event}'`);
  const nowSec = Math.floor(c.inst.ks.clock.now() / 1000);
  c.reply.verbatim(latencyGraphText(event, intro.history(event), ev.max, nowSec));
}

function latencyReset(c: Client, argv: string[]): void {
  const events = c.inst.introspection.events;
  let n = 0;
  if (argv.length === 2) {
    n = events.size;
    events.clear();
  } else {
    for (let j = 2; j < argv.length; j++) if (events.delete(argv[j]!)) n++;
  }
  c.reply.int(n);
}

/**
 * LATENCY HISTOGRAM: each command's (and each subcommand's) cumulative distribution, for the
 * commands named or for every command with a histogram. A name that is unknown, or that has not
 * run since start or CONFIG RESETSTAT, is left out; a container named brings its subcommands; a
 * name given twice is answered twice, as in Redis.
 */
function latencyHistogram(c: Client, argv: string[]): void {
  const found: Command[] = [];
  const add = (cmd: Command) => {
    if (cmd.stats.histogram !== null) found.push(cmd);
  };
  if (argv.length === 2) {
    for (const cmd of c.inst.commands.everything()) add(cmd);
  } else {
    for (let j = 2; j < argv.length; j++) {
      const cmd = lookupByFullName(c, argv[j]!);
      if (cmd === undefined) continue;
      add(cmd);
      if (cmd.subs !== null) for (const sub of cmd.subs.values()) add(sub);
    }
  }
  c.reply.map(found.length);
  for (const cmd of found) {
    const h = cmd.stats.histogram!;
    const cdf = h.cdf();
    c.reply.bulk(cmd.fullName);
    c.reply.map(2);
    c.reply.bulk('calls');
    c.reply.int(h.total);
    c.reply.bulk('histogram_usec');
    c.reply.map(cdf.length);
    for (const [usec, count] of cdf) {
      c.reply.int(usec);
      c.reply.int(count);
    }
  }
}

const LATENCY_HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

// ---- ROLE, WAIT, LOLWUT ----

function roleCommand(c: Client): void {
  c.reply.array(3);
  c.reply.bulk('master');
  c.reply.int(0);
  c.reply.array(0);
}

/**
 * WAIT with no replicas: nothing can acknowledge, so 0 at once when 0 replicas are asked for
 * (or when the client may not block), otherwise 0 after the timeout (0 = never, until CLIENT
 * UNBLOCK).
 */
function waitCommand(c: Client, argv: string[]): void {
  const numreplicas = intArg(argv[1]!);
  const timeout = intArg(argv[2]!, 'ERR timeout is not an integer or out of range');
  if (timeout < 0) throw new ReplyError('ERR timeout is negative');
  if (numreplicas <= 0 || c.denyBlocking) {
    c.reply.int(0);
    return;
  }
  c.inst.blocking.block(c, {
    db: c.dbIndex,
    keys: [],
    timeoutMs: timeout,
    retry: () => false,
    onTimeout: () => c.reply.int(0),
  });
}

/**
 * LOLWUT: versions 5 and 6 draw random art (lolwut5.c, lolwut6.c), which mnemo does not
 * reproduce; every other version, the default included (7), prints the version line only.
 */
function lolwutCommand(c: Client, argv: string[]): void {
  if (argv.length >= 3 && isWord(argv[1]!, 'version')) {
    const v = intArg(argv[2]!);
    if (v === 5 || v === 6) throw new ReplyError(`ERR LOLWUT version ${v} is not supported by mnemo`);
  }
  c.reply.verbatim(`Redis ver. ${REDIS_VERSION}\n`);
}

// ---- records ----

const SRV = { group: 'server' } as const;
const ALL_SHARDS_SPECIAL = [
  'nondeterministic_output',
  'request_policy:all_shards',
  'response_policy:special',
];
const ALL_NODES_SPECIAL = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];
const LAT = 'admin noscript loading stale';

export const introspectionCommands: CommandSpec[] = [
  command(
    'memory',
    -2,
    '',
    [0, 0, 0],
    {
      ...SRV,
      since: '4.0.0',
      summary: 'A container for memory diagnostics commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'memory|doctor',
        2,
        '',
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Outputs memory problems report',
          complexity: 'O(1)',
          tips: ALL_SHARDS_SPECIAL,
        },
        (c) => c.reply.verbatim(doctorReport(c)),
      ),
      command(
        'memory|purge',
        2,
        '',
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Ask the allocator to release memory',
          complexity: 'Depends on how much memory is allocated, could be slow',
          tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        },
        (c) => c.reply.ok(),
      ),
      helpSubcommand('memory', SRV, '4.0.0', MEMORY_HELP),
      command(
        'memory|usage',
        -3,
        'readonly',
        [2, 2, 1],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Estimate the memory usage of a key',
          complexity: 'O(N) where N is the number of samples.',
          keySpecs: [keyRange('RO', 2)],
          syntax: 'key [SAMPLES count]',
        },
        memoryUsage,
      ),
      command(
        'memory|stats',
        2,
        '',
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Show memory usage details',
          complexity: 'O(1)',
          tips: ALL_SHARDS_SPECIAL,
        },
        memoryStats,
      ),
      command(
        'memory|malloc-stats',
        2,
        '',
        [0, 0, 0],
        {
          ...SRV,
          since: '4.0.0',
          summary: 'Show allocator internal stats',
          complexity: 'Depends on how much memory is allocated, could be slow',
          tips: ALL_SHARDS_SPECIAL,
        },
        // What Redis answers when built without jemalloc: mnemo has no allocator of its own.
        (c) => c.reply.bulk('Stats not supported for the current allocator'),
      ),
    ],
  ),
  command(
    'slowlog',
    -2,
    '',
    [0, 0, 0],
    {
      ...SRV,
      since: '2.2.12',
      summary: 'A container for slow log commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      command(
        'slowlog|reset',
        2,
        'admin loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.2.12',
          summary: 'Clear all entries from the slow log',
          complexity: 'O(N) where N is the number of entries in the slowlog',
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        },
        (c) => {
          c.inst.introspection.slowlog.length = 0;
          c.reply.ok();
        },
      ),
      helpSubcommand('slowlog', SRV, '6.2.0', SLOWLOG_HELP),
      command(
        'slowlog|len',
        2,
        'admin loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.2.12',
          summary: "Get the slow log's length",
          complexity: 'O(1)',
          tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        },
        (c) => c.reply.int(c.inst.introspection.slowlog.length),
      ),
      command(
        'slowlog|get',
        -2,
        'admin loading stale',
        [0, 0, 0],
        {
          ...SRV,
          since: '2.2.12',
          summary: "Get the slow log's entries",
          complexity: 'O(N) where N is the number of entries returned',
          syntax: '[count]',
          tips: ['request_policy:all_nodes', 'nondeterministic_output'],
          history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        },
        slowlogGet,
      ),
    ],
  ),
  command(
    'latency',
    -2,
    '',
    [0, 0, 0],
    {
      ...SRV,
      since: '2.8.13',
      summary: 'A container for latency diagnostics commands',
      complexity: 'Depends on subcommand.',
    },
    null,
    [
      helpSubcommand(
        'latency',
        SRV,
        '2.8.13',
        LATENCY_HELP,
        'Show helpful text about the different subcommands.',
      ),
      command(
        'latency|history',
        3,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.13',
          summary: 'Return timestamp-latency samples for the event.',
          complexity: 'O(1)',
          syntax: 'event',
          tips: ALL_NODES_SPECIAL,
        },
        latencyHistory,
      ),
      command(
        'latency|reset',
        -2,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.13',
          summary: 'Reset latency data for one or more events.',
          complexity: 'O(1)',
          syntax: '[event [event ...]]',
          tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        },
        latencyReset,
      ),
      command(
        'latency|doctor',
        2,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.13',
          summary: 'Return a human readable latency analysis report.',
          complexity: 'O(1)',
          tips: ALL_NODES_SPECIAL,
        },
        (c) => c.reply.verbatim(latencyReport(c)),
      ),
      command(
        'latency|graph',
        3,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.13',
          summary: 'Return a latency graph for the event.',
          complexity: 'O(1)',
          syntax: 'event',
          tips: ALL_NODES_SPECIAL,
        },
        latencyGraph,
      ),
      command(
        'latency|histogram',
        -2,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '7.0.0',
          summary: 'Return the cumulative distribution of latencies of a subset of commands or all.',
          complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
          syntax: '[command [command ...]]',
          tips: ALL_NODES_SPECIAL,
        },
        latencyHistogram,
      ),
      command(
        'latency|latest',
        2,
        LAT,
        [0, 0, 0],
        {
          ...SRV,
          since: '2.8.13',
          summary: 'Return the latest latency samples for all events.',
          complexity: 'O(1)',
          tips: ALL_NODES_SPECIAL,
        },
        latencyLatest,
      ),
    ],
  ),
  command(
    'role',
    1,
    'noscript loading stale fast',
    [0, 0, 0],
    {
      ...SRV,
      acl: 'admin dangerous',
      since: '2.8.12',
      summary: 'Return the role of the instance in the context of replication',
      complexity: 'O(1)',
    },
    roleCommand,
  ),
  command(
    'wait',
    3,
    'noscript',
    [0, 0, 0],
    {
      group: 'generic',
      acl: 'connection',
      since: '3.0.0',
      summary:
        'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
      complexity: 'O(1)',
      syntax: 'numreplicas timeout',
      tips: ['request_policy:all_shards', 'response_policy:agg_min'],
    },
    waitCommand,
  ),
  command(
    'lolwut',
    -1,
    'readonly fast',
    [0, 0, 0],
    {
      ...SRV,
      since: '5.0.0',
      summary: 'Display some computer art and the Redis version',
      syntax: '[VERSION version{:integer}]',
    },
    lolwutCommand,
  ),
];
