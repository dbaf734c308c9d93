/**
 * The signing session as a pure state machine: `transition(session, event, now)` → next session.
 * Every state is plain JSON (so any store can keep it) and every change bumps `version` (compare-and-set).
 *
 *   created ──IDENTIFICATION_STARTED──▶ identifying ──IDENTIFIED──▶ identified ──SIGNING_STARTED──▶ signing ──SIGNED──▶ signed
 *      │                                  │  ▲ USER_RETURNED                                          │  ▲ USER_RETURNED
 *      └───────── REJECTED / EXPIRED / FAILED / CANCELLED from any non-final state ────────────────────┘
 */

import type { LocalizedText } from '../client/b2b-types.js';
import { isFinalStatus } from '../contract/constants.js';
import { ERROR_CODES, type ErrorCode, ItsmeSignError } from '../errors.js';
import type { Language } from '../wire/constants.js';

export {
  FINAL_STATUSES,
  type FinalStatus,
  isFinalStatus,
  SESSION_STATUSES,
  type SessionStatus,
} from '../contract/constants.js';

/** The protocol step a session was in. */
export type SessionStep = 'identification' | 'signing';

/** One document of a hash-mode session: the app built the data to be signed and gives its SHA-256. */
export interface HashDocument {
  /** `docHash[].id` sent to itsme® (echoed back as `whichDoc`); unique in the session. */
  id: string;
  /** SHA-256 of the data to be signed, standard base64. */
  digest: string;
  name?: string;
}

/** One document of a document-mode session: the app's reference, turned into bytes by `resolveDocument`. */
export interface SourceDocument {
  /** `docHash[].id` sent to itsme® (echoed back as `whichDoc`); unique in the session. */
  id: string;
  documentId: string;
  name?: string;
}

/** What the app asked to sign: one document, or several signed with one approval (batch signing). */
export type SigningSubject =
  | { mode: 'hash'; documents: HashDocument[] }
  | { mode: 'document'; documents: SourceDocument[] };

export interface SessionParameters {
  lang: Language;
  /** Shown in the itsme® app, ≤ `LIMITS.signerRole` ISO-8859-1 characters: one text, or one per language. */
  signerRole?: LocalizedText;
  /** Shown in the itsme® app, ≤ `LIMITS.description` ISO-8859-1 characters: one text, or one per language. */
  description?: LocalizedText;
  /** Known itsme® user code (skips the phone-number step at itsme®). */
  userCode?: string;
}

export interface IdentificationInfo {
  asyncRespID: string;
  identificationUrl: string;
  /** The user came back to the callback URL from itsme®. */
  returned: boolean;
}

export interface SignerInfo {
  userCode: string;
  /** PEM of the signing certificate. */
  certificate: string;
  /** PEM certificates, leaf first. */
  certificateChain: string[];
  /** When the identification completed (ms since epoch). */
  identifiedAt?: number;
}

/** A document as sent to itsme® for signing. */
export interface SigningDocument {
  /** `docHash[].id` (echoed back as `whichDoc`). */
  id: string;
  /** The SHA-256 (standard base64) that itsme® signs. */
  digest: string;
  /** Serialisable state of the `DocumentSigner` between `prepare` and `finalize` (document mode). */
  prepared?: unknown;
}

export interface SigningInfo {
  respID: string;
  signingUrl: string;
  /** In the order of the subject's documents. */
  documents: SigningDocument[];
  returned: boolean;
  /**
   * The user was sent to the signing page (through the handler's `go` route). Until then a callback is not
   * taken as their return from signing (it is a repeated identification callback, a reload, a prefetch).
   */
  sent?: boolean;
  /** When the sign session started at itsme® (ms since epoch). */
  startedAt?: number;
}

/** A signed document: its signature value and where its signed result is kept. */
export interface SignedDocumentInfo {
  /** `docHash[].id`. */
  id: string;
  /** Raw signature value, standard base64. */
  signatureValue: string;
  /** Where the signed document was stored by the app's hook (document mode), if it said. */
  resultRef?: string;
  /** The signed file (document mode): its name, type, size and SHA-256 (standard base64). */
  file?: { name: string; contentType: string; size: number; sha256: string };
  /** The signed file is kept in the store's result cache: every download serves these bytes. */
  cached?: boolean;
}

export interface SignedInfo {
  /** In the order of the subject's documents. */
  documents: SignedDocumentInfo[];
  signedAt: number;
}

export interface SessionFailure {
  code: ErrorCode;
  message: string;
  step?: SessionStep;
  /** The service's own reason token, if any. */
  reason?: string;
}

interface Base {
  id: string;
  /** Incremented by every transition; stores compare-and-set on it. */
  version: number;
  createdAt: number;
  updatedAt: number;
  /** After this instant (ms since epoch) the session expires, whatever its state. */
  expiresAt: number;
  subject: SigningSubject;
  options: SessionParameters;
  /** The app's user this session belongs to (from the `authorize` hook), if any. */
  owner?: string;
}

export type CreatedSession = Base & { status: 'created' };
export type IdentifyingSession = Base & { status: 'identifying'; identification: IdentificationInfo };
export type IdentifiedSession = Base & {
  status: 'identified';
  identification: IdentificationInfo;
  signer: SignerInfo;
  /** itsme® refused the sign start before processing it (429): when to try again, and how often it did. */
  signStart?: { retryAt: number; attempts: number };
};
export type AwaitingSignatureSession = Base & {
  status: 'signing';
  identification: IdentificationInfo;
  signer: SignerInfo;
  signing: SigningInfo;
};
export type SignedSession = Base & {
  status: 'signed';
  identification: IdentificationInfo;
  signer: SignerInfo;
  signing: SigningInfo;
  signed: SignedInfo;
};
type Partial3 = Partial<Pick<SignedSession, 'identification' | 'signer' | 'signing'>>;
export type RejectedSession = Base & Partial3 & { status: 'rejected'; failure: SessionFailure };
export type ExpiredSession = Base & Partial3 & { status: 'expired'; failure: SessionFailure };
export type FailedSession = Base & Partial3 & { status: 'failed'; failure: SessionFailure };
export type CancelledSession = Base & Partial3 & { status: 'cancelled'; failure: SessionFailure };

/** One signing session. Plain JSON. */
export type SigningSession =
  | CreatedSession
  | IdentifyingSession
  | IdentifiedSession
  | AwaitingSignatureSession
  | SignedSession
  | RejectedSession
  | ExpiredSession
  | FailedSession
  | CancelledSession;

export type SessionEvent =
  | { type: 'IDENTIFICATION_STARTED'; asyncRespID: string; identificationUrl: string }
  | { type: 'USER_RETURNED' }
  /** The user is being sent to itsme®'s signing page. */
  | { type: 'USER_SENT' }
  /** itsme® refused the sign start before processing it (429): try again at `retryAt`. */
  | { type: 'SIGN_START_DEFERRED'; retryAt: number }
  | { type: 'IDENTIFIED'; userCode: string; certificate: string; certificateChain: string[] }
  | { type: 'SIGNING_STARTED'; respID: string; signingUrl: string; documents: SigningDocument[] }
  | { type: 'SIGNED'; documents: SignedDocumentInfo[] }
  | { type: 'REJECTED'; reason?: string }
  | { type: 'EXPIRED'; reason?: string }
  | { type: 'FAILED'; code: ErrorCode; message: string; reason?: string }
  | { type: 'CANCELLED' };

export type SessionEventType = SessionEvent['type'];
export const SESSION_EVENT_TYPES: readonly SessionEventType[] = [
  'IDENTIFICATION_STARTED',
  'USER_RETURNED',
  'USER_SENT',
  'SIGN_START_DEFERRED',
  'IDENTIFIED',
  'SIGNING_STARTED',
  'SIGNED',
  'REJECTED',
  'EXPIRED',
  'FAILED',
  'CANCELLED',
];

export interface NewSessionInput {
  id: string;
  subject: SigningSubject;
  options: SessionParameters;
  owner?: string;
  now: number;
  ttlMs: number;
}

export function createSession(input: NewSessionInput): CreatedSession {
  return {
    id: input.id,
    version: 1,
    status: 'created',
    createdAt: input.now,
    updatedAt: input.now,
    expiresAt: input.now + input.ttlMs,
    subject: input.subject,
    options: input.options,
    ...(input.owner === undefined ? {} : { owner: input.owner }),
  };
}

/** The step a non-final session is in (for failures). */
export function stepOf(session: SigningSession): SessionStep {
  return 'signing' in session && session.signing ? 'signing' : 'identification';
}

const illegal = (session: SigningSession, event: SessionEvent): never => {
  throw new ItsmeSignError('ILLEGAL_TRANSITION', {
    message: `Event ${event.type} is not allowed in state ${session.status}.`,
  });
};

/** `true` if the session's own deadline has passed. */
export const isPastDeadline = (session: SigningSession, now: number): boolean =>
  !isFinalStatus(session.status) && now >= session.expiresAt;

/**
 * The next state of `session` after `event`. Pure: no I/O, time comes from `now`.
 * Throws `ItsmeSignError('ILLEGAL_TRANSITION')` for an event the state does not accept.
 */
export function transition(session: SigningSession, event: SessionEvent, now: number): SigningSession {
  const bump = { version: session.version + 1, updatedAt: now };

  // Ends that every non-final state accepts.
  switch (event.type) {
    case 'REJECTED':
    case 'EXPIRED':
    case 'FAILED':
    case 'CANCELLED': {
      if (isFinalStatus(session.status)) return illegal(session, event);
      const step = stepOf(session);
      const { status: _s, ...rest } = session;
      const failure: SessionFailure =
        event.type === 'FAILED'
          ? {
              code: event.code,
              message: event.message,
              step,
              ...(event.reason ? { reason: event.reason } : {}),
            }
          : event.type === 'REJECTED'
            ? {
                code: 'USER_REJECTED',
                message: ERROR_CODES.USER_REJECTED.message,
                step,
                reason: event.reason ?? 'REJECTED',
              }
            : event.type === 'EXPIRED'
              ? {
                  code: event.reason ? 'USER_EXPIRED' : 'SESSION_EXPIRED',
                  message: ERROR_CODES[event.reason ? 'USER_EXPIRED' : 'SESSION_EXPIRED'].message,
                  step,
                  ...(event.reason ? { reason: event.reason } : {}),
                }
              : { code: 'SESSION_CANCELLED', message: ERROR_CODES.SESSION_CANCELLED.message, step };
      const status = (
        { REJECTED: 'rejected', EXPIRED: 'expired', FAILED: 'failed', CANCELLED: 'cancelled' } as const
      )[event.type];
      return { ...rest, ...bump, status, failure } as SigningSession;
    }
    default:
      break;
  }

  switch (session.status) {
    case 'created':
      if (event.type !== 'IDENTIFICATION_STARTED') return illegal(session, event);
      return {
        ...session,
        ...bump,
        status: 'identifying',
        identification: {
          asyncRespID: event.asyncRespID,
          identificationUrl: event.identificationUrl,
          returned: false,
        },
      };
    case 'identifying':
      if (event.type === 'USER_RETURNED') {
        return { ...session, ...bump, identification: { ...session.identification, returned: true } };
      }
      if (event.type !== 'IDENTIFIED') return illegal(session, event);
      return {
        ...session,
        ...bump,
        status: 'identified',
        signer: {
          userCode: event.userCode,
          certificate: event.certificate,
          certificateChain: event.certificateChain,
          identifiedAt: now,
        },
      };
    case 'identified': {
      if (event.type === 'SIGN_START_DEFERRED') {
        const attempts = (session.signStart?.attempts ?? 0) + 1;
        return { ...session, ...bump, signStart: { retryAt: event.retryAt, attempts } };
      }
      if (event.type !== 'SIGNING_STARTED') return illegal(session, event);
      const { signStart: _deferred, ...identified } = session;
      return {
        ...identified,
        ...bump,
        status: 'signing',
        signing: {
          respID: event.respID,
          signingUrl: event.signingUrl,
          documents: event.documents,
          returned: false,
          startedAt: now,
        },
      };
    }
    case 'signing':
      if (event.type === 'USER_RETURNED') {
        return { ...session, ...bump, signing: { ...session.signing, returned: true } };
      }
      if (event.type === 'USER_SENT') {
        return { ...session, ...bump, signing: { ...session.signing, sent: true } };
      }
      if (event.type !== 'SIGNED') return illegal(session, event);
      return {
        ...session,
        ...bump,
        status: 'signed',
        signed: { documents: event.documents, signedAt: now },
      };
    case 'signed':
    case 'rejected':
    case 'expired':
    case 'failed':
    case 'cancelled':
      return illegal(session, event);
    default: {
      const unreachable: never = session;
      return unreachable;
    }
  }
}
