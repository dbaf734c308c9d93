/**
 * The long poll: resolves when a session's version differs from the one the caller knows, the session ends,
 * or the wait is over — advancing it upstream meanwhile. Sleeps on store notifications and the poll
 * interval, never in a busy loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinalStatus, type SigningSession } from './state.js';
import type { SessionStore } from './store.js';

export interface LongPollDeps {
  /** The session (expired first if past its deadline). */
  get(id: string): Promise<SigningSession | undefined>;
  /** Moves the session forward if itsme® has news. */
  advance(id: string): Promise<SigningSession | undefined>;
  store: Pick<SessionStore, 'watch'>;
  now: () => number;
  pollIntervalMs: number;
}

export async function waitForChange(
  deps: LongPollDeps,
  id: string,
  knownVersion: number | undefined,
  waitMs: number,
  signal?: AbortSignal,
): Promise<SigningSession | undefined> {
  const changed = (s: SigningSession | undefined) =>
    !s || isFinalStatus(s.status) || s.version !== knownVersion;
  const deadline = deps.now() + waitMs;
  for (;;) {
    let session = await deps.get(id);
    if (changed(session)) return session;
    session = await deps.advance(id);
    if (changed(session)) return session;
    const remaining = deadline - deps.now();
    if (remaining <= 0 || signal?.aborted) return session;
    await sleepUntilChange(deps.store, id, Math.min(remaining, deps.pollIntervalMs), signal);
  }
}

/** Sleeps `ms`, or less if the session is written (by any instance) or `signal` aborts. */
async function sleepUntilChange(
  store: Pick<SessionStore, 'watch'>,
  id: string,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  const ac = new AbortController();
  const stop = store.watch(id, () => ac.abort());
  const onAbort = () => ac.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await sleep(ms, undefined, { signal: ac.signal });
  } catch {
    // woken up by a change or an abort
  } finally {
    stop();
    signal?.removeEventListener('abort', onAbort);
  }
}
