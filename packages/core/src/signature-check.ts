/**
 * Checks that a raw signature value returned by itsme® was made by the certificate's key over the digest
 * that was sent: RSA PKCS#1 v1.5 over DigestInfo(SHA-256), or ECDSA over the digest (DER or raw r‖s).
 */
import { constants, publicDecrypt, X509Certificate } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';

const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/** `true` if `signatureValue` (base64) verifies against `certificatePem` for the SHA-256 `digest` (base64). */
export function verifyDigestSignature(
  certificatePem: string,
  digest: string,
  signatureValue: string,
): boolean {
  const key = new X509Certificate(certificatePem).publicKey;
  const digestBytes = Buffer.from(digest, 'base64');
  const signature = Buffer.from(signatureValue, 'base64');
  try {
    if (key.asymmetricKeyType === 'rsa') {
      const decoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
      return decoded.equals(Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digestBytes]));
    }
    if (key.asymmetricKeyType === 'ec') {
      const jwk = key.export({ format: 'jwk' });
      const curve = CURVES[jwk.crv as keyof typeof CURVES];
      if (!curve || !jwk.x || !jwk.y) return false;
      const point = Buffer.concat([
        Buffer.of(4),
        Buffer.from(jwk.x, 'base64url'),
        Buffer.from(jwk.y, 'base64url'),
      ]);
      const size = curve.lengths.signature ?? 64;
      const format = signature.length === size ? 'compact' : 'der';
      return curve.verify(signature, digestBytes, point, { prehash: false, lowS: false, format });
    }
    return false;
  } catch {
    return false;
  }
}
