/**
 * commands/latency-histogram.ts: HdrHistogram's bucket arithmetic (1 ns - 1 s, 2 significant
 * digits) as Redis 7.0 builds it for each command. The expected figures are redis-server's own:
 * a GET recorded at 2000 ns reads p50=2.007 in INFO latencystats and `2 => 1` in LATENCY
 * HISTOGRAM, a SET at 10000 ns 10.047 and `16 => 1`, a CONFIG GET at 180000 ns 180.223 and
 * `264 => 1`; the rest follows from the same layout.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highestEquivalent, LatencyHistogram, lowestEquivalent } from '../src/commands/latency-histogram.js';

function of(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

describe('LatencyHistogram', () => {
  it('matches the values redis-server printed for single calls', () => {
    for (const [ns, p50, usec] of [
      [2000, 2007, 2],
      [10_000, 10_047, 16],
      [180_000, 180_223, 264],
    ] as const) {
      const h = of([ns]);
      assert.equal(h.valueAtPercentile(50), p50, `p50 of ${ns}`);
      assert.deepEqual(h.cdf(), [[usec, 1]], `cdf of ${ns}`);
    }
  });

  it('counts values exactly up to 255 and with 2 significant digits above', () => {
    for (let v = 1; v < 256; v++) {
      assert.equal(lowestEquivalent(v), v);
      assert.equal(highestEquivalent(v), v);
    }
    // 256-511 in steps of 2, 1024-2047 in steps of 8, 2^20.. in steps of 2^13.
    assert.deepEqual([lowestEquivalent(257), highestEquivalent(257)], [256, 257]);
    assert.deepEqual([lowestEquivalent(1030), highestEquivalent(1030)], [1024, 1031]);
    assert.deepEqual(
      [lowestEquivalent(2 ** 20 + 5000), highestEquivalent(2 ** 20 + 5000)],
      [2 ** 20, 2 ** 20 + 8191],
    );
    // Every value's step is under 1% of it past 256: two significant digits.
    for (let v = 256; v < 1e9; v = Math.floor(v * 1.37) + 1) {
      const lo = lowestEquivalent(v);
      const hi = highestEquivalent(v);
      assert.ok(lo <= v && v <= hi && hi - lo + 1 <= v / 128, `value ${v}: [${lo}, ${hi}]`);
    }
  });

  it('reports the cumulative distribution at 1024 ns and each power of two above, only where it grows', () => {
    // 1 ns x 99583 ... the shape of the LATENCY HISTOGRAM example in Redis's documentation.
    const h = new LatencyHistogram();
    for (let i = 0; i < 995; i++) h.record(1);
    for (let i = 0; i < 3; i++) h.record(1500);
    h.record(3000);
    h.record(30_000);
    assert.equal(h.total, 1000);
    assert.deepEqual(h.cdf(), [
      [1, 995],
      [2, 998],
      [4, 999],
      [33, 1000],
    ]);
  });

  it('clamps to 1 ns and 1 s as Redis does, and ends on the last counter above 2^29 ns', () => {
    const h = of([0, 0.4, 5e9]);
    assert.equal(h.total, 3);
    assert.equal(h.valueAtPercentile(0), 1);
    assert.equal(h.valueAtPercentile(50), 1);
    // 10^9 ns counts in the bucket [998244352, 1002438655].
    assert.equal(h.valueAtPercentile(100), 1_002_438_655);
    assert.deepEqual(h.cdf(), [
      [1, 2],
      [1_073_741, 3],
    ]);
  });

  it('takes percentiles by rank, rounding the rank half up', () => {
    const h = of(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000));
    assert.equal(h.valueAtPercentile(50), highestEquivalent(500_000));
    assert.equal(h.valueAtPercentile(99), highestEquivalent(990_000));
    assert.equal(h.valueAtPercentile(99.9), highestEquivalent(999_000));
    assert.equal(h.valueAtPercentile(0), 1000);
    assert.equal(h.valueAtPercentile(250), highestEquivalent(1_000_000));
    // Rank 0.0505 * 20 + 0.5 = 1.51 -> 1: the first value.
    assert.equal(of(Array.from({ length: 20 }, (_, i) => 2000 * (i + 1))).valueAtPercentile(5.05), 2007);
  });
});
