/**
 * INFO stats' mnemo_eventloop_max_delay_ms and mnemo_gc_max_pause_ms: the longest event-loop
 * stall and GC pause of the server process, which bench/pauses.ts reads. The server runs in
 * this process, so a busy loop here is a stall the server must report.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';

async function stats(c: RawClient): Promise<{ loop: number; gc: number }> {
  const text = (await c.command('INFO', 'stats')).toString('latin1');
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(text)?.[1]);
  return { loop: field('mnemo_eventloop_max_delay_ms'), gc: field('mnemo_gc_max_pause_ms') };
}

describe('event-loop stall and GC pause metrics', () => {
  let mnemo: MnemoInProcess;
  let c: RawClient;
  before(async () => {
    mnemo = await startMnemo();
    c = await RawClient.connect(mnemo.port);
  });
  after(async () => {
    await c?.close();
    await mnemo?.stop();
  });

  it('report a stall of the loop, and CONFIG RESETSTAT clears them', async () => {
    const before = await stats(c);
    assert.ok(Number.isFinite(before.loop) && Number.isFinite(before.gc), 'both fields are present');
    // Let the delay monitor's timer run once, then block the loop for 120 ms.
    await new Promise((r) => setTimeout(r, 20));
    const until = performance.now() + 120;
    while (performance.now() < until) {}
    await new Promise((r) => setTimeout(r, 20));
    const stalled = await stats(c);
    assert.ok(stalled.loop >= 100, `a 120 ms stall reported as ${stalled.loop} ms`);
    assert.equal((await c.command('CONFIG', 'RESETSTAT')).toString(), '+OK\r\n');
    const reset = await stats(c);
    assert.ok(reset.loop < 100, `after RESETSTAT: ${reset.loop} ms`);
  });
});
