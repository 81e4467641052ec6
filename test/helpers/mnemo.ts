/**
 * Starts mnemo for a test, two ways: in-process (startServer on a free loopback port, fast,
 * gives the Instance) or as a separate `node dist/src/bin/mnemo-server.js` child process for
 * tests that need a real process boundary (signals, exit codes, crash and restart). Both
 * resolve once the server answers PING and return `{ port, stop() }`.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Instance } from '../../src/commands/instance.js';
import { Config } from '../../src/config/config.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/index.js';
import { freePort, killProcess, track, waitForPing } from './redis-server.js';

export interface MnemoInProcess {
  port: number;
  instance: Instance;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * A configuration for a test server that never touches the working directory: no save points
 * and `dir` in a fresh temporary directory (so no stray dump.rdb is written or loaded).
 */
export function isolatedConfig(): Config {
  const config = Config.defaults();
  // As config-file lines: `dir` is a protected config, which CONFIG SET refuses by default.
  config.apply([
    { line: 1, name: 'save', args: [''], raw: 'save ""' },
    { line: 2, name: 'dir', args: [mkdtempSync(join(tmpdir(), 'mnemo-test-'))], raw: 'dir <tmp>' },
  ]);
  return config;
}

export async function startMnemo(options: ServerOptions = {}): Promise<MnemoInProcess> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    silent: true,
    config: isolatedConfig(),
    ...options,
  });
  return { port: server.port, instance: server.instance, server, stop: () => server.close() };
}

export interface MnemoProcess {
  port: number;
  pid: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL by default; pass 'SIGTERM' to test a clean shutdown. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** How the process ended, once it has. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The compiled executable, next to this helper in dist/ (dist/test/helpers -> dist/src/bin). */
export const MNEMO_BIN = fileURLToPath(new URL('../../src/bin/mnemo-server.js', import.meta.url));

/** Spawns mnemo-server with `--port P --bind 127.0.0.1` plus `extraArgs`, under node `nodeFlags`. */
export async function spawnMnemo(
  extraArgs: readonly string[] = [],
  nodeFlags: readonly string[] = [],
): Promise<MnemoProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // No save points and a private `dir` unless the test says otherwise (later arguments win).
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-test-'));
    const args = [
      MNEMO_BIN,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--dir',
      dir,
      ...extraArgs,
    ];
    const proc = spawn(process.execPath, [...nodeFlags, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(proc);
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const output = () => out;
    try {
      await waitForPing(port, proc, `mnemo-server ${args.slice(1).join(' ')}`, () => out.slice(-2000));
    } catch (err) {
      lastError = err;
      await killProcess(proc);
      continue;
    }
    return {
      port,
      pid: proc.pid ?? -1,
      output,
      stop: (signal = 'SIGKILL') => killProcess(proc, signal),
      exit,
    };
  }
  throw lastError;
}
