/**
 * Loading keys and measuring what they cost, shared by the memory part (one step) and the scale
 * part (1M, 10M, 50M keys into one server): the keys `key:0000001` -> `val1`, ... are written by
 * the pipelined loader in bench/client.ts in steps, continuing where the last step stopped, and
 * after each step the server's RSS (from /proc) and INFO used_memory are read and divided by the
 * keys held, against the figures of the empty server. Every step checks DBSIZE and the last key,
 * so a server that silently dropped writes cannot look cheap.
 */

import { loadKey, loadKeys, loadKeyWidth, RespClient } from './client.js';
import { rssBytes } from './procstat.js';
import type { MemoryResult } from './report.js';
import type { ServerName, ServerProcess } from './servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One server's scale run: a result per step reached, and why it stopped early if it did. */
export interface ScaleResult {
  server: ServerName;
  steps: MemoryResult[];
  error?: string;
}

/**
 * Loads keys 1..steps[last] into an empty server, stopping at each step to measure. `loadMs` of
 * a step is the load time from the empty server to that many keys. `onStep` sees each result as
 * it arrives (progress lines for a long run).
 */
export async function loadInSteps(
  server: ServerProcess,
  steps: readonly number[],
  onStep: (m: MemoryResult) => void = () => {},
): Promise<MemoryResult[]> {
  const c = await RespClient.connect(server.port);
  const out: MemoryResult[] = [];
  try {
    await c.call('PING');
    await sleep(500);
    const usedOf = async () => Number((await c.info('memory')).get('used_memory'));
    const rssBefore = rssBytes(server.pid);
    const usedBefore = await usedOf();
    // One width for the whole run, so a key's size does not depend on the step it was loaded in.
    const width = loadKeyWidth(Math.max(...steps));
    let loaded = 0;
    let loadMs = 0;
    for (const keys of steps) {
      loadMs += await loadKeys(server.port, keys - loaded, { first: loaded + 1, width });
      loaded = keys;
      await sleep(1000);
      const size = await c.call('DBSIZE');
      if (size !== keys) throw new Error(`${server.name}: DBSIZE ${String(size)} after loading ${keys} keys`);
      const last = await c.call('GET', loadKey(keys, width));
      if (last !== `val${keys}`) throw new Error(`${server.name}: key ${keys} holds ${String(last)}`);
      const rssAfter = rssBytes(server.pid);
      const usedAfter = await usedOf();
      const m: MemoryResult = {
        server: server.name,
        keys,
        loadMs,
        rssBefore,
        rssAfter,
        usedBefore,
        usedAfter,
        rssPerKey: (rssAfter - rssBefore) / keys,
        usedPerKey: (usedAfter - usedBefore) / keys,
      };
      out.push(m);
      onStep(m);
    }
    return out;
  } finally {
    c.close();
  }
}

/** loadInSteps, but a failure (a server that runs out of memory, say) keeps the steps reached. */
export async function runScale(
  server: ServerProcess,
  steps: readonly number[],
  onStep: (m: MemoryResult) => void,
): Promise<ScaleResult> {
  const reached: MemoryResult[] = [];
  try {
    await loadInSteps(server, steps, (m) => {
      reached.push(m);
      onStep(m);
    });
    return { server: server.name, steps: reached };
  } catch (err) {
    return { server: server.name, steps: reached, error: (err as Error).message };
  }
}
