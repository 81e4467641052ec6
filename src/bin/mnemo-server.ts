#!/usr/bin/env node
/**
 * mnemo-server: the executable. Configured like redis-server (`mnemo-server [config-file]
 * [--directive value ...]`), it loads the configuration, starts the server, and stops on
 * SIGINT/SIGTERM after flushing replies, exiting 0. A bad configuration exits 1 with the
 * reason on stderr.
 */

import { readFileSync } from 'node:fs';
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
  let stopping = false;
  const server = await startServer({
    config: loaded.config,
    ...(loaded.configFile !== undefined ? { configFile: loaded.configFile } : {}),
    commandRenames: loaded.deferred.filter((d) => d.name === 'rename-command'),
    onShutdown: () => stop('SHUTDOWN'),
  }).catch((err: Error) => {
    // A bad rename-command line is a config file error, reported like every other one.
    if (err instanceof ConfigLoadError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`Could not start mnemo: ${err.message}\n`);
    process.exit(1);
  });

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
        log.warning(`${reason} received but errors trying to shut down the server, check the logs for more information`);
        stopping = false;
        return;
      }
      log.warning('mnemo is now ready to exit, bye bye...');
      process.exit(0);
    });
  }
  process.on('SIGINT', () => stop('Received SIGINT'));
  process.on('SIGTERM', () => stop('Received SIGTERM'));
}

void main();
