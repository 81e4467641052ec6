/**
 * Test certificates made at test time with the openssl command line, in a fresh temporary
 * directory: a CA, a server certificate for 127.0.0.1/localhost signed by it (plus a copy of its
 * key encrypted with a passphrase), a client certificate signed by it, a second "rogue" CA with a
 * client certificate the first CA does not trust, and a c_rehash-style CA directory. EC P-256
 * keys keep generation fast. remove() deletes the directory.
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** serverKey encrypted (AES-256) with `keyPass`. */
  serverKeyEncrypted: string;
  keyPass: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by a CA the server does not trust. */
  rogueCert: string;
  rogueKey: string;
  /** A directory holding the CA under its subject-hash name, for tls-ca-cert-dir. */
  caDir: string;
  /** File contents, for clients that take PEM text (ioredis, node:tls). */
  pem(path: string): Buffer;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'latin1' });
  if (r.error !== undefined) throw new Error(`openssl is not available: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function selfSignedCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
}

function signed(dir: string, name: string, ca: string, cn: string, ext?: string): void {
  openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  const args = [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
  ];
  args.push('-out', `${name}.crt`, '-days', '2');
  if (ext !== undefined) args.push('-extfile', ext);
  openssl(args, dir);
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-tls-'));
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  selfSignedCa(dir, 'ca');
  signed(dir, 'server', 'ca', 'localhost', 'server.ext');
  signed(dir, 'client', 'ca', 'mnemo-test-client');
  selfSignedCa(dir, 'rogue-ca');
  signed(dir, 'rogue', 'rogue-ca', 'mnemo-rogue-client');
  const keyPass = 'correct horse battery staple';
  openssl(
    ['pkey', '-in', 'server.key', '-aes256', '-passout', `pass:${keyPass}`, '-out', 'server-enc.key'],
    dir,
  );
  const caDir = join(dir, 'cadir');
  mkdirSync(caDir);
  const hash = spawnSync('openssl', ['x509', '-in', join(dir, 'ca.crt'), '-noout', '-subject_hash'], {
    encoding: 'latin1',
  }).stdout.trim();
  copyFileSync(join(dir, 'ca.crt'), join(caDir, `${hash}.0`));
  const p = (name: string) => join(dir, name);
  return {
    dir,
    caCert: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    serverKeyEncrypted: p('server-enc.key'),
    keyPass,
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.crt'),
    rogueKey: p('rogue.key'),
    caDir,
    pem: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
