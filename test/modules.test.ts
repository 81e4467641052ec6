/**
 * MODULE (families/modules.ts) and the protected-command rule (dispatch's CMD_PROTECTED check)
 * against a real redis-server 7.0 with no module loaded: every reply byte for byte, with
 * enable-module-command no (the default), yes and local, and the rejected and failed counts in
 * INFO commandstats; plus enable-protected-configs local, which the same notion of a local
 * client decides for CONFIG SET.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isolatedConfig, startMnemo } from './helpers/mnemo.js';
import { startRedis } from './helpers/redis-server.js';
import { sendCommands, showResp } from './helpers/resp.js';

async function pair(directives: Array<[string, string]>) {
  const config = isolatedConfig();
  config.apply(
    directives.map(([name, value], i) => ({ line: i + 1, name, args: [value], raw: `${name} ${value}` })),
  );
  const [mnemo, redis] = await Promise.all([
    startMnemo({ config }),
    startRedis(directives.flatMap(([name, value]) => [`--${name}`, value])),
  ]);
  return {
    mnemo,
    redis,
    async same(argvs: string[][], resp: 2 | 3 = 2): Promise<void> {
      const [m, r] = await Promise.all([
        sendCommands(mnemo.port, argvs, { resp }),
        sendCommands(redis.port, argvs, { resp }),
      ]);
      for (let i = 0; i < argvs.length; i++) {
        assert.equal(showResp(m[i]!), showResp(r[i]!), `RESP${resp} ${argvs[i]!.join(' ')}`);
      }
    },
    stop: () => Promise.all([mnemo.stop(), redis.stop()]),
  };
}

const MODULE_CALLS = [
  ['MODULE', 'LIST'],
  ['MODULE', 'HELP'],
  ['MODULE', 'LOAD', '/nonexistent/mod.so'],
  ['MODULE', 'LOAD', '/nonexistent/mod.so', 'a', 'b'],
  ['MODULE', 'LOADEX', '/nonexistent/mod.so', 'CONFIG', 'x', 'y', 'ARGS', 'z'],
  ['MODULE', 'LOADEX', '/nonexistent/mod.so', 'CONFIG', 'x'],
  ['module', 'unload', 'nosuch'],
  ['MODULE'],
  ['MODULE', 'LOAD'],
  ['MODULE', 'LIST', 'extra'],
  ['MODULE', 'UNLOAD'],
  ['MODULE', 'NOSUCH'],
];

/** INFO commandstats lines of the module subcommands, without the timings. */
const statsLines = (text: string) =>
  text
    .split('\r\n')
    .filter((l) => l.startsWith('cmdstat_module'))
    .map((l) => l.replace(/usec=[\d.]+,usec_per_call=[\d.]+,/, ''))
    .sort();

describe('MODULE', () => {
  for (const setting of ['no', 'yes', 'local'] as const) {
    it(`answers as Redis with enable-module-command ${setting}`, async () => {
      const s = await pair([['enable-module-command', setting]]);
      try {
        await s.same([['CONFIG', 'RESETSTAT'], ...MODULE_CALLS, ['CONFIG', 'GET', 'enable-module-command']]);
        await s.same(MODULE_CALLS.slice(0, 2), 3);
        const info = async (port: number) => {
          const [v] = await sendCommands(port, [['INFO', 'commandstats']]);
          return statsLines(v?.type === 'bulk' ? v.value : '');
        };
        const [m, r] = await Promise.all([info(s.mnemo.port), info(s.redis.port)]);
        assert.deepEqual(m, r);
        assert.ok(m.length >= 4, m.join('\n'));
      } finally {
        await s.stop();
      }
    });
  }
});

describe('enable-protected-configs local', () => {
  it('lets a loopback client CONFIG SET a protected parameter, as Redis does', async () => {
    const s = await pair([['enable-protected-configs', 'local']]);
    try {
      await s.same([
        ['CONFIG', 'SET', 'dir', '/tmp'],
        ['CONFIG', 'GET', 'dir'],
      ]);
    } finally {
      await s.stop();
    }
  });
});
