import { describe, expect, it } from 'vitest';
import { codeForReason, ERROR_CODES } from './errors.js';
import { IDENTIFICATION_STATUS_REASONS, SIGN_RESULT_MINORS } from './wire/constants.js';

describe('codeForReason', () => {
  it('maps every reason token of the service (but PENDING) to a code, whatever the HTTP status', () => {
    for (const token of [...SIGN_RESULT_MINORS, ...IDENTIFICATION_STATUS_REASONS]) {
      if (token === 'PENDING') continue;
      const code = codeForReason(token.toLowerCase(), 409);
      expect(ERROR_CODES).toHaveProperty(code);
      expect(code).not.toBe('UNKNOWN_SESSION');
      expect(codeForReason(token, 500)).toBe(code);
    }
    expect(codeForReason('INVALID_LANG')).toBe('INVALID_LANGUAGE');
    expect(codeForReason('REJECTED')).toBe('USER_REJECTED');
  });

  it('maps unknown tokens (prototype names too) by HTTP status', () => {
    for (const reason of [undefined, 'SOMETHING_NEW', 'constructor', 'toString']) {
      expect(codeForReason(reason, 409)).toBe('UNKNOWN_SESSION');
      expect(codeForReason(reason, 401)).toBe('CLIENT_NOT_AUTHORIZED');
      expect(codeForReason(reason, 403)).toBe('CLIENT_NOT_AUTHORIZED');
      expect(codeForReason(reason, 429)).toBe('UPSTREAM_UNAVAILABLE');
      expect(codeForReason(reason, 503)).toBe('UPSTREAM_ERROR');
      expect(codeForReason(reason, 404)).toBe('INVALID_CONFIG');
      // An unknown token is itsme®'s to explain (issue 14), never the caller's input error.
      expect(codeForReason(reason, 400)).toBe(reason ? 'UPSTREAM_REFUSED' : 'INVALID_REQUEST');
      expect(codeForReason(reason)).toBe(reason ? 'UPSTREAM_REFUSED' : 'INVALID_REQUEST');
    }
    expect(codeForReason('UNEXPECTED_ERROR', 409)).toBe('UPSTREAM_REFUSED');
  });
});
