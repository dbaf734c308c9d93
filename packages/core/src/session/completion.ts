/**
 * Server-side completion: once the user has been sent to itsme® to sign, this instance keeps asking itsme®
 * until the session ends, whether or not the browser ever comes back (closed tab, lost network, the phone
 * switched apps), so a signature the user gave is never lost to `SESSION_EXPIRED`.
 *
 * Each session is followed by at most one timer per instance, with a backoff from the poll interval up to
 * `maxIntervalMs` while nothing changes; the cluster-wide poll lease inside `advance` keeps it to one status
 * call per session and poll interval across every instance and browser. At most `maxSessions` are followed
 * at once per instance (beyond that, sessions complete on the browser's polls as before). Timers never keep
 * the process alive, and `close()` stops them all.
 */
import { isFinalStatus, type SigningSession } from './state.js';

export interface CompletionOptions {
  /** Moves a session forward if itsme® has news (the orchestrator's `advance`). */
  advance(id: string): Promise<SigningSession | undefined>;
  /** First wait between two checks (ms): the poll interval. */
  pollIntervalMs: number;
  /** Longest wait between two checks while nothing changes (ms). */
  maxIntervalMs: number;
  /** Most sessions followed at once by this instance. */
  maxSessions: number;
}

/** How much longer each wait is than the last while the session does not change. */
const BACKOFF = 1.5;

export class BackgroundCompletion {
  readonly #o: CompletionOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(options: CompletionOptions) {
    this.#o = options;
  }

  /** How many sessions this instance follows now. */
  get size(): number {
    return this.#timers.size;
  }

  /** Follows `session` until it ends, if it is waiting for the user's signature and not followed yet. */
  follow(session: SigningSession | undefined): void {
    if (this.#closed || !session || session.status !== 'signing') return;
    if (this.#timers.has(session.id) || this.#timers.size >= this.#o.maxSessions) return;
    this.#schedule(session.id, session.version, this.#o.pollIntervalMs);
  }

  /** Stops following every session (the sessions themselves are untouched). */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(id: string, version: number, delayMs: number): void {
    const timer = setTimeout(() => void this.#check(id, version, delayMs), delayMs);
    timer.unref();
    this.#timers.set(id, timer);
  }

  async #check(id: string, version: number, delayMs: number): Promise<void> {
    let session: SigningSession | undefined;
    try {
      session = await this.#o.advance(id);
    } catch {
      // `advance` ends the session itself after too many failures; a thrown error (the store is down) is
      // simply tried again later.
      session = undefined;
      if (!this.#closed) return this.#schedule(id, version, this.#next(delayMs));
    }
    if (this.#closed || !session || isFinalStatus(session.status)) {
      this.#timers.delete(id);
      return;
    }
    const changed = session.version !== version;
    this.#schedule(id, session.version, changed ? this.#o.pollIntervalMs : this.#next(delayMs));
  }

  #next(delayMs: number): number {
    return Math.min(this.#o.maxIntervalMs, Math.ceil(delayMs * BACKOFF));
  }
}
