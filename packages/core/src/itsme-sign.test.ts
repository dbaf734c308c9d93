import { describe, expect, it } from 'vitest';
import { checkBaseUrl, createItsmeSign, createSigningOrchestrator } from './itsme-sign.js';
import { ITSME_ENVIRONMENTS } from './wire/constants.js';

const options = {
  redirectUrl: 'https://app.example/api/itsme/callback',
  statusPageUrl: '/sign/status',
  cookie: { secrets: ['itsme-sign-test-secret-0123456789-abcdef'] },
};
const client = (baseUrl: string) => ({ baseUrl, partnerCode: 'P', serviceCode: 'S' });

describe('the B2B base URL', () => {
  it('has no invented presets: no public source names a test host, the production hosts differ', () => {
    expect(Object.keys(ITSME_ENVIRONMENTS)).toEqual([]);
  });

  it.each(['test', 'production', 'e2e'])('%s is refused with where the URL comes from', (name) => {
    const error = (() => {
      try {
        createItsmeSign({ ...options, client: client(name) });
      } catch (e) {
        return e as { code: string; field: string; message: string };
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', field: 'baseUrl' });
    expect(error?.message).toContain(`'${name}' is not a URL`);
    expect(error?.message).toContain('at onboarding');
    expect(error?.message).toContain("sandbox's b2bUrl");
    expect(() => createSigningOrchestrator({ ...options, client: client(name) })).toThrow(/not a URL/);
  });

  it('a URL goes on to the client (which checks it is https); a missing one is explained', () => {
    expect(() => checkBaseUrl('https://b2b.example/qes-partners/1.0.0')).not.toThrow();
    expect(() => createItsmeSign({ ...options, client: client('http://b2b.example') })).toThrow(/https/);
    expect(() => createItsmeSign({ ...options, client: client('') })).toThrow(/baseUrl is required/);
  });
});
