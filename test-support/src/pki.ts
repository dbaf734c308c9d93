/** A throwaway PKI made with the openssl CLI, for tests that need real mutual TLS. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A server certificate from another CA (must be refused). */
  rogueCert: string;
  rogueKey: string;
  /** A client certificate from another CA. */
  rogueClientCert: string;
  rogueClientKey: string;
  /** The client certificate and key as PKCS#12, protected by `clientPfxPassphrase`. */
  clientPfx: Buffer;
  clientPfxPassphrase: string;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function ca(dir: string, name: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function leaf(dir: string, caName: string, name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.crt`,
    '-CAkey',
    `${caName}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'itsme-core-pki-'));
  ca(dir, 'ca');
  ca(dir, 'rogue-ca');
  const server = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
  const client = 'extendedKeyUsage=clientAuth\n';
  leaf(dir, 'ca', 'server', server);
  leaf(dir, 'ca', 'client', client);
  leaf(dir, 'rogue-ca', 'rogue', server);
  leaf(dir, 'rogue-ca', 'rogue-client', client);
  const clientPfxPassphrase = 'pkcs12-test-passphrase';
  openssl(dir, [
    'pkcs12',
    '-export',
    '-in',
    'client.crt',
    '-inkey',
    'client.key',
    '-out',
    'client.p12',
    '-passout',
    `pass:${clientPfxPassphrase}`,
  ]);
  const r = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caCert: r('ca.crt'),
    serverCert: r('server.crt'),
    serverKey: r('server.key'),
    clientCert: r('client.crt'),
    clientKey: r('client.key'),
    rogueCert: r('rogue.crt'),
    rogueKey: r('rogue.key'),
    rogueClientCert: r('rogue-client.crt'),
    rogueClientKey: r('rogue-client.key'),
    clientPfx: readFileSync(join(dir, 'client.p12')),
    clientPfxPassphrase,
  };
}
