/**
 * The HTTP layer of the B2B client: mutual TLS through a pooled keep-alive undici Agent, per-call timeouts
 * and abort signals, JSON bodies, retries with backoff for calls that are safe to repeat, and the mapping
 * of every network failure to an `ItsmeSignError`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { DEFAULTS } from '../config.js';
import { type ErrorCode, ItsmeSignError } from '../errors.js';
import { classifyResponse, type ResponseHeaders } from './classify.js';

/** Client credentials for mutual TLS: PEM certificate + key, or a PKCS#12 bundle. */
export type ClientCredentials =
  | { cert: string | Buffer; key: string | Buffer; passphrase?: string }
  | { pfx: Buffer; passphrase?: string };

export interface RetryOptions {
  /** Extra attempts after the first one (safe calls only). Default `DEFAULTS.retries`. */
  retries?: number;
  /** First backoff delay (ms), doubled each attempt, with jitter. Default `DEFAULTS.retryBaseDelayMs`. */
  baseDelayMs?: number;
  /** Upper bound of one delay, including a `Retry-After` (ms). Default `DEFAULTS.retryMaxDelayMs`. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  credentials?: ClientCredentials;
  /** CA certificate(s) that the server certificate must chain to (PEM). Default: Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Per-call timeout, connect to last byte (ms). Default `DEFAULTS.timeoutMs`. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Sent as `X-Partner-Code` when set. */
  partnerCodeHeader?: string;
  /** A custom undici dispatcher (it must do mutual TLS itself). */
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Repeat on a retryable failure (status calls and discovery only; never a sign start). */
  idempotent: boolean;
}

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON, or `undefined` for an empty body. */
  body: unknown;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Maps a thrown network error to our code. */
export function networkErrorCode(error: unknown, userSignal?: AbortSignal): ErrorCode {
  if (userSignal?.aborted) return 'ABORTED';
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (e?.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return 'TIMEOUT';
  if (e?.name === 'AbortError') return 'TIMEOUT';
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'TLS_ERROR';
  return 'UPSTREAM_UNAVAILABLE';
}

export class Transport {
  readonly baseUrl: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  /** The request headers of every call, built once (undici does not change them). */
  readonly #headers: { get: Record<string, string>; send: Record<string, string> };
  /** Each path's origin and request target, as undici's `request(url)` would read `baseUrl + path` (once). */
  readonly #targets = new Map<string, { origin: string; path: string }>();

  constructor(options: TransportOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (cause) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'The B2B base URL is not a valid URL.',
        field: 'baseUrl',
        cause,
      });
    }
    if (url.protocol !== 'https:') {
      throw new ItsmeSignError('INSECURE_URL', {
        message: `The B2B base URL must use https (mutual TLS), got ${url.protocol}`,
        field: 'baseUrl',
      });
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.#retries = options.retry?.retries ?? DEFAULTS.retries;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? DEFAULTS.retryBaseDelayMs;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? DEFAULTS.retryMaxDelayMs;
    const get = {
      accept: 'application/json',
      ...(options.partnerCodeHeader ? { 'x-partner-code': options.partnerCodeHeader } : {}),
    };
    this.#headers = Object.freeze({
      get: Object.freeze(get),
      send: Object.freeze({ ...get, 'content-type': 'application/json' }),
    });
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
      this.#ownsDispatcher = false;
    } else {
      const creds = options.credentials;
      const hasPem = creds && 'cert' in creds && creds.cert && creds.key;
      const hasPfx = creds && 'pfx' in creds && creds.pfx;
      if (!hasPem && !hasPfx) {
        throw new ItsmeSignError('MISSING_CREDENTIALS', {
          message:
            'A client certificate and key (PEM) or a PKCS#12 bundle are required: itsme® uses mutual TLS.',
          field: 'credentials',
        });
      }
      try {
        // Load the credentials now, so a wrong passphrase or a key that does not match fails at start-up.
        createSecureContext({ ...creds, ...(options.ca ? { ca: options.ca } : {}) });
      } catch (cause) {
        throw new ItsmeSignError('INVALID_CONFIG', {
          message: `The client certificate, key or CA could not be loaded (${(cause as { code?: string }).code ?? 'invalid'}): check the files and the passphrase.`,
          field: 'credentials',
        });
      }
      this.#dispatcher = new Agent({
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        connections: 32,
        connect: {
          ...creds,
          ...(options.ca ? { ca: options.ca } : {}),
          rejectUnauthorized: true,
          timeout: this.#timeoutMs,
        },
      });
      this.#ownsDispatcher = true;
    }
  }

  /** POSTs (or GETs, without a body) JSON and returns the status and parsed body. */
  call(method: 'GET' | 'POST', path: string, body: unknown, options: CallOptions): Promise<RawResponse> {
    // A call that is never repeated is the one attempt itself (no retry loop around it).
    if (!options.idempotent || this.#retries <= 0) return this.#once(method, path, body, options.signal);
    return this.#withRetries(method, path, body, options);
  }

  async #withRetries(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    options: CallOptions,
  ): Promise<RawResponse> {
    const attempts = this.#retries + 1;
    let lastError: ItsmeSignError | undefined;
    let lastRetryAfter: number | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        const backoff = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const delay = Math.min(this.#maxDelayMs, lastRetryAfter ?? jittered);
        try {
          await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
        } catch (cause) {
          throw new ItsmeSignError('ABORTED', { cause });
        }
      }
      lastRetryAfter = undefined;
      try {
        const response = await this.#once(method, path, body, options.signal);
        // A fault worth repeating is repeated while attempts remain; the last answer goes to the caller as it is.
        if (attempt + 1 < attempts && !isSuccess(response.status)) {
          const kind = classifyResponse(response.status, response.headers, response.body);
          if (kind.retryable) {
            lastRetryAfter = kind.retryAfterMs;
            continue;
          }
        }
        return response;
      } catch (error) {
        if (!(error instanceof ItsmeSignError) || !error.retryable) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new ItsmeSignError('INTERNAL_ERROR');
  }

  async #once(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    userSignal: AbortSignal | undefined,
  ): Promise<RawResponse> {
    // Without a caller's signal, undici's connect/headers/body timeouts bound the call (no timer per call);
    // with one, a total deadline is added so the caller's abort and the timeout both end it.
    const signal = userSignal
      ? AbortSignal.any([userSignal, AbortSignal.timeout(this.#timeoutMs)])
      : undefined;
    let status: number;
    let text: string;
    let resHeaders: ResponseHeaders;
    try {
      const target = this.#targets.get(path) ?? this.#target(path);
      // The dispatcher's own `request` (what undici's `request(url, { dispatcher })` calls, without parsing the URL).
      const res = await this.#dispatcher.request({
        origin: target.origin,
        path: target.path,
        method,
        headers: body === undefined ? this.#headers.get : this.#headers.send,
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      status = res.statusCode;
      resHeaders = res.headers;
      text = await res.body.text();
    } catch (cause) {
      const code = networkErrorCode(cause, userSignal);
      throw new ItsmeSignError(code, { cause: sanitizeCause(cause) });
    }
    if (text === '' || text.trim() === '') return { status, headers: resHeaders, body: undefined };
    try {
      return { status, headers: resHeaders, body: JSON.parse(text) };
    } catch (cause) {
      // A gateway's HTML page: the status says what it is (5xx, 429, a refused client, a wrong base URL).
      if (status >= 500 || NON_JSON_STATUSES.has(status))
        return { status, headers: resHeaders, body: undefined };
      throw new ItsmeSignError('INVALID_RESPONSE', {
        message: `itsme® answered ${path} with a body that is not JSON (HTTP ${status}).`,
        httpStatus: status,
        cause,
      });
    }
  }

  #target(path: string): { origin: string; path: string } {
    const url = new URL(this.baseUrl + path);
    const target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    this.#targets.set(path, target);
    return target;
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** Statuses whose non-JSON body (a gateway's page) is ignored: the status alone is classified. */
const NON_JSON_STATUSES = new Set([401, 403, 404, 429]);

/** Keeps only the name, code and message of a network error (never options that may hold keys). */
function sanitizeCause(cause: unknown): Error {
  const e = cause as { name?: string; code?: string; message?: string };
  const out = new Error(e?.message ?? String(cause));
  out.name = e?.name ?? 'Error';
  if (e?.code) (out as Error & { code?: string }).code = e.code;
  return out;
}
