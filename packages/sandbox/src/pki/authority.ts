/**
 * The sandbox PKI: a root CA, an issuing CA for qualified signing certificates ("itsme Sandbox Qualified CA"),
 * the B2B server's TLS certificate, the partner's client certificate and a TSA certificate.
 * Generated once into `<dataDir>/pki` (atomically: built in a temp folder, then renamed) and reused afterwards.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { x509 } from '../crypto-provider.js';
import { generateKeyPairPem, importSigningKey } from './keys.js';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
}

export interface Pki {
  dir: string;
  root: IssuedCertificate;
  issuing: IssuedCertificate;
  server: IssuedCertificate;
  partner: IssuedCertificate;
  tsa: IssuedCertificate;
  files: PkiFiles;
}

/** Paths of the PEM files in the data directory. */
export interface PkiFiles {
  ca: string;
  clientCert: string;
  clientKey: string;
  rootCa: string;
  issuingCa: string;
  tsaCert: string;
}

const NAMES = ['root-ca', 'issuing-ca', 'server', 'partner', 'tsa'] as const;
type PkiName = (typeof NAMES)[number];

const DAY = 86_400_000;
const SIGNING_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

export function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

async function issue(opts: {
  subject: string;
  issuer?: IssuedCertificate;
  days: number;
  extensions: (publicKeyDer: Uint8Array<ArrayBuffer>) => Promise<x509.Extension[]>;
}): Promise<IssuedCertificate> {
  const keys = await generateKeyPairPem('rsa');
  const signingKeyPem = opts.issuer?.keyPem ?? keys.privateKeyPem;
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject: opts.subject,
    issuer: opts.issuer ? opts.issuer.cert.subject : opts.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + opts.days * DAY),
    publicKey: keys.publicKeyDer,
    signingKey: await importSigningKey(signingKeyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: await opts.extensions(keys.publicKeyDer),
  });
  return { cert, certPem: cert.toString('pem'), keyPem: keys.privateKeyPem };
}

async function keyIds(
  publicKeyDer: Uint8Array<ArrayBuffer>,
  issuer?: IssuedCertificate,
): Promise<x509.Extension[]> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKeyDer);
  const aki = issuer
    ? await x509.AuthorityKeyIdentifierExtension.create(issuer.cert)
    : new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return [ski, aki];
}

async function generatePki(): Promise<Record<PkiName, IssuedCertificate>> {
  const root = await issue({
    subject: 'CN=itsme Sandbox Root CA, O=itsme-sign sandbox (not a real CA), C=BE',
    days: 3650,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ...(await keyIds(pub)),
    ],
  });
  const issuing = await issue({
    subject: 'CN=itsme Sandbox Qualified CA, O=itsme-sign sandbox (not a real CA), C=BE',
    issuer: root,
    days: 1825,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ...(await keyIds(pub, root)),
    ],
  });
  const server = await issue({
    subject: 'CN=localhost, O=itsme-sign sandbox B2B, C=BE',
    issuer: root,
    days: 825,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      ...(await keyIds(pub, root)),
    ],
  });
  const partner = await issue({
    subject: 'CN=DEMO partner, O=itsme-sign sandbox partner, C=BE',
    issuer: root,
    days: 825,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ...(await keyIds(pub, root)),
    ],
  });
  const tsa = await issue({
    subject: 'CN=itsme Sandbox TSA, O=itsme-sign sandbox (not a real TSA), C=BE',
    issuer: root,
    days: 825,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true),
      ...(await keyIds(pub, root)),
    ],
  });
  return { 'root-ca': root, 'issuing-ca': issuing, server, partner, tsa };
}

async function load(dir: string): Promise<Record<PkiName, IssuedCertificate> | undefined> {
  if (!existsSync(join(dir, 'tsa.key.pem'))) return undefined;
  const out = {} as Record<PkiName, IssuedCertificate>;
  const soon = Date.now() + DAY;
  for (const name of NAMES) {
    const certPem = await readFile(join(dir, `${name}.pem`), 'utf8');
    const keyPem = await readFile(join(dir, `${name}.key.pem`), 'utf8');
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() < soon) return undefined;
    out[name] = { cert, certPem, keyPem };
  }
  return out;
}

/** Loads the PKI from `<dataDir>/pki`, generating (or regenerating, when expired) it first if needed. */
export async function loadOrCreatePki(dataDir: string): Promise<Pki> {
  const dir = join(dataDir, 'pki');
  let certs = await load(dir);
  if (!certs) {
    await mkdir(dataDir, { recursive: true });
    if (existsSync(dir)) await rename(dir, join(dataDir, `pki-old-${Date.now()}`)).catch(() => undefined);
    const tmp = join(dataDir, `.pki-tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    const generated = await generatePki();
    for (const name of NAMES) {
      await writeFile(join(tmp, `${name}.pem`), generated[name].certPem);
      await writeFile(join(tmp, `${name}.key.pem`), generated[name].keyPem, { mode: 0o600 });
    }
    await writeFile(join(tmp, 'ca.pem'), generated['root-ca'].certPem);
    try {
      await rename(tmp, dir);
    } catch {
      // Another process won the race: use its PKI.
      await rm(tmp, { recursive: true, force: true });
    }
    certs = await load(dir);
    if (!certs) throw new Error(`itsme sandbox: could not load the PKI from ${dir}`);
  }
  return {
    dir,
    root: certs['root-ca'],
    issuing: certs['issuing-ca'],
    server: certs.server,
    partner: certs.partner,
    tsa: certs.tsa,
    files: {
      ca: join(dir, 'ca.pem'),
      clientCert: join(dir, 'partner.pem'),
      clientKey: join(dir, 'partner.key.pem'),
      rootCa: join(dir, 'root-ca.pem'),
      issuingCa: join(dir, 'issuing-ca.pem'),
      tsaCert: join(dir, 'tsa.pem'),
    },
  };
}
