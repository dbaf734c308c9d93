/**
 * One error model for the whole SDK. Every error has a stable `code` (documented in the README), a
 * `category` that tells what to do about it, and never carries keys, cookies or certificate private parts.
 */
import { codeForStatus } from './client/classify.js';
import type { ReasonToken } from './wire/constants.js';

/** What an error means for the caller. */
export type ErrorCategory =
  /** The integration is misconfigured (credentials, partner/service codes, redirect URL, policy). Fix config. */
  | 'configuration'
  /** The input given to the SDK is invalid (a field, a digest, a request body). Fix the call. */
  | 'input'
  /** The user ended the flow (rejected, let it expire, cancelled). Offer to start again. */
  | 'user'
  /** itsme® or the network failed; safe to retry later. */
  | 'upstream'
  /** The local session cannot do this (not found, wrong state, concurrent change, not allowed). */
  | 'session'
  /** The signature or certificate does not check out. Never embed it. */
  | 'verification'
  /** A bug or an unexpected condition. */
  | 'internal';

interface CodeInfo {
  readonly category: ErrorCategory;
  readonly status: number;
  readonly retryable: boolean;
  readonly message: string;
}

const c = (category: ErrorCategory, status: number, message: string, retryable = false): CodeInfo => ({
  category,
  status,
  retryable,
  message,
});

/** Every error code of the SDK, with its category, the HTTP status the handler answers with, and a default message. */
export const ERROR_CODES = {
  // configuration
  INVALID_CONFIG: c('configuration', 500, 'The itsme® Sign configuration is invalid.'),
  INSECURE_URL: c('configuration', 500, 'The B2B base URL must use https.'),
  MISSING_CREDENTIALS: c('configuration', 500, 'A client certificate and key are required (mutual TLS).'),
  MISSING_PARTNER_CODE: c('configuration', 500, 'itsme® did not receive a partner code.'),
  MISSING_SERVICE_CODE: c('configuration', 500, 'itsme® did not receive a service code.'),
  INVALID_REQUESTOR: c('configuration', 500, 'The partner code or service code is not known to itsme®.'),
  INVALID_URL: c('configuration', 500, 'The redirect URL is missing or malformed.'),
  UNAUTHORIZED_URL: c('configuration', 500, 'The redirect URL is not registered for this service.'),
  INVALID_LANGUAGE: c('configuration', 500, 'The language is not supported by itsme®.'),
  INVALID_POLICY: c('configuration', 500, 'The signature policy or commitment type is not known to itsme®.'),
  INVALID_POLICY_STATUS: c('configuration', 500, 'The signature policy is disabled.'),
  NOT_ALLOWED_TO_SIGN: c('configuration', 500, 'This service is not allowed to sign.'),
  BATCH_NOT_ALLOWED: c(
    'configuration',
    500,
    'The itsme® contract allows one document per signature; batch signing is a contract option (set maxDocuments to what it allows).',
  ),
  BATCH_TOO_LARGE: c(
    'configuration',
    500,
    'More documents than the itsme® contract allows in one signature (at most 70; see maxDocuments).',
  ),
  TLS_ERROR: c(
    'configuration',
    502,
    'The TLS connection to itsme® failed (certificate not trusted or refused).',
  ),
  CLIENT_NOT_AUTHORIZED: c(
    'configuration',
    502,
    'itsme® refused this client (client certificate or source IP not registered for the partner).',
  ),
  // input
  INVALID_REQUEST: c('input', 400, 'The request is invalid.'),
  INVALID_DIGEST: c('input', 400, 'The digest must be a SHA-256 digest (32 bytes).'),
  DOCUMENT_NOT_FOUND: c('input', 404, 'The document to sign was not found.'),
  DOCUMENT_CHANGED: c('input', 409, 'The document changed between preparing and finalizing the signature.'),
  // user
  USER_REJECTED: c(
    'user',
    409,
    'The request was refused in the itsme® app (declined, or the wrong security icon was picked).',
  ),
  USER_EXPIRED: c('user', 409, 'The user did not confirm in time.'),
  SESSION_EXPIRED: c('user', 410, 'The signing session expired.'),
  SESSION_CANCELLED: c('user', 409, 'The signing session was cancelled.'),
  // upstream
  UPSTREAM_ERROR: c('upstream', 502, 'itsme® reported a technical error.', true),
  UPSTREAM_UNAVAILABLE: c('upstream', 503, 'itsme® could not be reached.', true),
  TIMEOUT: c('upstream', 504, 'itsme® did not answer in time.', true),
  INVALID_RESPONSE: c('upstream', 502, 'itsme® sent a response that does not match the protocol.', true),
  TIMESTAMP_FAILED: c('upstream', 502, 'The time-stamping authority did not give a valid timestamp.', true),
  UNKNOWN_SESSION: c('upstream', 409, 'itsme® does not know this session.'),
  UPSTREAM_REFUSED: c(
    'upstream',
    502,
    'itsme® ended the request for a reason it did not explain (unexpected error or unknown reason); start again.',
  ),
  // session
  SESSION_NOT_FOUND: c('session', 404, 'No signing session for this browser.'),
  SESSION_CONFLICT: c('session', 409, 'The session was changed concurrently.', true),
  ILLEGAL_TRANSITION: c('session', 409, 'This step is not allowed in the current state of the session.'),
  NOT_SIGNED_YET: c('session', 409, 'The session is not signed yet.'),
  FORBIDDEN: c('session', 403, 'This request is not allowed.'),
  NOT_FOUND: c('session', 404, 'Not found.'),
  METHOD_NOT_ALLOWED: c('session', 405, 'Method not allowed.'),
  ABORTED: c('session', 499, 'The operation was aborted.'),
  STORE_UNAVAILABLE: c('session', 503, 'The session store is unavailable.', true),
  RATE_LIMITED: c(
    'session',
    429,
    'Too many signing sessions started; try again after Retry-After seconds.',
    true,
  ),
  // verification
  SIGNATURE_INVALID: c('verification', 502, 'The signature value does not verify against the certificate.'),
  CERTIFICATE_UNTRUSTED: c('verification', 502, 'The signing certificate does not chain to a trusted CA.'),
  CERTIFICATE_INVALID: c('verification', 502, 'The signing certificate is not valid.'),
  CERTIFICATE_REVOKED: c('verification', 502, 'The signing certificate has been revoked.'),
  REVOCATION_UNAVAILABLE: c(
    'verification',
    503,
    'The revocation status of the signing certificate could not be obtained (OCSP and CRL unreachable).',
    true,
  ),
  // internal
  SIGNATURE_TOO_LARGE: c('internal', 500, 'The signature does not fit the space reserved in the document.'),
  INTERNAL_ERROR: c('internal', 500, 'An unexpected error occurred.'),
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ItsmeSignErrorOptions {
  message?: string;
  /** HTTP status of the upstream answer, when there was one. */
  httpStatus?: number;
  /** `statusReason` (identification) or `result.min` (sign) as returned by itsme®. */
  reason?: string;
  /** Which field of an input was wrong (dot path). */
  field?: string;
  /** How long the upstream asked to wait before trying again (its `Retry-After`), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ItsmeSignError extends Error {
  override readonly name = 'ItsmeSignError';
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  /** The HTTP status the web handler answers with. */
  readonly status: number;
  readonly retryable: boolean;
  /** HTTP status of the upstream answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** The service's own reason (`statusReason` / `result.min`), when one came back. */
  readonly reason: string | undefined;
  readonly field: string | undefined;
  /** How long the upstream asked to wait before trying again (its `Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, options: ItsmeSignErrorOptions = {}) {
    const info = ERROR_CODES[code];
    super(
      options.message ?? info.message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.category = info.category;
    this.status = info.status;
    this.retryable = info.retryable;
    this.httpStatus = options.httpStatus;
    this.reason = options.reason;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A JSON view safe to send to a browser: no stack, no cause. */
  toJSON(): {
    code: ErrorCode;
    message: string;
    category: ErrorCategory;
    retryable: boolean;
    reason?: string;
    field?: string;
  } {
    return {
      code: this.code,
      message: this.message,
      category: this.category,
      retryable: this.retryable,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.field ? { field: this.field } : {}),
    };
  }
}

export const isItsmeSignError = (e: unknown): e is ItsmeSignError => e instanceof ItsmeSignError;

/** What each reason token of the service means for us (`PENDING` is a state, not an error). */
const REASON_CODES = {
  MISSING_PARTNER_CODE: 'MISSING_PARTNER_CODE',
  MISSING_SERVICE_CODE: 'MISSING_SERVICE_CODE',
  INVALID_REQUESTOR: 'INVALID_REQUESTOR',
  INVALID_URL: 'INVALID_URL',
  UNAUTHORIZED_URL: 'UNAUTHORIZED_URL',
  INVALID_LANG: 'INVALID_LANGUAGE',
  INVALID_LANGUAGE: 'INVALID_LANGUAGE',
  INVALID_POLICY: 'INVALID_POLICY',
  INVALID_POLICY_STATUS: 'INVALID_POLICY_STATUS',
  NOT_ALLOWED_TO_SIGN: 'NOT_ALLOWED_TO_SIGN',
  SIGNATURE_NOT_ALLOWED: 'NOT_ALLOWED_TO_SIGN',
  REJECTED: 'USER_REJECTED',
  EXPIRED: 'USER_EXPIRED',
  NO_HASH_PROVIDED: 'INVALID_DIGEST',
  ONLY_SINGLE_HASH_SUPPORTED: 'BATCH_NOT_ALLOWED',
  NO_DIGEST_INFO_PROVIDED: 'INVALID_DIGEST',
  ONLY_SINGLE_DIGEST_INFO_SUPPORTED: 'INVALID_DIGEST',
  INVALID_DIGEST_INFO: 'INVALID_DIGEST',
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
  MISSING_ASYNC_RESP_ID: 'INVALID_REQUEST',
  INCOMPLETE_REQUEST: 'INVALID_REQUEST',
  NO_REQUEST: 'INVALID_REQUEST',
  TECHNICAL_ERROR: 'UPSTREAM_ERROR',
  // Not transient: the session at itsme® is over (polling it again answers the same until it expires).
  UNEXPECTED_ERROR: 'UPSTREAM_REFUSED',
  ERROR: 'UPSTREAM_ERROR',
  UNKNOWN: 'UPSTREAM_ERROR',
} as const satisfies Record<Exclude<ReasonToken, 'PENDING'>, ErrorCode>;

const isMappedReason = (token: string): token is keyof typeof REASON_CODES =>
  Object.hasOwn(REASON_CODES, token);

/**
 * Maps the service's reason token (identification `statusReason` or DSS `result.min`) to our code.
 * Unknown tokens map by HTTP status (`codeForStatus`): 409 → UNKNOWN_SESSION, 401/403 →
 * CLIENT_NOT_AUTHORIZED, 404 → INVALID_CONFIG, 429 → UPSTREAM_UNAVAILABLE, 5xx → UPSTREAM_ERROR, else
 * UPSTREAM_REFUSED (an unknown token is never the caller's input error); no token at all → INVALID_REQUEST.
 */
export function codeForReason(reason: string | undefined, httpStatus?: number): ErrorCode {
  const token = reason?.toUpperCase();
  if (token !== undefined && isMappedReason(token)) return REASON_CODES[token];
  const byStatus = codeForStatus(httpStatus);
  // A token nobody knows is itsme®'s to explain, never the caller's input error.
  return token && byStatus === 'INVALID_REQUEST' ? 'UPSTREAM_REFUSED' : byStatus;
}
