/** Sandbox users as the SDK sees them after identification (leaf first), through core's B2B client. */
import { createB2BClient } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';

const REDIRECT_URL = 'http://127.0.0.1:9/api/itsme/callback';

/** Identifies `phone` at the sandbox (a new user the first time) and returns its certificate chain. */
export async function identifiedChain(sandbox: Sandbox, phone: string): Promise<string[]> {
  sandbox.addRedirectUrl(REDIRECT_URL);
  const client = createB2BClient(sandbox.clientOptions());
  try {
    const started = await client.startIdentification({ lang: 'EN', redirectUrl: REDIRECT_URL });
    await sandbox.control.identify({ url: started.identificationUrl, phone });
    const status = await client.getIdentificationStatus(started.asyncRespID);
    if (status.state !== 'identified') throw new Error(`identification: ${status.state}`);
    return status.certificateChain;
  } finally {
    await client.close();
  }
}
