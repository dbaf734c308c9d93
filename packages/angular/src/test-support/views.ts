import type { SessionView } from '@itsme-sign/core/contract';

export const BASE_URL = '/api/itsme';
export const IDENTIFICATION_URL = 'https://sandbox.test/oidc/authorize?request=abc';
export const SIGNING_URL = 'https://sandbox.test/sign?respID=xyz';

/** A SessionView as the handler sends it; `patch` decides the state. */
export function view(patch: Partial<SessionView> = {}): SessionView {
  return {
    id: 'sess-1',
    status: 'identifying',
    step: 'identify',
    version: 1,
    lang: 'EN',
    mode: 'document',
    documentName: 'contract.pdf',
    documents: [{ id: 'contract.pdf', name: 'contract.pdf' }],
    next: { action: 'redirect', url: IDENTIFICATION_URL, target: 'identification' },
    createdAt: '2026-11-26T10:00:00.000Z',
    expiresAt: '2026-11-26T10:15:00.000Z',
    ...patch,
  };
}

/** A signed batch of three documents (one approval). */
export const signedBatch = (): SessionView =>
  view({
    status: 'signed',
    step: 'signed',
    version: 5,
    documentName: 'terms.pdf',
    documents: ['terms.pdf', 'annex.pdf', 'mandate.pdf'].map((name) => ({
      id: name,
      name,
      resultUrl: `${BASE_URL}/session/result?document=${name}`,
    })),
    next: { action: 'done', resultUrl: `${BASE_URL}/session/result.zip` },
  });

export const VIEWS = {
  identifying: () => view(),
  identified: () => view({ status: 'identified', step: 'certificate', version: 2, next: { action: 'wait' } }),
  signing: () =>
    view({
      status: 'signing',
      step: 'confirm',
      version: 3,
      next: { action: 'redirect', url: SIGNING_URL, target: 'signing' },
    }),
  signingReturned: () => view({ status: 'signing', step: 'confirm', version: 4, next: { action: 'wait' } }),
  signed: () =>
    view({
      status: 'signed',
      step: 'signed',
      version: 5,
      next: { action: 'done', resultUrl: `${BASE_URL}/session/result` },
    }),
  rejected: () =>
    view({
      status: 'rejected',
      step: 'confirm',
      version: 5,
      next: { action: 'restart' },
      error: { code: 'USER_REJECTED', message: 'The user refused to sign.' },
    }),
  expired: () =>
    view({
      status: 'expired',
      step: 'identify',
      version: 2,
      next: { action: 'restart' },
      error: { code: 'SESSION_EXPIRED', message: 'The session expired.' },
    }),
  cancelled: () =>
    view({
      status: 'cancelled',
      step: 'certificate',
      version: 3,
      next: { action: 'restart' },
      error: { code: 'SESSION_CANCELLED', message: 'The session was cancelled.' },
    }),
  failed: () =>
    view({
      status: 'failed',
      step: 'confirm',
      version: 5,
      next: { action: 'restart' },
      error: { code: 'SIGNATURE_INVALID', message: 'The signature does not match the certificate.' },
    }),
} satisfies Record<string, () => SessionView>;

export interface FakeDocument {
  location: { assign: (url: string) => void };
  defaultView: {
    performance: { getEntriesByType: (type: string) => { type: string }[] };
    addEventListener: (type: string, listener: (event: { persisted: boolean }) => void) => void;
    removeEventListener: (type: string, listener: unknown) => void;
  };
  /** Dispatches `pageshow` as the browser does when it restores the page from the back/forward cache. */
  restoreFromHistory: () => void;
  /** Every URL passed to `location.assign`. */
  assigned: string[];
}

/** A DOCUMENT stand-in that records where the browser was sent; `navigationType` as the browser reports it. */
export function fakeDocument(navigationType = 'navigate'): FakeDocument {
  const assigned: string[] = [];
  const listeners = new Set<(event: { persisted: boolean }) => void>();
  return {
    assigned,
    location: { assign: (url: string) => void assigned.push(url) },
    defaultView: {
      performance: { getEntriesByType: (type) => (type === 'navigation' ? [{ type: navigationType }] : []) },
      addEventListener: (type, listener) => {
        if (type === 'pageshow') listeners.add(listener);
      },
      removeEventListener: (_type, listener) => {
        listeners.delete(listener as (event: { persisted: boolean }) => void);
      },
    },
    restoreFromHistory: () => {
      for (const listener of listeners) listener({ persisted: true });
    },
  };
}

/**
 * Lets the session's promise chains run after a `flush` (HttpClient answers synchronously, the follower awaits it).
 * Microtasks only, so it works with fake timers too.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
