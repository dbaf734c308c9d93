/**
 * What an upstream HTTP answer is, before its body is read as the call's answer: the one place where an
 * HTTP status becomes an error code and a retry decision.
 *
 * | status        | retryable | fault (whatever the body)  | code of a refusal (no known reason token) |
 * | ------------- | --------- | -------------------------- | ----------------------------------------- |
 * | 2xx           | no        | —                          | INVALID_REQUEST (a NOK body)              |
 * | 401, 403      | no        | CLIENT_NOT_AUTHORIZED      | CLIENT_NOT_AUTHORIZED                     |
 * | 404           | no        | INVALID_CONFIG (base URL)  | INVALID_CONFIG                            |
 * | 409           | no        | —                          | UNKNOWN_SESSION                           |
 * | 429           | yes       | —                          | UPSTREAM_UNAVAILABLE                      |
 * | other 4xx     | no        | —                          | INVALID_REQUEST                           |
 * | 5xx           | yes       | UPSTREAM_ERROR             | UPSTREAM_ERROR                            |
 *
 * A known reason token in the body (`statusReason`, or DSS `result.min`) names the code of a refusal first
 * (`codeForReason`); a token nobody knows is itsme®'s (UPSTREAM_REFUSED), never the caller's input error.
 * A gateway's HTML (non-JSON) body on 401/403/404/429 is read as no body (transport), so the status decides. A sign call treats a fault as final whatever its body says; the identification API
 * reads the token first.
 */
import { codeForReason, type ErrorCode } from '../errors.js';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface ResponseClass {
  /** 2xx. */
  ok: boolean;
  /** 5xx or 429: a fault of the service, repeated for calls that are safe to repeat. */
  retryable: boolean;
  /** `Retry-After` (seconds or HTTP date) in ms, when given. */
  retryAfterMs: number | undefined;
  /** The service's reason token (`statusReason`, or DSS `result.min`), when the body has one. */
  reason: string | undefined;
  /**
   * What the status alone says, whatever the body: 5xx → UPSTREAM_ERROR, 401/403 → CLIENT_NOT_AUTHORIZED,
   * 404 → INVALID_CONFIG, 429 → UPSTREAM_UNAVAILABLE (refused before it was processed: safe to send again).
   */
  fault: ErrorCode | undefined;
  /** The code of a refusal: the reason token's, else the status's. */
  code: ErrorCode;
}

/** The error code an HTTP status means by itself (the fallback of `codeForReason`). */
export function codeForStatus(status: number | undefined): ErrorCode {
  if (status === 409) return 'UNKNOWN_SESSION';
  if (status === 401 || status === 403) return 'CLIENT_NOT_AUTHORIZED';
  // No such path: the B2B base URL is wrong (a configuration error, not the caller's input).
  if (status === 404) return 'INVALID_CONFIG';
  if (status === 429) return 'UPSTREAM_UNAVAILABLE';
  return status !== undefined && status >= 500 ? 'UPSTREAM_ERROR' : 'INVALID_REQUEST';
}

export function classifyResponse(status: number, headers: ResponseHeaders, body: unknown): ResponseClass {
  const reason = reasonOf(body);
  return {
    ok: status >= 200 && status < 300,
    retryable: status >= 500 || status === 429,
    retryAfterMs: parseRetryAfter(headers['retry-after']),
    reason,
    fault:
      status >= 500
        ? 'UPSTREAM_ERROR'
        : status === 401 || status === 403
          ? 'CLIENT_NOT_AUTHORIZED'
          : status === 404
            ? 'INVALID_CONFIG'
            : status === 429
              ? 'UPSTREAM_UNAVAILABLE'
              : undefined,
    code: codeForReason(reason, status),
  };
}

/** `Retry-After` (seconds or HTTP date) in ms, or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const reasonOf = (body: unknown): string | undefined => {
  const b = body as { statusReason?: unknown; result?: { min?: unknown } } | undefined;
  const r = b?.statusReason ?? b?.result?.min;
  return typeof r === 'string' ? r : undefined;
};
