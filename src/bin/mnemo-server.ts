#!/usr/bin/env node
/**
 * mnemo-server: the executable. Configured like redis-server (`mnemo-server [config-file]
 * [--directive value ...]`), it loads the configuration, starts the server, and stops on
 * SIGINT/SIGTERM after flushing replies, exiting 0. A bad configuration exits 1 with the
 * reason on stderr.
 *
 * The V8 heap limit: Node's default (about 4 GB) would abort the process long before a big
 * machine's memory or a large maxmemory is used. The limit is fixed when a V8 isolate is
 * created, so when the configured memory needs more (see wantedHeapBytes), the server runs in a
 * worker thread created with resourceLimits.maxOldGenerationSizeMb, rather than re-executing
 * Node with --max-old-space-size: the process, its pid (INFO process_id, the log lines), its
 * CPU time and a kill -9 stay one thing. The main thread then only relays SIGINT/SIGTERM to the
 * worker and exits with its exit code. An explicit --max-old-space-size (command line or
 * NODE_OPTIONS) is respected as given; the heap guard (commands/eviction.ts) still refuses
 * writes before that limit is reached.
 */

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { YOUNG_GENERATION } from '../commands/eviction.js';
import { ConfigLoadError, MNEMO_VERSION } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { REDIS_VERSION } from '../families/connection.js';

import { startServer } from '../server/index.js';
import { Logger } from '../server/log.js';

const USAGE = `Usage: mnemo-server [/path/to/mnemo.conf] [options]
       mnemo-server -v or --version
       mnemo-server -h or --help

Options are configuration directives with two leading dashes, as for redis-server:
       mnemo-server --port 7000
       mnemo-server ./mnemo.conf --port 7000 --loglevel verbose
Defaults: bind 127.0.0.1 -::1, port 6379.`;

const MB = 1024 * 1024;

/**
 * The heap limit the configuration calls for: with maxmemory, room for twice that (V8 needs
 * space for garbage between collections) plus 256 MB; without, 75% of the machine's memory.
 */
function wantedHeapBytes(maxmemory: number, machine = totalmem()): number {
  if (maxmemory <= 0) return Math.floor(machine * 0.75);
  return Math.min(maxmemory * 2 + 256 * MB, Math.max(machine * 0.9, maxmemory * 1.25 + 256 * MB));
}

/** Whether the heap size was chosen explicitly for this Node process. */
function heapSizeGiven(): boolean {
  const given = (s: string) => /--max[-_]old[-_]space[-_]size/.test(s);
  return process.execArgv.some(given) || given(process.env.NODE_OPTIONS ?? '');
}

/**
 * The worker's young generation: V8's own size for a large heap (three 16 MB semi-spaces), set
 * explicitly so that it matches what the heap guard reserves for it. It was 12 MB while stored
 * values were strings on the heap (each SET's value survived its scavenge, so a bigger young
 * generation meant longer pauses); now that small values live in the key slab, a scavenge
 * copies little and its cost is mostly fixed, so fewer of them is what counts: at pipeline 1
 * (50 clients, SET and GET) 26 scavenges per 400k requests instead of 99, 13 ms of pauses in
 * all instead of 39, for 24 MB more RSS (docs/benchmarks.md, optimisation log).
 */
const YOUNG_GENERATION_MB = YOUNG_GENERATION / MB;

/** Runs this same script in a worker with a heap of `bytes`; the process ends with the worker. */
function runInWorker(bytes: number): void {
  const worker = new Worker(new URL(import.meta.url), {
    argv: process.argv.slice(2),
    resourceLimits: {
      maxOldGenerationSizeMb: Math.ceil(bytes / MB),
      maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => worker.postMessage({ signal }));
  }
  worker.on('error', (err: Error & { code?: string }) => {
    const why = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the V8 heap limit was reached' : err.stack;
    process.stderr.write(`mnemo stopped: ${why ?? err.message}\n`);
  });
  worker.on('exit', (code) => process.exit(code));
}

async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(process.argv.slice(2), (path) => readFileSync(path, 'latin1'));
  } catch (err) {
    if (err instanceof ConfigLoadError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (loaded.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (loaded.version) {
    process.stdout.write(
      `mnemo server v=${MNEMO_VERSION} redis-compat=${REDIS_VERSION} node=${process.versions.node}\n`,
    );
    return;
  }
  if (isMainThread && !heapSizeGiven()) {
    const wanted = wantedHeapBytes(loaded.config.number('maxmemory'));
    if (getHeapStatistics().heap_size_limit < wanted) {
      runInWorker(wanted);
      return;
    }
  }
  let stopping = false;
  const server = await startServer({
    config: loaded.config,
    ...(loaded.configFile !== undefined ? { configFile: loaded.configFile } : {}),
    commandRenames: loaded.deferred.filter((d) => d.name === 'rename-command'),
    users: loaded.deferred.filter((d) => d.name === 'user'),
    onShutdown: () => stop('SHUTDOWN'),
  }).catch((err: Error) => {
    // A bad rename-command line is a config file error, reported like every other one.
    if (err instanceof ConfigLoadError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`Could not start mnemo: ${err.message}\n`);
    process.exit(1);
  });

  // As Redis's createPidFile: written once listening, removed on a clean exit; a failure is logged.
  const pidfile = loaded.config.string('pidfile');
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (err) {
      new Logger(loaded.config.string('loglevel'), loaded.config.string('logfile')).warning(
        `Failed to write PID file: ${(err as Error).message}`,
      );
    }
  }

  function stop(reason: string): void {
    if (stopping) return;
    stopping = true;
    const log = new Logger(loaded.config.string('loglevel'), loaded.config.string('logfile'));
    log.warning(`${reason}, shutting down...`);
    // SHUTDOWN already saved (or was told not to); a signal saves as Redis does by default.
    const closing = reason === 'SHUTDOWN' ? server.close().then(() => undefined) : server.shutdown(null);
    void closing.then((err) => {
      if (err !== undefined) {
        // As Redis: a failed final save keeps the server running rather than losing data.
        log.warning(
          `${reason} received but errors trying to shut down the server, check the logs for more information`,
        );
        stopping = false;
        return;
      }
      if (pidfile !== '') rmSync(pidfile, { force: true });
      log.warning('mnemo is now ready to exit, bye bye...');
      process.exit(0);
    });
  }
  if (parentPort !== null) {
    // In a worker, signals reach the main thread, which passes them on.
    parentPort.on('message', (m: { signal?: string }) => {
      if (m.signal !== undefined) stop(`Received ${m.signal}`);
    });
  } else {
    process.on('SIGINT', () => stop('Received SIGINT'));
    process.on('SIGTERM', () => stop('Received SIGTERM'));
  }
}

void main();
