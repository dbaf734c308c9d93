/**
 * Every default of the SDK, documented once and read everywhere. An option left out takes its value here;
 * nothing else in the code writes a default down. Frozen: a default never changes at run time.
 */
import { MAX_WAIT_SECONDS } from './contract/constants.js';
import { GENERIC_QUALIFIED_POLICY, type Language } from './wire/constants.js';

export const DEFAULTS = Object.freeze({
  // ---- sessions (orchestrator) -------------------------------------------------------------------------
  /** Language of a session when the browser names none. */
  lang: 'EN' as Language,
  /** Signature policy reference sent with every sign request: the generic qualified policy. */
  signPolicyRef: GENERIC_QUALIFIED_POLICY,
  /** How long a session may take from start to signature (ms): 15 minutes. */
  sessionTtlMs: 15 * 60_000,
  /**
   * How long a finished session is kept to show its result (ms): 1 hour. The store keeps a session (and the
   * browser its cookie) until `expiresAt + finishedTtlMs`, both on the orchestrator's clock.
   */
  finishedTtlMs: 60 * 60_000,
  /** Minimum interval between two upstream status calls of one session, across instances (ms). */
  pollIntervalMs: 1_000,
  /**
   * Consecutive retryable upstream failures (after the client's own retries) of one session, counted by each
   * instance, before the session ends `failed` with the last error instead of waiting for its expiry.
   */
  maxConsecutiveFailures: 5,
  /**
   * Documents one session may sign with one approval: what the itsme® contract allows. 1 unless the contract
   * has the batch-signing option (then up to `LIMITS.batchDocuments`, 70).
   */
  maxDocuments: 1,
  /**
   * Once the user was sent to itsme® to sign, this instance asks itsme® itself until the session ends, even if
   * the browser never comes back (so a signature given is never lost).
   */
  completeInBackground: true,
  /** Longest wait between two background checks of one session while nothing changes (ms). */
  backgroundMaxIntervalMs: 10_000,
  /** Most sessions one instance completes in the background at once (the rest complete on browser polls). */
  backgroundMaxSessions: 1_000,
  /**
   * Upstream status calls one instance makes per second, all sessions together (a burst of as many at once):
   * sessions held by one client cannot make it hammer itsme®. A poll over the budget simply waits for the next.
   */
  maxStatusCallsPerSecond: 50,
  /** Check language, policy and commitment type against the discovery document. */
  useDiscovery: true,
  /** How long the discovery document is cached (ms): 1 hour. */
  discoveryTtlMs: 60 * 60_000,
  /** Verify a hash-mode signature value against the signer's certificate before accepting it. */
  verifySignatures: true,
  /** How many times a compare-and-set is retried after a concurrent change before SESSION_CONFLICT. */
  casAttempts: 5,
  /** Shortest lease that guards a sign start (ms); it otherwise lasts as long as the session. */
  signStartLeaseMs: 60_000,
  /** How long a sign start refused with 429 waits before it is sent again when itsme® gives no Retry-After (ms). */
  signStartRetryMs: 2_000,
  /** The longest wait for a refused sign start's retry, whatever Retry-After says (ms). */
  signStartMaxWaitMs: 60_000,
  /** Shortest time a live session is kept in the store (ms). */
  minStoreTtlMs: 1_000,

  // ---- B2B client (transport) --------------------------------------------------------------------------
  /** Per-call timeout of a B2B call, connect to last byte (ms). */
  timeoutMs: 15_000,
  /** Extra attempts after the first one, for calls that are safe to repeat (status calls, discovery). */
  retries: 2,
  /** First backoff delay before a retry (ms), doubled each attempt, with jitter. */
  retryBaseDelayMs: 200,
  /** Upper bound of one retry delay, a `Retry-After` included (ms). */
  retryMaxDelayMs: 5_000,

  // ---- web handler -------------------------------------------------------------------------------------
  /** Longest long poll of `GET {mount}/session?wait=` (s); also the most a handler may be configured with. */
  maxWaitSeconds: MAX_WAIT_SECONDS,
  /** Largest request body the handler reads (bytes). */
  maxBodyBytes: 64 * 1024,
  /** Name of the session cookie (prefixed `__Host-` or `__Secure-` when it is `Secure`). */
  cookieName: 'itsme_sign',
  /**
   * Session starts (`POST {mount}/sessions`, one itsme® call each) one client may make: a burst of `max`,
   * refilled evenly over `windowMs` (10 a minute). A client is the `authorize` owner, or the proxy's
   * `X-Forwarded-For` entry with `trustProxy`; anonymous clients count in the global bucket only.
   */
  rateLimitPerClient: Object.freeze({ max: 10, windowMs: 60_000 }),
  /** Session starts one handler takes from all clients together: a burst of 100, then 10 a second. */
  rateLimitGlobal: Object.freeze({ max: 100, windowMs: 10_000 }),
  /** Clients the built-in rate limiter tracks at once (the least recently seen are forgotten first). */
  rateLimitMaxClients: 10_000,

  // ---- in-memory store ---------------------------------------------------------------------------------
  /** How often the in-memory store sweeps expired entries (ms). */
  sweepIntervalMs: 60_000,
  /**
   * The most sessions the in-memory store keeps. When full, a new one first replaces the oldest that ended
   * unsigned, then the oldest whose user has not identified yet; never one being signed or signed (then the new
   * one is refused with STORE_UNAVAILABLE).
   */
  memoryMaxSessions: 10_000,
  /** The most bytes of signed documents the in-memory store keeps for downloads (oldest dropped first). */
  memoryResultBytes: 256 * 1024 * 1024,
});

export type Defaults = typeof DEFAULTS;
