/**
 * A full disk under the append-only file (appendfsync everysec): the failed write is reported in
 * INFO (aof_last_write_status:err), write commands and PING are refused with Redis's
 * `-MISCONF Errors writing to the AOF file: <strerror>`, reads go on, and once the disk takes
 * writes again the pending data is written and writes are accepted. The disk is made full by
 * replacing node:fs's writeSync for this process (the server runs in it) while `full` is set.
 * A library store with `appendfsync always` throws where redis-server would exit.
 */

import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../src/config/config.js';
import { MemoryStore, ReplyError } from '../src/index.js';
import { isolatedConfig, type MnemoInProcess, startMnemo } from './helpers/mnemo.js';
import { RawClient } from './helpers/raw-client.js';

const realWriteSync = fs.writeSync;
let full = false;

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
}

async function status(c: RawClient): Promise<string> {
  const info = (await c.command('INFO', 'persistence')).toString('latin1');
  return /aof_last_write_status:(\w+)/.exec(info)?.[1] ?? '?';
}

async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(() => {
  (fs as { writeSync: unknown }).writeSync = (fd: number, ...rest: unknown[]) => {
    if (full && fd > 2) throw enospc();
    return (realWriteSync as (...a: unknown[]) => number)(fd, ...rest);
  };
  syncBuiltinESMExports();
});

after(() => {
  full = false;
  (fs as { writeSync: unknown }).writeSync = realWriteSync;
  syncBuiltinESMExports();
});

describe('AOF write errors (everysec): MISCONF until the disk recovers', () => {
  let mnemo: MnemoInProcess;
  let c: RawClient;
  before(async () => {
    const config: Config = isolatedConfig();
    config.apply([{ line: 1, name: 'appendonly', args: ['yes'], raw: 'appendonly yes' }]);
    mnemo = await startMnemo({ config });
    c = await RawClient.connect(mnemo.port);
  });
  after(async () => {
    full = false;
    await c?.close();
    await mnemo?.stop();
  });

  it('refuses writes with -MISCONF and recovers', async () => {
    assert.equal((await c.command('SET', 'k', 'v')).toString(), '+OK\r\n');
    full = true;
    // The command ran before its write to the AOF failed: its reply still goes out, as in Redis.
    assert.equal((await c.command('SET', 'k', 'w')).toString(), '+OK\r\n');
    assert.equal(await status(c), 'err');
    const misconf = '-MISCONF Errors writing to the AOF file: No space left on device\r\n';
    assert.equal((await c.command('SET', 'k', 'x')).toString(), misconf);
    assert.equal((await c.command('PING')).toString(), misconf);
    assert.equal((await c.command('GET', 'k')).toString(), '$1\r\nw\r\n');
    full = false;
    // The cron retries the pending write; then writes are accepted again.
    await until('the AOF write to succeed', async () => (await status(c)) === 'ok');
    assert.equal((await c.command('SET', 'k', 'y')).toString(), '+OK\r\n');
    assert.equal((await c.command('PING')).toString(), '+PONG\r\n');
  });
});

describe('AOF write errors in a library store (appendfsync always)', () => {
  it('throws instead of exiting, refuses writes with MISCONF, recovers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-aof-lib-'));
    const store = new MemoryStore({
      activeExpire: false,
      config: { dir, appendonly: 'yes', appendfsync: 'always', save: '' },
    });
    try {
      store.set('k', 'v');
      full = true;
      assert.throws(() => store.set('k', 'w'), /Error writing to the AOF file: No space left on device/);
      assert.equal(store.get('k'), 'w', 'the command ran; only its write to disk failed');
      assert.throws(
        () => store.set('k', 'x'),
        (e: unknown) =>
          e instanceof ReplyError &&
          e.message === 'MISCONF Errors writing to the AOF file: No space left on device',
      );
      full = false;
      // The cron retries the pending write once a second (every `hz` runs).
      for (let i = 0; i < 10; i++) store.activeExpireCycle();
      assert.match(String(store.command('INFO', 'persistence')), /aof_last_write_status:ok/);
      store.set('k', 'y');
      assert.equal(store.get('k'), 'y');
      store.close();
      // Everything acknowledged, and the write that failed once, is in the file.
      const again = new MemoryStore({ activeExpire: false, config: { dir, appendonly: 'yes', save: '' } });
      assert.equal(again.get('k'), 'y');
      again.close();
    } finally {
      full = false;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
