/** A fresh signing session (hash mode, one document) for the store tests. */
import { createSession, type SessionStore, type SigningSession } from '@itsme-sign/core';

export const testSession = (id: string): SigningSession =>
  createSession({
    id,
    subject: { mode: 'hash', documents: [{ id: 'd', digest: 'd' }] },
    options: { lang: 'EN' },
    now: Date.now(),
    ttlMs: 60_000,
  });

/**
 * Whether `store.watch(id)` fires while `poke` writes the session again every 100 ms, for at most `ms`: a
 * subscription reaches the server a moment after `watch` returns, so a single write might come before it.
 */
export async function wakesUp(
  store: Pick<SessionStore, 'watch'>,
  id: string,
  poke: () => Promise<unknown>,
  ms = 5_000,
): Promise<boolean> {
  let woken = false;
  const stop = store.watch(id, () => {
    woken = true;
  });
  try {
    for (const until = Date.now() + ms; !woken && Date.now() < until; ) {
      await poke();
      await new Promise((r) => setTimeout(r, 100));
    }
    return woken;
  } finally {
    stop();
  }
}
