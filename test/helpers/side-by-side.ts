/**
 * The usual set-up of a comparison suite: an in-process mnemo and a real redis-server 7.0,
 * started before the suite's tests and stopped after them.
 */

import { after, before } from 'node:test';
import { type MnemoInProcess, startMnemo } from './mnemo.js';
import { type RedisServer, startRedis } from './redis-server.js';

export interface SideBySide {
  /** Set once the suite's `before` hook has run. */
  readonly mnemo: MnemoInProcess;
  readonly redis: RedisServer;
}

/** Registers the hooks in the calling suite; read the servers from the result inside tests. */
export function sideBySide(): SideBySide {
  const servers = {} as { mnemo: MnemoInProcess; redis: RedisServer };
  before(async () => {
    [servers.mnemo, servers.redis] = await Promise.all([startMnemo(), startRedis()]);
  });
  after(async () => {
    await Promise.all([servers.mnemo?.stop(), servers.redis?.stop()]);
  });
  return servers;
}
