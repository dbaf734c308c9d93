// A whole hash-signing flow with the B2B client alone, against the offline sandbox (no browser):
//   pnpm build && node packages/sandbox/examples/hash-signing.mjs
// In production, replace `sandbox.clientOptions()` by your onboarding values and send the user to the URLs.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { createB2BClient, sha256Base64 } from '@itsme-sign/core';
import { startSandbox } from '@itsme-sign/sandbox';

const sandbox = await startSandbox();
const redirectUrl = 'https://app.example/api/itsme/callback';
sandbox.addRedirectUrl(redirectUrl); // at itsme®, registered during onboarding

const client = createB2BClient(sandbox.clientOptions()); // { baseUrl, partnerCode, serviceCode, credentials, ca }
try {
  // 1. Identify the user; the browser goes to identificationUrl and comes back to redirectUrl.
  const { asyncRespID, identificationUrl } = await client.startIdentification({ lang: 'EN', redirectUrl });
  await sandbox.control.identify({ url: identificationUrl }); // the user enters a phone number and confirms
  const id = await client.getIdentificationStatus(asyncRespID);
  if (id.state !== 'identified') throw new Error(`identification ended: ${id.state}`);

  // 2. Build the data to be signed (here: any bytes; with @itsme-sign/ades, the CMS signed attributes).
  const data = Buffer.from('I agree to the terms of contract 2026-0042.');
  const { respID, signingUrl } = await client.startSigning({
    userCode: id.userCode,
    documents: [{ id: 'contract-2026-0042', digest: await sha256Base64(data) }], // one docHash entry per document
    lang: 'EN',
    redirectUrl,
    signPolicyRef: '1.3.6.1.4.1.49274.1.1.7.1.0', // the generic qualified policy of the discovery document
    signerRole: 'Director',
  });

  // 3. The user checks the poka-yoke icons at signingUrl and confirms in the app.
  await sandbox.control.sign({ url: signingUrl });
  const status = await client.getSigningStatus(respID);
  if (status.state !== 'signed') throw new Error(`signing ended: ${status.state}`);

  // 4. The raw signature value (matched by whichDoc, never by position) verifies against the user's certificate.
  const { signatureValue } = status.signatures.find((s) => s.whichDoc === 'contract-2026-0042');
  const cert = new X509Certificate(id.certificate);
  const ok = verify('sha256', data, cert.publicKey, Buffer.from(signatureValue, 'base64'));
  console.log(`${cert.subject.split('\n').find((l) => l.startsWith('CN='))} signed; signature valid: ${ok}`);
  console.log(`digest ${createHash('sha256').update(data).digest('hex').slice(0, 16)}…`);
  if (!ok) process.exitCode = 1;
} finally {
  await client.close();
  await sandbox.close();
}
