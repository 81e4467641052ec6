/**
 * The table of every configuration parameter Redis 7.0.15 knows (config.c's static_configs,
 * including the TLS ones of a USE_OPENSSL build and the hidden test/debug ones), in Redis's own
 * table order, with the facts CONFIG GET/SET/REWRITE and start-up loading need: kind, C storage
 * type and bounds, aliases, the default exactly as CONFIG GET prints it, the Redis flags, value
 * validators, and `implemented`, which says whether mnemo honours the setting yet (the lead flips
 * it as features land). Values of unimplemented parameters are still accepted, stored and
 * reported, as a client or a redis.conf written for Redis expects.
 */

/** How a parameter's value is parsed and printed. */
export type ParamKind =
  | 'bool' // yes/no
  | 'enum' // one of a fixed set of words (several, OR-ed, for multi-arg enums)
  | 'integer' // decimal integer with bounds (Redis's string2ll: no '+', no spaces)
  | 'memory' // bytes, accepting 1k 1kb 1m 1mb 1g 1gb (Redis's memtoull)
  | 'percent-memory' // memory or "N%" (stored as -N, as Redis does)
  | 'octal' // octal integer (unixsocketperm)
  | 'string'
  | 'special'; // its own syntax; see SpecialKind

/** The C type Redis stores a numeric parameter in: it decides signed/unsigned bound checks and wrap-around. */
export type CType =
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'longlong'
  | 'ulonglong'
  | 'size_t'
  | 'ssize_t'
  | 'time_t'
  | 'off_t';

export type SpecialKind =
  | 'dir'
  | 'save'
  | 'client-output-buffer-limit'
  | 'oom-score-adj-values'
  | 'notify-keyspace-events'
  | 'bind'
  | 'replicaof'
  | 'latency-tracking-info-percentiles';

/** An error text (as Redis words it) or undefined when the value is acceptable. */
export type Check<T> = (value: T) => string | undefined;

interface Common {
  readonly name: string;
  /** Redis 7.0 gives a parameter at most one alias (slaveof, slave-*, *-ziplist-*, lua-time-limit). */
  readonly alias: string | undefined;
  /** The value CONFIG GET prints on a server started with no configuration ('' for dir: it is the cwd). */
  readonly default: string;
  /** False for Redis's IMMUTABLE_CONFIG: only a config file or the command line may set it. */
  readonly mutable: boolean;
  /** SENSITIVE_CONFIG: CONFIG SET arguments are redacted from logs, SLOWLOG and MONITOR. */
  readonly sensitive: boolean;
  /** HIDDEN_CONFIG: CONFIG GET patterns skip it; only its exact name finds it. */
  readonly hidden: boolean;
  /** PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs yes (or local and a local client). */
  readonly protected: boolean;
  /** DENY_LOADING_CONFIG: CONFIG SET answers -LOADING while a dataset is being loaded. */
  readonly denyLoading: boolean;
  /** MULTI_ARG_CONFIG: the value is a space-separated list. */
  readonly multiArg: boolean;
  /** DEBUG_CONFIG: listed by Redis's DEBUG CONFIG-DEBUG-INFO (informational only here). */
  readonly debug: boolean;
  /** VOLATILE_CONFIG: names a file whose content may change, so setting the same value re-applies it. */
  readonly volatile: boolean;
  /** Whether mnemo gives the parameter its effect. */
  readonly implemented: boolean;
}

export interface BoolParam extends Common {
  readonly kind: 'bool';
  readonly check: Check<boolean> | undefined;
}

export interface EnumParam extends Common {
  readonly kind: 'enum';
  /** Names and values in Redis's order; two names may share a value (oom-score-adj yes/relative). */
  readonly values: ReadonlyArray<readonly [string, number]>;
  readonly check: Check<number> | undefined;
}

export interface NumericParam extends Common {
  readonly kind: 'integer' | 'memory' | 'percent-memory' | 'octal';
  readonly ctype: CType;
  readonly min: bigint;
  readonly max: bigint;
}

export interface StringParam extends Common {
  readonly kind: 'string';
  /** Redis's EMPTY_STRING_IS_NULL: '' means "not set" (CONFIG REWRITE then drops the line). */
  readonly nullable: boolean;
  /** An sds config (masterauth, requirepass): binary-safe; other strings end at a NUL byte as C strings do. */
  readonly binary: boolean;
  readonly check: Check<string> | undefined;
}

export interface SpecialParam extends Common {
  readonly kind: 'special';
  readonly special: SpecialKind;
}

export type Param = BoolParam | EnumParam | NumericParam | StringParam | SpecialParam;

// ---------------------------------------------------------------------------------------------
// Limits of the C types Redis uses for bounds.

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LLONG_MAX = 9223372036854775807n;
const ULLONG_MAX = 18446744073709551615n;

// ---------------------------------------------------------------------------------------------
// Enum tables (config.c). Values only matter where names share one or where values are bit flags.

const E_POLICY = enumOf(
  'volatile-lru volatile-lfu volatile-random volatile-ttl allkeys-lru allkeys-lfu allkeys-random noeviction',
);
const E_FACILITY = enumOf('user local0 local1 local2 local3 local4 local5 local6 local7');
const E_LOGLEVEL = enumOf('debug verbose notice warning');
const E_SUPERVISED = enumOf('upstart systemd auto no');
const E_FSYNC = enumOf('everysec always no');
const E_SHUTDOWN: ReadonlyArray<readonly [string, number]> = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
];
const E_DISKLESS_LOAD = enumOf('disabled on-empty-db swapdb');
const E_TLS_AUTH = enumOf('no yes optional');
const E_OOM: ReadonlyArray<readonly [string, number]> = [
  ['no', 0],
  ['yes', 1],
  ['relative', 1],
  ['absolute', 2],
];
const E_PUBSUB: ReadonlyArray<readonly [string, number]> = [
  ['allchannels', 8],
  ['resetchannels', 0],
];
const E_SANITIZE = enumOf('no yes clients');
const E_PROTECTED = enumOf('no yes local');
const E_ENDPOINT = enumOf('ip hostname unknown-endpoint');
const E_PROPAGATION = enumOf('ignore panic panic-on-replicas');

function enumOf(words: string): ReadonlyArray<readonly [string, number]> {
  return words.split(' ').map((w, i) => [w, i] as const);
}

// ---------------------------------------------------------------------------------------------
// Validators with Redis's error texts.

/** Debian's Redis is built against a jemalloc without defrag hints, and mnemo has no allocator to defrag. */
const noActiveDefrag: Check<boolean> = (on) =>
  on
    ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
    : undefined;

const isBaseName = (s: string): boolean => !s.includes('/') && !s.includes('\\');

const dbFilename: Check<string> = (s) =>
  isBaseName(s) ? undefined : "dbfilename can't be a path, just a filename";

const aofFilename: Check<string> = (s) =>
  s === ''
    ? "appendfilename can't be empty"
    : isBaseName(s)
      ? undefined
      : "appendfilename can't be a path, just a filename";

const aofDirname: Check<string> = (s) =>
  s === ''
    ? "appenddirname can't be empty"
    : isBaseName(s)
      ? undefined
      : "appenddirname can't be a path, just a dirname";

const hostname: Check<string> = (s) => {
  if (s.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(s)
    ? undefined
    : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
};

const shutdownFlags: Check<number> = (v) =>
  v & 1 && v & 2 ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : undefined;

/**
 * Redis validates proc-title-template by expanding it with an empty title: every {variable} must
 * be known and the trimmed result must not be empty. Only {title} and {server-mode} can expand to
 * nothing here ({unixsocket} can too, but mnemo treats it as set: the check cannot see the config).
 */
const procTitle: Check<string> = (s) => {
  const bad = 'template format is invalid or contains unknown variables';
  let out = '';
  let i = 0;
  while (i < s.length) {
    const open = s.indexOf('{', i);
    if (open < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, open);
    if (open + 1 >= s.length) return bad;
    if (s[open + 1] === '{') {
      out += '{';
      i = open + 2;
      continue;
    }
    const close = s.indexOf('}', open + 1);
    if (close < 0) return bad;
    const v = s.slice(open + 1, close);
    if (v === 'title' || v === 'server-mode') {
      // expand to nothing in the validation pass
    } else if (['listen-addr', 'config-file', 'port', 'tls-port', 'unixsocket'].includes(v)) {
      out += 'x';
    } else {
      return bad;
    }
    i = close + 1;
  }
  return out.replace(/^ +| +$/g, '') === '' ? bad : undefined;
};

// ---------------------------------------------------------------------------------------------
// Compact constructors. `flags` letters: I immutable, S sensitive, D debug, M multi-arg, H hidden,
// P protected, L deny-loading, V volatile (Redis's *_CONFIG flags).

function common(name: string, alias: string | undefined, def: string, flags: string): Common {
  return {
    name,
    alias,
    default: def,
    mutable: !flags.includes('I'),
    sensitive: flags.includes('S'),
    hidden: flags.includes('H'),
    protected: flags.includes('P'),
    denyLoading: flags.includes('L'),
    multiArg: flags.includes('M'),
    debug: flags.includes('D'),
    volatile: flags.includes('V'),
    implemented: IMPLEMENTED.has(name),
  };
}

function bool(
  name: string,
  def: 'yes' | 'no',
  flags = '',
  alias?: string,
  check?: Check<boolean>,
): BoolParam {
  return { ...common(name, alias, def, flags), kind: 'bool', check };
}

function enm(
  name: string,
  values: ReadonlyArray<readonly [string, number]>,
  def: string,
  flags = '',
  check?: Check<number>,
): EnumParam {
  return { ...common(name, undefined, def, flags), kind: 'enum', values, check };
}

function num(
  name: string,
  ctype: CType,
  min: bigint,
  max: bigint,
  def: string,
  flags = '',
  alias?: string,
  kind: NumericParam['kind'] = 'integer',
): NumericParam {
  return { ...common(name, alias, def, flags), kind, ctype, min, max };
}

function mem(name: string, ctype: CType, min: bigint, max: bigint, def: string, flags = '', alias?: string) {
  return num(name, ctype, min, max, def, flags, alias, 'memory');
}

/** `def` null: Redis's EMPTY_STRING_IS_NULL with no default; otherwise ALLOW_EMPTY_STRING. */
function str(
  name: string,
  def: string | null,
  flags = '',
  alias?: string,
  check?: Check<string>,
): StringParam {
  return {
    ...common(name, alias, def ?? '', flags),
    kind: 'string',
    nullable: def === null,
    binary: false,
    check,
  };
}

function sds(name: string, flags: string): StringParam {
  return {
    ...common(name, undefined, '', flags),
    kind: 'string',
    nullable: true,
    binary: true,
    check: undefined,
  };
}

function special(name: string, def: string, flags: string, alias?: string): SpecialParam {
  return { ...common(name, alias, def, flags), kind: 'special', special: name as SpecialKind };
}

/**
 * Parameters whose effect mnemo implements (CONFIG GET/SET accept every Redis 7.0 parameter; the
 * others are stored and reported only: docs/compatibility.md). The lazyfree-* flags choose DEL or
 * UNLINK when a deletion is propagated; mnemo frees memory the same way either way.
 */
const IMPLEMENTED: ReadonlySet<string> = new Set([
  'port',
  'bind',
  'tcp-backlog',
  'tcp-keepalive',
  'pidfile',
  'enable-protected-configs',
  'stop-writes-on-bgsave-error',
  'slowlog-log-slower-than',
  'slowlog-max-len',
  'latency-monitor-threshold',
  'protected-mode',
  'databases',
  'hz',
  'active-expire-effort',
  'maxclients',
  'timeout',
  'proto-max-bulk-len',
  'client-query-buffer-limit',
  'client-output-buffer-limit',
  'dir',
  'loglevel',
  'logfile',
  'requirepass',
  'aclfile',
  'acllog-max-len',
  'acl-pubsub-default',
  'notify-keyspace-events',
  'tracking-table-max-keys',
  'set-max-intset-entries',
  'list-max-listpack-size',
  'hash-max-listpack-entries',
  'hash-max-listpack-value',
  'zset-max-listpack-entries',
  'zset-max-listpack-value',
  'hll-sparse-max-bytes',
  'lazyfree-lazy-eviction',
  'lazyfree-lazy-expire',
  'lazyfree-lazy-user-del',
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'maxmemory-eviction-tenacity',
  'lfu-log-factor',
  'lfu-decay-time',
  'save',
  'dbfilename',
  'rdbcompression',
  'rdbchecksum',
  'appendonly',
  'appendfilename',
  'appenddirname',
  'appendfsync',
  'no-appendfsync-on-rewrite',
  'auto-aof-rewrite-percentage',
  'auto-aof-rewrite-min-size',
  'aof-load-truncated',
  'aof-use-rdb-preamble',
  'aof-timestamp-enabled',
  'aof-disable-auto-gc',
  'tls-port',
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-auth-clients',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
  'tls-prefer-server-ciphers',
  'tls-dh-params-file',
  'tls-session-caching',
  'tls-session-cache-size',
  'tls-session-cache-timeout',
]);

// ---------------------------------------------------------------------------------------------
// The table, in config.c's order (CONFIG GET patterns and CONFIG REWRITE follow it).

export const PARAMS: readonly Param[] = [
  bool('rdbchecksum', 'yes', 'I'),
  bool('daemonize', 'no', 'I'),
  bool('io-threads-do-reads', 'no', 'DI'),
  bool('always-show-logo', 'no', 'I'),
  bool('protected-mode', 'yes'),
  bool('rdbcompression', 'yes'),
  bool('rdb-del-sync-files', 'no'),
  bool('activerehashing', 'yes'),
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('set-proc-title', 'yes', 'I'),
  bool('dynamic-hz', 'yes'),
  bool('lazyfree-lazy-eviction', 'no', 'D'),
  bool('lazyfree-lazy-expire', 'no', 'D'),
  bool('lazyfree-lazy-server-del', 'no', 'D'),
  bool('lazyfree-lazy-user-del', 'no', 'D'),
  bool('lazyfree-lazy-user-flush', 'no', 'D'),
  bool('repl-disable-tcp-nodelay', 'no'),
  bool('repl-diskless-sync', 'yes', 'D'),
  bool('aof-rewrite-incremental-fsync', 'yes'),
  bool('no-appendfsync-on-rewrite', 'no'),
  bool('cluster-require-full-coverage', 'yes'),
  bool('rdb-save-incremental-fsync', 'yes'),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  bool('cluster-replica-no-failover', 'no', '', 'cluster-slave-no-failover'),
  bool('replica-lazy-flush', 'no', '', 'slave-lazy-flush'),
  bool('replica-serve-stale-data', 'yes', '', 'slave-serve-stale-data'),
  bool('replica-read-only', 'yes', 'D', 'slave-read-only'),
  bool('replica-ignore-maxmemory', 'yes', '', 'slave-ignore-maxmemory'),
  bool('jemalloc-bg-thread', 'yes'),
  bool('activedefrag', 'no', 'D', undefined, noActiveDefrag),
  bool('syslog-enabled', 'no', 'I'),
  bool('cluster-enabled', 'no', 'I'),
  bool('appendonly', 'no', 'L'),
  bool('cluster-allow-reads-when-down', 'no'),
  bool('cluster-allow-pubsubshard-when-down', 'yes'),
  bool('crash-log-enabled', 'yes'),
  bool('crash-memcheck-enabled', 'yes'),
  bool('use-exit-on-panic', 'no', 'H'),
  bool('disable-thp', 'yes', 'I'),
  bool('cluster-allow-replica-migration', 'yes'),
  bool('replica-announced', 'yes'),
  bool('latency-tracking', 'yes'),
  bool('aof-disable-auto-gc', 'no'),
  bool('replica-ignore-disk-write-errors', 'no'),

  str('aclfile', '', 'I'),
  str('unixsocket', null, 'I'),
  str('pidfile', null, 'I'),
  str('replica-announce-ip', null, '', 'slave-announce-ip'),
  str('masteruser', null, 'S'),
  str('cluster-announce-ip', null),
  str('cluster-config-file', 'nodes.conf', 'I'),
  str('cluster-announce-hostname', null, '', undefined, hostname),
  str('syslog-ident', 'redis', 'I'),
  str('dbfilename', 'dump.rdb', 'P', undefined, dbFilename),
  str('appendfilename', 'appendonly.aof', 'I', undefined, aofFilename),
  str('appenddirname', 'appendonlydir', 'I', undefined, aofDirname),
  str('server_cpulist', null, 'I'),
  str('bio_cpulist', null, 'I'),
  str('aof_rewrite_cpulist', null, 'I'),
  str('bgsave_cpulist', null, 'I'),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', '', undefined, procTitle),
  str('bind-source-addr', null),
  str('logfile', '', 'I'),
  sds('masterauth', 'S'),
  sds('requirepass', 'S'),

  enm('supervised', E_SUPERVISED, 'no', 'I'),
  enm('syslog-facility', E_FACILITY, 'local0', 'I'),
  enm('repl-diskless-load', E_DISKLESS_LOAD, 'disabled', 'DL'),
  enm('loglevel', E_LOGLEVEL, 'notice'),
  enm('maxmemory-policy', E_POLICY, 'noeviction'),
  enm('appendfsync', E_FSYNC, 'everysec'),
  enm('oom-score-adj', E_OOM, 'no'),
  enm('acl-pubsub-default', E_PUBSUB, 'resetchannels'),
  enm('sanitize-dump-payload', E_SANITIZE, 'no', 'D'),
  enm('enable-protected-configs', E_PROTECTED, 'no', 'I'),
  enm('enable-debug-command', E_PROTECTED, 'no', 'I'),
  enm('enable-module-command', E_PROTECTED, 'no', 'I'),
  enm('cluster-preferred-endpoint-type', E_ENDPOINT, 'ip'),
  enm('propagation-error-behavior', E_PROPAGATION, 'ignore'),
  enm('shutdown-on-sigint', E_SHUTDOWN, 'default', 'M', shutdownFlags),
  enm('shutdown-on-sigterm', E_SHUTDOWN, 'default', 'M', shutdownFlags),

  num('databases', 'int', 1n, INT_MAX, '16', 'I'),
  num('port', 'int', 0n, 65535n, '6379'),
  num('io-threads', 'int', 1n, 128n, '1', 'DI'),
  num('auto-aof-rewrite-percentage', 'int', 0n, INT_MAX, '100'),
  num('cluster-replica-validity-factor', 'int', 0n, INT_MAX, '10', '', 'cluster-slave-validity-factor'),
  num('list-max-listpack-size', 'int', INT_MIN, INT_MAX, '-2', '', 'list-max-ziplist-size'),
  num('tcp-keepalive', 'int', 0n, INT_MAX, '300'),
  num('cluster-migration-barrier', 'int', 0n, INT_MAX, '1'),
  num('active-defrag-cycle-min', 'int', 1n, 99n, '1'),
  num('active-defrag-cycle-max', 'int', 1n, 99n, '25'),
  num('active-defrag-threshold-lower', 'int', 0n, 1000n, '10'),
  num('active-defrag-threshold-upper', 'int', 0n, 1000n, '100'),
  num('lfu-log-factor', 'int', 0n, INT_MAX, '10'),
  num('lfu-decay-time', 'int', 0n, INT_MAX, '1'),
  num('replica-priority', 'int', 0n, INT_MAX, '100', '', 'slave-priority'),
  num('repl-diskless-sync-delay', 'int', 0n, INT_MAX, '5'),
  num('maxmemory-samples', 'int', 1n, INT_MAX, '5'),
  num('maxmemory-eviction-tenacity', 'int', 0n, 100n, '10'),
  num('timeout', 'int', 0n, INT_MAX, '0'),
  num('replica-announce-port', 'int', 0n, 65535n, '0', '', 'slave-announce-port'),
  num('tcp-backlog', 'int', 0n, INT_MAX, '511', 'I'),
  num('cluster-port', 'int', 0n, 65535n, '0', 'I'),
  num('cluster-announce-bus-port', 'int', 0n, 65535n, '0'),
  num('cluster-announce-port', 'int', 0n, 65535n, '0'),
  num('cluster-announce-tls-port', 'int', 0n, 65535n, '0'),
  num('repl-timeout', 'int', 1n, INT_MAX, '60'),
  num('repl-ping-replica-period', 'int', 1n, INT_MAX, '10', '', 'repl-ping-slave-period'),
  num('list-compress-depth', 'int', 0n, INT_MAX, '0', 'D'),
  num('rdb-key-save-delay', 'int', INT_MIN, INT_MAX, '0', 'H'),
  num('key-load-delay', 'int', INT_MIN, INT_MAX, '0', 'H'),
  num('active-expire-effort', 'int', 1n, 10n, '1'),
  num('hz', 'int', 0n, INT_MAX, '10'),
  num('min-replicas-to-write', 'int', 0n, INT_MAX, '0', '', 'min-slaves-to-write'),
  num('min-replicas-max-lag', 'int', 0n, INT_MAX, '10', '', 'min-slaves-max-lag'),
  num('watchdog-period', 'int', 0n, INT_MAX, '0', 'H'),
  num('shutdown-timeout', 'int', 0n, INT_MAX, '10'),
  num('repl-diskless-sync-max-replicas', 'int', 0n, INT_MAX, '0'),
  num('maxclients', 'uint', 1n, UINT_MAX, '10000'),
  num('unixsocketperm', 'uint', 0n, 0o777n, '0', 'I', undefined, 'octal'),
  num('socket-mark-id', 'uint', 0n, UINT_MAX, '0', 'I'),
  num('active-defrag-max-scan-fields', 'ulong', 1n, LLONG_MAX, '1000'),
  num('slowlog-max-len', 'ulong', 0n, LLONG_MAX, '128'),
  num('acllog-max-len', 'ulong', 0n, LLONG_MAX, '128'),
  num('busy-reply-threshold', 'longlong', 0n, LLONG_MAX, '5000', '', 'lua-time-limit'),
  num('cluster-node-timeout', 'longlong', 0n, LLONG_MAX, '15000'),
  num('slowlog-log-slower-than', 'longlong', -1n, LLONG_MAX, '10000'),
  num('latency-monitor-threshold', 'longlong', 0n, LLONG_MAX, '0'),
  mem('proto-max-bulk-len', 'longlong', 1048576n, LLONG_MAX, '536870912', 'D'),
  num('stream-node-max-entries', 'longlong', 0n, LLONG_MAX, '100'),
  mem('repl-backlog-size', 'longlong', 1n, LLONG_MAX, '1048576'),
  mem('maxmemory', 'ulonglong', 0n, ULLONG_MAX, '0'),
  mem('cluster-link-sendbuf-limit', 'ulonglong', 0n, ULLONG_MAX, '0'),
  num('hash-max-listpack-entries', 'size_t', 0n, LLONG_MAX, '512', '', 'hash-max-ziplist-entries'),
  num('set-max-intset-entries', 'size_t', 0n, LLONG_MAX, '512'),
  num('zset-max-listpack-entries', 'size_t', 0n, LLONG_MAX, '128', '', 'zset-max-ziplist-entries'),
  mem('active-defrag-ignore-bytes', 'size_t', 1n, LLONG_MAX, '104857600'),
  mem('hash-max-listpack-value', 'size_t', 0n, LLONG_MAX, '64', '', 'hash-max-ziplist-value'),
  mem('stream-node-max-bytes', 'size_t', 0n, LLONG_MAX, '4096'),
  mem('zset-max-listpack-value', 'size_t', 0n, LLONG_MAX, '64', '', 'zset-max-ziplist-value'),
  mem('hll-sparse-max-bytes', 'size_t', 0n, LLONG_MAX, '3000'),
  num('tracking-table-max-keys', 'size_t', 0n, LLONG_MAX, '1000000'),
  mem('client-query-buffer-limit', 'size_t', 1048576n, LLONG_MAX, '1073741824', 'D'),
  num('maxmemory-clients', 'ssize_t', -100n, LLONG_MAX, '0', '', undefined, 'percent-memory'),
  num('repl-backlog-ttl', 'time_t', 0n, LLONG_MAX, '3600'),
  mem('auto-aof-rewrite-min-size', 'off_t', 0n, LLONG_MAX, '67108864'),
  num('loading-process-events-interval-bytes', 'off_t', 1024n, INT_MAX, '2097152', 'H'),

  num('tls-port', 'int', 0n, 65535n, '0'),
  num('tls-session-cache-size', 'int', 0n, INT_MAX, '20480'),
  num('tls-session-cache-timeout', 'int', 0n, INT_MAX, '300'),
  bool('tls-cluster', 'no'),
  bool('tls-replication', 'no'),
  enm('tls-auth-clients', E_TLS_AUTH, 'yes'),
  bool('tls-prefer-server-ciphers', 'no'),
  bool('tls-session-caching', 'yes'),
  str('tls-cert-file', null, 'V'),
  str('tls-key-file', null, 'V'),
  str('tls-key-file-pass', null),
  str('tls-client-cert-file', null, 'V'),
  str('tls-client-key-file', null, 'V'),
  str('tls-client-key-file-pass', null),
  str('tls-dh-params-file', null, 'V'),
  str('tls-ca-cert-file', null, 'V'),
  str('tls-ca-cert-dir', null, 'V'),
  str('tls-protocols', null),
  str('tls-ciphers', null),
  str('tls-ciphersuites', null),

  special('dir', '', 'PL'),
  special('save', '3600 1 300 100 60 10000', 'M'),
  special(
    'client-output-buffer-limit',
    'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    'M',
  ),
  special('oom-score-adj-values', '0 200 800', 'M'),
  special('notify-keyspace-events', '', ''),
  special('bind', '127.0.0.1 -::1', 'M'),
  special('replicaof', '', 'IM', 'slaveof'),
  special('latency-tracking-info-percentiles', '50 99 99.9', 'M'),
];

/** Directives Redis 7.0 still accepts in a config file and ignores (removed parameters). */
export const DEPRECATED_DIRECTIVES: ReadonlyMap<string, number> = new Map([
  ['list-max-ziplist-entries', 1],
  ['list-max-ziplist-value', 1],
  ['lua-replicate-commands', 1],
]);
