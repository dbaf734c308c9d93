/**
 * A sandbox user as the SDK sees it after identification (userCode, certificate, chain), obtained through a
 * real identification with core's B2B client; and, for benchmarks that must produce signature values without
 * the sandbox (AdES), the user's private key, read from the sandbox's data directory (sandbox test PKI only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createB2BClient } from '@itsme-sign/core';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';

export async function identifiedUser(sandbox) {
  await sandbox.addRedirectUrl(REDIRECT_URL);
  const client = createB2BClient(sandbox.clientOptions);
  try {
    const started = await client.startIdentification({ lang: 'FR', redirectUrl: REDIRECT_URL });
    await sandbox.identify(started.identificationUrl);
    const status = await client.getIdentificationStatus(started.asyncRespID);
    if (status.state !== 'identified') throw new Error(`identification: ${status.state}`);
    return status;
  } finally {
    await client.close();
  }
}

/** The sandbox user's private key (PKCS#8 PEM) by userCode: the sandbox keeps it in `<dataDir>/pki/users/`. */
export function sandboxUserKey(dataDir, userCode) {
  const dir = join(dataDir, 'pki', 'users');
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const user = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (user.userCode === userCode) return user.keyPem;
  }
  throw new Error(`no sandbox user with this userCode in ${dir}`);
}
