/**
 * The network server: listens on the configured addresses, turns each accepted socket into a
 * ClientConnection on one shared Instance, enforces maxclients, and shuts down cleanly (stop
 * accepting, flush every client's pending replies, close). This module and its neighbours are
 * the only code that touches node:net.
 */

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Instance } from '../commands/instance.js';
import { Config, MNEMO_VERSION } from '../config/config.js';
import type { Clock } from '../engine/clock.js';
import { allCommands } from '../families/index.js';

import { Persistence } from '../persistence/manager.js';
import { ClientConnection } from './connection.js';
import { Logger } from './log.js';

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Defaults to the config's `port`. */
  port?: number;
  /** Address(es) to bind. Defaults to the config's `bind`. */
  host?: string | string[];
  config?: Config;
  clock?: Clock;
  /** Path of the config file the server was started with (INFO config_file, CONFIG REWRITE). */
  configFile?: string;
  /** Log lines go here; defaults to the config's logfile/loglevel. Pass `silent: true` to mute. */
  silent?: boolean;
  /** Called when a client asks the server to shut down (SHUTDOWN); defaults to closing it. */
  onShutdown?: () => void;
}

export interface RunningServer {
  host: string;
  port: number;
  instance: Instance;
  persistence: Persistence;
  /** Stops accepting, sends pending replies, closes every connection. Does not save. */
  close(): Promise<void>;
  /**
   * Redis's prepareForShutdown: saves when asked (or by default when save points exist), then
   * closes. Resolves with an error text instead when the save failed (the server stays up).
   */
  shutdown(save?: boolean | null): Promise<string | undefined>;
}

/** Parses `bind` ("127.0.0.1 -::1"): a leading '-' marks an address that may be unavailable. */
function bindAddresses(spec: string | string[]): Array<{ host: string; optional: boolean }> {
  const list = Array.isArray(spec) ? spec : spec.split(/\s+/).filter((s) => s !== '');
  return list.map((a) => {
    const optional = a.startsWith('-');
    let host = optional ? a.slice(1) : a;
    if (host === '*') host = '0.0.0.0';
    else if (host === '::*') host = '::';
    return { host, optional };
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = options.config ?? Config.defaults();
  const log = new Logger(config.string('loglevel'), options.silent ? '' : config.string('logfile'));
  if (options.silent) log.level = 'silent';
  const instance = new Instance({
    config,
    commands: allCommands,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const persistence = new Persistence(instance, log);
  try {
    persistence.loadAtStartup();
  } catch (err) {
    instance.close();
    throw new Error(`Fatal error loading the DB (${persistence.rdbPath}): ${(err as Error).message}`);
  }
  const connections = new Set<ClientConnection>();
  // One limits object shared by every parser, so CONFIG SET proto-max-bulk-len applies at once.
  const limits = { maxBulkLen: config.number('proto-max-bulk-len') };
  config.onChange('proto-max-bulk-len', () => {
    limits.maxBulkLen = config.number('proto-max-bulk-len');
  });
  config.onChange('loglevel', (v) => {
    if (!options.silent) log.level = v;
  });
  // Redis's clientsCronHandleTimeout: close clients idle longer than `timeout` seconds (0 =
  // never), in whole seconds as Redis counts them. Blocked clients (BLPOP, CLIENT PAUSE),
  // subscribers and monitors wait on purpose and are never closed for it.
  instance.cronHooks.push(() => {
    const timeout = config.number('timeout');
    if (timeout <= 0) return;
    const now = Math.floor(instance.ks.clock.now() / 1000);
    for (const conn of connections) {
      const c = conn.client;
      if (c.blocked !== null || c.postponed !== null || c.inPubSub || c.monitor) continue;
      if (now - Math.floor(c.lastInteraction / 1000) > timeout) {
        log.verbose('Closing idle client');
        conn.close(false);
      }
    }
  });
  const servers: Server[] = [];
  let port = options.port ?? config.number('port');
  let closed = false;

  const onConnection = (socket: Socket) => {
    if (connections.size >= config.number('maxclients')) {
      instance.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      socket.on('error', () => {});
      return;
    }
    const conn = new ClientConnection(socket, instance, log, (c) => connections.delete(c), limits);
    connections.add(conn);
  };

  const addresses = bindAddresses(options.host ?? config.string('bind'));
  let firstHost = '';
  for (const { host, optional } of addresses) {
    const server = createServer({ noDelay: true }, onConnection);
    try {
      await listen(server, port, host);
    } catch (err) {
      if (optional) continue;
      for (const s of servers) s.close();
      instance.close();
      throw err;
    }
    server.on('error', (err) => log.warning(`Server error: ${err.message}`));
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') {
      if (port === 0) port = addr.port; // every other address listens on the same port
      if (firstHost === '') firstHost = addr.address;
    }
    servers.push(server);
  }
  if (servers.length === 0) {
    instance.close();
    throw new Error(`could not bind any of: ${addresses.map((a) => a.host).join(' ')}`);
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    instance.close();
    const stopped = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const conn of connections) conn.shutdown();
    await stopped;
  };

  instance.server = {
    tcpPort: port,
    configFile: options.configFile ?? '',
    executable: process.argv[1] ?? '',
    shutdown: ({ save, force }) => {
      log.warning('User requested shutdown...');
      const err = persistence.saveOnShutdown(save);
      if (err !== undefined && !force) return err;
      if (options.onShutdown) options.onShutdown();
      else void close();
      return undefined;
    },
    rewriteConfig: () => {
      const file = options.configFile;
      if (file === undefined || file === '') return 'ERR The server is running without a config file';
      try {
        let original: string | undefined;
        try {
          original = readFileSync(file, 'latin1');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        // Write beside the file and rename over it, so a crash never leaves half a config.
        const tmp = `${file}.tmp-${process.pid}`;
        writeFileSync(tmp, config.rewrite(file, original), 'latin1');
        renameSync(tmp, file);
        log.notice('CONFIG REWRITE executed with success.');
        return undefined;
      } catch (err) {
        return `ERR Rewriting config file: ${(err as Error).message}`;
      }
    },
    clientBufferStats: () => {
      let maxInput = 0;
      let maxOutput = 0;
      for (const conn of connections) {
        maxInput = Math.max(maxInput, conn.queryBufferBytes());
        maxOutput = Math.max(maxOutput, conn.outputBufferBytes());
      }
      return { maxInput, maxOutput };
    },
  };

  const where = servers.map((srv) => {
    const a = srv.address();
    if (a === null || typeof a !== 'object') return '';
    return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  });
  log.notice(
    `mnemo ${MNEMO_VERSION} ready to accept connections on ${where.join(', ')} (pid ${process.pid})`,
  );
  const shutdown = async (save: boolean | null = null): Promise<string | undefined> => {
    const err = persistence.saveOnShutdown(save);
    if (err !== undefined) return err;
    await close();
    return undefined;
  };
  return { host: firstHost, port, instance, persistence, close, shutdown };
}
