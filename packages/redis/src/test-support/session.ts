/** A fresh signing session (hash mode, one document) for the store tests. */
import { createSession, type SigningSession } from '@itsme-sign/core';

export const testSession = (id: string): SigningSession =>
  createSession({
    id,
    subject: { mode: 'hash', documents: [{ id: 'd', digest: 'd' }] },
    options: { lang: 'EN' },
    now: Date.now(),
    ttlMs: 60_000,
  });
