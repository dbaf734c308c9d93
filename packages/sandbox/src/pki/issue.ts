/** Certificate issuance shared by the sandbox PKI: serials, key identifiers, one `issue()` for a fresh key pair. */
import { randomBytes } from 'node:crypto';
import { x509 } from '../crypto-provider.js';
import { generateKeyPairPem, importSigningKey } from './keys.js';

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
}

export const DAY = 86_400_000;
export const SIGNING_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

export function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

export async function issue(opts: {
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
    issuer: opts.issuer ? opts.issuer.cert.subjectName : opts.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + opts.days * DAY),
    publicKey: keys.publicKeyDer,
    signingKey: await importSigningKey(signingKeyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: await opts.extensions(keys.publicKeyDer),
  });
  return { cert, certPem: cert.toString('pem'), keyPem: keys.privateKeyPem };
}

export async function keyIds(
  publicKeyDer: Uint8Array<ArrayBuffer>,
  issuer?: IssuedCertificate,
): Promise<x509.Extension[]> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKeyDer);
  const aki = issuer
    ? await x509.AuthorityKeyIdentifierExtension.create(issuer.cert)
    : new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return [ski, aki];
}

/** A self-signed CA certificate (basicConstraints CA, keyCertSign + cRLSign). */
export function selfSignedCa(subject: string, days: number): Promise<IssuedCertificate> {
  return issue({
    subject,
    days,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ...(await keyIds(pub)),
    ],
  });
}
