import { describe, expect, it } from 'vitest';
import { ItsmeSignError } from '../errors.js';
import {
  createSession,
  isFinalStatus,
  isPastDeadline,
  SESSION_EVENT_TYPES,
  SESSION_STATUSES,
  type SessionEvent,
  type SessionEventType,
  type SessionStatus,
  type SigningSession,
  transition,
} from './state.js';

const T0 = 1_700_000_000_000;
const CERT = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';

const EVENTS: Record<SessionEventType, SessionEvent> = {
  IDENTIFICATION_STARTED: {
    type: 'IDENTIFICATION_STARTED',
    asyncRespID: 'a1',
    identificationUrl: 'https://itsme.example/id?q=1',
  },
  USER_RETURNED: { type: 'USER_RETURNED' },
  USER_SENT: { type: 'USER_SENT' },
  SIGN_START_DEFERRED: { type: 'SIGN_START_DEFERRED', retryAt: T0 + 5_000 },
  IDENTIFIED: { type: 'IDENTIFIED', userCode: 'u'.repeat(36), certificate: CERT, certificateChain: [CERT] },
  SIGNING_STARTED: {
    type: 'SIGNING_STARTED',
    respID: 'r1',
    signingUrl: 'https://itsme.example/sign?q=2',
    documents: [{ id: 'doc', digest: 'd' }],
  },
  SIGNED: { type: 'SIGNED', documents: [{ id: 'doc', signatureValue: 'c2ln' }] },
  REJECTED: { type: 'REJECTED', reason: 'REJECTED' },
  EXPIRED: { type: 'EXPIRED' },
  FAILED: { type: 'FAILED', code: 'UPSTREAM_ERROR', message: 'boom' },
  CANCELLED: { type: 'CANCELLED' },
};

/** A session in each state, reached through legal transitions only. */
function sessionIn(status: SessionStatus): SigningSession {
  let s: SigningSession = createSession({
    id: 'session-id-0123456789',
    subject: { mode: 'hash', documents: [{ id: 'doc', digest: 'd' }] },
    options: { lang: 'EN' },
    now: T0,
    ttlMs: 60_000,
  });
  const path: Record<SessionStatus, SessionEventType[]> = {
    created: [],
    identifying: ['IDENTIFICATION_STARTED'],
    identified: ['IDENTIFICATION_STARTED', 'IDENTIFIED'],
    signing: ['IDENTIFICATION_STARTED', 'IDENTIFIED', 'SIGNING_STARTED'],
    signed: ['IDENTIFICATION_STARTED', 'IDENTIFIED', 'SIGNING_STARTED', 'SIGNED'],
    rejected: ['IDENTIFICATION_STARTED', 'REJECTED'],
    expired: ['IDENTIFICATION_STARTED', 'IDENTIFIED', 'SIGNING_STARTED', 'EXPIRED'],
    failed: ['FAILED'],
    cancelled: ['IDENTIFICATION_STARTED', 'CANCELLED'],
  };
  for (const e of path[status]) s = transition(s, EVENTS[e], T0 + s.version);
  expect(s.status).toBe(status);
  return s;
}

/** The legal (state, event) pairs and the state each leads to. Everything else must be refused. */
const LEGAL: Partial<Record<SessionStatus, Partial<Record<SessionEventType, SessionStatus>>>> = {
  created: {
    IDENTIFICATION_STARTED: 'identifying',
    REJECTED: 'rejected',
    EXPIRED: 'expired',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
  identifying: {
    USER_RETURNED: 'identifying',
    IDENTIFIED: 'identified',
    REJECTED: 'rejected',
    EXPIRED: 'expired',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
  identified: {
    SIGN_START_DEFERRED: 'identified',
    SIGNING_STARTED: 'signing',
    REJECTED: 'rejected',
    EXPIRED: 'expired',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
  signing: {
    USER_RETURNED: 'signing',
    USER_SENT: 'signing',
    SIGNED: 'signed',
    REJECTED: 'rejected',
    EXPIRED: 'expired',
    FAILED: 'failed',
    CANCELLED: 'cancelled',
  },
};

describe('transition: every state × event pair', () => {
  const pairs = SESSION_STATUSES.flatMap((s) => SESSION_EVENT_TYPES.map((e) => [s, e] as const));
  it.each(pairs)('%s + %s', (status, eventType) => {
    const before = sessionIn(status);
    const snapshot = JSON.stringify(before);
    const expected = LEGAL[status]?.[eventType];
    if (expected) {
      const after = transition(before, EVENTS[eventType], T0 + 1000);
      expect(after.status).toBe(expected);
      expect(after.version).toBe(before.version + 1);
      expect(after.updatedAt).toBe(T0 + 1000);
      expect(JSON.parse(JSON.stringify(after))).toEqual(after);
    } else {
      let error: unknown;
      try {
        transition(before, EVENTS[eventType], T0 + 1000);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ItsmeSignError);
      expect((error as ItsmeSignError).code).toBe('ILLEGAL_TRANSITION');
    }
    expect(JSON.stringify(before)).toBe(snapshot); // pure: the input is never mutated
  });
});

describe('state details', () => {
  it('every state serialises to JSON and back unchanged', () => {
    for (const status of SESSION_STATUSES) {
      const s = sessionIn(status);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });

  it('USER_RETURNED marks the current step as returned', () => {
    const id = transition(sessionIn('identifying'), EVENTS.USER_RETURNED, T0);
    expect(id.status === 'identifying' && id.identification.returned).toBe(true);
    const sign = transition(sessionIn('signing'), EVENTS.USER_RETURNED, T0);
    expect(sign.status === 'signing' && sign.signing.returned).toBe(true);
  });

  it('failures record the step and the reason', () => {
    const rejected = transition(sessionIn('signing'), { type: 'REJECTED', reason: 'REJECTED' }, T0);
    expect(rejected.status === 'rejected' && rejected.failure).toMatchObject({
      code: 'USER_REJECTED',
      step: 'signing',
    });
    const expiredByUser = transition(sessionIn('identifying'), { type: 'EXPIRED', reason: 'EXPIRED' }, T0);
    expect(expiredByUser.status === 'expired' && expiredByUser.failure.code).toBe('USER_EXPIRED');
    const expiredByClock = transition(sessionIn('identifying'), { type: 'EXPIRED' }, T0);
    expect(expiredByClock.status === 'expired' && expiredByClock.failure.code).toBe('SESSION_EXPIRED');
    const failed = transition(
      sessionIn('identified'),
      { type: 'FAILED', code: 'INVALID_POLICY', message: 'm', reason: 'INVALID_POLICY' },
      T0,
    );
    expect(failed.status === 'failed' && failed.failure).toEqual({
      code: 'INVALID_POLICY',
      message: 'm',
      step: 'identification',
      reason: 'INVALID_POLICY',
    });
  });

  it('expiry follows the injected clock', () => {
    const s = sessionIn('signing');
    expect(isPastDeadline(s, s.expiresAt - 1)).toBe(false);
    expect(isPastDeadline(s, s.expiresAt)).toBe(true);
    expect(isPastDeadline(sessionIn('signed'), s.expiresAt + 1)).toBe(false);
    expect(isFinalStatus('signed')).toBe(true);
  });
});
