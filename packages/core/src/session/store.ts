/**
 * Where sessions live between requests. Writes are compare-and-set on `version`, so two instances or two
 * tabs can never overwrite each other's change. The in-memory store is the default for a single process;
 * `@itsme-sign/redis` implements the same interface for several instances.
 */
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import type { SigningSession } from './state.js';

export interface SessionStore {
  /** The session, or `undefined` if unknown or expired. */
  get(id: string): Promise<SigningSession | undefined>;
  /**
   * Writes `session` only if the stored version equals `expectedVersion` (`0`: only if no session exists).
   * Returns `false` (and writes nothing) when someone else changed it first. `ttlMs` is how long to keep it.
   */
  compareAndSet(session: SigningSession, expectedVersion: number, ttlMs: number): Promise<boolean>;
  delete(id: string): Promise<void>;
  /**
   * Takes a short lease named `key` for `ttlMs` if no one holds it, across every instance sharing the store.
   * Used to make at most one upstream status call per session and poll interval. The lease is not released
   * early: it simply expires.
   */
  acquireLease(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Calls `listener` whenever the session `id` is written (by this or another instance), so long polls wake
   * up without polling the store. Returns the function that stops listening.
   */
  watch(id: string, listener: () => void): () => void;
  /**
   * Keeps a signed result (document mode) under `key` for `ttlMs`, so every download serves the bytes made
   * once; `false` if it could not (then the result is rebuilt on download). Optional.
   */
  putResult?(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean>;
  /** A result kept by `putResult`, or `undefined`. */
  getResult?(key: string): Promise<Uint8Array | undefined>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}

/** Per-session listeners for `SessionStore.watch`, shared by the store implementations. */
export class SessionWatchers {
  readonly #listeners = new Map<string, Set<() => void>>();

  watch(id: string, listener: () => void): () => void {
    let set = this.#listeners.get(id);
    if (!set) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(id);
    };
  }

  notify(id: string): void {
    const set = this.#listeners.get(id);
    if (set) for (const listener of [...set]) listener();
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** A deep-frozen copy: what a store hands out can be shared by every reader, and mutated by none. */
function frozenCopy<T>(value: T): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const freeze = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) freeze(child);
  };
  freeze(copy);
  return copy;
}

interface Entry {
  session: SigningSession;
  version: number;
  expiresAt: number;
}

export interface MemorySessionStoreOptions {
  /** Clock in ms (tests). */
  now?: () => number;
  /** How often expired entries are swept (ms). Default `DEFAULTS.sweepIntervalMs`. */
  sweepIntervalMs?: number;
  /** The most bytes of signed results kept; the oldest go first. Default `DEFAULTS.memoryResultBytes`. */
  maxResultBytes?: number;
  /**
   * The most sessions kept. A new session beyond it replaces the oldest one that ended unsigned, else the
   * oldest whose user has not identified yet (`created`, `identifying`); one being signed or signed is never
   * dropped: with none to drop, the new session is refused (`STORE_UNAVAILABLE`). Default
   * `DEFAULTS.memoryMaxSessions`.
   */
  maxSessions?: number;
}

/** Ended without a signature: dropping it loses nothing but the page that says so. */
const ENDED_UNSIGNED = new Set(['rejected', 'expired', 'failed', 'cancelled']);
/** The user has not identified yet: nothing was signed, nothing is about to be. */
const NOT_IDENTIFIED = new Set(['created', 'identifying']);

interface ResultEntry {
  bytes: Uint8Array;
  expiresAt: number;
}

/**
 * A `SessionStore` in this process's memory. Each write keeps a deep-frozen JSON copy (so what is stored is
 * exactly what a JSON store would give back), and reads return it without copying: sessions are values,
 * `transition` builds new ones.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Entry>();
  readonly #leases = new Map<string, number>();
  readonly #results = new Map<string, ResultEntry>();
  #resultBytes = 0;
  readonly #maxResultBytes: number;
  readonly #maxSessions: number;
  readonly #watchers = new SessionWatchers();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxResultBytes = options.maxResultBytes ?? DEFAULTS.memoryResultBytes;
    this.#maxSessions = options.maxSessions ?? DEFAULTS.memoryMaxSessions;
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? DEFAULTS.sweepIntervalMs);
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  async get(id: string): Promise<SigningSession | undefined> {
    const entry = this.#live(id);
    return entry?.session;
  }

  async compareAndSet(session: SigningSession, expectedVersion: number, ttlMs: number): Promise<boolean> {
    const current = this.#live(session.id);
    if ((current?.version ?? 0) !== expectedVersion) return false;
    if (!current && this.#sessions.size >= this.#maxSessions) this.#makeRoom();
    this.#sessions.set(session.id, {
      session: frozenCopy(session),
      version: session.version,
      expiresAt: this.#now() + ttlMs,
    });
    this.#notify(session.id);
    return true;
  }

  async delete(id: string): Promise<void> {
    this.#sessions.delete(id);
    this.#notify(id);
  }

  async acquireLease(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const until = this.#leases.get(key);
    if (until !== undefined && until > now) return false;
    this.#leases.set(key, now + ttlMs);
    return true;
  }

  watch(id: string, listener: () => void): () => void {
    return this.#watchers.watch(id, listener);
  }

  async putResult(key: string, bytes: Uint8Array, ttlMs: number): Promise<boolean> {
    if (bytes.byteLength > this.#maxResultBytes) return false;
    this.#dropResult(key);
    // Oldest first (insertion order) until the new one fits.
    for (const k of this.#results.keys()) {
      if (this.#resultBytes + bytes.byteLength <= this.#maxResultBytes) break;
      this.#dropResult(k);
    }
    this.#results.set(key, { bytes: Uint8Array.from(bytes), expiresAt: this.#now() + ttlMs });
    this.#resultBytes += bytes.byteLength;
    return true;
  }

  async getResult(key: string): Promise<Uint8Array | undefined> {
    const entry = this.#results.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#dropResult(key);
      return undefined;
    }
    return Uint8Array.from(entry.bytes);
  }

  /** Drops expired sessions, leases and results. Runs on a timer; public for tests. */
  sweep(): void {
    const now = this.#now();
    for (const [id, e] of this.#sessions) if (e.expiresAt <= now) this.#sessions.delete(id);
    for (const [k, until] of this.#leases) if (until <= now) this.#leases.delete(k);
    for (const [k, r] of this.#results) if (r.expiresAt <= now) this.#dropResult(k);
  }

  #dropResult(key: string): void {
    const entry = this.#results.get(key);
    if (!entry) return;
    this.#results.delete(key);
    this.#resultBytes -= entry.bytes.byteLength;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#watchers.clear();
    this.#results.clear();
    this.#resultBytes = 0;
  }

  /** Drops one session to make room for a new one (see `maxSessions`), or refuses the new one. */
  #makeRoom(): void {
    this.sweep();
    if (this.#sessions.size < this.#maxSessions) return;
    for (const droppable of [ENDED_UNSIGNED, NOT_IDENTIFIED]) {
      // Insertion order is creation order (a write to an existing key keeps its place): oldest first.
      for (const [id, e] of this.#sessions) {
        if (!droppable.has(e.session.status)) continue;
        this.#sessions.delete(id);
        this.#notify(id);
        return;
      }
    }
    throw new ItsmeSignError('STORE_UNAVAILABLE', {
      message: `The in-memory session store is full (maxSessions: ${this.#maxSessions}) of sessions being signed.`,
    });
  }

  #live(id: string): Entry | undefined {
    const entry = this.#sessions.get(id);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return entry;
  }

  #notify(id: string): void {
    this.#watchers.notify(id);
  }
}
