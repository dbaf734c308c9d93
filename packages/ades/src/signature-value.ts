/**
 * The signature value itsme® returns, checked by core's `verifySignatureValue` over the exact bytes that
 * were hashed (the DER signed attributes); this module only adds the certificate forms of this package.
 */
import { type VerifiedSignatureValue, verifySignatureValue as verifyWithKey } from '@itsme-sign/core';
import { type CertificateInput, type ParsedCertificate, parseChain, publicKeyOf } from './certificates.js';

export type { SignatureAlgorithm, VerifiedSignatureValue } from '@itsme-sign/core';

/** The RSA-PSS salt length the CMS `RSASSA-PSS-params` of this package declare (the hash length). */
const PSS_SALT_LENGTH = 32;

/**
 * Verifies `signatureValue` over `data` (SHA-256, as itsme® signs the SHA-256 of it) with the certificate's key.
 * RSA: PKCS#1 v1.5 (or RSA-PSS with a 32-byte salt). EC: ECDSA, DER or raw `r||s`; returned as DER.
 * Throws `SIGNATURE_INVALID` when it does not verify.
 */
export function verifySignatureValue(
  data: Uint8Array,
  signatureValue: string | Uint8Array,
  certificate: CertificateInput | ParsedCertificate,
): VerifiedSignatureValue {
  const cert =
    typeof certificate === 'object' && 'x509' in certificate
      ? certificate
      : (parseChain([certificate])[0] as ParsedCertificate);
  return verifyWithKey(data, signatureValue, publicKeyOf(cert), { pssSaltLength: PSS_SALT_LENGTH });
}
