/** What every B2B handler shares: the caller's TLS identity, the reply shape and the requestor check. */
import type { RegisteredPartner } from '../partners.js';
import type { Simulator } from '../simulator.js';

export interface B2BContext {
  /** SHA-256 fingerprint of the client certificate presented over TLS. */
  certificateFingerprint: string;
  /** The optional `X-Partner-Code` header (empty string = absent, its swagger default). */
  headerPartnerCode: string;
}

/** `body === undefined` means an empty body. */
export interface B2BReply {
  status: number;
  body?: unknown;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/**
 * The partner making the call, if `partnerCode`/`serviceCode` name a registered partner and service, the TLS client
 * certificate is that partner's, and the `X-Partner-Code` header (when sent) agrees. Otherwise: INVALID_REQUESTOR.
 */
export function resolveRequestor(
  sim: Simulator,
  partnerCode: string,
  serviceCode: string,
  ctx: B2BContext,
): RegisteredPartner | undefined {
  const partner = sim.partners.get(partnerCode);
  if (!partner?.serviceCodes.includes(serviceCode)) return undefined;
  if (partner.certificateFingerprint !== ctx.certificateFingerprint) return undefined;
  if (ctx.headerPartnerCode !== '' && ctx.headerPartnerCode !== partnerCode) return undefined;
  return partner;
}
