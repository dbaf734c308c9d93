/** The follower's HTTP side that needs no state: the fetch it uses, what an answer means, the back-off. */
import type { RequestError } from './state.js';
import { errorInfoOf } from './view.js';

/** The part of `fetch` the follower uses (the global `fetch` fits; so does an adapter over another client). */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    credentials: 'omit' | 'same-origin' | 'include';
    signal: AbortSignal;
  },
) => Promise<{ status: number; statusText?: string; json(): Promise<unknown> }>;

/** Back-off after a failed request: delay in ms before attempt `n` (1, 2, …). */
export type RetryDelay = (attempt: number) => number;

export function exponentialBackoff(initialMs: number, maxMs: number): RetryDelay {
  return (attempt) => Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

export type Outcome = { ok: true; body: unknown } | { ok: false; error: RequestError };

/** The default back-off: 1 s, doubling up to 30 s. */
export const DEFAULT_RETRY_DELAY: RetryDelay = exponentialBackoff(1_000, 30_000);

export const networkError = (message: string): RequestError => ({
  kind: 'network',
  status: 0,
  code: 'NETWORK_ERROR',
  message,
  retryable: true,
});

/** What an HTTP answer means for the follower (pure). */
export function classifyAnswer(
  status: number,
  statusText: string,
  readable: boolean,
  body: unknown,
): Outcome {
  if (status === 0) return { ok: false, error: networkError('The server could not be reached.') };
  if (status >= 200 && status < 300) {
    if (readable) return { ok: true, body };
    const message = 'The server sent an answer that could not be read.';
    return {
      ok: false,
      error: { kind: 'server', status, code: 'INVALID_RESPONSE', message, retryable: false },
    };
  }
  const info = errorInfoOf(body);
  const code = info?.code ?? `HTTP_${status}`;
  const message = info?.message ?? (statusText || `HTTP ${status}`);
  if (status === 404)
    return { ok: false, error: { kind: 'not-found', status, code, message, retryable: false } };
  const server = status >= 500 || status === 429 || status === 408;
  const retryable = info?.retryable ?? server;
  return { ok: false, error: { kind: server ? 'server' : 'client', status, code, message, retryable } };
}
