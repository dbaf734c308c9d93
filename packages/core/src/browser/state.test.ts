import { describe, expect, it } from 'vitest';
import type { SessionView } from '../contract/index.js';
import { ID_URL, identified, SIGN_URL, signed, signing, view } from '../test-support/session-views.js';
import {
  type FollowerEvent,
  type FollowerState,
  initialState,
  isBusy,
  isFollowing,
  isRedirecting,
  NOT_A_SESSION,
  NOT_A_WEB_PAGE,
  type RequestError,
  redirectUrlOf,
  reduce,
} from './state.js';

const network: RequestError = {
  kind: 'network',
  status: 0,
  code: 'NETWORK_ERROR',
  message: 'x',
  retryable: true,
};
const badRequest: RequestError = { kind: 'client', status: 400, code: 'BAD', message: 'x', retryable: false };

const idle = initialState();
const ctx = { view: null, error: null, redirectedTo: null, cameBack: false } as const;
const following = (v: SessionView, patch: object = {}): FollowerState => ({
  ...ctx,
  type: 'following',
  view: v,
  ...patch,
});
const answer = (body: unknown, autoRedirect = true): FollowerEvent => ({
  type: 'answer',
  body,
  autoRedirect,
});

/** [name, state, event, expected state] */
const table: [string, FollowerState, FollowerEvent, FollowerState][] = [
  ['start from idle', idle, { type: 'start' }, { ...ctx, type: 'busy', request: 'start' }],
  [
    'start forgets the previous session but not that the page came back',
    { ...following(signing), redirectedTo: SIGN_URL, cameBack: true },
    { type: 'start' },
    { ...ctx, cameBack: true, type: 'busy', request: 'start' },
  ],
  ['first load', idle, { type: 'load' }, { ...ctx, type: 'busy', request: 'load' }],
  [
    'load with a view follows it, the error cleared (Retry)',
    { ...ctx, type: 'retrying', view: identified, error: network, attempt: 3 },
    { type: 'load' },
    following(identified),
  ],
  [
    'cancel keeps the view',
    following(identified),
    { type: 'cancel' },
    { ...ctx, type: 'busy', request: 'cancel', view: identified },
  ],
  [
    'a redirect answer with auto-redirect sends the browser',
    { ...ctx, type: 'busy', request: 'start' },
    answer(view()),
    following(view(), { redirectedTo: ID_URL }),
  ],
  [
    'without auto-redirect it does not',
    { ...ctx, type: 'busy', request: 'load' },
    answer(view(), false),
    following(view()),
  ],
  [
    'a page reached with Back does not redirect by itself',
    { ...ctx, cameBack: true, type: 'busy', request: 'load' },
    answer(view()),
    following(view(), { cameBack: true }),
  ],
  [
    'the same redirect is not followed twice',
    following(view(), { redirectedTo: ID_URL }),
    answer(view({ version: 2 })),
    following(view({ version: 2 }), { redirectedTo: ID_URL }),
  ],
  [
    'a new redirect is followed',
    following(identified, { redirectedTo: ID_URL }),
    answer(signing),
    following(signing, { redirectedTo: SIGN_URL }),
  ],
  ['a final status finishes', following(signing), answer(signed), { ...ctx, type: 'finished', view: signed }],
  [
    'an answer that is not a session fails',
    { ...ctx, type: 'busy', request: 'load' },
    answer({ hello: 'world' }),
    { ...ctx, type: 'failed', error: NOT_A_SESSION },
  ],
  [
    'a redirect to a non-web address fails and is not followed',
    following(identified),
    answer(view({ version: 3, next: { action: 'redirect', url: 'javascript:alert(1)', target: 'signing' } })),
    { ...ctx, type: 'failed', view: identified, error: NOT_A_WEB_PAGE },
  ],
  [
    'a retryable error while following: retrying, attempt 1',
    following(identified),
    { type: 'error', error: network },
    { ...ctx, type: 'retrying', view: identified, error: network, attempt: 1 },
  ],
  [
    'again while retrying: attempt 2',
    { ...ctx, type: 'retrying', view: identified, error: network, attempt: 1 },
    { type: 'error', error: network },
    { ...ctx, type: 'retrying', view: identified, error: network, attempt: 2 },
  ],
  [
    'the first load retries too',
    { ...ctx, type: 'busy', request: 'load' },
    { type: 'error', error: network },
    { ...ctx, type: 'retrying', error: network, attempt: 1 },
  ],
  [
    'a failed start is not retried',
    { ...ctx, type: 'busy', request: 'start' },
    { type: 'error', error: network },
    { ...ctx, type: 'failed', error: network },
  ],
  [
    'a non-retryable error fails',
    following(identified),
    { type: 'error', error: badRequest },
    { ...ctx, type: 'failed', view: identified, error: badRequest },
  ],
  [
    'the answer after a retry clears the error',
    { ...ctx, type: 'retrying', view: identified, error: network, attempt: 2 },
    answer(identified),
    following(identified),
  ],
  [
    'navigated by hand',
    following(signing),
    { type: 'navigated', url: SIGN_URL },
    following(signing, { redirectedTo: SIGN_URL }),
  ],
  [
    'came back from the history: no redirect remembered, none automatic',
    following(signing, { redirectedTo: SIGN_URL }),
    { type: 'came-back' },
    following(signing, { cameBack: true }),
  ],
  [
    'stop while following',
    following(identified),
    { type: 'stop' },
    { ...ctx, type: 'idle', view: identified },
  ],
  ['reset', following(identified, { cameBack: true }), { type: 'reset' }, initialState(true)],
];

describe('reduce(state, event)', () => {
  for (const [name, state, event, expected] of table) {
    it(name, () => {
      expect(reduce(state, event)).toEqual(expected);
    });
  }

  it('the same version again changes nothing while following, and keeps the view object otherwise', () => {
    const state = following(identified);
    expect(reduce(state, answer({ ...identified }))).toBe(state);
    const retrying: FollowerState = {
      ...ctx,
      type: 'retrying',
      view: identified,
      error: network,
      attempt: 1,
    };
    expect(reduce(retrying, answer({ ...identified })).view).toBe(identified);
  });

  it('stop leaves a finished, failed or idle state as it is', () => {
    for (const state of [
      idle,
      { ...ctx, type: 'finished', view: signed } as const,
      { ...ctx, type: 'failed', error: badRequest } as const,
    ]) {
      expect(reduce(state, { type: 'stop' })).toBe(state);
    }
  });
});

describe('selectors', () => {
  it('busy, following, redirect URL, redirecting', () => {
    expect(isBusy({ ...ctx, type: 'busy', request: 'cancel' })).toBe(true);
    expect(isFollowing({ ...ctx, type: 'busy', request: 'load' })).toBe(true);
    expect(isFollowing({ ...ctx, type: 'busy', request: 'start' })).toBe(false);
    expect(isFollowing({ ...ctx, type: 'retrying', error: network, attempt: 1 })).toBe(true);
    expect(isFollowing({ ...ctx, type: 'finished', view: signed })).toBe(false);
    expect(redirectUrlOf(following(signing))).toBe(SIGN_URL);
    expect(redirectUrlOf(following(identified))).toBeNull();
    expect(isRedirecting(following(signing, { redirectedTo: SIGN_URL }))).toBe(true);
    expect(isRedirecting(following(signing, { redirectedTo: ID_URL }))).toBe(false);
  });
});
