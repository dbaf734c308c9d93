/**
 * A throw-away PKI for tests: root CA → issuing CA → users (RSA and EC, nonRepudiation), an expired user,
 * a user of an untrusted root, and a TSA certificate. Also "itsme®-like" signing from the digest alone.
 */
import { execFileSync } from 'node:child_process';
import { constants, KeyObject, privateEncrypt, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const OUTPUT_DIR = new URL('../../test-output/', import.meta.url).pathname;

export interface TestIdentity {
  certPem: string;
  /** Leaf first, without the root. */
  chain: string[];
  key: KeyObject;
  keys: CryptoKeyPair;
  kind: 'rsa' | 'ec';
}

export interface TestPki {
  international: TestIdentity[];
  rootPem: string;
  rootFile: string;
  rsa: TestIdentity;
  ec: TestIdentity;
  expired: TestIdentity;
  /** Chains to a root that is not a trust anchor. */
  untrusted: TestIdentity;
  tsa: TestIdentity;
}

const RSA: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC: EcKeyGenParams & { hash: string } = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

const keyPair = (kind: 'rsa' | 'ec') =>
  webcrypto.subtle.generateKey(kind === 'rsa' ? RSA : EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

let serial = 1;
const DAY = 86_400_000;

async function issue(opts: {
  subject: string;
  keys: CryptoKeyPair;
  issuer?: { cert: x509.X509Certificate; keys: CryptoKeyPair };
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: x509.Extension[];
}): Promise<x509.X509Certificate> {
  const signingKeys = opts.issuer?.keys ?? opts.keys;
  const alg = signingKeys.privateKey.algorithm.name === 'ECDSA' ? EC : RSA;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(!!opts.ca, undefined, true),
    new x509.KeyUsagesExtension(
      opts.ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(opts.keys.publicKey),
    ...(opts.extensions ?? []),
  ];
  if (opts.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(opts.issuer.cert));
  return x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0').padStart(6, '7'),
    subject: opts.subject,
    issuer: opts.issuer ? opts.issuer.cert.subject : opts.subject,
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 365 * DAY),
    signingAlgorithm: alg,
    publicKey: opts.keys.publicKey,
    signingKey: signingKeys.privateKey,
    extensions,
  });
}

async function identity(
  kind: 'rsa' | 'ec',
  subject: string,
  issuing: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  extra: { notBefore?: Date; notAfter?: Date; extensions?: x509.Extension[] } = {},
): Promise<TestIdentity> {
  const keys = await keyPair(kind);
  const cert = await issue({ subject, keys, issuer: issuing, ...extra });
  return {
    certPem: cert.toString('pem'),
    chain: [cert.toString('pem'), issuing.cert.toString('pem')],
    key: KeyObject.from(keys.privateKey),
    keys,
    kind,
  };
}

/** Builds the PKI once (a few hundred ms); also writes `root.pem` to test-output for the CLI tools. */
export async function createTestPki(name: string): Promise<TestPki> {
  const rootKeys = await keyPair('ec');
  const root = await issue({
    subject: 'CN=Test Root CA, O=itsme-sign tests, C=BE',
    keys: rootKeys,
    ca: true,
    notAfter: new Date(Date.now() + 3650 * DAY),
  });
  const caKeys = await keyPair('ec');
  const ca = await issue({
    subject: 'CN=Test Issuing CA, O=itsme-sign tests, C=BE',
    keys: caKeys,
    issuer: { cert: root, keys: rootKeys },
    ca: true,
  });
  const issuing = { cert: ca, keys: caKeys };
  const otherKeys = await keyPair('ec');
  const other = await issue({ subject: 'CN=Untrusted Root, C=BE', keys: otherKeys, ca: true });
  const dir = join(OUTPUT_DIR, name);
  mkdirSync(dir, { recursive: true });
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, root.toString('pem'));
  return {
    rootPem: root.toString('pem'),
    rootFile,
    rsa: await identity('rsa', 'CN=Alice Rsa, C=BE', issuing),
    ec: await identity('ec', 'CN=Bob Ec, C=BE', issuing),
    expired: await identity('ec', 'CN=Carol Expired, C=BE', issuing, {
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - 2 * DAY),
    }),
    untrusted: await identity('ec', 'CN=Mallory, C=BE', { cert: other, keys: otherKeys }),
    /** Names outside WinAnsi (Polish, Czech, Greek, Cyrillic), for visible signatures. */
    international: [
      await identity('ec', 'CN=Zażółć Gęślą Jaźń, C=PL', issuing),
      await identity('ec', 'CN=Příliš Žluťoučký Kůň, C=CZ', issuing),
      await identity('ec', 'CN=Αλέξανδρος Παπαδόπουλος, C=GR', issuing),
      await identity('ec', 'CN=Ярослава Шевченко, C=UA', issuing),
    ],
    tsa: await identity('ec', 'CN=Test TSA, O=itsme-sign tests, C=BE', issuing, {
      extensions: [new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.8'], true)],
    }),
  };
}

const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * Signs like itsme®: knowing only the SHA-256 digest (base64). RSA: PKCS#1 v1.5 over DigestInfo;
 * EC: ECDSA over the digest via `openssl pkeyutl` (node cannot sign a pre-computed hash), DER.
 */
export function signDigest(id: TestIdentity, digestBase64: string, ecFormat: 'der' | 'raw' = 'der'): string {
  const digest = Buffer.from(digestBase64, 'base64');
  if (id.kind === 'rsa') {
    return privateEncrypt(
      { key: id.key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]),
    ).toString('base64');
  }
  const keyFile = join(OUTPUT_DIR, `ec-key-${process.pid}.pem`);
  writeFileSync(keyFile, id.key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  const der = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile], { input: digest });
  if (ecFormat === 'der') return der.toString('base64');
  // DER Ecdsa-Sig-Value → raw r||s (32 bytes each), for the test that accepts both forms.
  const seq = asn1js.fromBER(der).result as asn1js.Sequence;
  const parts = seq.valueBlock.value.map((v) => {
    let b = Buffer.from((v as asn1js.Integer).valueBlock.valueHexView);
    while (b.length > 32 && b[0] === 0) b = b.subarray(1);
    return Buffer.concat([Buffer.alloc(32 - b.length), b]);
  });
  return Buffer.concat(parts).toString('base64');
}
