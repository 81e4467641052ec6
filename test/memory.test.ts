/**
 * Memory accounting (commands/memory.ts, engine/memsize.ts) and the V8 heap limit
 * (bin/mnemo-server.ts, the heap guard in commands/eviction.ts), measured on real processes:
 *  - a server child started with --expose-gc is loaded with a million keys of every type over
 *    TCP, then half of them are deleted, more are written, everything is flushed; at each step
 *    INFO used_memory (what the server reports, garbage and all) is compared with the live heap
 *    the child measures right after forced full collections: within 10%;
 *  - a server child with a small --max-old-space-size and no maxmemory refuses writes with OOM
 *    before V8 would abort it, and accepts them again once memory is freed;
 *  - mnemo-server sizes its own heap (a worker thread when Node's default is too small), keeps
 *    one pid (INFO process_id), exits 0 on SIGTERM and dies whole on SIGKILL.
 *
 * This file is also the child: run with MNEMO_MEMORY_CHILD=1 it starts an in-process server
 * and answers the parent's messages instead of defining tests.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { totalmem } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { type MnemoProcess, spawnMnemo, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';
import { pingOnce, track } from './helpers/redis-server.js';

const SELF = fileURLToPath(import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Measurement {
  /** INFO used_memory, read before the collections. */
  used: number;
  /** The dataset estimate alone (INFO mnemo_dataset_estimate). */
  dataset: number;
  /** Heap used + external memory after forced full collections. */
  live: number;
}

// ---- the child ----

async function runChild(): Promise<void> {
  const server = await startMnemo();
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (msg: { op: string }) => {
    void (async () => {
      if (msg.op === 'measure') {
        const mem = server.instance.memory;
        const used = mem.used();
        const dataset = mem.dataset();
        // Full collections, with time between them for V8 to release swept ArrayBuffers.
        for (let i = 0; i < 3; i++) {
          gc?.();
          await sleep(100);
        }
        const u = process.memoryUsage();
        process.send!({ used, dataset, live: u.heapUsed + u.external } satisfies Measurement);
      } else if (msg.op === 'exit') {
        await server.stop();
        process.exit(0);
      }
    })();
  });
  process.send!({ port: server.port });
}

// ---- the parent ----

interface Child {
  proc: ChildProcess;
  port: number;
  request<T>(op: string): Promise<T>;
  stop(): Promise<void>;
}

async function startChild(execArgv: string[]): Promise<Child> {
  const proc = fork(SELF, [], {
    execArgv,
    env: { ...process.env, MNEMO_MEMORY_CHILD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track(proc);
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`memory child exited (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m) => {
        proc.off('exit', onExit);
        resolve(m as T);
      });
    });
  const { port } = await next<{ port: number }>();
  return {
    proc,
    port,
    request<T>(op: string) {
      const reply = next<T>();
      proc.send({ op });
      return reply;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.send({ op: 'exit' });
      await Promise.race([gone, sleep(5000)]);
      proc.kill('SIGKILL');
    },
  };
}

/** Sends commands pipelined in batches; every reply must not be an error. */
async function pipeline(c: RawClient, commands: Iterable<string[]>, batch = 5000): Promise<void> {
  let pending: string[][] = [];
  const flush = async () => {
    const replies = await c.send(pending);
    for (const r of replies) if (r[0] === 0x2d) throw new Error(`${r.toString('latin1').trim()}`);
    pending = [];
  };
  for (const argv of commands) {
    pending.push(argv);
    if (pending.length >= batch) await flush();
  }
  if (pending.length > 0) await flush();
}

function* range(n: number, f: (i: number) => string[]): Generator<string[]> {
  for (let i = 0; i < n; i++) yield f(i);
}

function infoField(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(text)?.[1]?.trim();
}

async function info(c: RawClient, section: string): Promise<string> {
  return (await c.command('INFO', section)).toString('latin1');
}

if (process.env.MNEMO_MEMORY_CHILD === '1') {
  await runChild();
} else {
  describe('used_memory against the live heap (server child, --expose-gc)', () => {
    let child: Child;
    let c: RawClient;
    const rows: string[] = [];
    before(async () => {
      child = await startChild(['--expose-gc']);
      c = await RawClient.connect(child.port, { timeoutMs: 60_000 });
    });
    after(async () => {
      await c?.close();
      await child?.stop();
      if (rows.length > 0)
        process.stdout.write(`# used_memory vs live heap:\n${rows.map((r) => `#   ${r}`).join('\n')}\n`);
    });

    async function check(label: string, tolerance: (live: number) => number): Promise<Measurement> {
      const reported = Number(infoField(await info(c, 'memory'), 'used_memory'));
      const m = await child.request<Measurement>('measure');
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
      const error = (reported - m.live) / m.live;
      rows.push(
        `${label.padEnd(34)} used_memory ${mb(reported).padStart(9)}  live ${mb(m.live).padStart(9)}  (${(error * 100).toFixed(1)}%)`,
      );
      assert.ok(
        Math.abs(reported - m.live) <= tolerance(m.live),
        `${label}: used_memory ${reported} vs live heap ${m.live} (${(error * 100).toFixed(1)}%)`,
      );
      return { ...m, used: reported };
    }

    const tenPercent = (live: number) => live * 0.1;
    let empty: Measurement;
    let loaded: Measurement;

    it('empty', async () => {
      empty = await check('empty', (live) => Math.max(live * 0.1, 4 * 1048576));
    });

    it('after adding a million keys of every type', async () => {
      await pipeline(
        c,
        range(300_000, (i) => ['SET', `s:${i}`, `value:${i}`]),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['SET', `n:${i}`, String(i * 7)]),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['SET', `t:${i}`, `v${i}`, 'EX', '100000']),
      );
      await pipeline(
        c,
        range(50_000, (i) => ['SET', `b:${i}`, 'x'.repeat(200)]),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['HSET', `h:${i}`, 'name', `user${i}`, 'age', '42', 'city', 'Paris']),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['RPUSH', `l:${i}`, 'a', 'bb', 'ccc', `d${i}`]),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['SADD', `st:${i}`, 'x', 'y', `z${i}`, `w${i}`]),
      );
      await pipeline(
        c,
        range(100_000, (i) => ['ZADD', `z:${i}`, '1', 'a', '2.5', 'b', String(i), `m${i}`]),
      );
      // A few big collections: 50,000 elements each.
      await pipeline(
        c,
        range(500, (i) => ['HSET', 'bighash', ...range100(i, (j) => [`field:${j}`, `value:${j}`])]),
      );
      await pipeline(
        c,
        range(500, (i) => ['RPUSH', 'biglist', ...range100(i, (j) => [`element:${j}`])]),
      );
      await pipeline(
        c,
        range(500, (i) => ['SADD', 'bigset', ...range100(i, (j) => [`member:${j}`])]),
      );
      await pipeline(
        c,
        range(500, (i) => ['ZADD', 'bigzset', ...range100(i, (j) => [String(j * 1.5), `member:${j}`])]),
      );
      assert.equal(Number((await c.command('DBSIZE')).toString().slice(1)), 950_004);
      loaded = await check('1M keys', tenPercent);
      // The size model alone (no heap measurement involved): what the data added to the heap.
      const modelled = loaded.dataset - empty.dataset;
      const real = loaded.live - empty.live;
      rows.push(
        `size model alone: ${(modelled / 1048576).toFixed(1)} MB estimated for ${(real / 1048576).toFixed(1)} MB of data (${(((modelled - real) / real) * 100).toFixed(1)}%)`,
      );
      assert.ok(
        Math.abs(modelled - real) <= real * 0.1,
        `dataset estimate ${modelled} vs heap growth ${real}`,
      );
    });

    it('after deleting half of them', async () => {
      await pipeline(
        c,
        range(150_000, (i) => ['DEL', `s:${i}`]),
      );
      await pipeline(
        c,
        range(50_000, (i) => ['DEL', `h:${i}`, `l:${i}`, `st:${i}`, `z:${i}`, `t:${i}`]),
      );
      await pipeline(c, [['DEL', 'bighash', 'bigzset']]);
      await check('half deleted', tenPercent);
    });

    it('after growing values in place and adding more', async () => {
      await pipeline(
        c,
        range(50_000, (i) => ['APPEND', `b:${i}`, 'y'.repeat(300)]),
      );
      await pipeline(
        c,
        range(50_000, (i) => ['SADD', `st:${50_000 + i}`, 'more', `more${i}`, `evenmore${i}`]),
      );
      await pipeline(
        c,
        range(50_000, (i) => ['HSET', `h:${50_000 + i}`, 'extra', 'x'.repeat(50)]),
      );
      await pipeline(
        c,
        range(200_000, (i) => ['SET', `again:${i}`, `value:${i}`]),
      );
      await check('grown + 200k more', tenPercent);
    });

    it('after FLUSHALL', async () => {
      await pipeline(c, [['FLUSHALL']]);
      await check('flushed', (live) => Math.max(live * 0.1, 4 * 1048576));
    });
  });

  describe('the heap guard (server child with a 96 MB old space, no maxmemory)', () => {
    let child: Child;
    before(async () => {
      child = await startChild(['--max-old-space-size=96']);
    });
    after(async () => {
      await child?.stop();
    });

    it('refuses writes with OOM before V8 runs out of heap, and recovers', async () => {
      const c = await RawClient.connect(child.port, { timeoutMs: 30_000 });
      try {
        const memory = await info(c, 'memory');
        const guard = Number(infoField(memory, 'mnemo_heap_guard'));
        const limit = Number(infoField(memory, 'mnemo_heap_limit'));
        assert.ok(guard > 0 && guard < limit && limit < 200 * 1048576, `guard ${guard}, limit ${limit}`);
        const value = 'g'.repeat(8192);
        let refused = '';
        let written = 0;
        // Far more than the heap can hold (400 MB), in batches of 100 keys.
        for (let batch = 0; batch < 500 && refused === ''; batch++) {
          const replies = await c.send(
            Array.from({ length: 100 }, (_, i) => ['SET', `g:${batch}:${i}`, value]),
          );
          for (const r of replies) {
            if (r[0] === 0x2d) refused ||= r.toString('latin1').trim();
            else written++;
          }
        }
        assert.equal(refused, "-OOM command not allowed when used memory > 'maxmemory'.");
        assert.ok(written * 8192 > guard * 0.5, `${written} keys written before the guard`);
        // Another 80 MB of writes: nearly all refused (the line moves a little with each GC).
        let accepted = 0;
        for (let batch = 0; batch < 100; batch++) {
          const replies = await c.send(
            Array.from({ length: 100 }, (_, i) => ['SET', `more:${batch}:${i}`, value]),
          );
          for (const r of replies) if (r[0] !== 0x2d) accepted++;
        }
        assert.ok(accepted < 1000, `${accepted} of 10000 more writes accepted past the guard`);
        assert.equal(child.proc.exitCode, null, 'the server is still running');
        assert.equal((await c.command('GET', 'g:0:0')).toString('latin1').slice(0, 8), '$8192\r\ng');
        // Freeing memory lets writes in again.
        assert.equal((await c.command('FLUSHALL')).toString('latin1'), '+OK\r\n');
        const after = (await c.command('SET', 'more', 'x')).toString('latin1');
        assert.equal(after, '+OK\r\n', await info(c, 'memory'));
      } finally {
        await c.close();
      }
    });
  });

  describe('mnemo-server sizes its V8 heap', () => {
    async function heapLimit(p: MnemoProcess): Promise<number> {
      const c = await RawClient.connect(p.port);
      try {
        return Number(infoField(await info(c, 'memory'), 'mnemo_heap_limit'));
      } finally {
        await c.close();
      }
    }

    it('without maxmemory: a heap of 75% of the machine, one pid, exit 0 on SIGTERM', async () => {
      const p = await spawnMnemo();
      const c = await RawClient.connect(p.port);
      const pid = Number(infoField(await info(c, 'server'), 'process_id'));
      await c.close();
      assert.equal(pid, p.pid, 'INFO process_id is the process that was started');
      const limit = await heapLimit(p);
      assert.ok(limit >= totalmem() * 0.7, `heap limit ${limit} for ${totalmem()} bytes of RAM`);
      assert.match(p.output(), new RegExp(`\\(pid ${p.pid}\\)`));
      await p.stop('SIGTERM');
      const { code } = await p.exit;
      assert.equal(code, 0);
      assert.match(p.output(), /Received SIGTERM, shutting down/);
      assert.match(p.output(), /ready to exit, bye bye/);
    });

    it('SIGKILL ends the whole server at once', async () => {
      const p = await spawnMnemo();
      await p.stop('SIGKILL');
      const { signal } = await p.exit;
      assert.equal(signal, 'SIGKILL');
      assert.equal(await pingOnce(p.port), false, 'nothing answers on the port any more');
    });

    it('with maxmemory, Node default heap suffices; an explicit --max-old-space-size is kept', async () => {
      const small = await spawnMnemo(['--maxmemory', '100mb']);
      assert.equal(await heapLimit(small), getHeapStatistics().heap_size_limit);
      await small.stop();
      const given = await spawnMnemo([], ['--max-old-space-size=300']);
      const limit = await heapLimit(given);
      assert.ok(limit > 300 * 1048576 && limit < 400 * 1048576, `heap limit ${limit}`);
      await given.stop();
    });
  });
}

/** Field/member arguments j = 100*i .. 100*i+99, flattened. */
function range100(i: number, f: (j: number) => string[]): string[] {
  const out: string[] = [];
  for (let j = i * 100; j < i * 100 + 100; j++) out.push(...f(j));
  return out;
}
