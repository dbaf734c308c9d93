/** SessionViews as the handler sends them, for the browser follower's tests. */
import type { SessionView } from '../contract/index.js';

export const ID_URL = 'https://itsme.example/identify?q=1';
export const SIGN_URL = 'https://itsme.example/sign?q=2';

export function view(patch: Partial<SessionView> = {}): SessionView {
  return {
    id: 's-1',
    status: 'identifying',
    step: 'identify',
    version: 1,
    lang: 'EN',
    mode: 'hash',
    documents: [{ id: 'document' }],
    next: { action: 'redirect', url: ID_URL, target: 'identification' },
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T10:15:00.000Z',
    ...patch,
  };
}
export const identified = view({
  status: 'identified',
  step: 'certificate',
  version: 2,
  next: { action: 'wait' },
});
export const signing = view({
  status: 'signing',
  step: 'confirm',
  version: 3,
  next: { action: 'redirect', url: SIGN_URL, target: 'signing' },
});
export const signed = view({
  status: 'signed',
  step: 'signed',
  version: 4,
  next: { action: 'done', resultUrl: '/api/itsme/session/result' },
});
