/** The public option and result types of the sandbox. */
import { LIMITS } from '@itsme-sign/core';

/** A partner as onboarded at itsme®: its codes, its registered redirect URLs and the client certificate it presents. */
export interface PartnerConfig {
  partnerCode: string;
  /** One service code, or several (the first is announced as `sb.partner.serviceCode`). */
  serviceCode: string | readonly string[];
  /** Redirect URLs registered for the service. They must match exactly. */
  redirectUrls?: readonly string[];
  /**
   * PEM of the client certificate this partner presents over mutual TLS. Default: the generated partner certificate.
   * It must be self-signed or issued by the sandbox root CA (TLS checks the chain before the HTTP layer does).
   */
  clientCertificate?: string;
  /**
   * The batch-signing contract option: how many `docHash` entries (documents) one sign request may carry, an integer
   * from 1 to {@link MAX_BATCH_HASHES}. Default 1 (no batch option): a second entry is refused with
   * `ONLY_SINGLE_HASH_SUPPORTED`; with a higher limit, more than the limit is `BATCH_TOO_LARGE`.
   */
  maxHashes?: number;
}

/** itsme®'s ceiling for batch signing: "up to 70 signatures within 1 itsme® action". */
export const MAX_BATCH_HASHES: number = LIMITS.batchDocuments;

/** The endpoints of the B2B API (the gateway faults `html`, `empty`, `truncated`, `slow` apply to these only). */
export const B2B_FAULT_ENDPOINTS = [
  'identification',
  'identificationStatus',
  'sign',
  'signStatus',
  'discovery',
  'verify',
] as const;

/** The endpoints a fault can be attached to: the B2B API's, and the CAs' OCSP responders and CRLs (both CAs). */
export const FAULT_ENDPOINTS = [...B2B_FAULT_ENDPOINTS, 'ocsp', 'crl'] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

/**
 * A `Retry-After` header on a `status` or `html` fault (B2B endpoints): `retryAfter` seconds, sent as a number of
 * seconds (default) or, with `retryAfterFormat: 'date'`, as the HTTP date that many seconds from now.
 */
export interface RetryAfter {
  retryAfter?: number;
  retryAfterFormat?: 'seconds' | 'date';
}

/**
 * A fault injected into one endpoint; `times` applies it N times and then clears it (default: until cleared).
 * `unknown` (OCSP only), `stale` and `untrusted` apply to `ocsp` and `crl` only: every status `unknown`; `nextUpdate`
 * in the past; signed by a responder (CRL: a key) of a CA nobody trusts.
 * `sigObjMissing`, `sigObjRepeated` and `sigObjUnknown` apply to `signStatus` only, to a success answer (a pending or
 * error answer passes unchanged and does not use up `times`): one `sigObj` entry left out; one entry twice; one more
 * entry whose `whichDoc` names no document of the request.
 * Gateway answers (B2B endpoints only), as a reverse proxy or WAF in front of the service sends them: `html` an HTML
 * error page (`content-type: text/html`) with that status, `empty` that status with an empty body, `truncated` the
 * real answer cut half-way (the connection is closed after part of the body), `slow` the real answer's headers at
 * once and its body trickled over `ms` milliseconds.
 * `unexpectedError` (`identification` only): itsme® fails to validate the partner — 400 `UNEXPECTED_ERROR`.
 */
export type Fault = (
  | { kind: 'latency'; ms: number }
  | ({ kind: 'status'; status: number } & RetryAfter)
  | ({ kind: 'html'; status: number } & RetryAfter)
  | { kind: 'empty'; status: number }
  | { kind: 'truncated' }
  | { kind: 'slow'; ms: number }
  | { kind: 'unexpectedError' }
  | { kind: 'malformed' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'unknown' }
  | { kind: 'stale' }
  | { kind: 'untrusted' }
  | { kind: 'sigObjMissing' }
  | { kind: 'sigObjRepeated' }
  | { kind: 'sigObjUnknown' }
) & { times?: number };

/** The phone number whose account may not sign, by default (see `signatureNotAllowedPhones`). */
export const SIGNATURE_NOT_ALLOWED_PHONE = '+32470000403';

export type FaultConfig = Partial<Record<FaultEndpoint, Fault>>;

export interface SandboxOptions {
  /** PKI and users are persisted here. Default: `<os.tmpdir()>/itsme-sandbox`. */
  dataDir?: string;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port of the B2B API (HTTPS, mutual TLS). Default 0 (a free port). */
  b2bPort?: number;
  /** Port of the user pages, the phone, the control API and the TSA (HTTP). Default 0. */
  frontPort?: number;
  /** Registered partners. Default: one partner `DEMO` / `DEMO_SIGN` presenting the generated client certificate. */
  partners?: PartnerConfig[];
  /** Key type of users created from now on. Default `rsa` (2048 bits); `ec` is P-256. */
  userKeyType?: 'rsa' | 'ec';
  /** A user must act in the app within this time, else the session ends as `EXPIRED`. Default 180 000 ms. */
  actionTimeoutMs?: number;
  /** Source IPs allowed to call the B2B API. Default: loopback (`127.0.0.1`, `::1`). */
  allowedIps?: string[];
  /** Faults active from the start. */
  faults?: FaultConfig;
  /** How the identification response spells the session id: `asyncRespId` (documented, default) or `asyncRespID`. */
  identificationIdSpelling?: 'asyncRespId' | 'asyncRespID';
  /**
   * Phone numbers whose itsme® account may not hold a signing certificate: an identification with one of them ends
   * at once (no push to the app) and its status answers 409 `SIGNATURE_NOT_ALLOWED`. Default
   * {@link SIGNATURE_NOT_ALLOWED_PHONE} only; `[]` for none.
   */
  signatureNotAllowedPhones?: string[];
  /** Signature policy refs of the discovery document to mark `DISABLED` (→ `INVALID_POLICY_STATUS`). */
  disabledPolicies?: string[];
  /** How long finished sessions stay queryable. Default 15 minutes. */
  retentionMs?: number;
  /** At most this many sessions are kept (oldest finished ones are evicted first). Default 10 000. */
  maxSessions?: number;
  /** Validity of revocation data: `nextUpdate − thisUpdate`. Defaults: OCSP 1 hour, CRL 24 hours. */
  revocation?: { ocspValidityMs?: number; crlValidityMs?: number };
  /** One line per event (no secrets). Default: silent. */
  log?: (line: string) => void;
}
