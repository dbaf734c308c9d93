import { describe, expect, expectTypeOf, it } from 'vitest';
import { NEXT_ACTIONS, type NextActionName } from '../contract/constants.js';
import { type NextAction, nextActionSchema, type SessionView, sessionViewSchema } from '../contract/index.js';
import { view } from '../test-support/session-views.js';
import { errorInfoOf, isSessionView, isWebUrl } from './view.js';

const signed: SessionView = view({
  status: 'signed',
  step: 'signed',
  version: 5,
  mode: 'document',
  documentName: 'contract.pdf',
  next: { action: 'done', resultUrl: '/api/itsme/session/result' },
  signer: { name: 'Jan', userCode: 'u'.repeat(36) },
});
const rejected: SessionView = view({
  status: 'rejected',
  next: { action: 'restart' },
  error: { code: 'USER_REJECTED', message: 'no', category: 'user', retryable: false, reason: 'R' },
});

/** Good views, and one wrong thing each. */
const samples: [string, unknown][] = [
  ['identifying', view()],
  ['signed', signed],
  ['rejected', rejected],
  ['waiting', view({ next: { action: 'wait' } })],
  ['with an unknown field', { ...view(), extra: 1 }],
  ['null', null],
  ['a string', 'session'],
  ['no id', { ...view(), id: undefined }],
  ['an unknown status', { ...view(), status: 'sleeping' }],
  ['an unknown step', { ...view(), step: 'dance' }],
  ['a fractional version', { ...view(), version: 1.5 }],
  ['a version as text', { ...view(), version: '1' }],
  ['a lower-case language', { ...view(), lang: 'en' }],
  ['an unknown mode', { ...view(), mode: 'xml' }],
  ['a document name that is not text', { ...view(), documentName: 3 }],
  [
    'a batch of three, signed',
    view({
      documents: ['a', 'b', 'c'].map((id) => ({ id, name: `${id}.pdf`, resultUrl: `/r?document=${id}` })),
    }),
  ],
  ['no documents', { ...view(), documents: undefined }],
  ['a document without id', { ...view(), documents: [{ name: 'a.pdf' }] }],
  ['a document result URL that is not text', { ...view(), documents: [{ id: 'a', resultUrl: 1 }] }],
  ['no next', { ...view(), next: undefined }],
  ['an unknown action', { ...view(), next: { action: 'dance' } }],
  ['an inherited action', { ...view(), next: { action: 'toString' } }],
  ['a redirect without url', { ...view(), next: { action: 'redirect', target: 'signing' } }],
  [
    'a redirect to an unknown target',
    { ...view(), next: { action: 'redirect', url: 'https://x', target: 'x' } },
  ],
  ['done without resultUrl', { ...view(), next: { action: 'done' } }],
  ['an error without message', { ...view(), error: { code: 'X' } }],
  ['an error with a bad retryable', { ...view(), error: { code: 'X', message: 'm', retryable: 'no' } }],
  ['a signer without userCode', { ...view(), signer: { name: 'Jan' } }],
  ['no createdAt', { ...view(), createdAt: undefined }],
  ['no expiresAt', { ...view(), expiresAt: 7 }],
];

describe('isSessionView', () => {
  for (const [name, value] of samples) {
    it(`agrees with sessionViewSchema: ${name}`, () => {
      expect(isSessionView(value)).toBe(sessionViewSchema.safeParse(value).success);
    });
  }
  it('accepts the good ones', () => {
    expect(samples.slice(0, 5).every(([, v]) => isSessionView(v))).toBe(true);
  });
});

describe('NEXT_ACTIONS', () => {
  it('are the actions of the schema', () => {
    expectTypeOf<NextAction['action']>().toEqualTypeOf<NextActionName>();
    expect(nextActionSchema.options.map((o) => o.shape.action.value)).toEqual([...NEXT_ACTIONS]);
  });
});

describe('isWebUrl / errorInfoOf', () => {
  it('only http(s)', () => {
    expect(isWebUrl('https://itsme.example/x')).toBe(true);
    expect(isWebUrl(' HTTP://itsme.example/x')).toBe(true);
    for (const url of ['javascript:alert(1)', 'data:text/html,x', '//evil.example', '/relative', 42]) {
      expect(isWebUrl(url)).toBe(false);
    }
  });
  it('reads the ErrorBody leniently', () => {
    expect(errorInfoOf({ error: { code: 'X', message: 'm', retryable: true, field: 'f' } })).toEqual({
      code: 'X',
      message: 'm',
      retryable: true,
    });
    expect(errorInfoOf({ error: { code: 'X' } })).toEqual({ code: 'X' });
    expect(errorInfoOf({ error: 'X' })).toBeNull();
    expect(errorInfoOf(undefined)).toBeNull();
  });
});
