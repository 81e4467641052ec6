/**
 * MEMORY, SLOWLOG, LATENCY, ROLE, WAIT and LOLWUT (families/introspection.ts) against a real
 * redis-server 7.0: deterministic replies byte for byte (help texts, errors, doctor texts in the
 * states both servers are in, ROLE, LOLWUT, LATENCY GRAPH of the samples redis-server took), the
 * rest by shape and semantics (slow log entries, truncation, ids, RESET; MEMORY USAGE within a
 * factor of Redis's; MEMORY STATS field order; LATENCY HISTOGRAM and INFO latencystats).
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { latencyGraphText } from '../src/families/introspection.js';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';
import { type RespValue, sendCommands, showResp } from './helpers/resp.js';

let redis: RedisServer;
let mnemo: MnemoInProcess;

before(async () => {
  redis = await startRedis();
  mnemo = await startMnemo();
});

after(async () => {
  await redis?.stop();
  await mnemo?.stop();
});

async function both(argvs: string[][], resp: 2 | 3 = 2): Promise<{ r: RespValue[]; m: RespValue[] }> {
  const [r, m] = await Promise.all([
    sendCommands(redis.port, argvs, { resp }),
    sendCommands(mnemo.port, argvs, { resp }),
  ]);
  return { r, m };
}

async function sameReplies(argvs: string[][], resp: 2 | 3 = 2): Promise<void> {
  const { r, m } = await both(argvs, resp);
  for (let i = 0; i < argvs.length; i++) {
    assert.equal(showResp(m[i]!), showResp(r[i]!), `RESP${resp} ${argvs[i]!.join(' ')}`);
  }
}

function arr(v: RespValue | undefined): RespValue[] {
  assert.ok(v !== undefined && v.type === 'array', `expected an array, got ${v?.type}`);
  return v.value;
}

function num(v: RespValue | undefined): number {
  assert.ok(v !== undefined && v.type === 'int', `expected an integer, got ${v?.type}`);
  return Number(v.value);
}

function text(v: RespValue | undefined): string {
  assert.ok(
    v !== undefined && (v.type === 'bulk' || v.type === 'simple'),
    `expected a string, got ${v?.type}`,
  );
  return v.value;
}

describe('byte-for-byte replies', () => {
  const cases: string[][] = [
    ['MEMORY', 'HELP'],
    ['SLOWLOG', 'HELP'],
    ['LATENCY', 'HELP'],
    ['MEMORY', 'DOCTOR'],
    ['MEMORY', 'PURGE'],
    ['LATENCY', 'DOCTOR'],
    ['LATENCY', 'LATEST'],
    ['LATENCY', 'HISTORY', 'command'],
    ['LATENCY', 'GRAPH', 'command'],
    ['LATENCY', 'RESET'],
    ['LATENCY', 'RESET', 'a', 'b'],
    ['ROLE'],
    ['LOLWUT'],
    ['LOLWUT', 'VERSION', '7'],
    ['LOLWUT', 'VERSION', '-1'],
    ['LOLWUT', 'foo'],
    ['LOLWUT', 'VERSION'],
    ['WAIT', '0', '0'],
    ['WAIT', '-1', '100'],
    ['MEMORY', 'USAGE', 'nokey'],
    ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
    // errors
    ['MEMORY'],
    ['MEMORY', 'nosuch'],
    ['MEMORY', 'USAGE'],
    ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
    ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
    ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
    ['MEMORY', 'USAGE', 'k', 'bar'],
    ['MEMORY', 'DOCTOR', 'x'],
    ['MEMORY', 'MALLOC-STATS', 'x'],
    ['SLOWLOG'],
    ['SLOWLOG', 'nosuch'],
    ['SLOWLOG', 'GET', '1', '2'],
    ['SLOWLOG', 'GET', 'x'],
    ['SLOWLOG', 'GET', '-2'],
    ['SLOWLOG', 'LEN', 'x'],
    ['LATENCY', 'nosuch'],
    ['LATENCY', 'HISTORY'],
    ['LATENCY', 'GRAPH', 'a', 'b'],
    ['ROLE', 'x'],
    ['WAIT', '0'],
    ['WAIT', 'x', '0'],
    ['WAIT', '1', 'x'],
    ['WAIT', '1', '-1'],
    ['LOLWUT', 'VERSION', 'x'],
  ];
  for (const resp of [2, 3] as const) {
    it(`match Redis (RESP${resp})`, async () => {
      await sameReplies(cases, resp);
    });
  }

  it('WAIT for a replica that does not exist blocks until the timeout, then answers 0', async () => {
    const t0 = Date.now();
    const { r, m } = await both([['WAIT', '1', '200']]);
    assert.ok(Date.now() - t0 >= 190);
    assert.equal(showResp(m[0]!), showResp(r[0]!));
    assert.equal(num(m[0]), 0);
    // Inside MULTI it cannot block: 0 at once.
    await sameReplies([['MULTI'], ['WAIT', '1', '0'], ['EXEC']]);
  });
});

describe('SLOWLOG', () => {
  it('logs every command at slowlog-log-slower-than 0, newest first, with increasing ids', async () => {
    const long = 'x'.repeat(200);
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`);
    const argvs = [
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['SLOWLOG', 'RESET'],
      ['CLIENT', 'SETNAME', 'probe'],
      ['SET', 'k', long],
      ['DEL', ...many],
      ['MULTI'],
      ['INCR', 'n'],
      ['EXEC'],
      ['SLOWLOG', 'GET', '-1'],
      ['SLOWLOG', 'LEN'],
      ['SLOWLOG', 'GET', '2'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '-1'],
      ['GET', 'k'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '2'],
      ['PING'],
      ['PING'],
      ['PING'],
      ['SLOWLOG', 'LEN'],
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '10000', 'slowlog-max-len', '128'],
    ];
    const { r, m } = await both(argvs);
    const args = (entry: RespValue) => arr(arr(entry)[3]).map(text);
    for (const replies of [r, m]) {
      const all = arr(replies[8]);
      // Newest first: everything after the first RESET; MULTI and the queued command are
      // logged, EXEC itself is not (skip_slowlog).
      assert.deepEqual(
        all.map((e) => args(e)[0]),
        ['INCR', 'MULTI', 'DEL', 'SET', 'CLIENT', 'SLOWLOG'],
      );
      const ids = all.map((e) => num(arr(e)[0]));
      for (let i = 1; i < ids.length; i++) assert.equal(ids[i - 1]! - ids[i]!, 1);
      for (const e of all) {
        const f = arr(e);
        assert.equal(f.length, 6);
        assert.ok(Math.abs(num(f[1]) - Date.now() / 1000) < 5);
        assert.ok(num(f[2]) >= 0);
        assert.match(text(f[4]), /^127\.0\.0\.1:\d+$/);
      }
      assert.equal(text(arr(all[0])[5]), 'probe');
      // Truncation: 32 arguments, the last counting the rest; strings cut at 128 bytes.
      const del = args(all[2]!);
      assert.equal(del.length, 32);
      assert.equal(del[31], '... (10 more arguments)');
      assert.deepEqual(args(all[3]!), ['SET', 'k', `${'x'.repeat(128)}... (72 more bytes)`]);
      assert.equal(num(replies[9]), 6 + 1);
      assert.equal(arr(replies[10]).length, 2);
      assert.equal(num(replies[12]), 1, 'the LEN after a RESET sees the RESET');
      assert.equal(num(replies[15]), 2, 'negative threshold logs nothing (RESET and LEN were logged before)');
      assert.equal(num(replies[20]), 2, 'slowlog-max-len trims');
    }
    // Same argument lists as Redis.
    assert.deepEqual(arr(m[8]).map(args), arr(r[8]).map(args));
  });
});

describe('command timing in pipelines', () => {
  it('counts and times every pipelined command once, and keeps no clock reading after the batch', async () => {
    const c = await RawClient.connect(mnemo.port);
    try {
      await c.send([['CONFIG', 'RESETSTAT']]);
      const argvs: string[][] = [];
      for (let i = 0; i < 40; i++) argvs.push(['SET', `timed:${i}`, 'v'], ['GET', `timed:${i}`]);
      argvs.push(['MULTI'], ['SET', 'timed:tx', '1'], ['GET', 'timed:tx'], ['EXEC']);
      const started = performance.now();
      await c.send(argvs);
      const wallUsec = (performance.now() - started) * 1000;
      const info = (await c.command('INFO', 'commandstats')).toString('latin1');
      const stat = (name: string) => {
        const m = new RegExp(`cmdstat_${name}:calls=(\\d+),usec=(\\d+)`).exec(info);
        assert.ok(m, `cmdstat_${name} in ${info}`);
        return { calls: Number(m[1]), usec: Number(m[2]) };
      };
      assert.equal(stat('set').calls, 41);
      assert.equal(stat('get').calls, 41);
      assert.equal(stat('exec').calls, 1);
      // Each command's time runs from the end of the one before at the earliest: together
      // they fit in the pipeline's round trip.
      const total = stat('set').usec + stat('get').usec + stat('exec').usec + stat('multi').usec;
      assert.ok(total <= wallUsec, `${total} usec of commands in a ${wallUsec.toFixed(0)} usec round trip`);
      for (const client of mnemo.instance.clients.values()) {
        assert.equal(client.chained, false);
        assert.equal(client.lap, -1);
      }
    } finally {
      await c.close();
    }
  });
});

describe('MEMORY', () => {
  it('MEMORY USAGE is within a factor of 6 of Redis’s for each type and size', async () => {
    const setup: string[][] = [['FLUSHALL']];
    const keys: string[] = [];
    for (const n of [1, 10, 100, 1000]) {
      const members = Array.from({ length: n }, (_, i) => `member:${i}`);
      setup.push(['SET', `str${n}`, 'v'.repeat(n * 10)]);
      setup.push(['RPUSH', `list${n}`, ...members]);
      setup.push(['SADD', `set${n}`, ...members]);
      setup.push(['HSET', `hash${n}`, ...members.flatMap((x) => [x, 'value'])]);
      setup.push(['ZADD', `zset${n}`, ...members.flatMap((x, i) => [String(i), x])]);
      keys.push(`str${n}`, `list${n}`, `set${n}`, `hash${n}`, `zset${n}`);
    }
    const { r, m } = await both([...setup, ...keys.map((k) => ['MEMORY', 'USAGE', k, 'SAMPLES', '0'])]);
    const off = setup.length;
    for (let i = 0; i < keys.length; i++) {
      const want = num(r[off + i]);
      const got = num(m[off + i]);
      // Small listpack-encoded values cost Redis a few bytes an element and a V8 object graph
      // several times that (measured up to 4.8x for small sorted sets and lists).
      assert.ok(got >= want / 6 && got <= want * 6, `${keys[i]}: mnemo ${got}, redis ${want}`);
    }
    // More members, more bytes.
    assert.ok(num(m[off + keys.indexOf('list1000')]) > num(m[off + keys.indexOf('list10')]));
  });

  it('a value grown by a pipelined command is measured before SWAPDB moves it', async () => {
    // Values changed in place are measured again once per batch of commands (Keyspace.settle),
    // found by db index and key: SWAPDB in the same batch must measure them first, or the list
    // below would keep the size it had when it was created empty.
    const elements = Array.from({ length: 500 }, (_, i) => `${i}:${'e'.repeat(100)}`);
    const replies = await sendCommands(mnemo.port, [
      ['FLUSHALL'],
      ['RPUSH', 'grown', ...elements],
      ['SWAPDB', '0', '1'],
      ['SELECT', '1'],
      ['MEMORY', 'USAGE', 'grown'],
      ['RPUSH', 'control', ...elements],
      ['MEMORY', 'USAGE', 'control'],
      ['FLUSHALL'],
    ]);
    const bytes = (v: RespValue | undefined): bigint => {
      assert.equal(v?.type, 'int', showResp(v ?? { type: 'null' }));
      return (v as { value: bigint }).value;
    };
    const swapped = bytes(replies[4]);
    assert.ok(swapped > 500n * 100n, `MEMORY USAGE ${swapped}`);
    assert.equal(swapped, bytes(replies[6]));
  });

  it('MEMORY STATS has Redis’s fields in Redis’s order and consistent figures', async () => {
    const { r, m } = await both(
      [
        ['SET', 'k', 'v'],
        ['MEMORY', 'STATS'],
      ],
      3,
    );
    const fields = (v: RespValue): string[] => {
      assert.equal(v.type, 'map');
      return (v as { value: Array<[RespValue, RespValue]> }).value.map(([k]) => text(k));
    };
    assert.deepEqual(fields(m[1]!), fields(r[1]!));
    const stats = new Map(
      (m[1] as { value: Array<[RespValue, RespValue]> }).value.map(([k, v]) => [text(k), v]),
    );
    assert.ok(num(stats.get('keys.count')) >= 1);
    assert.ok(num(stats.get('peak.allocated')) >= num(stats.get('total.allocated')));
    assert.equal(
      num(stats.get('dataset.bytes')),
      num(stats.get('total.allocated')) - num(stats.get('overhead.total')),
    );
    assert.equal(stats.get('dataset.percentage')?.type, 'double');
    // RESP2: the same keys, doubles as bulk strings.
    const { m: m2 } = await both([['MEMORY', 'STATS']], 2);
    assert.equal(arr(m2[0]).length, 2 * stats.size);
  });

  it('MEMORY MALLOC-STATS answers as Redis without jemalloc', async () => {
    const [v] = await sendCommands(mnemo.port, [['MEMORY', 'MALLOC-STATS']]);
    assert.equal(text(v), 'Stats not supported for the current allocator');
  });
});

describe('LATENCY monitor', () => {
  it('records nothing at threshold 0; LATEST and HISTORY stay empty as in Redis', async () => {
    await sameReplies([['PING'], ['LATENCY', 'LATEST'], ['LATENCY', 'HISTORY', 'command']]);
  });

  it('with a threshold, slow commands become samples; RESET clears them', async () => {
    const intro = mnemo.instance.introspection;
    intro.addSample('command', 250);
    const [latest, history, graph, reset, after1] = await sendCommands(mnemo.port, [
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'HISTORY', 'nosuch'],
      ['LATENCY', 'RESET', 'command', 'nosuch'],
      ['LATENCY', 'LATEST'],
    ]);
    const e = arr(arr(latest)[0]);
    assert.equal(text(e[0]), 'command');
    assert.equal(num(e[2]), 250);
    assert.equal(num(e[3]), 250);
    assert.equal(arr(history).length, 1);
    assert.equal(arr(graph).length, 0);
    assert.equal(num(reset), 1);
    assert.equal(arr(after1).length, 0);
  });
});

describe('LATENCY HISTOGRAM and INFO latencystats', () => {
  /** A LATENCY HISTOGRAM reply (RESP3) as [name, calls] pairs, each distribution checked. */
  function histograms(v: RespValue | undefined): Array<[string, number]> {
    assert.ok(v !== undefined && v.type === 'map', `expected a map, got ${v?.type}`);
    return v.value.map(([name, body]) => {
      assert.ok(body.type === 'map', `expected a map, got ${body.type}`);
      const fields = new Map(body.value.map(([k, x]) => [text(k), x]));
      assert.deepEqual([...fields.keys()], ['calls', 'histogram_usec']);
      const calls = num(fields.get('calls'));
      const cdf = fields.get('histogram_usec');
      assert.ok(cdf !== undefined && cdf.type === 'map');
      const points = cdf.value.map(([k, x]) => [num(k), num(x)] as const);
      assert.ok(points.length > 0);
      for (let i = 1; i < points.length; i++) {
        assert.ok(
          points[i]![0] > points[i - 1]![0] && points[i]![1] > points[i - 1]![1],
          `${text(name)} grows`,
        );
      }
      assert.equal(points[points.length - 1]![1], calls, `${text(name)} ends at its calls`);
      return [text(name), calls];
    });
  }

  const sorted = (pairs: Array<[string, number]>) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1));

  it('lists what ran since CONFIG RESETSTAT, by name or all, with calls and a distribution, as Redis', async () => {
    const argvs = [
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'lh:a', '1'],
      ['GET', 'lh:a'],
      ['GET', 'lh:a'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['LATENCY', 'HISTOGRAM', 'set', 'GET', 'config', 'nosuch', 'get|x', 'set'],
      ['LATENCY', 'HISTOGRAM'],
      ['LATENCY', 'HISTOGRAM', 'nosuch'],
    ];
    const { r, m } = await both(argvs, 3);
    for (const i of [5, 6, 7]) {
      assert.deepEqual(sorted(histograms(m[i])), sorted(histograms(r[i])), argvs[i]!.join(' '));
    }
    assert.deepEqual(sorted(histograms(m[5])), [
      ['config|get', 1],
      ['config|resetstat', 1],
      ['get', 2],
      ['set', 1],
      ['set', 1],
    ]);
    assert.equal(histograms(m[7]).length, 0);
    // RESP2 flattens the maps the same way.
    const flat = await both([['LATENCY', 'HISTOGRAM', 'nosuch', 'get']]);
    assert.equal(arr(flat.m[0]).length, 2);
    assert.equal(showResp(arr(arr(flat.m[0])[1])[0]!), showResp(arr(arr(flat.r[0])[1])[0]!));
  });

  it('INFO latencystats prints the configured percentiles, and nothing with latency-tracking no', async () => {
    const argvs = [
      ['CONFIG', 'RESETSTAT'],
      ['SET', 'lh:b', '1'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99.99 0'],
      ['INFO', 'latencystats'],
      ['CONFIG', 'SET', 'latency-tracking', 'no'],
      ['GET', 'lh:b'],
      ['INFO', 'latencystats'],
      ['CONFIG', 'SET', 'latency-tracking', 'yes'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
      ['LATENCY', 'HISTOGRAM', 'get', 'set'],
    ];
    const { r, m } = await both(argvs);
    const shape = (v: RespValue | undefined) =>
      text(v)
        .split('\r\n')
        .map((line) => line.replace(/=\d+\.\d{3}/g, '=#'))
        .sort();
    assert.deepEqual(shape(m[3]), shape(r[3]));
    assert.ok(shape(m[3]).includes('latency_percentiles_usec_set:p50=#,p99.99=#,p0=#'), text(m[3]));
    assert.equal(text(m[6]), text(r[6]));
    assert.equal(text(m[6]), '# Latencystats\r\n');
    // The GET run while tracking was off left no histogram.
    assert.equal(showResp(arr(m[9]).at(0)!), showResp(arr(r[9]).at(0)!));
    assert.equal(arr(m[9]).length, 2);
    assert.ok(text(m[3]).startsWith('# Latencystats\r\n'));
    const all = (await sendCommands(mnemo.port, [['INFO', 'everything']]))[0];
    const titles = text(all)
      .split('\r\n')
      .filter((l) => l.startsWith('# '));
    assert.deepEqual(titles.slice(-3), ['# Latencystats', '# Cluster', '# Keyspace']);
  });

  it('a blocking command is recorded once served, not when it times out', async () => {
    const waiter = await RawClient.connect(mnemo.port);
    const redisWaiter = await RawClient.connect(redis.port);
    try {
      for (const port of [mnemo.port, redis.port]) await sendCommands(port, [['CONFIG', 'RESETSTAT']]);
      await Promise.all([
        waiter.send([['BLPOP', 'lh:none', '0.05']]),
        redisWaiter.send([['BLPOP', 'lh:none', '0.05']]),
      ]);
      const timedOut = await both([['LATENCY', 'HISTOGRAM', 'blpop']], 3);
      assert.equal(histograms(timedOut.m[0]).length, 0);
      assert.equal(histograms(timedOut.r[0]).length, 0);
      const served = [
        waiter.send([['BLPOP', 'lh:list', '5']]),
        redisWaiter.send([['BLPOP', 'lh:list', '5']]),
      ];
      await new Promise((resolve) => setTimeout(resolve, 50));
      await both([['RPUSH', 'lh:list', 'x']]);
      await Promise.all(served);
      const after1 = await both([['LATENCY', 'HISTOGRAM', 'blpop']], 3);
      assert.deepEqual(histograms(after1.m[0]), [['blpop', 1]]);
      assert.deepEqual(histograms(after1.r[0]), [['blpop', 1]]);
    } finally {
      await waiter.close();
      await redisWaiter.close();
    }
  });
});

describe('LATENCY GRAPH', () => {
  it('draws the samples redis-server drew, character for character', async () => {
    const debugRedis = await startRedis([
      '--enable-debug-command',
      'yes',
      '--latency-monitor-threshold',
      '1',
    ]);
    try {
      // One sample per second at most: sleeps of different lengths in different seconds.
      for (const s of ['0.004', '0.019', '0.010', '0.014', '0.007']) {
        await sendCommands(debugRedis.port, [['DEBUG', 'SLEEP', s]]);
        await new Promise((resolve) => setTimeout(resolve, 1050));
      }
      const before = Math.floor(Date.now() / 1000);
      const [history, graph] = await sendCommands(debugRedis.port, [
        ['LATENCY', 'HISTORY', 'command'],
        ['LATENCY', 'GRAPH', 'command'],
      ]);
      const after = Math.floor(Date.now() / 1000);
      const samples = arr(history).map((x) => [num(arr(x)[0]), num(arr(x)[1])] as const);
      assert.ok(samples.length >= 3, `${samples.length} samples`);
      const high = Math.max(...samples.map((x) => x[1]));
      const drawn = text(graph);
      // Redis drew it at some second between the two readings of the clock.
      const ours = [before, after].map((now) => latencyGraphText('command', samples, high, now));
      assert.ok(ours.includes(drawn), `redis:\n${drawn}\nmnemo:\n${ours[0]}`);
      assert.match(drawn, /\|/);
    } finally {
      await debugRedis.stop();
    }
  });

  it('answers from mnemo’s own samples, and the error for an unknown event as Redis', async () => {
    const intro = mnemo.instance.introspection;
    intro.events.clear();
    intro.addSample('command', 7);
    const [graph, missing] = await sendCommands(mnemo.port, [
      ['LATENCY', 'GRAPH', 'command'],
      ['LATENCY', 'GRAPH', 'nosuch'],
    ]);
    const lines = text(graph).split('\n');
    assert.equal(lines[0], 'command - high 7 ms, low 7 ms (all time high 7 ms)');
    assert.equal(lines[1], '-'.repeat(80));
    // One sample: the lowest level on the bottom row, a blank row, then its label downwards
    // ("0s", or "1s" if a second passed in between).
    assert.deepEqual(lines.slice(2, 7), [' ', ' ', ' ', '_', ' ']);
    assert.match(lines.slice(7).join(''), /^[01]s$/);
    const r = await sendCommands(redis.port, [['LATENCY', 'GRAPH', 'nosuch']]);
    assert.equal(showResp(missing!), showResp(r[0]!));
    intro.events.clear();
  });
});
