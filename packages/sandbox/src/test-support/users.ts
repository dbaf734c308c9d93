/** Creates (or finds) a sandbox user through the B2B API and the control API, as a partner would see it. */

import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import type { Sandbox } from '../sandbox.js';
import { identificationBody, REDIRECT_URL } from './requests.js';

export async function identifyUser(
  sb: Sandbox,
  phone: string,
): Promise<{ userCode: string; certificate: string; chain: string }> {
  sb.addRedirectUrl(REDIRECT_URL);
  const start = (await b2bRaw(sb, '/user_identification', identificationBody())).json as Record<
    string,
    string
  >;
  await sb.control.identify({ url: start.identificationUrl as string, phone });
  const status = await b2bRaw(sb, '/user_identification/status', {
    partnerCode: 'DEMO',
    serviceCode: 'DEMO_SIGN',
    asyncRespID: start.asyncRespId,
  });
  const body = status.json as Record<string, string>;
  return {
    userCode: body.userCode as string,
    certificate: body.certificate as string,
    chain: body.fullCertificateChain as string,
  };
}
