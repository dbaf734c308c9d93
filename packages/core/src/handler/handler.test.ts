import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView, SignatureResult } from '../contract/index.js';
import { createItsmeSign, type ItsmeSign } from '../itsme-sign.js';
import { verifySignatureValue } from '../signature.js';
import { COOKIE_SECRET, REDIRECT_URL, startTestSandbox, urlOf } from '../test-support/sandbox.js';

const ORIGIN = 'https://app.example';
const BASE = '/api/itsme';
const T0 = 1_800_000_000_000;

let sandbox: Sandbox;
let itsme: ItsmeSign;
const clock = T0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  itsme = createItsmeSign({
    basePath: BASE,
    client: sandbox.clientOptions(),
    redirectUrl: REDIRECT_URL,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    pollIntervalMs: 50,
    sessionTtlMs: 10 * 60_000,
    finishedTtlMs: 5 * 60_000,
    now: () => clock,
  });
});
afterAll(async () => {
  await itsme?.close();
  await sandbox?.close();
});

/** A browser talking to the handler through Web requests only: it keeps the session cookie. */
class Browser {
  cookie: string | undefined;

  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const response = await itsme.handler.handle(new Request(new URL(path, ORIGIN), { ...init, headers }));
    if (!response) throw new Error(`not a handler route: ${path}`);
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return response;
  }

  post(path: string, body: unknown): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify(body),
    });
  }

  async view(): Promise<SessionView> {
    const res = await this.send(`${BASE}/session`);
    expect(res.status).toBe(200);
    return (await res.json()) as SessionView;
  }
}

describe('the web handler against the sandbox (Web Request → Response, no adapter)', () => {
  it('hash mode end to end: cookie, callback redirects, result that verifies', async () => {
    const browser = new Browser();
    const digest = createHash('sha256').update('handler test').digest('base64');
    const created = await browser.post(`${BASE}/sessions`, { digest, lang: 'FR' });
    expect(created.status).toBe(201);
    const cookie = created.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^itsme_sign=[\w-]+\.[\w-]+; Path=\/api\/itsme; /);
    expect(cookie).toMatch(/HttpOnly; SameSite=Lax; Secure/);
    // The cookie lives as long as the store keeps the session: deadline + finishedTtlMs, on the orchestrator's clock.
    expect(cookie).toContain(`Max-Age=${(10 + 5) * 60}`);
    const started = (await created.json()) as SessionView;
    expect(started).toMatchObject({ status: 'identifying', step: 'identify', lang: 'FR' });

    const identified = await sandbox.control.identify({ url: urlOf(started.next) });
    expect(identified.redirectUrl).toBe(REDIRECT_URL);
    const back = await browser.send(`${BASE}/callback`);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${ORIGIN}/sign/status`);
    const signing = await browser.view();
    expect(signing).toMatchObject({ status: 'signing', step: 'confirm' });

    await sandbox.control.sign({ url: urlOf(signing.next) });
    await browser.send(`${BASE}/callback`);
    expect((await browser.view()).status).toBe('signed');
    const result = (await (await browser.send(`${BASE}/session/result`)).json()) as SignatureResult;
    expect(result.digest).toBe(digest);
    expect(() =>
      verifySignatureValue(
        { digest: Buffer.from(digest, 'base64') },
        result.signatureValue,
        result.certificate,
      ),
    ).not.toThrow();
  });

  it('a long poll answers as soon as the session moves', async () => {
    const browser = new Browser();
    const digest = createHash('sha256').update('long poll').digest('base64');
    const started = (await (await browser.post(`${BASE}/sessions`, { digest })).json()) as SessionView;
    const polled = browser.send(`${BASE}/session?wait=20&version=${started.version}`);
    await sandbox.control.identify({ url: urlOf(started.next), action: 'expire' });
    const view = (await (await polled).json()) as SessionView;
    expect(view).toMatchObject({ status: 'expired', error: { code: 'USER_EXPIRED' } });
  });

  it('refuses what it must: no cookie, cross-site, wrong method, not JSON; passes other paths on', async () => {
    const stranger = new Browser();
    const noCookie = await stranger.send(`${BASE}/session`);
    expect(noCookie.status).toBe(404);
    expect(await noCookie.json()).toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
    const crossSite = await stranger.send(`${BASE}/sessions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    const wrongMethod = await stranger.send(`${BASE}/sessions`, { method: 'PUT' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST']);
    const text = await stranger.send(`${BASE}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: 'digest',
    });
    expect(await text.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect(await itsme.handler.handle(new Request(`${ORIGIN}/elsewhere`))).toBeUndefined();
    expect(await itsme.handler.handle(new Request(`${ORIGIN}${BASE}/unknown`))).toBeUndefined();
  });

  it('a session started from server code is bound to a browser by sessionCookie()', async () => {
    const digest = createHash('sha256').update('server code').digest('base64');
    const session = await itsme.orchestrator.start({ subject: { mode: 'hash', digest } });
    const browser = new Browser();
    const request = new Request(`${ORIGIN}${BASE}/session`);
    browser.cookie = itsme.handler.sessionCookie(session, request).split(';')[0];
    expect((await browser.view()).status).toBe('identifying');
    expect(
      (await (
        await browser.send(`${BASE}/session`, { method: 'DELETE', headers: { origin: ORIGIN } })
      ).json()) as SessionView,
    ).toMatchObject({
      status: 'cancelled',
    });
  });
});
