import { describe, expect, it } from 'vitest';
import { classifyResponse, codeForStatus, parseRetryAfter } from './classify.js';

const nok = (statusReason: string) => ({ status: 'NOK', statusReason });
const dss = (min?: string) => ({
  result: { maj: 'urn:oasis:names:tc:dss:1.0:resultmajor:RequesterError', min },
});

describe('classifyResponse: HTTP status (and reason token) → retry decision and error code', () => {
  const table: Array<[number, unknown, { ok: boolean; retryable: boolean; fault?: string; code: string }]> = [
    [200, { status: 'OK' }, { ok: true, retryable: false, code: 'INVALID_REQUEST' }],
    [200, nok('INVALID_URL'), { ok: true, retryable: false, code: 'INVALID_URL' }],
    [400, nok('INVALID_LANG'), { ok: false, retryable: false, code: 'INVALID_LANGUAGE' }],
    [400, dss('INVALID_POLICY'), { ok: false, retryable: false, code: 'INVALID_POLICY' }],
    [400, nok('SOMETHING_NEW'), { ok: false, retryable: false, code: 'UPSTREAM_REFUSED' }],
    [200, nok('SOMETHING_NEW'), { ok: true, retryable: false, code: 'UPSTREAM_REFUSED' }],
    [404, undefined, { ok: false, retryable: false, fault: 'INVALID_CONFIG', code: 'INVALID_CONFIG' }],
    [409, nok('UNEXPECTED_ERROR'), { ok: false, retryable: false, code: 'UPSTREAM_REFUSED' }],
    [400, undefined, { ok: false, retryable: false, code: 'INVALID_REQUEST' }],
    [
      401,
      undefined,
      { ok: false, retryable: false, fault: 'CLIENT_NOT_AUTHORIZED', code: 'CLIENT_NOT_AUTHORIZED' },
    ],
    [
      403,
      nok('IP_NOT_ALLOWED'),
      { ok: false, retryable: false, fault: 'CLIENT_NOT_AUTHORIZED', code: 'CLIENT_NOT_AUTHORIZED' },
    ],
    [409, undefined, { ok: false, retryable: false, code: 'UNKNOWN_SESSION' }],
    [409, nok('REJECTED'), { ok: false, retryable: false, code: 'USER_REJECTED' }],
    [409, dss('EXPIRED'), { ok: false, retryable: false, code: 'USER_EXPIRED' }],
    [
      429,
      undefined,
      { ok: false, retryable: true, fault: 'UPSTREAM_UNAVAILABLE', code: 'UPSTREAM_UNAVAILABLE' },
    ],
    [
      500,
      nok('TECHNICAL_ERROR'),
      { ok: false, retryable: true, fault: 'UPSTREAM_ERROR', code: 'UPSTREAM_ERROR' },
    ],
    [503, undefined, { ok: false, retryable: true, fault: 'UPSTREAM_ERROR', code: 'UPSTREAM_ERROR' }],
  ];

  it.each(table)('%i %o', (status, body, expected) => {
    const c = classifyResponse(status, {}, body);
    expect({
      ok: c.ok,
      retryable: c.retryable,
      code: c.code,
      ...(c.fault ? { fault: c.fault } : {}),
    }).toEqual(expected);
  });

  it('reads the reason token of either API, and Retry-After in seconds or as a date', () => {
    expect(classifyResponse(409, {}, nok('PENDING')).reason).toBe('PENDING');
    expect(classifyResponse(400, {}, dss('INVALID_DIGEST_INFO')).reason).toBe('INVALID_DIGEST_INFO');
    expect(classifyResponse(503, { 'retry-after': '2' }, undefined).retryAfterMs).toBe(2_000);
    expect(parseRetryAfter(['3'])).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('codeForStatus is the fallback for a token nobody knows', () => {
    expect([200, 400, 401, 403, 404, 409, 429, 500, 502].map(codeForStatus)).toEqual([
      'INVALID_REQUEST',
      'INVALID_REQUEST',
      'CLIENT_NOT_AUTHORIZED',
      'CLIENT_NOT_AUTHORIZED',
      'INVALID_CONFIG',
      'UNKNOWN_SESSION',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_ERROR',
      'UPSTREAM_ERROR',
    ]);
    expect(codeForStatus(undefined)).toBe('INVALID_REQUEST');
  });
});
