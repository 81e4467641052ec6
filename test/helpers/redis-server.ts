/**
 * Starts a real redis-server (the oracle) for a test: on a free loopback port, without
 * persistence, in the foreground so it dies with us. Resolves once it answers PING; stop()
 * kills it, and every server still running is killed when the test process exits, even on
 * failure. Fails with a clear message when redis-server is not installed.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';

export interface RedisServer {
  port: number;
  /** The child process (for tests that inspect it). */
  proc: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) p.kill('SIGKILL');
  });
}

/** A port that was free a moment ago (the OS picks it; the listener is closed at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** One PING over a fresh socket; true on +PONG (or -NOAUTH: up, but with requirepass). */
export function pingOnce(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let data = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('error', () => done(false));
    sock.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('+PONG') || data.startsWith('-NOAUTH'));
    });
    sock.connect(port, '127.0.0.1', () => sock.write('*1\r\n$4\r\nPING\r\n'));
  });
}

/** Polls PING until it answers, the process exits, or the deadline passes. */
export async function waitForPing(
  port: number,
  proc: ChildProcess | null,
  what: string,
  output: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc !== null && proc.exitCode !== null) {
      throw new Error(`${what} exited with code ${proc.exitCode} before answering PING:\n${output()}`);
    }
    if (await pingOnce(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not answer PING on port ${port} within ${timeoutMs} ms:\n${output()}`);
}

/** Kills a child and waits for it to be gone. */
export function killProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  running.delete(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // 'close' comes after 'exit' once the child's output is fully read.
    proc.once('close', () => resolve());
    proc.kill(signal);
  });
}

/** Tracks a child so it is killed when the test process exits. */
export function track(proc: ChildProcess): void {
  installExitHook();
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
}

let checked = false;

function requireRedisServer(): void {
  if (checked) return;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'latin1' });
  if (probe.error !== undefined) {
    throw new Error(
      `redis-server is not available (${probe.error.message}). The compat tests compare mnemo with a real ` +
        'Redis 7.0: install it (Debian/Ubuntu: apt-get install redis-server) so that `redis-server` is on PATH.',
    );
  }
  checked = true;
}

/** Starts redis-server with `extraArgs` appended (e.g. ['--databases', '4']). */
export async function startRedis(extraArgs: readonly string[] = []): Promise<RedisServer> {
  requireRedisServer();
  let lastError: unknown;
  // A port picked by freePort can be taken by someone else before redis binds it: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...extraArgs,
    ];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(proc);
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString('latin1')));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString('latin1')));
    try {
      await waitForPing(port, proc, `redis-server ${args.join(' ')}`, () => output.slice(-2000));
    } catch (err) {
      lastError = err;
      await killProcess(proc);
      continue;
    }
    return { port, proc, stop: () => killProcess(proc) };
  }
  throw lastError;
}
