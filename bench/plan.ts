/**
 * What the benchmark runs, as data: the catalogue of redis-benchmark tests, which of them run
 * by default, value sizes, request counts and key counts for the full and quick modes. Adding
 * a test or a value size is an edit here, not in the harness.
 */

export interface LoadTest {
  /** Label in tables and the name `--tests` selects by. */
  name: string;
  /** A redis-benchmark `-t` test (these honour `-d` for the value size)... */
  builtin?: string;
  /** ...or a command line for redis-benchmark to repeat (`$value` becomes a value of the run's size). */
  command?: string[];
  /**
   * Commands sent once, unmeasured, to each server before the test (`$value` as above). Used
   * instead of redis-benchmark's own set-up phases (its LRANGE tests first run an LPUSH
   * phase of the same length), which would be counted in the server's CPU time.
   */
  prepare?: string[][];
  /** Requests relative to the mode's count (MSET writes 10 keys per request). */
  weight?: number;
}

/**
 * Order matters: tests run in this order on both servers, and the pops (LPOP, RPOP, SPOP)
 * take what the pushes before them left.
 */
export const CATALOGUE: readonly LoadTest[] = [
  { name: 'SET', builtin: 'set' },
  { name: 'GET', builtin: 'get' },
  { name: 'INCR', builtin: 'incr' },
  { name: 'LPUSH', builtin: 'lpush' },
  { name: 'RPUSH', builtin: 'rpush' },
  { name: 'LPOP', builtin: 'lpop' },
  { name: 'RPOP', builtin: 'rpop' },
  { name: 'SADD', builtin: 'sadd' },
  { name: 'HSET', builtin: 'hset' },
  { name: 'SPOP', builtin: 'spop' },
  { name: 'ZADD', builtin: 'zadd' },
  {
    name: 'LRANGE_100',
    command: ['LRANGE', 'bench:lrange', '0', '99'],
    prepare: [
      ['DEL', 'bench:lrange'],
      ['RPUSH', 'bench:lrange', ...new Array<string>(100).fill('$value')],
    ],
    weight: 0.5,
  },
  {
    name: 'HGET',
    command: ['HGET', 'bench:hash', 'field:__rand_int__'],
    prepare: [['DEL', 'bench:hash'], ...hashFill(1000)],
  },
  {
    name: 'ZRANGE_100',
    command: ['ZRANGE', 'bench:zset', '0', '99', 'WITHSCORES'],
    prepare: [
      ['DEL', 'bench:zset'],
      ['ZADD', 'bench:zset', ...zsetPairs(100)],
    ],
    weight: 0.5,
  },
  {
    name: 'LRANGE_600',
    command: ['LRANGE', 'bench:lrange600', '0', '599'],
    prepare: [
      ['DEL', 'bench:lrange600'],
      ['RPUSH', 'bench:lrange600', ...new Array<string>(600).fill('$value')],
    ],
    weight: 0.2,
  },
  { name: 'MSET', builtin: 'mset', weight: 0.25 },
];

/** HSET commands filling `n` fields `field:<i>` (HGET's random fields mostly hit). */
function hashFill(n: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < n; i += 100) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 100); j++)
      args.push(`field:${String(j).padStart(12, '0')}`, '$value');
    out.push(['HSET', 'bench:hash', ...args]);
  }
  return out;
}

/** score/member pairs for a sorted set of `n` members. */
function zsetPairs(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(String(i), `member:${i}`);
  return out;
}

/** The tests a plain `npm run bench` runs (`--tests` picks others from the catalogue). */
export const DEFAULT_TESTS: readonly string[] = [
  'SET',
  'GET',
  'INCR',
  'LPUSH',
  'RPUSH',
  'LPOP',
  'RPOP',
  'SADD',
  'SPOP',
  'HSET',
  'HGET',
  'ZADD',
  'ZRANGE_100',
  'LRANGE_100',
  'LRANGE_600',
  'MSET',
];

/** Value sizes in bytes (redis-benchmark `-d`); each test runs once per size. */
export const DEFAULT_VALUE_SIZES: readonly number[] = [3];

/** Pub/sub fan-out: subscriber counts, one run each, and the size of every message. */
export const FANOUT_SUBSCRIBERS: readonly number[] = [1, 100, 1000];
export const FANOUT_PAYLOAD_BYTES = 16;

/** PUBLISH commands for a fan-out run, so that every run delivers about the same number of messages. */
export function fanoutMessages(mode: Mode, subscribers: number): number {
  return Math.max(1000, Math.round(mode.fanoutDeliveries / subscribers));
}

export interface Mode {
  name: 'full' | 'quick';
  clients: number;
  /** redis-benchmark -r: random keys drawn from this many. */
  keyspace: number;
  /** Pipeline depth -> requests per test at that depth (before a test's weight). */
  requests: ReadonlyMap<number, number>;
  /** Keys loaded for the memory test. */
  memoryKeys: number;
  /** SETs (and as many GETs) for the in-process comparison. */
  inProcessOps: number;
  /** Messages delivered (all subscribers together) per pub/sub fan-out run. */
  fanoutDeliveries: number;
  /**
   * The eviction run (bench/eviction.ts): maxmemory with allkeys-lru, SET requests over
   * `keyspace` random keys, then GET requests over the same range.
   */
  eviction: { maxmemory: string; keyspace: number; setRequests: number; getRequests: number };
  /** The scale part (bench/scale.ts): keys loaded into one server, measured at each count. */
  scaleSteps: readonly number[];
  /**
   * The pauses part (bench/pauses.ts): `keys` loaded, then `rate` requests/s over `clients`
   * connections for `seconds`, a `setShare` of them SETs and the rest GETs.
   */
  pauses: { keys: number; rate: number; clients: number; seconds: number; setShare: number };
  /** The persistence part's restarts: keys saved (RDB, AOF) and loaded again at start-up. */
  restartKeys: number;
  /** Runs of each background operation (BGSAVE, BGREWRITEAOF); the table shows their median. */
  stallRuns: number;
  /** One redis-benchmark run longer than this is killed and reported as failed. */
  runTimeoutMs: number;
}

export const FULL: Mode = {
  name: 'full',
  clients: 50,
  keyspace: 1_000_000,
  requests: new Map([
    [1, 200_000],
    [16, 1_000_000],
  ]),
  memoryKeys: 1_000_000,
  inProcessOps: 100_000,
  fanoutDeliveries: 5_000_000,
  eviction: { maxmemory: '100mb', keyspace: 10_000_000, setRequests: 4_000_000, getRequests: 2_000_000 },
  // 20M is past V8's 2^24 Map limit. 50M (`--scale-steps 1000000,10000000,50000000`) took
  // 68 s (mnemo) and 103 s (redis) to load on the 2-core machine: too long for every full run.
  scaleSteps: [1_000_000, 10_000_000, 20_000_000],
  pauses: { keys: 10_000_000, rate: 20_000, clients: 50, seconds: 20, setShare: 0.2 },
  restartKeys: 1_000_000,
  stallRuns: 3,
  runTimeoutMs: 120_000,
};

export const QUICK: Mode = {
  name: 'quick',
  clients: 50,
  keyspace: 1_000_000,
  // Enough that the 10 ms tick of /proc CPU times stays a few per cent of each reading (P16:
  // about 0.3 s of server CPU, 30 ticks).
  requests: new Map([
    [1, 40_000],
    [16, 200_000],
  ]),
  memoryKeys: 100_000,
  inProcessOps: 100_000,
  fanoutDeliveries: 1_000_000,
  eviction: { maxmemory: '32mb', keyspace: 10_000_000, setRequests: 600_000, getRequests: 300_000 },
  scaleSteps: [1_000_000, 2_000_000],
  pauses: { keys: 500_000, rate: 20_000, clients: 50, seconds: 3, setShare: 0.2 },
  restartKeys: 200_000,
  stallRuns: 1,
  runTimeoutMs: 30_000,
};

/** A test's command lines with `$value` replaced by a value of `size` bytes. */
export function withValue(argv: readonly string[], size: number): string[] {
  const value = 'x'.repeat(size);
  return argv.map((a) => (a === '$value' ? value : a));
}
