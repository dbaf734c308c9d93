/** `POST /user_identification` and `POST /user_identification/status`, with the service's error codes. */
import { LIMITS, languageSchema, redirectUrlSchema } from '@itsme-sign/core';
import type { Simulator } from '../simulator.js';
import { type B2BContext, type B2BReply, isObject, nonEmptyString, resolveRequestor } from './common.js';

const nok = (status: number, statusReason: string): B2BReply => ({
  status,
  body: { status: 'NOK', statusReason },
});

export function startIdentification(sim: Simulator, body: unknown, ctx: B2BContext): B2BReply {
  if (!isObject(body) || Object.keys(body).length === 0) return nok(400, 'NO_REQUEST');
  const { partnerCode, serviceCode, redirectUrl, lang, userCode } = body;
  if (!nonEmptyString(partnerCode)) return nok(400, 'MISSING_PARTNER_CODE');
  if (!nonEmptyString(serviceCode)) return nok(400, 'MISSING_SERVICE_CODE');
  // Strict on purpose: the 2019 guide's `redirect_uri` is not the swagger's `redirectUrl`.
  if (!redirectUrlSchema.safeParse(redirectUrl).success) return nok(400, 'INVALID_URL');
  const partner = resolveRequestor(sim, partnerCode, serviceCode, ctx);
  if (!partner) return nok(400, 'INVALID_REQUESTOR');
  if (!partner.redirectUrls.has(redirectUrl as string)) return nok(400, 'UNAUTHORIZED_URL');
  const language = languageSchema.safeParse(lang);
  if (!language.success) return nok(400, 'INVALID_LANG');
  // The swagger's minLength = maxLength = 36. No reason token names it: a schema violation without one is `ERROR`.
  if (
    userCode !== undefined &&
    userCode !== null &&
    (typeof userCode !== 'string' || userCode.length !== LIMITS.userCode)
  )
    return nok(400, 'ERROR');
  const s = sim.startIdentification({
    partnerCode,
    serviceCode,
    redirectUrl: redirectUrl as string,
    lang: language.data,
    ...(typeof userCode === 'string' ? { userCode } : {}),
  });
  return {
    status: 200,
    body: {
      status: 'OK',
      [sim.config.identificationIdSpelling]: s.id,
      identificationUrl: sim.identificationUrl(s),
    },
  };
}

export function identificationStatus(sim: Simulator, body: unknown, ctx: B2BContext): B2BReply {
  if (!isObject(body) || Object.keys(body).length === 0) return nok(400, 'NO_REQUEST');
  const { partnerCode, serviceCode, asyncRespID } = body;
  if (!nonEmptyString(partnerCode)) return nok(400, 'MISSING_PARTNER_CODE');
  if (!nonEmptyString(serviceCode)) return nok(400, 'MISSING_SERVICE_CODE');
  if (!nonEmptyString(asyncRespID)) return nok(400, 'MISSING_ASYNC_RESP_ID');
  if (!resolveRequestor(sim, partnerCode, serviceCode, ctx)) return nok(400, 'INVALID_REQUESTOR');
  const s = sim.sessions.get(asyncRespID);
  // An unknown id (or one of another partner, or a sign session's) is a 409 with an empty body.
  if (s?.kind !== 'identification' || s.partnerCode !== partnerCode) return { status: 409 };
  s.statusCalls++;
  switch (s.state) {
    case 'waiting-phone':
    case 'waiting-app':
      return nok(409, 'PENDING');
    case 'rejected':
      return nok(409, 'REJECTED');
    case 'expired':
      return nok(409, 'EXPIRED');
    case 'not-allowed':
      return nok(409, 'SIGNATURE_NOT_ALLOWED');
    case 'failed':
      return nok(409, 'UNEXPECTED_ERROR');
    case 'identified': {
      const user = s.userCode ? sim.users.byUserCode(s.userCode) : undefined;
      if (!user) return nok(500, 'TECHNICAL_ERROR');
      return {
        status: 200,
        body: {
          status: 'OK',
          userCode: user.userCode,
          certificate: user.certPem,
          fullCertificateChain: sim.users.chainPem(user),
        },
      };
    }
  }
}
