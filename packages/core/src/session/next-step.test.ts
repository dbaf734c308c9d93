import { describe, expect, it } from 'vitest';
import { eventFor, isPoll, type NextStep, nextStep, type StatusOutcome } from './next-step.js';
import {
  createSession,
  SESSION_STATUSES,
  type SessionEvent,
  type SessionStatus,
  type SigningSession,
  transition,
} from './state.js';

const PEM = '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n';

/** One session per status, each one step further along the happy path or ended from `identifying`. */
function sessions(): Record<SessionStatus, SigningSession> {
  const at = (s: SigningSession, e: SessionEvent) => transition(s, e, 2);
  const created = createSession({
    id: 'next-step-session-0001',
    subject: { mode: 'hash', documents: [{ id: 'doc', digest: 'd' }] },
    options: { lang: 'EN' },
    now: 1,
    ttlMs: 60_000,
  });
  const identifying = at(created, {
    type: 'IDENTIFICATION_STARTED',
    asyncRespID: 'A1',
    identificationUrl: 'https://i/',
  });
  const identified = at(identifying, {
    type: 'IDENTIFIED',
    userCode: 'U',
    certificate: PEM,
    certificateChain: [PEM],
  });
  const signing = at(identified, {
    type: 'SIGNING_STARTED',
    respID: 'R1',
    signingUrl: 'https://s/',
    documents: [{ id: 'doc', digest: 'd' }],
  });
  return {
    created,
    identifying,
    identified,
    signing,
    signed: at(signing, { type: 'SIGNED', documents: [{ id: 'doc', signatureValue: 'c2ln' }] }),
    rejected: at(identifying, { type: 'REJECTED' }),
    expired: at(signing, { type: 'EXPIRED' }),
    failed: at(identified, { type: 'FAILED', code: 'UPSTREAM_ERROR', message: 'x' }),
    cancelled: at(created, { type: 'CANCELLED' }),
  };
}

describe('nextStep: which upstream call a session is due for', () => {
  const table: Record<SessionStatus, NextStep> = {
    created: { call: 'none' },
    identifying: { call: 'identification.status', asyncRespID: 'A1' },
    identified: { call: 'sign.start' },
    signing: { call: 'sign.status', respID: 'R1' },
    signed: { call: 'none' },
    rejected: { call: 'none' },
    expired: { call: 'none' },
    failed: { call: 'none' },
    cancelled: { call: 'none' },
  };
  const all = sessions();

  it.each(SESSION_STATUSES.map((s) => [s, table[s]] as const))('%s → %o', (status, step) => {
    expect(all[status].status).toBe(status);
    expect(nextStep(all[status], 3)).toEqual(step);
  });

  it('a sign start itsme® refused with 429 waits until its retry time', () => {
    const deferred = transition(all.identified, { type: 'SIGN_START_DEFERRED', retryAt: 1_000 }, 3);
    expect(deferred).toMatchObject({ status: 'identified', signStart: { retryAt: 1_000, attempts: 1 } });
    expect(nextStep(deferred, 999)).toEqual({ call: 'none' });
    expect(nextStep(deferred, 1_000)).toEqual({ call: 'sign.start' });
    const again = transition(deferred, { type: 'SIGN_START_DEFERRED', retryAt: 2_000 }, 4);
    expect(again.status === 'identified' && again.signStart).toEqual({ retryAt: 2_000, attempts: 2 });
    // Started at last: the deferral is gone.
    const signing = transition(
      again,
      { type: 'SIGNING_STARTED', respID: 'R', signingUrl: 'https://s/', documents: [] },
      5,
    );
    expect('signStart' in signing).toBe(false);
  });

  it('only the status calls are polls (one per poll interval across instances)', () => {
    expect(SESSION_STATUSES.filter((s) => isPoll(nextStep(all[s], 3)))).toEqual(['identifying', 'signing']);
  });
});

describe('eventFor: what an upstream answer means for the state machine', () => {
  const table: Array<[string, StatusOutcome, SessionEvent | undefined]> = [
    ['pending', { state: 'pending' }, undefined],
    [
      'identified',
      { state: 'identified', userCode: 'U', certificate: PEM, certificateChain: [PEM] },
      { type: 'IDENTIFIED', userCode: 'U', certificate: PEM, certificateChain: [PEM] },
    ],
    [
      'signed (each value by whichDoc; matched and checked before, in acceptSignature)',
      { state: 'signed', signatures: [{ whichDoc: 'doc', signatureValue: 'c2ln' }] },
      { type: 'SIGNED', documents: [{ id: 'doc', signatureValue: 'c2ln' }] },
    ],
    ['rejected', { state: 'rejected', reason: 'REJECTED' }, { type: 'REJECTED', reason: 'REJECTED' }],
    ['expired', { state: 'expired', reason: 'EXPIRED' }, { type: 'EXPIRED', reason: 'EXPIRED' }],
  ];

  it.each(table)('%s', (_name, outcome, event) => {
    expect(eventFor(outcome)).toEqual(event);
  });

  it('every event it gives is legal in the status whose call gave the answer', () => {
    const all = sessions();
    for (const [, outcome, event] of table) {
      if (!event) continue;
      const from =
        outcome.state === 'identified'
          ? [all.identifying]
          : outcome.state === 'signed'
            ? [all.signing]
            : [all.identifying, all.signing];
      for (const session of from) expect(() => transition(session, event, 3)).not.toThrow();
    }
  });
});
