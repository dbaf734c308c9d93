/** Key pairs for the sandbox PKI: generated with node:crypto (off the main thread), used by @peculiar/x509 through WebCrypto. */
import { createPrivateKey, generateKeyPair, type KeyObject, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

export type KeyType = 'rsa' | 'ec';

export interface KeyPairPem {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI DER. */
  publicKeyDer: Uint8Array<ArrayBuffer>;
}

export async function generateKeyPairPem(type: KeyType): Promise<KeyPairPem> {
  const { publicKey, privateKey } =
    type === 'rsa'
      ? await generate('rsa', { modulusLength: 2048 })
      : await generate('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyDer: new Uint8Array((publicKey as KeyObject).export({ type: 'spki', format: 'der' })),
  };
}

/** Imports a PKCS#8 PEM key (RSA or EC P-256) as a WebCrypto signing key for certificate issuance. */
export async function importSigningKey(privateKeyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(
    privateKeyPem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  const isEc = createPrivateKey(privateKeyPem).asymmetricKeyType === 'ec';
  const algorithm = isEc
    ? { name: 'ECDSA', namedCurve: 'P-256' }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return (await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign'])) as unknown as CryptoKey;
}
