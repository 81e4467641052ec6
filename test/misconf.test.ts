/**
 * -MISCONF: after a failed background save (with save points and stop-writes-on-bgsave-error),
 * write commands and PING are refused until a save succeeds or the option is turned off.
 * Compared byte for byte with redis-server, whose failed BGSAVE is provoked the same way: its
 * working directory is removed under it.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type MnemoProcess, spawnMnemo } from './helpers/mnemo.js';
import { RawClient, showRaw } from './helpers/raw-client.js';
import { type RedisServer, startRedis } from './helpers/redis-server.js';

interface Side {
  dir: string;
  client: RawClient;
}

async function bgsaveStatus(c: RawClient): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const info = (await c.command('INFO', 'persistence')).toString('latin1');
    if (info.includes('rdb_bgsave_in_progress:0')) {
      const m = /rdb_last_bgsave_status:(\w+)/.exec(info);
      if (m !== null) return m[1]!;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the background save did not finish');
}

describe('MISCONF after a failed BGSAVE, as redis-server', { timeout: 300_000 }, () => {
  let redis: RedisServer;
  let mnemo: MnemoProcess;
  const sides: Side[] = [];

  before(async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'misconf-r-')), mkdtempSync(join(tmpdir(), 'misconf-m-'))];
    const args = ['--save', '3600 1', '--enable-protected-configs', 'yes', '--dir'];
    redis = await startRedis([...args, dirs[0]!]);
    mnemo = await spawnMnemo([...args, dirs[1]!]);
    for (const [i, port] of [redis.port, mnemo.port].entries()) {
      sides.push({ dir: dirs[i]!, client: await RawClient.connect(port) });
    }
  });

  after(async () => {
    for (const s of sides) {
      await s.client.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
    await mnemo?.stop();
    await redis?.stop();
  });

  async function both(...argv: string[]): Promise<void> {
    const [r, m] = await Promise.all(sides.map((s) => s.client.command(...argv)));
    assert.equal(showRaw(m!), showRaw(r!), argv.join(' '));
  }

  it('refuses writes and PING, lets reads through, recovers', async () => {
    await both('SET', 'k', 'v');
    for (const s of sides) rmSync(s.dir, { recursive: true, force: true });
    await both('BGSAVE');
    for (const s of sides) assert.equal(await bgsaveStatus(s.client), 'err');
    await both('SET', 'k', 'w');
    await both('PING');
    await both('GET', 'k');
    await both('DEL', 'k');
    await both('MULTI');
    await both('INCR', 'n');
    await both('GET', 'k');
    await both('EXEC');
    await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
    await both('SET', 'k', 'w');
    await both('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
    await both('SET', 'k', 'x');
    // A successful save lifts the refusal. (The old directory cannot come back for redis-server:
    // its working directory is the removed one.)
    for (const s of sides) {
      s.dir = mkdtempSync(join(tmpdir(), 'misconf-'));
      assert.equal((await s.client.command('CONFIG', 'SET', 'dir', s.dir)).toString(), '+OK\r\n');
    }
    await both('BGSAVE');
    for (const s of sides) assert.equal(await bgsaveStatus(s.client), 'ok');
    await both('SET', 'k', 'y');
    await both('PING');
  });
});
