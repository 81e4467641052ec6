/**
 * TLS for client connections: turns the tls-* parameters into node:tls server options the way
 * Redis 7.0's tls.c configures OpenSSL (tlsConfigure / createSSLContext), with Redis's checks
 * and log texts for a bad configuration, a server-side session cache sized and timed by
 * tls-session-cache-size / -timeout, and the tls-auth-clients rule (yes: a client certificate
 * signed by the configured CA is required; optional: checked only when one is presented; no).
 * node:tls has no CA-directory lookup, so tls-ca-cert-dir is read once, at (re)configuration.
 */

import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, DEFAULT_CIPHERS, type TlsOptions, type Server as TlsServer } from 'node:tls';
import type { Config } from '../config/config.js';
import { errnoText } from '../config/load.js';

/** A configuration tlsConfigure() would refuse; the message is what Redis logs (warning). */
export class TlsConfigError extends Error {
  override readonly name = 'TlsConfigError';
}

/** Redis logs this after any TlsConfigError, then exits (start-up) or fails CONFIG SET. */
export const TLS_CONFIG_FAILED = 'Failed to configure TLS. Check logs for more info.';

export type TlsAuthClients = 'yes' | 'no' | 'optional';

export interface TlsSettings {
  /** Options for tls.createServer() / server.setSecureContext(). */
  readonly options: TlsOptions;
  readonly authClients: TlsAuthClients;
}

const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
const NO_VERSION = [
  cryptoConstants.SSL_OP_NO_TLSv1,
  cryptoConstants.SSL_OP_NO_TLSv1_1,
  cryptoConstants.SSL_OP_NO_TLSv1_2,
  cryptoConstants.SSL_OP_NO_TLSv1_3,
];

/**
 * tls-protocols as Redis's parseProtocolsConfig reads it: words separated by single spaces,
 * case-insensitive; unset means TLSv1.2 and TLSv1.3. node:tls takes a min/max range, so a set
 * with a hole ("TLSv1 TLSv1.2") also turns the missing version off with SSL_OP_NO_*.
 */
export function protocolRange(spec: string | null): {
  minVersion: (typeof VERSIONS)[number];
  maxVersion: (typeof VERSIONS)[number];
  secureOptions: number;
} {
  const wanted = new Set<number>();
  if (spec === null || spec === '') {
    wanted.add(2).add(3);
  } else {
    for (const word of spec.split(' ')) {
      const i = VERSIONS.findIndex((v) => v.toLowerCase() === word.toLowerCase());
      if (i < 0) {
        throw new TlsConfigError(
          "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
        );
      }
      wanted.add(i);
    }
  }
  const sorted = [...wanted].sort();
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  let secureOptions = 0;
  for (let i = lo; i <= hi; i++) if (!wanted.has(i)) secureOptions |= NO_VERSION[i]!;
  return { minVersion: VERSIONS[lo]!, maxVersion: VERSIONS[hi]!, secureOptions };
}

/** node's default lists, split the way OpenSSL keeps them: TLSv1.3 suites and the older ciphers. */
const DEFAULT_SUITES = DEFAULT_CIPHERS.split(':')
  .filter((c) => c.startsWith('TLS_'))
  .join(':');
const DEFAULT_LEGACY = DEFAULT_CIPHERS.split(':')
  .filter((c) => !c.startsWith('TLS_'))
  .join(':');

/**
 * node:tls takes one `ciphers` string for both OpenSSL lists (entries starting with TLS_ are
 * TLSv1.3 suites) and drops TLSv1.3 when no suite is listed, whereas Redis sets the two lists
 * separately and leaves the other at OpenSSL's default: the unset half keeps node's default.
 */
export function cipherString(ciphers: string | null, suites: string | null): string | undefined {
  if (ciphers === null && suites === null) return undefined;
  return `${suites ?? DEFAULT_SUITES}:${ciphers ?? DEFAULT_LEGACY}`;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsConfigError(`${what}: ${path}: ${errnoText(err)}`);
  }
}

/** Every certificate block in a PEM text, each checked to parse. */
function certificates(pem: string, origin: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch (err) {
      throw new TlsConfigError(
        `Failed to configure CA certificate(s) file/directory: ${origin}: ${(err as Error).message}`,
      );
    }
  }
  return blocks;
}

/** tls-ca-cert-file plus every certificate file of tls-ca-cert-dir (OpenSSL's CApath). */
function loadCa(file: string | null, dir: string | null): string[] {
  const ca: string[] = [];
  if (file !== null) {
    const found = certificates(
      readPem(file, 'Failed to configure CA certificate(s) file/directory').toString('latin1'),
      file,
    );
    if (found.length === 0) {
      throw new TlsConfigError(
        `Failed to configure CA certificate(s) file/directory: ${file}: no certificate found`,
      );
    }
    ca.push(...found);
  }
  if (dir !== null) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      throw new TlsConfigError(
        `Failed to configure CA certificate(s) file/directory: ${dir}: ${errnoText(err)}`,
      );
    }
    const seen = new Set<string>();
    for (const name of names) {
      let text: string;
      try {
        text = readFileSync(join(dir, name), 'latin1');
      } catch {
        continue; // subdirectories, dangling hash links: OpenSSL skips what it cannot read too
      }
      for (const cert of certificates(text, join(dir, name))) {
        // The c_rehash links and the files they point to hold the same certificates.
        if (!seen.has(cert)) ca.push(cert);
        seen.add(cert);
      }
    }
  }
  return ca;
}

/**
 * Reads and checks the TLS configuration, in tlsConfigure()'s order and with its log texts.
 * Throws TlsConfigError; nothing is changed until the caller installs the returned options.
 */
export function tlsSettings(config: Config): TlsSettings {
  const opt = (name: string): string | null => {
    const v = config.get(name);
    return v === undefined || v === '' ? null : v;
  };
  const certFile = opt('tls-cert-file');
  const keyFile = opt('tls-key-file');
  if (certFile === null) throw new TlsConfigError('No tls-cert-file configured!');
  if (keyFile === null) throw new TlsConfigError('No tls-key-file configured!');
  const authClients = config.string('tls-auth-clients') as TlsAuthClients;
  const caFile = opt('tls-ca-cert-file');
  const caDir = opt('tls-ca-cert-dir');
  if (
    (authClients !== 'no' || config.bool('tls-cluster') || config.bool('tls-replication')) &&
    caFile === null &&
    caDir === null
  ) {
    throw new TlsConfigError(
      'Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!',
    );
  }
  const range = protocolRange(opt('tls-protocols'));

  const cert = readPem(certFile, 'Failed to load certificate');
  try {
    createSecureContext({ cert });
  } catch (err) {
    throw new TlsConfigError(`Failed to load certificate: ${certFile}: ${(err as Error).message}`);
  }
  const key = readPem(keyFile, 'Failed to load private key');
  const passphrase = opt('tls-key-file-pass') ?? undefined;
  try {
    // With the certificate, so a key that does not match it fails here, as in OpenSSL.
    createSecureContext({ cert, key, ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (err) {
    throw new TlsConfigError(`Failed to load private key: ${keyFile}: ${(err as Error).message}`);
  }
  const ca = caFile !== null || caDir !== null ? loadCa(caFile, caDir) : undefined;

  const legacy = opt('tls-ciphers');
  const suites = opt('tls-ciphersuites');
  if (legacy !== null) {
    try {
      createSecureContext({ ciphers: `${DEFAULT_SUITES}:${legacy}` });
    } catch {
      throw new TlsConfigError(`Failed to configure ciphers: ${legacy}`);
    }
  }
  if (suites !== null) {
    // Only TLS_ names are suites; anything else would be read as a legacy cipher by node.
    const bad = suites.split(':').some((s) => s !== '' && !s.startsWith('TLS_'));
    try {
      if (bad) throw new Error('not a TLSv1.3 suite');
      createSecureContext({ ciphers: `${suites}:${DEFAULT_LEGACY}` });
    } catch {
      throw new TlsConfigError(`Failed to configure ciphersuites: ${suites}`);
    }
  }

  let dhparam: Buffer | undefined;
  const dhFile = opt('tls-dh-params-file');
  if (dhFile !== null) {
    try {
      dhparam = readFileSync(dhFile);
    } catch (err) {
      throw new TlsConfigError(`Failed to load ${dhFile}: ${errnoText(err)}`);
    }
    try {
      createSecureContext({ dhparam });
    } catch (err) {
      throw new TlsConfigError(`Failed to load DH params file: ${dhFile}: ${(err as Error).message}`);
    }
  }

  const ciphers = cipherString(legacy, suites);
  const options: TlsOptions = {
    cert,
    key,
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(ca !== undefined ? { ca } : {}),
    ...(ciphers !== undefined ? { ciphers } : {}),
    ...(dhparam !== undefined ? { dhparam } : {}),
    minVersion: range.minVersion,
    maxVersion: range.maxVersion,
    // Redis sets SSL_OP_NO_CLIENT_RENEGOTIATION; node's closest is refusing renegotiation.
    secureOptions: range.secureOptions | cryptoConstants.SSL_OP_NO_RENEGOTIATION,
    honorCipherOrder: config.bool('tls-prefer-server-ciphers'),
    sessionTimeout: config.number('tls-session-cache-timeout'),
    requestCert: authClients !== 'no',
    // optional: the certificate, when there is one, is judged after the handshake (see admit).
    rejectUnauthorized: authClients === 'yes',
    noDelay: true,
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new TlsConfigError(`Failed to load certificate: ${certFile}: ${(err as Error).message}`);
  }
  return { options, authClients };
}

/**
 * The server-side session cache (OpenSSL's SSL_SESS_CACHE_SERVER, which node leaves to the
 * application): session ids to session data, bounded by tls-session-cache-size (0 = no bound,
 * as in OpenSSL), entries expiring after tls-session-cache-timeout seconds. Off when
 * tls-session-caching is no. Session tickets do not go through it, as in Redis.
 */
export class TlsSessionCache {
  private readonly sessions = new Map<string, { data: Buffer; expires: number }>();

  constructor(private readonly config: Config) {}

  get size(): number {
    return this.sessions.size;
  }

  attach(server: TlsServer): void {
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      this.store(id, data);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
      done(null, this.lookup(id));
    });
  }

  private store(id: Buffer, data: Buffer): void {
    if (!this.config.bool('tls-session-caching')) return;
    const max = this.config.number('tls-session-cache-size');
    const key = id.toString('hex');
    this.sessions.delete(key);
    this.sessions.set(key, {
      data,
      expires: Date.now() + this.config.number('tls-session-cache-timeout') * 1000,
    });
    // A Map iterates in insertion order: the first entries are the oldest.
    while (max > 0 && this.sessions.size > max) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }

  private lookup(id: Buffer): Buffer | null {
    if (!this.config.bool('tls-session-caching')) return null;
    const key = id.toString('hex');
    const hit = this.sessions.get(key);
    if (hit === undefined) return null;
    if (hit.expires <= Date.now()) {
      this.sessions.delete(key);
      return null;
    }
    return hit.data;
  }

  clear(): void {
    this.sessions.clear();
  }
}

/**
 * An OpenSSL error as Redis logs it (ERR_error_string_n: `error:0A0000C7:SSL routines::peer did
 * not return a certificate`) rather than node's multi-line form with source locations.
 */
export function opensslErrorText(err: Error): string {
  const e = err as Error & { library?: string; reason?: string };
  const code = /error:([0-9A-F]{8}):/.exec(err.message)?.[1];
  if (code !== undefined && e.library !== undefined && e.reason !== undefined) {
    return `error:${code}:${e.library}::${e.reason}`;
  }
  return err.message.split('\n')[0]!.trim();
}

/** Parameters whose change rebuilds the TLS context (Redis's applyTlsCfg). */
export const TLS_PARAMS = [
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-auth-clients',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
  'tls-prefer-server-ciphers',
  'tls-session-caching',
  'tls-session-cache-size',
  'tls-session-cache-timeout',
  'tls-dh-params-file',
] as const;
