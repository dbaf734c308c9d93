/**
 * Produces the raw signature value over a SHA-256 digest, as the itsme® service does in hash signing:
 * - RSA: RSASSA-PKCS1-v1_5, i.e. PKCS#1 type-1 padding of the DER DigestInfo(SHA-256, digest) (what CMS/PAdES expect);
 * - EC P-256: ECDSA over the given digest, DER-encoded `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`.
 *
 * Node's `crypto.sign` always hashes its input for these key types, so the digest is signed directly:
 * `privateEncrypt` for RSA, and @noble/curves (audited) for ECDSA over a pre-computed hash.
 */
import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { SHA256_DIGEST_INFO_PREFIX } from '@itsme-sign/core';
import { p256 } from '@noble/curves/nist.js';

export { SHA256_DIGEST_INFO_PREFIX };

function ecdsaP256(privateKeyPem: string, digest: Buffer): Buffer {
  const jwk = createPrivateKey(privateKeyPem).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.d) throw new Error('only P-256 EC keys are supported');
  const signature = p256.sign(digest, Buffer.from(jwk.d, 'base64url'), { prehash: false, format: 'der' });
  return Buffer.from(signature);
}

/** Signs a 32-byte SHA-256 digest with the user's private key (PKCS#8 PEM). Returns the raw signature value. */
export function signDigest(privateKeyPem: string, digest: Buffer): Buffer {
  if (digest.length !== 32) throw new Error('the digest must be 32 bytes');
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType === 'rsa') {
    return privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]),
    );
  }
  if (key.asymmetricKeyType === 'ec') return ecdsaP256(privateKeyPem, digest);
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}
