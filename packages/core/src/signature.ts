/**
 * The one check of a raw signature value returned by itsme® against the signer's certificate: hash mode
 * (over the SHA-256 digest that was sent) and document mode (over the bytes whose SHA-256 was sent, e.g.
 * the DER signed attributes of a CMS) take the same path.
 *
 * RSA runs on Node's crypto (`publicDecrypt`), then the PKCS#1 v1.5 or PSS encoding is checked here;
 * ECDSA runs on @noble/curves, because Node's `crypto.verify` always hashes its input (with `null` as
 * algorithm too) and so cannot check a value over a digest it is given.
 */
import {
  constants,
  createHash,
  KeyObject,
  publicDecrypt,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ItsmeSignError } from './errors.js';

export type SignatureAlgorithm = 'RSA-PKCS1-SHA256' | 'RSA-PSS-SHA256' | 'ECDSA-SHA256';

export interface VerifiedSignatureValue {
  /** The value as it goes into a CMS `SignerInfo.signature`: RSA unchanged, ECDSA always DER `Ecdsa-Sig-Value`. */
  signature: Uint8Array;
  algorithm: SignatureAlgorithm;
  /** RSA-PSS only: the salt length found in the value (MGF1 and the hash are SHA-256). */
  saltLength?: number;
}

/** What was signed: the bytes themselves (their SHA-256 was sent), or the SHA-256 `digest` that was sent. */
export type SignedInput = Uint8Array | { digest: Uint8Array };

/** The signer: a certificate (PEM, or DER bytes) or its public key. */
export type SignerKeyInput = string | Uint8Array | KeyObject;

export interface VerifySignatureOptions {
  /** RSA-PSS salt length to require; by default any (as `RSA_PSS_SALTLEN_AUTO`). */
  pssSaltLength?: number;
}

const fail = (code: 'SIGNATURE_INVALID' | 'CERTIFICATE_INVALID', message: string): never => {
  throw new ItsmeSignError(code, { message });
};

/** DER prefix of `DigestInfo { sha256, NULL }, OCTET STRING (32)`: what PKCS#1 v1.5 signs before the digest. */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const HASH_BYTES = 32;
const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/** Decodes a signature value given as standard base64 (or base64url) or bytes. */
export function decodeSignatureValue(value: string | Uint8Array): Uint8Array {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) fail('SIGNATURE_INVALID', 'The signature value is not base64.');
  const bytes = new Uint8Array(Buffer.from(v, /[-_]/.test(v) ? 'base64url' : 'base64'));
  if (bytes.length === 0) fail('SIGNATURE_INVALID', 'The signature value is empty.');
  return bytes;
}

const orUndefined = <T>(fn: () => T): T | undefined => {
  try {
    return fn();
  } catch {
    return undefined;
  }
};

function publicKey(signer: SignerKeyInput): KeyObject {
  if (signer instanceof KeyObject) return signer;
  try {
    return new X509Certificate(signer).publicKey;
  } catch {
    return fail('CERTIFICATE_INVALID', 'The signing certificate could not be parsed.');
  }
}

/** RFC 8017 §9.1.2 EMSA-PSS-VERIFY (SHA-256, MGF1-SHA-256) of the encoded message `em`; the salt length or -1. */
function pssSaltLength(em: Buffer, emBits: number, mHash: Uint8Array): number {
  const emLen = Math.ceil(emBits / 8);
  if (em.length < emLen) return -1;
  const encoded = em.subarray(em.length - emLen);
  if (em.subarray(0, em.length - emLen).some((b) => b !== 0)) return -1;
  if (emLen < HASH_BYTES + 2 || encoded[emLen - 1] !== 0xbc) return -1;
  const db = Buffer.from(encoded.subarray(0, emLen - HASH_BYTES - 1));
  const h = encoded.subarray(emLen - HASH_BYTES - 1, emLen - 1);
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((db[0]! & ~topBits) !== 0) return -1;
  for (let offset = 0, counter = 0; offset < db.length; counter++) {
    const mask = createHash('sha256')
      .update(h)
      .update(Buffer.of(0, 0, counter >> 8, counter))
      .digest();
    for (let i = 0; i < mask.length && offset < db.length; i++, offset++) db[offset]! ^= mask[i]!;
  }
  db[0]! &= topBits;
  const one = db.findIndex((b) => b !== 0);
  if (one < 0 || db[one] !== 0x01) return -1;
  const salt = db.subarray(one + 1);
  const expected = createHash('sha256').update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return timingSafeEqual(expected, h) ? salt.length : -1;
}

function verifyRsa(key: KeyObject, digest: Uint8Array, sig: Uint8Array, options: VerifySignatureOptions) {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (sig.length !== Math.ceil(bits / 8)) return undefined;
  const pkcs1 = orUndefined(() => publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sig));
  if (pkcs1?.equals(Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]))) {
    return { signature: sig, algorithm: 'RSA-PKCS1-SHA256' } as const;
  }
  const em = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, sig);
  const saltLength = pssSaltLength(em, bits - 1, digest);
  if (saltLength < 0 || (options.pssSaltLength !== undefined && saltLength !== options.pssSaltLength)) {
    return undefined;
  }
  return { signature: sig, algorithm: 'RSA-PSS-SHA256', saltLength } as const;
}

function verifyEcdsa(key: KeyObject, digest: Uint8Array, sig: Uint8Array) {
  const jwk = key.export({ format: 'jwk' });
  const curve = CURVES[jwk.crv as keyof typeof CURVES];
  if (!curve || !jwk.x || !jwk.y) {
    return fail('CERTIFICATE_INVALID', `Unsupported signer curve: ${jwk.crv ?? 'unknown'}.`);
  }
  const point = Buffer.concat([
    Buffer.of(4),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  // Raw `r‖s` is exactly twice the field size; anything else must be DER.
  const format = sig.length === curve.lengths.signature ? 'compact' : 'der';
  if (!curve.verify(sig, digest, point, { prehash: false, lowS: false, format })) return undefined;
  const signature = format === 'der' ? sig : curve.Signature.fromBytes(sig, 'compact').toBytes('der');
  return { signature: new Uint8Array(signature), algorithm: 'ECDSA-SHA256' } as const;
}

/**
 * Verifies `signatureValue` (base64 or bytes) with the signer's key over `signed`: the bytes whose SHA-256
 * was signed, or `{ digest }`, the SHA-256 itself. RSA: PKCS#1 v1.5 or PSS (any salt length unless
 * `pssSaltLength` is given). EC (P-256/384/521): ECDSA, DER or raw `r‖s`.
 * Throws `SIGNATURE_INVALID` when it does not verify, `CERTIFICATE_INVALID` for a key it cannot use.
 */
export function verifySignatureValue(
  signed: SignedInput,
  signatureValue: string | Uint8Array,
  signer: SignerKeyInput,
  options: VerifySignatureOptions = {},
): VerifiedSignatureValue {
  const key = publicKey(signer);
  const sig = decodeSignatureValue(signatureValue);
  const digest =
    signed instanceof Uint8Array
      ? new Uint8Array(createHash('sha256').update(signed).digest())
      : signed.digest;
  if (digest.length !== HASH_BYTES) fail('SIGNATURE_INVALID', 'The signed digest is not a SHA-256 digest.');
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') {
    return fail('CERTIFICATE_INVALID', `Unsupported signer key type: ${type ?? 'unknown'}.`);
  }
  let verified: VerifiedSignatureValue | undefined;
  try {
    verified = type === 'ec' ? verifyEcdsa(key, digest, sig) : verifyRsa(key, digest, sig, options);
  } catch (e) {
    if (e instanceof ItsmeSignError) throw e;
  }
  return (
    verified ??
    fail('SIGNATURE_INVALID', 'The signature value does not verify against the signing certificate.')
  );
}

/** @deprecated Use `verifySignatureValue({ digest }, value, certificatePem)`; `false` where it throws. */
export function verifyDigestSignature(
  certificatePem: string,
  digest: string,
  signatureValue: string,
): boolean {
  try {
    verifySignatureValue({ digest: Buffer.from(digest, 'base64') }, signatureValue, certificatePem);
    return true;
  } catch {
    return false;
  }
}
