import { constants, createHash, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { createTestPki } from '@itsme-sign/test-support/pki';
import { describe, expect, it } from 'vitest';
import { verifyDigestSignature, verifySignatureValue } from './signature.js';

const data = Buffer.from('the DER signed attributes, or any bytes whose SHA-256 itsme® signs');
const digest = createHash('sha256').update(data).digest();
const otherDigest = createHash('sha256').update('something else').digest();

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaOdd = generateKeyPairSync('rsa', { modulusLength: 2049 });
const ec = {
  'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};

const pss = (key: KeyObject, saltLength: number) =>
  sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });

/** Both forms of what was signed: the bytes (document mode) and their SHA-256 (hash mode). */
const forms = [
  ['document mode (bytes)', data, otherDigest],
  ['hash mode ({ digest })', { digest }, { digest: otherDigest }],
] as const;

describe.each(forms)('verifySignatureValue, %s', (_, signed, wrong) => {
  it('accepts RSA PKCS#1 v1.5', () => {
    const value = sign('sha256', data, rsa.privateKey);
    const verified = verifySignatureValue(signed, value.toString('base64'), rsa.publicKey);
    expect(verified).toEqual({ signature: new Uint8Array(value), algorithm: 'RSA-PKCS1-SHA256' });
    expect(() => verifySignatureValue(wrong, value, rsa.publicKey)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
  });

  it.each([32, 20, 0, constants.RSA_PSS_SALTLEN_MAX_SIGN])('accepts RSA-PSS (salt length %i)', (salt) => {
    for (const pair of [rsa, rsaOdd]) {
      const value = pss(pair.privateKey, salt);
      const verified = verifySignatureValue(signed, value, pair.publicKey);
      expect(verified.algorithm).toBe('RSA-PSS-SHA256');
      expect(Buffer.from(verified.signature).equals(value)).toBe(true);
      if (salt >= 0) expect(verified.saltLength).toBe(salt);
      expect(() => verifySignatureValue(wrong, value, pair.publicKey)).toThrow(
        expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
      );
    }
  });

  it('refuses an RSA-PSS value with another salt length than the one required', () => {
    const value = pss(rsa.privateKey, 20);
    expect(verifySignatureValue(signed, value, rsa.publicKey, { pssSaltLength: 20 }).saltLength).toBe(20);
    expect(() => verifySignatureValue(signed, value, rsa.publicKey, { pssSaltLength: 32 })).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
  });

  it('refuses a tampered RSA-PSS value and one of the wrong length', () => {
    const value = pss(rsa.privateKey, 32);
    const tampered = Buffer.from(value);
    tampered[10]! ^= 1;
    for (const bad of [tampered, value.subarray(1), Buffer.concat([value, Buffer.of(0)])]) {
      expect(() => verifySignatureValue(signed, bad, rsa.publicKey)).toThrow(
        expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
      );
    }
  });

  it.each(Object.keys(ec) as (keyof typeof ec)[])(
    'accepts ECDSA %s, DER and raw r‖s, and returns DER',
    (crv) => {
      const { privateKey, publicKey } = ec[crv];
      const der = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      for (const value of [der, raw]) {
        const verified = verifySignatureValue(signed, value.toString('base64url'), publicKey);
        expect(verified.algorithm).toBe('ECDSA-SHA256');
        expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, verified.signature)).toBe(true);
        expect(() => verifySignatureValue(wrong, value, publicKey)).toThrow(
          expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
        );
      }
      expect(Buffer.from(verifySignatureValue(signed, der, publicKey).signature).equals(der)).toBe(true);
    },
  );

  it('refuses a value made by another key, garbage and non-base64', () => {
    const value = sign('sha256', data, { key: ec['P-256'].privateKey, dsaEncoding: 'der' });
    for (const [bad, key] of [
      [value, ec['P-384'].publicKey],
      [value, rsa.publicKey],
      [Buffer.alloc(32, 1), ec['P-256'].publicKey],
      [Buffer.alloc(32, 1).toString('base64'), rsa.publicKey],
      ['not base64!', rsa.publicKey],
      ['', rsa.publicKey],
    ] as const) {
      expect(() => verifySignatureValue(signed, bad, key)).toThrow(
        expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
      );
    }
  });
});

describe('verifySignatureValue: certificates and keys', () => {
  const pki = createTestPki();

  it('takes a PEM certificate or DER bytes, and refuses what is not a certificate or an unusable key', () => {
    const value = sign('sha256', data, { key: pki.clientKey, dsaEncoding: 'ieee-p1363' });
    expect(verifySignatureValue({ digest }, value, pki.clientCert).algorithm).toBe('ECDSA-SHA256');
    const der = Buffer.from(pki.clientCert.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(verifySignatureValue(data, value, new Uint8Array(der)).algorithm).toBe('ECDSA-SHA256');
    expect(() => verifySignatureValue(data, value, 'no certificate')).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID' }),
    );
    const ed = generateKeyPairSync('ed25519');
    expect(() => verifySignatureValue(data, value, ed.publicKey)).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_INVALID' }),
    );
  });

  it('refuses a digest that is not SHA-256', () => {
    expect(() => verifySignatureValue({ digest: digest.subarray(1) }, 'AAAA', rsa.publicKey)).toThrow(
      expect.objectContaining({ code: 'SIGNATURE_INVALID' }),
    );
  });

  it('keeps the deprecated boolean verifyDigestSignature', () => {
    const value = sign('sha256', data, { key: pki.clientKey }).toString('base64');
    expect(verifyDigestSignature(pki.clientCert, digest.toString('base64'), value)).toBe(true);
    expect(verifyDigestSignature(pki.clientCert, otherDigest.toString('base64'), value)).toBe(false);
  });
});
