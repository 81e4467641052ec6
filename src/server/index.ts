/**
 * The network server: listens on the configured addresses, turns each accepted socket into a
 * ClientConnection on one shared Instance, enforces maxclients and protected mode, serves TLS
 * beside (or instead of) plain TCP on `tls-port`, applies rename-command, and shuts down cleanly
 * (stop accepting, flush every client's pending replies, close). This module and its
 * neighbours are the only code that touches node:net and node:tls.
 */

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Instance } from '../commands/instance.js';
import { Config, ConfigLoadError, type Directive, MNEMO_VERSION } from '../config/config.js';
import { errnoText } from '../config/load.js';
import type { Clock } from '../engine/clock.js';
import { allCommands } from '../families/index.js';

import { Persistence } from '../persistence/manager.js';
import { ClientConnection, type ConnectionLimits } from './connection.js';
import { MAXCLIENTS_REACHED, PROTECTED_MODE_DENIED, protectedModeDenies, refuseSocket } from './limits.js';
import { Logger } from './log.js';
import {
  opensslErrorText,
  TLS_CONFIG_FAILED,
  TLS_PARAMS,
  TlsConfigError,
  TlsSessionCache,
  type TlsSettings,
  tlsSettings,
} from './tls.js';

export interface ServerOptions {
  /**
   * TCP port; 0 picks a free one; null: no plain TCP listener. Defaults to the config's `port`,
   * where 0 means none when `tls-port` is set (as in Redis) and a free port otherwise.
   */
  port?: number | null;
  /** TLS port; 0 picks a free one. Defaults to the config's `tls-port` (0 there: no TLS). */
  tlsPort?: number;
  /** The config file's `rename-command` lines (loadConfig's `deferred`), applied at start-up. */
  commandRenames?: readonly Directive[];
  /** The config file's `user` lines (loadConfig's `deferred`): ACL users created at start-up. */
  users?: readonly Directive[];
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
  /** The plain TCP port, 0 when there is no plain listener. */
  port: number;
  /** The TLS port, 0 when there is no TLS listener. */
  tlsPort: number;
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

function listen(server: Server, port: number, host: string, backlog: number): Promise<void> {
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
    server.listen({ port, host, exclusive: true, backlog });
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
    // The server owns its process: used_memory is the process's live memory (commands/memory.ts).
    memory: 'process',
  });
  for (const d of options.commandRenames ?? []) {
    if (d.name !== 'rename-command' || d.args.length !== 2) continue;
    const err = instance.commands.renameFromConfig(d.args[0]!, d.args[1]!);
    if (err !== undefined) {
      instance.close();
      throw new ConfigLoadError(err, d.line, d.raw);
    }
  }
  // The ACL file lives on disk; relative paths start from `dir`, where Redis runs.
  instance.acl.files = {
    read: (path) => {
      try {
        return readFileSync(resolvePath(config.string('dir'), path), 'latin1');
      } catch (err) {
        throw new Error(errnoText(err));
      }
    },
    write: (path, text) => {
      const file = resolvePath(config.string('dir'), path);
      const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
      try {
        writeFileSync(tmp, text, 'latin1');
        renameSync(tmp, file);
      } catch (err) {
        log.warning(`Writing ACL file for ACL SAVE: ${errnoText(err)}`);
        rmSync(tmp, { force: true });
        throw err;
      }
    },
  };
  // ACLLoadUsersAtStartup: `user` directives, then the ACL file, before the dataset loads.
  const aclError = instance.acl.loadAtStartup((options.users ?? []).map((d) => d.args));
  if (aclError !== null) {
    instance.close();
    throw new Error(aclError);
  }
  const persistence = new Persistence(instance, log);
  try {
    persistence.loadAtStartup();
  } catch (err) {
    instance.close();
    throw new Error(`Fatal error loading the DB (${persistence.loadSource}): ${(err as Error).message}`);
  }
  const connections = new Set<ClientConnection>();
  /** Called once the last connection closes (close() waits for it). */
  let onLastClosed: (() => void) | null = null;
  const dropConnection = (c: ClientConnection) => {
    connections.delete(c);
    if (connections.size === 0) onLastClosed?.();
  };
  // One limits object shared by every connection and parser, so CONFIG SET applies at once.
  const limits: ConnectionLimits = {
    maxBulkLen: config.number('proto-max-bulk-len'),
    queryBufferLimit: config.number('client-query-buffer-limit'),
  };
  config.onChange('proto-max-bulk-len', () => {
    limits.maxBulkLen = config.number('proto-max-bulk-len');
  });
  config.onChange('client-query-buffer-limit', () => {
    limits.queryBufferLimit = config.number('client-query-buffer-limit');
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
  const tlsServers: Server[] = [];
  const tlsWanted =
    options.tlsPort ?? (config.number('tls-port') === 0 ? undefined : config.number('tls-port'));
  const plainWanted =
    options.port === null
      ? undefined
      : (options.port ??
        (config.number('port') === 0 && tlsWanted !== undefined ? undefined : config.number('port')));
  let closed = false;

  /** A socket past the maxclients check: protected mode, then a client. */
  const admit = (socket: Socket, plain: boolean) => {
    if (protectedModeDenies(config, socket.remoteAddress, instance.acl.defaultUser.nopass)) {
      instance.stats.rejectedConnections++;
      refuseSocket(socket, PROTECTED_MODE_DENIED);
      return;
    }
    // tcp-keepalive (seconds, read per connection so CONFIG SET applies to new clients as in Redis).
    const keepalive = config.number('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const conn = plain
      ? ClientConnection.accept(socket, instance, log, dropConnection, limits)
      : new ClientConnection(socket, instance, log, dropConnection, limits);
    connections.add(conn);
  };

  const onConnection = (socket: Socket) => {
    // TLS clients still in their handshake count too, as they are clients in Redis already.
    if (connections.size + handshaking.size >= config.number('maxclients')) {
      instance.stats.rejectedConnections++;
      refuseSocket(socket, MAXCLIENTS_REACHED);
      return;
    }
    admit(socket, true);
  };

  // TLS: configured (and checked) before anything listens, as Redis's initListeners does.
  let tls: TlsSettings | null = null;
  const sessions = new TlsSessionCache(config);
  /** Raw sockets whose TLS handshake is under way: they count against maxclients. */
  const handshaking = new Set<Socket>();
  /** Raw sockets refused for maxclients: their aborted handshake is not worth a warning. */
  const dropped = new WeakSet<Socket>();
  if (tlsWanted !== undefined) {
    try {
      tls = tlsSettings(config);
    } catch (err) {
      if (!(err instanceof TlsConfigError)) throw err;
      log.warning(err.message);
      log.warning(TLS_CONFIG_FAILED);
      instance.close();
      throw new Error(`${err.message} ${TLS_CONFIG_FAILED}`);
    }
    // CONFIG SET of tls-* rebuilds the context once per command (several may change at once);
    // a bad configuration is logged and the current one stays.
    let reloadQueued = false;
    const reload = () => {
      if (reloadQueued) return;
      reloadQueued = true;
      queueMicrotask(() => {
        reloadQueued = false;
        try {
          const next = tlsSettings(config);
          for (const srv of tlsServers) {
            const t = srv as ReturnType<typeof createTlsServer> & {
              requestCert: boolean;
              rejectUnauthorized: boolean;
            };
            t.setSecureContext(next.options);
            // setSecureContext() leaves these two as the constructor set them; each handshake reads them.
            t.requestCert = next.options.requestCert === true;
            t.rejectUnauthorized = next.options.rejectUnauthorized === true;
          }
          tls = next;
          sessions.clear();
        } catch (err) {
          if (!(err instanceof TlsConfigError)) throw err;
          log.warning(err.message);
          log.warning('Unable to update TLS configuration. Check server logs.');
        }
      });
    };
    for (const name of TLS_PARAMS) config.onChange(name, reload);
  }
  const onTlsRaw = (raw: Socket) => {
    // Admission before the handshake (Redis's acceptCommonHandler): nothing can be written yet.
    if (connections.size + handshaking.size >= config.number('maxclients')) {
      instance.stats.rejectedConnections++;
      dropped.add(raw);
      raw.on('error', () => {});
      raw.destroy();
      return;
    }
    handshaking.add(raw);
    raw.once('close', () => handshaking.delete(raw));
  };
  const onSecure = (socket: TLSSocket) => {
    handshaking.delete((socket as unknown as { _parent: Socket })._parent);
    // tls-auth-clients optional: no certificate is fine, a certificate that fails is not.
    if (
      tls?.authClients === 'optional' &&
      !socket.authorized &&
      Object.keys(socket.getPeerCertificate()).length > 0
    ) {
      log.warning(`Error accepting a client connection: ${String(socket.authorizationError)}`);
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    admit(socket, false);
  };

  const addresses = bindAddresses(options.host ?? config.string('bind'));
  let firstHost = '';
  const kinds: Array<{ tls: boolean; port: number; list: Server[] }> = [];
  if (plainWanted !== undefined) kinds.push({ tls: false, port: plainWanted, list: servers });
  if (tlsWanted !== undefined) kinds.push({ tls: true, port: tlsWanted, list: tlsServers });
  for (const kind of kinds) {
    for (const { host, optional } of addresses) {
      let server: Server;
      if (kind.tls) {
        const srv = createTlsServer(tls!.options, onSecure);
        srv.on('connection', onTlsRaw);
        srv.on('tlsClientError', (err, socket) => {
          const raw = (socket as unknown as { _parent: Socket })._parent;
          handshaking.delete(raw);
          if (dropped.has(raw)) return;
          log.warning(`Error accepting a client connection: ${opensslErrorText(err)}`);
        });
        sessions.attach(srv);
        server = srv;
      } else {
        // Paused so that nothing is read before ClientConnection.accept() moves the handle.
        server = createServer({ noDelay: true, pauseOnConnect: true }, onConnection);
      }
      try {
        await listen(server, kind.port, host, config.number('tcp-backlog'));
      } catch (err) {
        if (optional) continue;
        for (const s of [...servers, ...tlsServers]) s.close();
        persistence.close();
        instance.close();
        throw err;
      }
      server.on('error', (err) => log.warning(`Server error: ${err.message}`));
      const addr = server.address();
      if (addr !== null && typeof addr === 'object') {
        if (kind.port === 0) kind.port = addr.port; // every other address listens on the same port
        if (firstHost === '') firstHost = addr.address;
      }
      kind.list.push(server);
    }
  }
  if (servers.length + tlsServers.length === 0) {
    persistence.close();
    instance.close();
    throw new Error(`could not bind any of: ${addresses.map((a) => a.host).join(' ')}`);
  }
  const port = servers.length > 0 ? kinds[0]!.port : 0;
  const tlsPort = tlsServers.length > 0 ? kinds[kinds.length - 1]!.port : 0;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    instance.close();
    const stopped = Promise.all(
      [...servers, ...tlsServers].map((s) => new Promise<void>((r) => s.close(() => r()))),
    );
    // A plain connection is not in its server's count once accepted (ClientConnection.accept),
    // so the listeners' close() does not wait for it: this does.
    const drained = connections.size === 0 ? Promise.resolve() : new Promise<void>((r) => (onLastClosed = r));
    for (const raw of handshaking) raw.destroy();
    for (const conn of connections) conn.shutdown();
    persistence.close();
    await Promise.all([stopped, drained]);
  };

  instance.server = {
    tcpPort: port,
    configFile: options.configFile ?? '',
    executable: process.argv[1] ?? '',
    shutdown: ({ save, force }) => {
      log.warning('User requested shutdown...');
      const err = persistence.saveOnShutdown(save, force);
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
        const users = instance.acl.configUserLines();
        writeFileSync(tmp, config.rewrite(file, original, { users }), 'latin1');
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

  const where = [...servers, ...tlsServers].map((srv) => {
    const a = srv.address();
    if (a === null || typeof a !== 'object') return '';
    const at = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    return tlsServers.includes(srv) ? `${at} (TLS)` : at;
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
  return { host: firstHost, port, tlsPort, instance, persistence, close, shutdown };
}
