import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { normalizeDigest, sha256Base64 } from './digest.js';
import { ItsmeSignError } from './errors.js';

describe('digest helpers', () => {
  const bytes = Buffer.from('the contract');
  const expected = createHash('sha256').update(bytes).digest();

  it('hashes bytes, strings and streams to standard base64', async () => {
    expect(await sha256Base64(bytes)).toBe(expected.toString('base64'));
    expect(await sha256Base64('the contract')).toBe(expected.toString('base64'));
    const stream = Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]);
    expect(await sha256Base64(stream)).toBe(expected.toString('base64'));
  });

  it('normalises hex, base64 and base64url (padded or not)', () => {
    const b64 = expected.toString('base64');
    expect(normalizeDigest(expected.toString('hex'))).toBe(b64);
    expect(normalizeDigest(expected.toString('hex').toUpperCase())).toBe(b64);
    expect(normalizeDigest(b64)).toBe(b64);
    expect(normalizeDigest(expected.toString('base64url'))).toBe(b64);
    expect(normalizeDigest(`${expected.toString('base64url')}=`)).toBe(b64);
  });

  it.each([
    '',
    'abc',
    'zz'.repeat(32),
    Buffer.alloc(31).toString('base64'),
    Buffer.alloc(33).toString('hex'),
  ])('refuses %j with INVALID_DIGEST', (input) => {
    expect(() => normalizeDigest(input)).toThrowError(
      expect.objectContaining({ code: 'INVALID_DIGEST', field: 'digest' }) as ItsmeSignError,
    );
  });
});
