/** Sandbox users as the SDK sees them after identification (leaf first), through core's B2B client. */
import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createB2BClient } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';

/** Identifies `phone` at the sandbox (a new user the first time): its userCode and certificate chain. */
export async function identifiedUser(
  sandbox: Sandbox,
  phone: string,
): Promise<{ userCode: string; chain: string[] }> {
  sandbox.addRedirectUrl(REDIRECT_URL);
  const client = createB2BClient(sandbox.clientOptions());
  try {
    const started = await client.startIdentification({ lang: 'EN', redirectUrl: REDIRECT_URL });
    await sandbox.control.identify({ url: started.identificationUrl, phone });
    const status = await client.getIdentificationStatus(started.asyncRespID);
    if (status.state !== 'identified') throw new Error(`identification: ${status.state}`);
    return { userCode: status.userCode, chain: status.certificateChain };
  } finally {
    await client.close();
  }
}

export async function identifiedChain(sandbox: Sandbox, phone: string): Promise<string[]> {
  return (await identifiedUser(sandbox, phone)).chain;
}

/** The sandbox user's private key (PKCS#8 PEM), from `<dataDir>/pki/users/` (sandbox test PKI only). */
export function sandboxUserKey(dataDir: string, userCode: string): string {
  const dir = join(dataDir, 'pki', 'users');
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const user = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { userCode?: string; keyPem?: string };
    if (user.userCode === userCode && user.keyPem) return user.keyPem;
  }
  throw new Error(`no sandbox user ${userCode} in ${dir}`);
}

/** A sandbox user who signs digests "like itsme®" (RSA PKCS#1 v1.5 over the DigestInfo; the sandbox default key type). */
export async function sandboxSigner(sandbox: Sandbox, dataDir: string, phone: string) {
  const { userCode, chain } = await identifiedUser(sandbox, phone);
  const keyPem = sandboxUserKey(dataDir, userCode);
  const key = createPrivateKey(keyPem);
  const sign = (digestBase64: string): string => {
    const digest = Buffer.from(digestBase64, 'base64');
    if (key.asymmetricKeyType === 'rsa') {
      const prefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
      return privateEncrypt(
        { key, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([prefix, digest]),
      ).toString('base64');
    }
    throw new Error(`unsupported sandbox key type ${key.asymmetricKeyType}`);
  };
  return { userCode, chain, keyPem, sign };
}
