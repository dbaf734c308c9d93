/**
 * The session repository: the only code that reads and writes sessions. Every change is `transition()`
 * applied under compare-and-set on `version`, re-read and retried after a concurrent change; it also knows
 * how long a session is kept (`retentionMs`, on the orchestrator's clock) and takes the store's leases.
 */
import { createHash } from 'node:crypto';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError, isItsmeSignError } from '../errors.js';
import { isFinalStatus, type SessionEvent, type SigningSession, transition } from './state.js';
import type { SessionStore } from './store.js';
import { upgradeSession } from './upgrade.js';

export interface RepositoryOptions {
  /** How long a finished session is kept (ms). */
  finishedTtlMs: number;
  now: () => number;
  /** Told of every transition that was written. */
  onTransition?: (from: SigningSession, to: SigningSession, event: SessionEvent) => void;
}

export class SessionRepository {
  readonly store: SessionStore;
  readonly #o: RepositoryOptions;

  constructor(store: SessionStore, options: RepositoryOptions) {
    this.store = store;
    this.#o = options;
  }

  async read(id: string): Promise<SigningSession | undefined> {
    try {
      const session = await this.store.get(id);
      return session && upgradeSession(session);
    } catch (cause) {
      throw storeError(cause);
    }
  }

  /** Writes a new session (version 1); `false` if one with its id exists. */
  create(session: SigningSession): Promise<boolean> {
    return this.#write(session, 0);
  }

  /** Applies `event` with compare-and-set, re-reading and retrying on a concurrent change. */
  async apply(id: string, event: SessionEvent): Promise<SigningSession> {
    for (let attempt = 0; attempt < DEFAULTS.casAttempts; attempt++) {
      const current = await this.read(id);
      if (!current) throw new ItsmeSignError('SESSION_NOT_FOUND');
      const next = transition(current, event, this.#o.now());
      if (await this.#write(next, current.version)) {
        this.#o.onTransition?.(current, next, event);
        return next;
      }
    }
    throw new ItsmeSignError('SESSION_CONFLICT');
  }

  /** Like `apply`, but a session that already ended (or moved on) is returned as it is. */
  async applyIfLive(id: string, event: SessionEvent): Promise<SigningSession | undefined> {
    try {
      return await this.apply(id, event);
    } catch (error) {
      if (isItsmeSignError(error) && error.code === 'ILLEGAL_TRANSITION') return this.read(id);
      throw error;
    }
  }

  /** Ends the session with `error` (FAILED); never throws: the session as it is stays readable. */
  async fail(id: string, error: unknown): Promise<SigningSession | undefined> {
    const e = isItsmeSignError(error) ? error : new ItsmeSignError('INTERNAL_ERROR', { cause: error });
    return this.applyIfLive(id, {
      type: 'FAILED',
      code: e.code,
      message: e.message,
      ...(e.reason ? { reason: e.reason } : {}),
    }).catch(() => this.read(id));
  }

  /**
   * Signed results kept beside the session, as long as a finished session is kept, in stores that can
   * (`putResult`/`getResult`); `put` answers `false` where the store cannot keep them.
   */
  readonly results = {
    put: async (sessionId: string, docId: string, bytes: Uint8Array): Promise<boolean> => {
      if (!this.store.putResult || !this.store.getResult) return false;
      try {
        return await this.store.putResult(resultKey(sessionId, docId), bytes, this.#o.finishedTtlMs);
      } catch (cause) {
        throw storeError(cause);
      }
    },
    get: async (sessionId: string, docId: string): Promise<Uint8Array | undefined> => {
      try {
        return await this.store.getResult?.(resultKey(sessionId, docId));
      } catch (cause) {
        throw storeError(cause);
      }
    },
  };

  /** Takes the lease `key` for `ttlMs` if no one (in any instance) holds it. */
  async lease(key: string, ttlMs: number): Promise<boolean> {
    try {
      return await this.store.acquireLease(key, ttlMs);
    } catch (cause) {
      throw storeError(cause);
    }
  }

  /**
   * How long from now the session is kept: `finishedTtlMs` once it ended, else until its deadline plus
   * `finishedTtlMs`. The store's TTL and the cookie's lifetime both follow it.
   */
  retentionMs(session: SigningSession): number {
    if (isFinalStatus(session.status)) return this.#o.finishedTtlMs;
    return Math.max(DEFAULTS.minStoreTtlMs, session.expiresAt - this.#o.now() + this.#o.finishedTtlMs);
  }

  async #write(session: SigningSession, expectedVersion: number): Promise<boolean> {
    try {
      return await this.store.compareAndSet(session, expectedVersion, this.retentionMs(session));
    } catch (cause) {
      throw storeError(cause);
    }
  }
}

const resultKey = (sessionId: string, docId: string): string =>
  `${sessionId}:${createHash('sha256').update(docId).digest('base64url')}`;

const storeError = (cause: unknown): ItsmeSignError =>
  isItsmeSignError(cause) ? cause : new ItsmeSignError('STORE_UNAVAILABLE', { cause });
