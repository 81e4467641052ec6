/**
 * Child processes of the benchmark: starts mnemo-server and redis-server the same way (own
 * process, 127.0.0.1, a free port, no persistence, output to a log file under .bench-out, a
 * private temporary working directory removed when it stops), waits until each answers PING
 * (recording how long start-up took), and stops them. Every child the harness spawns (servers and
 * redis-benchmark runs) is tracked here so that killAllSync() can end them from an 'exit' or
 * signal handler, whatever state the run is in.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RespClient } from './client.js';

export type ServerName = 'mnemo' | 'redis';

export interface ServerProcess {
  name: ServerName;
  port: number;
  pid: number;
  logPath: string;
  /** performance.now() just before the spawn (restart timings count from here). */
  spawnedAt: number;
  /** From the spawn until the first PONG: start-up, including loading a data file. */
  startMs: number;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Remembers a child until it exits, so killAllSync() can reach it. */
export function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Kills every tracked child now; safe to call from 'exit' and signal handlers. */
export function killAllSync(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

/** A port the kernel just handed out on 127.0.0.1 (free unless someone races us for it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

async function waitReady(child: ChildProcess, port: number, logPath: string, label: string): Promise<void> {
  // Long enough for a restart that loads a million-key data file on a busy machine.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited(child)) {
      throw new Error(`${label} exited during start-up (code ${child.exitCode}):\n${tail(logPath)}`);
    }
    try {
      const c = await RespClient.connect(port);
      try {
        const pong = await c.command('PING');
        if (pong === 'PONG') return;
      } finally {
        c.close();
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${label} did not answer PING on port ${port}`);
    // Short, so that the start-up time of a restart (bench/persistence.ts) is not rounded up by much.
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function launch(
  name: ServerName,
  cmd: string,
  args: (port: number) => string[],
  outDir: string,
  graceMs: number,
): Promise<ServerProcess> {
  const port = await freePort();
  const logPath = join(outDir, `${name}-${port}.log`);
  const fd = openSync(logPath, 'w');
  let child: ChildProcess;
  let spawnedAt = 0;
  // A private working directory: neither server may load or leave a dump file elsewhere.
  const cwd = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  try {
    spawnedAt = performance.now();
    child = spawn(cmd, args(port), { stdio: ['ignore', fd, fd], cwd });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  track(child);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await spawned;
  const proc: ServerProcess = {
    name,
    port,
    pid: child.pid!,
    logPath,
    spawnedAt,
    startMs: 0,
    async stop() {
      if (!exited(child)) {
        child.kill('SIGTERM');
        if (!(await waitExit(child, graceMs))) {
          child.kill('SIGKILL');
          await waitExit(child, 5_000);
        }
      }
      // Whatever the server wrote there (an AOF of a million keys, say) is not kept.
      if (exited(child)) rmSync(cwd, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(child, port, logPath, name);
    proc.startMs = performance.now() - spawnedAt;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return proc;
}

export interface MnemoOptions {
  /** When set, mnemo runs under `node --cpu-prof` and writes its profile here on exit. */
  profileDir?: string;
  /** Directives appended to the command line (they win over the defaults above them). */
  extraArgs?: readonly string[];
}

/** What both servers start with: this port on the loopback, and no persistence. */
function baseArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}

export function startMnemo(
  outDir: string,
  serverScript: string,
  opts: MnemoOptions = {},
): Promise<ServerProcess> {
  const nodeFlags: string[] = [];
  if (opts.profileDir !== undefined) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`);
  // For trying V8 settings on mnemo alone (the benchmark client keeps its own), e.g.
  // MNEMO_NODE_FLAGS='--max-semi-space-size=4'.
  nodeFlags.push(...(process.env.MNEMO_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''));
  return launch(
    'mnemo',
    process.execPath,
    (port) => [...nodeFlags, serverScript, ...baseArgs(port), ...(opts.extraArgs ?? [])],
    outDir,
    // Writing a CPU profile at exit can take several seconds for a long run.
    opts.profileDir !== undefined ? 60_000 : 10_000,
  );
}

export function startRedis(outDir: string, extraArgs: readonly string[] = []): Promise<ServerProcess> {
  return launch('redis', 'redis-server', (port) => [...baseArgs(port), ...extraArgs], outDir, 10_000);
}
