/**
 * Which upstream call a session is due for, and what an upstream answer means for the state machine. Both
 * pure: the orchestrator asks `nextStep`, makes the call, and applies `eventFor` of the answer.
 *
 *   identifying ─▶ identification.status ─▶ identified ─▶ sign.start ─▶ signing ─▶ sign.status ─▶ signed
 */
import type { IdentificationStatus, SigningStatus } from '../client/b2b-client.js';
import type { SessionEvent, SigningSession } from './state.js';

/** The upstream call a session is due for; `none` when nothing is to be asked (not started, or ended). */
export type NextStep =
  | { call: 'identification.status'; asyncRespID: string }
  | { call: 'sign.start' }
  | { call: 'sign.status'; respID: string }
  | { call: 'none' };

/** The call due for `session` at `now` (ms): a sign start deferred by itsme® (429) waits until its time. */
export function nextStep(session: SigningSession, now: number): NextStep {
  switch (session.status) {
    case 'identifying':
      return { call: 'identification.status', asyncRespID: session.identification.asyncRespID };
    case 'identified':
      return (session.signStart?.retryAt ?? 0) > now ? { call: 'none' } : { call: 'sign.start' };
    case 'signing':
      return { call: 'sign.status', respID: session.signing.respID };
    // `created` moves on by `start()` itself (the identification start is not retried from a poll).
    case 'created':
    case 'signed':
    case 'rejected':
    case 'expired':
    case 'failed':
    case 'cancelled':
      return { call: 'none' };
    default: {
      const unreachable: never = session;
      return unreachable;
    }
  }
}

/** Status calls are polls: at most one per session and poll interval, across instances. */
export const isPoll = (step: NextStep): boolean =>
  step.call === 'identification.status' || step.call === 'sign.status';

/** What the B2B client answered to a status call. */
export type StatusOutcome = IdentificationStatus | SigningStatus;

/**
 * The state-machine event for an answer; `undefined` while it is pending. A `SIGNED` event is applied only
 * after the signature value was checked (and, in document mode, the document finalized).
 */
export function eventFor(outcome: StatusOutcome): SessionEvent | undefined {
  switch (outcome.state) {
    case 'pending':
      return undefined;
    case 'identified':
      return {
        type: 'IDENTIFIED',
        userCode: outcome.userCode,
        certificate: outcome.certificate,
        certificateChain: outcome.certificateChain,
      };
    case 'signed':
      return {
        type: 'SIGNED',
        documents: outcome.signatures.map((s) => ({ id: s.whichDoc, signatureValue: s.signatureValue })),
      };
    case 'rejected':
      return { type: 'REJECTED', reason: outcome.reason };
    case 'expired':
      return { type: 'EXPIRED', reason: outcome.reason };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}
