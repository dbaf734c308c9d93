/**
 * The facts of the browser-facing contract, without zod (a browser bundle pays only for what it reads):
 * routes, languages, statuses, steps, the longest long poll, and the field limits a form can check.
 * `@itsme-sign/core/contract/constants`; `@itsme-sign/core/contract` re-exports it with the schemas.
 */
import { LIMITS } from '../wire/constants.js';

export { LANGUAGES, type Language, LIMITS } from '../wire/constants.js';

/** The handler's routes, relative to its mount path. */
export const ROUTES = {
  sessions: '/sessions',
  session: '/session',
  callback: '/callback',
  /** `?target=signing`: the way to itsme®'s signing page (records that the user was sent there). */
  go: '/session/go',
  /** `?document=<id>` names one document of a batch. */
  result: '/session/result',
  /** Every signed document of a document-mode session in one zip archive. */
  resultArchive: '/session/result.zip',
} as const;

/** The most documents one session signs with one approval (itsme®'s batch limit; see `maxDocuments`). */
export const MAX_DOCUMENTS: number = LIMITS.batchDocuments;

/** Longest long poll a client may ask for (seconds). */
export const MAX_WAIT_SECONDS = 30;

/** Every status of a signing session, in the order a session goes through them. */
export const SESSION_STATUSES = [
  'created',
  'identifying',
  'identified',
  'signing',
  'signed',
  'rejected',
  'expired',
  'failed',
  'cancelled',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The statuses a session never leaves. */
export const FINAL_STATUSES = ['signed', 'rejected', 'expired', 'failed', 'cancelled'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];
export const isFinalStatus = (s: SessionStatus): s is FinalStatus =>
  (FINAL_STATUSES as readonly string[]).includes(s);

/** How a session signs: a ready SHA-256 digest, or a document the back end prepares. */
export const SESSION_MODES = ['hash', 'document'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

/** What the browser does next (`SessionView.next.action`). */
export const NEXT_ACTIONS = ['redirect', 'wait', 'done', 'restart'] as const;
export type NextActionName = (typeof NEXT_ACTIONS)[number];

/** Where a `redirect` sends the browser at itsme®. */
export const REDIRECT_TARGETS = ['identification', 'signing'] as const;
export type RedirectTarget = (typeof REDIRECT_TARGETS)[number];

/** The four steps a person sees. */
export const SIGNING_STEPS = ['identify', 'certificate', 'confirm', 'signed'] as const;
export type SigningStep = (typeof SIGNING_STEPS)[number];
