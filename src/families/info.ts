/**
 * INFO: the report Redis 7.0 prints, section by section, with mnemo's real numbers. Fields
 * whose subsystem mnemo does not have (replication links, forks, modules, defrag) report the
 * values Redis reports when that subsystem is idle, because clients parse them; fields mnemo
 * cannot measure are left out rather than invented (see docs/compatibility.md).
 */

import { arch, platform, release, totalmem } from 'node:os';
import type { Client } from '../commands/client.js';
import { pauseStats } from '../commands/memory.js';
import type { CommandSpec } from '../commands/spec.js';
import { MNEMO_VERSION } from '../config/config.js';
import { formatDouble6 } from '../config/parse.js';
import { lruClock } from '../engine/db.js';
import { keyspaceBytes } from '../engine/memsize.js';
import { REDIS_VERSION } from './connection.js';
import { command } from './define.js';

const DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
];
const ALL_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'commandstats',
  'errorstats',
  'latencystats',
  'cluster',
  'keyspace',
];

/** bytesToHuman from Redis: 1.63M, 23.54G, 200B. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

const replId = (() => {
  let s = '';
  for (let i = 0; i < 40; i++) s += '0123456789abcdef'[Math.floor(Math.random() * 16)];
  return s;
})();

type Section = Array<[string, string | number]>;

function serverSection(c: Client): Section {
  const inst = c.inst;
  const now = inst.ks.clock.now();
  const uptime = Math.floor((now - inst.startTime) / 1000);
  const hooks = inst.server;
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['mnemo_version', MNEMO_VERSION],
    [
      'os',
      `${platform() === 'linux' ? 'Linux' : platform()} ${release()} ${arch() === 'x64' ? 'x86_64' : arch()}`,
    ],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', platform() === 'linux' ? 'epoll' : 'kqueue'],
    ['atomicvar_api', 'c11-builtin'],
    ['node_version', process.versions.node],
    ['v8_version', process.versions.v8],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', inst.runId],
    ['tcp_port', hooks?.tcpPort ?? 0],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', inst.config.number('hz')],
    ['configured_hz', inst.config.number('hz')],
    ['lru_clock', lruClock(now)],
    ['executable', hooks?.executable ?? ''],
    ['config_file', hooks?.configFile ?? ''],
    ['io_threads_active', 0],
  ];
}

function clientsSection(c: Client): Section {
  const inst = c.inst;
  let connected = 0;
  for (const x of inst.clients.values()) if (x.conn !== null) connected++;
  const buffers = inst.server?.clientBufferStats() ?? { maxInput: 0, maxOutput: 0 };
  return [
    ['connected_clients', connected],
    ['cluster_connections', 0],
    ['maxclients', inst.config.number('maxclients')],
    ['client_recent_max_input_buffer', buffers.maxInput],
    ['client_recent_max_output_buffer', buffers.maxOutput],
    ['blocked_clients', inst.blocking.count],
    ['tracking_clients', inst.tracking.clients.size],
    ['clients_in_timeout_table', 0],
  ];
}

function memorySection(c: Client): Section {
  const inst = c.inst;
  const memory = inst.memory;
  const mem = process.memoryUsage();
  const used = memory.used();
  const peak = memory.peak;
  const startup = memory.startup;
  const [entries, tables] = keyspaceBytes(inst.ks);
  // Redis's overhead: start-up memory plus the tables that hold the keys; the rest is data.
  const overhead = Math.min(used, startup + tables);
  const dataset = used - overhead;
  const maxmemory = inst.config.number('maxmemory');
  const notCounted = inst.eviction.notCounted;
  const sys = totalmem();
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', mem.rss],
    ['used_memory_rss_human', bytesToHuman(mem.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${((used * 100) / (peak || 1)).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    [
      'used_memory_dataset_perc',
      `${used > startup ? ((dataset * 100) / (used - startup)).toFixed(2) : '0.00'}%`,
    ],
    ['total_system_memory', sys],
    ['total_system_memory_human', bytesToHuman(sys)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', inst.config.string('maxmemory-policy')],
    ['mem_fragmentation_ratio', (mem.rss / (used || 1)).toFixed(2)],
    ['mem_fragmentation_bytes', mem.rss - used],
    ['mem_not_counted_for_evict', notCounted],
    ['mem_aof_buffer', notCounted],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['lazyfree_pending_objects', 0],
    // mnemo's own: V8's view and how used_memory is derived from it (commands/memory.ts).
    ['mnemo_memory_mode', memory.mode],
    ['mnemo_dataset_estimate', entries + tables],
    ['mnemo_heap_used', mem.heapUsed],
    ['mnemo_heap_total', mem.heapTotal],
    ['mnemo_heap_limit', memory.heapLimit],
    ['mnemo_heap_guard', inst.eviction.heapGuard],
    ['mnemo_external', mem.external],
    ['mnemo_array_buffers', mem.arrayBuffers],
    ['mnemo_major_gcs', memory.majorGcs],
    ['mnemo_last_anchor_ms_ago', Math.round(performance.now() - memory.anchoredAt)],
  ];
}

function persistenceSection(c: Client): Section {
  const inst = c.inst;
  if (inst.persistence !== null) return inst.persistence.info();
  // The in-process store has no files: report the idle state with its real dirty counter.
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', inst.dirty],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(inst.lastSave / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['rdb_saves', 0],
    ['aof_enabled', 0],
  ];
}

function statsSection(c: Client): Section {
  const inst = c.inst;
  const s = inst.stats;
  const ks = inst.ks.stats;
  const exceeded = inst.eviction.exceededTimes();
  const pauses = pauseStats();
  return [
    ['total_connections_received', s.connections],
    ['total_commands_processed', s.commands],
    ['instantaneous_ops_per_sec', Math.round(inst.opsRate.rate)],
    ['total_net_input_bytes', s.netInput],
    ['total_net_output_bytes', s.netOutput],
    ['instantaneous_input_kbps', (inst.inputRate.rate / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (inst.outputRate.rate / 1024).toFixed(2)],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', (ks.expiredStalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', ks.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', Math.round(ks.expireCycleTimeUsed / 1000)],
    ['evicted_keys', ks.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', exceeded[0]],
    ['current_eviction_exceeded_time', exceeded[1]],
    ['keyspace_hits', ks.hits],
    ['keyspace_misses', ks.misses],
    ['pubsub_channels', inst.pubsub.channels.size],
    ['pubsub_patterns', inst.pubsub.patterns.size],
    ['pubsubshard_channels', inst.pubsub.shardChannels.size],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['tracking_total_keys', inst.tracking.totalKeys],
    ['tracking_total_items', inst.tracking.totalItems],
    ['tracking_total_prefixes', inst.tracking.totalPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.errorReplies],
    ['total_reads_processed', s.readsProcessed],
    ['total_writes_processed', s.writesProcessed],
    // mnemo's own: the longest event-loop stall and GC pause since start or CONFIG RESETSTAT.
    ['mnemo_eventloop_max_delay_ms', pauses.eventLoopMaxMs.toFixed(3)],
    ['mnemo_gc_max_pause_ms', pauses.gcMaxMs.toFixed(3)],
  ];
}

function replicationSection(): Section {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', replId],
    ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Section {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
    ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', (u.system / 1e6).toFixed(6)],
    ['used_cpu_user_main_thread', (u.user / 1e6).toFixed(6)],
  ];
}

function commandstatsLines(c: Client): string[] {
  const out: string[] = [];
  for (const cmd of c.inst.commands.everything()) {
    const s = cmd.stats;
    if (s.calls === 0 && s.rejected === 0 && s.failed === 0) continue;
    const usec = Math.round(s.usec);
    const per = s.calls === 0 ? 0 : s.usec / s.calls;
    out.push(
      `cmdstat_${cmd.fullName}:calls=${s.calls},usec=${usec},usec_per_call=${per.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`,
    );
  }
  return out;
}

function errorstatsLines(c: Client): string[] {
  return [...c.inst.stats.errorCodes].map(([code, n]) => `errorstat_${code}:count=${n}`);
}

/**
 * genRedisInfoStringLatencyStats: the configured percentiles of each command's latency
 * histogram, in µs (nothing while latency-tracking is off).
 */
function latencystatsLines(c: Client): string[] {
  const inst = c.inst;
  if (inst.latencyTracking.num === 0) return [];
  const percentiles = inst.config.latencyPercentiles();
  const out: string[] = [];
  for (const cmd of inst.commands.everything()) {
    const h = cmd.stats.histogram;
    if (h === null) continue;
    const fields = percentiles.map(
      (p) => `p${formatDouble6(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`,
    );
    out.push(`latency_percentiles_usec_${cmd.fullName}:${fields.join(',')}`);
  }
  return out;
}

function keyspaceLines(c: Client): string[] {
  const out: string[] = [];
  for (const db of c.inst.ks.dbs) {
    if (db.size === 0) continue;
    out.push(`db${db.id}:keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}`);
  }
  return out;
}

function sectionLines(c: Client, name: string): string[] | null {
  const kv = (s: Section) => s.map(([k, v]) => `${k}:${v}`);
  switch (name) {
    case 'server':
      return kv(serverSection(c));
    case 'clients':
      return kv(clientsSection(c));
    case 'memory':
      return kv(memorySection(c));
    case 'persistence':
      return kv(persistenceSection(c));
    case 'stats':
      return kv(statsSection(c));
    case 'replication':
      return kv(replicationSection());
    case 'cpu':
      return kv(cpuSection());
    case 'modules':
      return [];
    case 'commandstats':
      return commandstatsLines(c);
    case 'errorstats':
      return errorstatsLines(c);
    case 'latencystats':
      return latencystatsLines(c);
    case 'cluster':
      return ['cluster_enabled:0'];
    case 'keyspace':
      return keyspaceLines(c);
    default:
      return null;
  }
}

const TITLES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
};

/** The INFO text for the requested section names (Redis 7.0 accepts several). */
export function infoText(c: Client, args: readonly string[]): string {
  let names: string[];
  if (args.length === 0) names = DEFAULT_SECTIONS;
  else {
    const wanted = new Set<string>();
    for (const a of args) {
      const n = a.toLowerCase();
      if (n === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
      else if (n === 'all' || n === 'everything') for (const s of ALL_SECTIONS) wanted.add(s);
      else wanted.add(n);
    }
    names = ALL_SECTIONS.filter((s) => wanted.has(s));
  }
  const parts: string[] = [];
  for (const name of names) {
    const lines = sectionLines(c, name);
    if (lines === null) continue;
    parts.push([`# ${TITLES[name]}`, ...lines].join('\r\n'));
  }
  return parts.length === 0 ? '' : `${parts.join('\r\n\r\n')}\r\n`;
}

export const infoCommands: CommandSpec[] = [
  command(
    'info',
    -1,
    'loading stale',
    [0, 0, 0],
    {
      group: 'server',
      acl: 'dangerous',
      since: '1.0.0',
      summary: 'Get information and statistics about the server',
      complexity: 'O(1)',
      syntax: '[section [section ...]]',
      tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    },
    (c, a) => c.reply.verbatim(infoText(c, a.slice(1))),
  ),
];
