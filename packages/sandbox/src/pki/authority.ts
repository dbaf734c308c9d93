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
import { writeFileAtomic } from './fs.js';
import { DAY, type IssuedCertificate, issue, keyIds, selfSignedCa } from './issue.js';
import { loadOrIssueResponder, responderFile } from './responders.js';
import { type CaId, caUrls, pointAt } from './revocation-urls.js';

export { type IssuedCertificate, serialHex } from './issue.js';

export interface Pki {
  dir: string;
  root: IssuedCertificate;
  issuing: IssuedCertificate;
  server: IssuedCertificate;
  partner: IssuedCertificate;
  tsa: IssuedCertificate;
  /** The delegated OCSP signing certificate of each CA. */
  responders: Record<CaId, IssuedCertificate>;
  /** The front server the certificates' AIA and CRL distribution points name (absent: not pointed anywhere yet). */
  baseUrl?: string;
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
  /** The OCSP responder certificates (`openssl ocsp -VAfile`). */
  rootCaOcsp: string;
  issuingCaOcsp: string;
}

const NAMES = ['root-ca', 'issuing-ca', 'server', 'partner', 'tsa'] as const;
type PkiName = (typeof NAMES)[number];

async function generatePki(): Promise<Record<PkiName, IssuedCertificate>> {
  const root = await selfSignedCa(
    'CN=itsme Sandbox Root CA, O=itsme-sign sandbox (not a real CA), C=BE',
    3650,
  );
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

/**
 * Loads the PKI from `<dataDir>/pki`, generating (or regenerating, when expired) it first if needed, and adding the
 * OCSP responder certificates to a directory made before they existed. With `baseUrl`, the qualified CA and the TSA
 * certificates are made to point at that front server (AIA, CRL distribution points): re-issued with the same key
 * and serial, and stored, when they point elsewhere or nowhere (an older data directory).
 */
export async function loadOrCreatePki(dataDir: string, opts: { baseUrl?: string } = {}): Promise<Pki> {
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
  const root = certs['root-ca'];
  let issuing = certs['issuing-ca'];
  let tsa = certs.tsa;
  if (opts.baseUrl) {
    const urls = caUrls(opts.baseUrl, 'root-ca');
    issuing = await repointed(dir, 'issuing-ca', issuing, root, urls);
    tsa = await repointed(dir, 'tsa', tsa, root, urls);
  }
  return {
    dir,
    root,
    issuing,
    server: certs.server,
    partner: certs.partner,
    tsa,
    responders: {
      'root-ca': await loadOrIssueResponder(dir, 'root-ca', root),
      'issuing-ca': await loadOrIssueResponder(dir, 'issuing-ca', issuing),
    },
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    files: {
      ca: join(dir, 'ca.pem'),
      clientCert: join(dir, 'partner.pem'),
      clientKey: join(dir, 'partner.key.pem'),
      rootCa: join(dir, 'root-ca.pem'),
      issuingCa: join(dir, 'issuing-ca.pem'),
      tsaCert: join(dir, 'tsa.pem'),
      rootCaOcsp: responderFile(dir, 'root-ca'),
      issuingCaOcsp: responderFile(dir, 'issuing-ca'),
    },
  };
}

async function repointed(
  dir: string,
  name: PkiName,
  current: IssuedCertificate,
  issuer: IssuedCertificate,
  urls: ReturnType<typeof caUrls>,
): Promise<IssuedCertificate> {
  const cert = await pointAt(current.cert, issuer, urls);
  if (cert === current.cert) return current;
  const certPem = cert.toString('pem');
  await writeFileAtomic(join(dir, `${name}.pem`), certPem);
  return { cert, certPem, keyPem: current.keyPem };
}
