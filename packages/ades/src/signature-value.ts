/**
 * Checks the raw signature value that itsme® returns against the signer's public key, over the exact
 * bytes that were hashed (the DER signed attributes), and decides how it is written into the CMS.
 */
import { constants, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import { type CertificateInput, type ParsedCertificate, parseChain, publicKeyOf } from './certificates.js';
import { fail } from './errors.js';

export type SignatureAlgorithm = 'RSA-PKCS1-SHA256' | 'RSA-PSS-SHA256' | 'ECDSA-SHA256';

export interface VerifiedSignatureValue {
  /** The value as it goes into `SignerInfo.signature` (ECDSA always DER `Ecdsa-Sig-Value`). */
  signature: Uint8Array;
  algorithm: SignatureAlgorithm;
}

/** Decodes a signature value given as standard base64 (or base64url) or bytes. */
export function decodeSignatureValue(value: string | Uint8Array): Uint8Array {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) fail('SIGNATURE_INVALID', 'The signature value is not base64.');
  const bytes = new Uint8Array(Buffer.from(v, /[-_]/.test(v) ? 'base64url' : 'base64'));
  if (bytes.length === 0) fail('SIGNATURE_INVALID', 'The signature value is empty.');
  return bytes;
}

function rawEcdsaToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const toInt = (b: Uint8Array) => asn1js.Integer.fromBigInt(BigInt(`0x${Buffer.from(b).toString('hex')}`));
  const seq = new asn1js.Sequence({ value: [toInt(raw.subarray(0, half)), toInt(raw.subarray(half))] });
  return new Uint8Array(seq.toBER());
}

/** Field size in bytes of the certificate's EC curve (raw `r||s` is twice this). */
function ecFieldBytes(cert: ParsedCertificate): number {
  const jwk = publicKeyOf(cert).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url').length;
}

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
  const sig = decodeSignatureValue(signatureValue);
  const key = publicKeyOf(cert);
  if (key.asymmetricKeyType === 'rsa') {
    if (verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig)) {
      return { signature: sig, algorithm: 'RSA-PKCS1-SHA256' };
    }
    if (verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)) {
      return { signature: sig, algorithm: 'RSA-PSS-SHA256' };
    }
  } else if (key.asymmetricKeyType === 'ec') {
    if (sig[0] === 0x30 && safeVerify(() => verify('sha256', data, { key, dsaEncoding: 'der' }, sig))) {
      return { signature: sig, algorithm: 'ECDSA-SHA256' };
    }
    if (
      sig.length === 2 * ecFieldBytes(cert) &&
      verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
    ) {
      return { signature: rawEcdsaToDer(sig), algorithm: 'ECDSA-SHA256' };
    }
  } else {
    fail('CERTIFICATE_INVALID', `Unsupported signer key type: ${key.asymmetricKeyType ?? 'unknown'}.`);
  }
  return fail('SIGNATURE_INVALID', 'The signature value does not verify against the signing certificate.');
}

function safeVerify(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}
