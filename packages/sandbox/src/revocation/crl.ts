/** A CA's CRL (RFC 5280 v2, DER): revoked serials with date and reason, cRLNumber, AKI, thisUpdate/nextUpdate. */
import * as asn1js from 'asn1js';
import { x509 } from '../crypto-provider.js';
import type { IssuedCertificate } from '../pki/issue.js';
import { importSigningKey } from '../pki/keys.js';
import { REVOCATION_REASONS, type Revocation, wholeSeconds } from './store.js';

const OID_CRL_NUMBER = '2.5.29.20';

/** The DER INTEGER content of a positive serial: even length, a leading 00 when the high bit is set. */
function integerHex(serial: string): string {
  const even = serial.length % 2 ? `0${serial}` : serial;
  return Number.parseInt(even.slice(0, 1), 16) >= 8 ? `00${even}` : even;
}

export async function buildCrl(p: {
  /** The CA named as issuer (its key identifier goes into the AKI). */
  ca: IssuedCertificate;
  /** The key that signs: the CA's own, or another one for the `untrusted` fault. */
  signingKeyPem: string;
  revoked: readonly Revocation[];
  thisUpdate: Date;
  nextUpdate: Date;
}): Promise<Buffer> {
  const thisUpdate = wholeSeconds(p.thisUpdate);
  const crl = await x509.X509CrlGenerator.create({
    issuer: p.ca.cert.subjectName,
    thisUpdate,
    nextUpdate: wholeSeconds(p.nextUpdate),
    signingKey: await importSigningKey(p.signingKeyPem),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(p.ca.cert),
      // Monotonic across restarts and processes: the issue time in seconds.
      new x509.Extension(
        OID_CRL_NUMBER,
        false,
        new asn1js.Integer({ value: Math.floor(thisUpdate.getTime() / 1000) }).toBER(),
      ),
    ],
    entries: p.revoked.map((r) => ({
      serialNumber: integerHex(r.serial),
      revocationDate: new Date(r.time),
      // RFC 5280 §5.3.1: no reasonCode rather than `unspecified`.
      ...(r.reason === 'unspecified' ? {} : { reason: REVOCATION_REASONS[r.reason] as x509.X509CrlReason }),
    })),
  });
  return Buffer.from(crl.rawData);
}
