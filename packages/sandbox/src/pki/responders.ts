/**
 * Delegated OCSP responders (RFC 6960 §4.2.2.2): one certificate per CA, issued by that CA, with EKU
 * `id-kp-OCSPSigning` and `id-pkix-ocsp-nocheck` (a client does not check the responder's own revocation).
 * Kept in `<dataDir>/pki/<ca>-ocsp.pem` (added to a data directory made before they existed), and a throw-away
 * "rogue" CA with its own responder for the `untrusted` fault.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { x509 } from '../crypto-provider.js';
import { writeFileAtomic } from './fs.js';
import { DAY, type IssuedCertificate, issue, keyIds, selfSignedCa } from './issue.js';
import type { CaId } from './revocation-urls.js';

export const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
export const OID_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

const RESPONDER_DAYS = 398;

function responderSubject(ca: IssuedCertificate): string {
  const cn = ca.cert.subjectName.getField('CN')[0] ?? 'sandbox CA';
  return `CN=${cn} OCSP Responder, O=itsme-sign sandbox (not a real CA), C=BE`;
}

/** A delegated OCSP signing certificate issued by `ca`. */
export function issueResponder(ca: IssuedCertificate, subject = responderSubject(ca)) {
  return issue({
    subject,
    issuer: ca,
    days: RESPONDER_DAYS,
    extensions: async (pub) => [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([OID_OCSP_SIGNING]),
      new x509.Extension(OID_OCSP_NOCHECK, false, new asn1js.Null().toBER()),
      ...(await keyIds(pub, ca)),
    ],
  });
}

export function responderFile(dir: string, ca: CaId): string {
  return join(dir, `${ca}-ocsp.pem`);
}

/**
 * The responder certificate of `ca` from the data directory; issued (and stored) when missing, about to expire, or
 * not issued by this CA's key (a PKI regenerated under it).
 */
export async function loadOrIssueResponder(
  dir: string,
  caId: CaId,
  ca: IssuedCertificate,
): Promise<IssuedCertificate> {
  const certFile = responderFile(dir, caId);
  const keyFile = certFile.replace(/\.pem$/, '.key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certPem = await readFile(certFile, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    const fresh = cert.notAfter.getTime() > Date.now() + DAY;
    if (fresh && (await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }))) {
      return { cert, certPem, keyPem: await readFile(keyFile, 'utf8') };
    }
  }
  const issued = await issueResponder(ca);
  await writeFileAtomic(keyFile, issued.keyPem, 0o600);
  await writeFileAtomic(certFile, issued.certPem);
  return issued;
}

/** A CA nobody trusts and its OCSP responder: what the `untrusted` fault signs with. Made once per process. */
let rogue: Promise<{ ca: IssuedCertificate; responder: IssuedCertificate }> | undefined;
export function rogueAuthority(): Promise<{ ca: IssuedCertificate; responder: IssuedCertificate }> {
  rogue ??= (async () => {
    const ca = await selfSignedCa('CN=Untrusted Rogue CA, O=nobody trusts this, C=BE', 3650);
    return { ca, responder: await issueResponder(ca) };
  })();
  return rogue;
}
