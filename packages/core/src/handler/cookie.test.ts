import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { STUB_ORIGIN, stubHandler } from '../test-support/stub-orchestrator.js';
import { SessionCookie } from './cookie.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, createHmac: vi.fn(real.createHmac), createSecretKey: vi.fn(real.createSecretKey) };
});

const SECRET = 'cookie-test-secret-0123456789-abcdefgh';
const OTHER = 'cookie-test-other-secret-0123456789-abcd';
const ID = 'abcdefghijklmnop1234';
const req = (url: string, cookie?: string) =>
  new Request(url, cookie === undefined ? {} : { headers: { cookie } });
/** `name=value` of a Set-Cookie. */
const pair = (setCookie: string) => setCookie.split(';')[0] as string;

describe('session cookie', () => {
  it('__Host- over https at path /, __Secure- under a basePath or with a Domain, no prefix on localhost', () => {
    const https = req('https://app.example/sessions');
    expect(new SessionCookie({ secrets: [SECRET] }, '/').serialize(ID, https, 60)).toMatch(
      /^__Host-itsme_sign=abcdefghijklmnop1234\.[\w-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(new SessionCookie({ secrets: [SECRET] }, '/api/itsme').serialize(ID, https, 60)).toMatch(
      /^__Secure-itsme_sign=[\w.-]+; Path=\/api\/itsme; .*; Secure$/,
    );
    expect(
      new SessionCookie({ secrets: [SECRET], path: '/' }, '/api/itsme').serialize(ID, https, 60),
    ).toMatch(/^__Host-itsme_sign=/);
    expect(
      new SessionCookie({ secrets: [SECRET], domain: 'app.example' }, '/').serialize(ID, https, 60),
    ).toMatch(/^__Secure-itsme_sign=.*; Secure; Domain=app\.example$/);
    expect(
      new SessionCookie({ secrets: [SECRET] }, '/').serialize(ID, req('http://localhost:4200/'), 60),
    ).toMatch(/^itsme_sign=[\w.-]+; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);
    expect(new SessionCookie({ secrets: [SECRET], prefix: false }, '/').serialize(ID, https, 60)).toMatch(
      /^itsme_sign=.*; Secure$/,
    );
    expect(() => new SessionCookie({ secrets: [SECRET], name: '__Host-x' }, '/api')).toThrow(/__Host-/);
  });

  it('reads only the prefixed name where it is prefixed: an unprefixed cookie planted by a sibling is ignored', () => {
    const cookie = new SessionCookie({ secrets: [SECRET] }, '/');
    const value = pair(cookie.serialize(ID, req('https://app.example/'), 60)).split('=')[1];
    expect(cookie.read(req('https://app.example/', `__Host-itsme_sign=${value}`))).toBe(ID);
    expect(cookie.read(req('https://app.example/', `itsme_sign=${value}`))).toBeUndefined();
    expect(cookie.read(req('http://localhost/', `itsme_sign=${value}`))).toBe(ID);
  });

  it('several valid cookies for different sessions: none is taken, whichever comes first (no fixation)', () => {
    const cookie = new SessionCookie({ secrets: [SECRET, OTHER] }, '/api/itsme');
    const at = 'https://app.example/api/itsme/session';
    const ours = pair(cookie.serialize(ID, req(at), 60));
    const planted = pair(cookie.serialize('attackersession00000', req(at), 60));
    const forged = `${ours.split('.')[0]}x.${Buffer.alloc(32).toString('base64url')}`;
    expect(() => cookie.read(req(at, `${planted}; ${ours}`))).toThrow(/Several __Secure-itsme_sign cookies/);
    expect(() => cookie.read(req(at, `${ours}; ${planted}`))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    // The same session twice (two paths), or ours beside an invalid one: ours.
    expect(cookie.read(req(at, `${ours}; a=1; ${ours}`))).toBe(ID);
    expect(cookie.read(req(at, `${forged}; ${ours}`))).toBe(ID);
    expect(cookie.read(req(at, `${ours}; ${forged}`))).toBe(ID);
  });

  it('through the handler: GET /session answers 403 JSON, the callback redirects with error=FORBIDDEN', async () => {
    const { handler, post } = stubHandler({ basePath: '/api/itsme', allowBrowserDigests: true });
    const a = pair((await post()).headers.get('set-cookie') ?? '');
    const b = pair((await post()).headers.get('set-cookie') ?? '');
    expect(a).toMatch(/^__Secure-itsme_sign=/);
    const both = { headers: { cookie: `${b}; ${a}` } };
    const read = (await handler.handle(new Request(`${STUB_ORIGIN}/api/itsme/session`, both))) as Response;
    expect(read.status).toBe(403);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await read.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const back = (await handler.handle(new Request(`${STUB_ORIGIN}/api/itsme/callback`, both))) as Response;
    expect([back.status, back.headers.get('location')]).toEqual([303, '/status?error=FORBIDDEN']);
    const one = { headers: { cookie: a } };
    expect((await handler.handle(new Request(`${STUB_ORIGIN}/api/itsme/session`, one)))?.status).toBe(200);
  });

  it('imports each HMAC key once, and checks a value once: the same cookie on every poll is remembered', () => {
    const importKey = vi.mocked(crypto.createSecretKey);
    const hmac = vi.mocked(crypto.createHmac);
    importKey.mockClear();
    hmac.mockClear();
    const cookie = new SessionCookie({ secrets: [SECRET, OTHER] }, '/');
    const at = req('https://app.example/');
    const value = pair(cookie.serialize(ID, at, 60));
    for (let i = 0; i < 50; i++) cookie.read(req('https://app.example/', value));
    expect(importKey).toHaveBeenCalledTimes(2);
    // One MAC to sign, one to verify the first read; the 49 other reads of the same value compute none.
    expect(hmac.mock.calls.length).toBe(2);
    for (const [, key] of hmac.mock.calls) expect(key).toBeInstanceOf(crypto.KeyObject);
    // A forged value is never remembered: every read of it is checked, and refused.
    const forged = value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (let i = 0; i < 3; i++) expect(cookie.read(req('https://app.example/', forged))).toBeUndefined();
    expect(hmac.mock.calls.length).toBe(2 + 3 * 2);
  });
});
