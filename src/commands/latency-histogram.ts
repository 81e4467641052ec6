/**
 * The per-command latency histogram behind LATENCY HISTOGRAM and INFO latencystats: the
 * HdrHistogram layout Redis 7.0 creates for each command (values from 1 ns to 1 s, two
 * significant digits), so that the buckets, the percentiles and the cumulative distribution come
 * out as Redis computes them. Values are nanoseconds.
 *
 * Layout (HdrHistogram with lowest value 1, highest 10^9, 2 significant figures): 256
 * sub-buckets per bucket, of which a bucket past the first uses the upper 128; bucket b counts
 * values in steps of 2^b. 23 buckets reach 10^9, so 24 x 128 = 3072 counters (24 KB per command
 * that has run, as in Redis), made on a command's first recorded call.
 *
 * Where mnemo differs: Redis 7.0 measures a command in whole microseconds and records that
 * times 1000 (a GET that took 0.8 µs is recorded as 1 ns, the floor, and reads p50=0.001 in
 * INFO); mnemo records the duration it measured, to the nanosecond (docs/compatibility.md).
 */

/** LATENCY_HISTOGRAM_MIN_VALUE and _MAX_VALUE (ns): recorded values are clamped to these. */
const MIN_NS = 1;
const MAX_NS = 1_000_000_000;
/** log2 of the sub-bucket half count (128) for 2 significant figures: ceil(log2(2 * 10^2)) - 1. */
const HALF_MAGNITUDE = 7;
const HALF_COUNT = 1 << HALF_MAGNITUDE;
const SUB_BUCKET_COUNT = HALF_COUNT * 2;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
/** Buckets needed so that SUB_BUCKET_COUNT << (buckets - 1) passes MAX_NS. */
const BUCKETS = 23;
const COUNTS = (BUCKETS + 1) * HALF_COUNT;
/** LATENCY HISTOGRAM reports at 1024 ns, then every power of two above it. */
const FIRST_LEVEL = 1024;

/** The bucket of value `v` (< 2^31). */
function bucketOf(v: number): number {
  return 32 - Math.clz32(v | SUB_BUCKET_MASK) - (HALF_MAGNITUDE + 1);
}

/** The counter of value `v`. */
function indexOf(v: number): number {
  const b = bucketOf(v);
  return ((b + 1) << HALF_MAGNITUDE) + ((v >>> b) - HALF_COUNT);
}

/** The lowest value counted by counter `i`. */
function valueAt(i: number): number {
  let b = (i >> HALF_MAGNITUDE) - 1;
  let sub = (i & (HALF_COUNT - 1)) + HALF_COUNT;
  if (b < 0) {
    sub -= HALF_COUNT;
    b = 0;
  }
  return sub * 2 ** b;
}

/** The lowest value that counts with `v`. */
export function lowestEquivalent(v: number): number {
  const b = bucketOf(v);
  return (v >>> b) * 2 ** b;
}

/** The highest value that counts with `v`. */
export function highestEquivalent(v: number): number {
  const b = bucketOf(v);
  const sub = v >>> b;
  const size = 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
  return sub * 2 ** b + size - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS);
  /** Values recorded. */
  total = 0;

  /** Records one duration in nanoseconds (clamped to 1 ns - 1 s, as Redis does). */
  record(ns: number): void {
    const v = ns < MIN_NS ? MIN_NS : ns > MAX_NS ? MAX_NS : Math.floor(ns);
    this.counts[indexOf(v)]!++;
    this.total++;
  }

  /** hdr_value_at_percentile: the highest value equivalent to the one at `percentile` (0-100). */
  valueAtPercentile(percentile: number): number {
    const p = Math.min(percentile, 100);
    const want = Math.max(1, Math.floor((p / 100) * this.total + 0.5));
    let value = 0;
    let seen = 0;
    for (let i = 0; i < COUNTS; i++) {
      seen += this.counts[i]!;
      if (seen >= want) {
        value = valueAt(i);
        break;
      }
    }
    return percentile === 0 ? lowestEquivalent(value) : highestEquivalent(value);
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM replies with: at 1024 ns and each power of two
   * above it, the highest value equivalent to that level in whole microseconds and how many
   * values were at or below it, listing a level only when its count grew. This walks the
   * counters as HdrHistogram's logarithmic iterator does, including its end: once the counters
   * run out, the last level reported is the last counter's.
   */
  cdf(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let levelLowest = lowestEquivalent(FIRST_LEVEL);
    let level = FIRST_LEVEL;
    // The iterator's position: the counter it is on, that counter's lowest and highest values,
    // and the values counted up to it.
    let i = -1;
    let value = 0;
    let highest = 0;
    let cumulative = 0;
    let previous = 0;
    // One step per reporting level, while values remain or counters lie above the level.
    while (cumulative < this.total || (i < COUNTS && valueAt(i + 1) > levelLowest)) {
      for (;;) {
        if (value >= levelLowest) {
          level *= 2;
          levelLowest = lowestEquivalent(level);
          break;
        }
        // Out of counters: the step ends on the last one.
        if (++i >= COUNTS) break;
        cumulative += this.counts[i]!;
        value = valueAt(i);
        highest = highestEquivalent(value);
      }
      if (cumulative > previous) out.push([Math.floor(highest / 1000), cumulative]);
      previous = cumulative;
    }
    return out;
  }
}

/** Records a call of `usec` µs in a command's histogram, made on its first recorded call. */
export function recordLatency(stats: { histogram: LatencyHistogram | null }, usec: number): void {
  (stats.histogram ??= new LatencyHistogram()).record(usec * 1000);
}
