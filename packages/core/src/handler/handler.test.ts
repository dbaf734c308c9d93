import { createHash } from 'node:crypto';
import type { Sandbox } from '@itsme-sign/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionView, SignatureResult } from '../contract/index.js';
import { createItsmeSign, type ItsmeSign } from '../itsme-sign.js';
import { verifySignatureValue } from '../signature.js';
import { COOKIE_SECRET, REDIRECT_URL, startTestSandbox, urlOf } from '../test-support/sandbox.js';
import { WebBrowser } from '../test-support/web-browser.js';
import { createWebHandler } from './handler.js';

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
    allowBrowserDigests: true, // hash mode from the browser (opt-in)
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

/** The test browser, on this file's handler. */
class Browser extends WebBrowser {
  constructor() {
    super(itsme.handler, ORIGIN);
  }
}

describe('the web handler against the sandbox (Web Request → Response, no adapter)', () => {
  it('hash mode end to end: cookie, callback redirects, result that verifies', async () => {
    const browser = new Browser();
    const digest = createHash('sha256').update('handler test').digest('base64');
    const created = await browser.post(`${BASE}/sessions`, { digest, lang: 'FR' });
    expect(created.status).toBe(201);
    const cookie = created.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Secure-itsme_sign=[\w-]+\.[\w-]+; Path=\/api\/itsme; /);
    expect(cookie).toMatch(/HttpOnly; SameSite=Lax; Secure/);
    // The cookie lives as long as the store keeps the session: deadline + finishedTtlMs, on the orchestrator's clock.
    expect(cookie).toContain(`Max-Age=${(10 + 5) * 60}`);
    const started = (await created.json()) as SessionView;
    expect(started).toMatchObject({ status: 'identifying', step: 'identify', lang: 'FR' });

    const identified = await sandbox.control.identify({ url: urlOf(started.next) });
    expect(identified.redirectUrl).toBe(REDIRECT_URL);
    const back = await browser.send(`${BASE}/callback`);
    expect(back.status).toBe(303);
    // Relative: behind a proxy the browser resolves it against the proxy's URL, not the back end's Host.
    expect(back.headers.get('location')).toBe('/sign/status');
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
    // It says which origin was refused and what to change if that was the app's own page.
    const refusal = ((await crossSite.json()) as { error: { code: string; message: string } }).error;
    expect(refusal.code).toBe('FORBIDDEN');
    expect(refusal.message).toContain('https://evil.example');
    expect(refusal.message).toContain('allowedOrigins');
    expect(refusal.message).toContain('changeOrigin');
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

  it('behind a dev proxy: publicOrigin builds the redirect, passes the origin check and sets Secure', async () => {
    // The dev server (https://app.example) proxies to the back end, which sees its own Host.
    const backEnd = 'http://127.0.0.1:3000';
    const handler = createWebHandler({
      orchestrator: itsme.orchestrator,
      basePath: BASE,
      statusPageUrl: '/sign/status',
      publicOrigin: ORIGIN,
      cookie: { secrets: [COOKIE_SECRET] },
      allowBrowserDigests: true, // hash mode from the browser (opt-in)
    });
    const back = await handler.handle(new Request(`${backEnd}${BASE}/callback`));
    expect(back?.headers.get('location')).toBe(`${ORIGIN}/sign/status?error=SESSION_NOT_FOUND`);
    const post = await handler.handle(
      new Request(`${backEnd}${BASE}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ digest: createHash('sha256').update('proxied').digest('base64') }),
      }),
    );
    expect(post?.status).toBe(201);
    expect(post?.headers.get('set-cookie')).toMatch(/; Secure/);
    await handler.handle(
      new Request(`${backEnd}${BASE}/session`, {
        method: 'DELETE',
        headers: { origin: ORIGIN, cookie: (post?.headers.get('set-cookie') ?? '').split(';')[0] as string },
      }),
    );
    expect(() =>
      createWebHandler({
        orchestrator: itsme.orchestrator,
        statusPageUrl: '/s',
        publicOrigin: 'https://app.example/app',
        cookie: { secrets: [COOKIE_SECRET] },
      }),
    ).toThrow(/publicOrigin must be an origin/);
  });

  it('a basePath that is not the mount path is answered with INVALID_CONFIG naming both, reported once', async () => {
    const reported: unknown[] = [];
    const handler = createWebHandler({
      orchestrator: itsme.orchestrator,
      basePath: '/itsme',
      statusPageUrl: '/sign/status',
      cookie: { secrets: [COOKIE_SECRET] },
      onError: (error) => reported.push(error),
    });
    const message = "basePath is '/itsme' but the routes are mounted at '/api/itsme'";
    // Express: the adapter passes req.baseUrl.
    const express = await handler.handle(new Request(`${ORIGIN}/api/itsme/session`), {
      path: '/session',
      mountPath: '/api/itsme',
    });
    expect(express?.status).toBe(500);
    const body = (await express?.json()) as { error: { code: string; message: string; field: string } };
    expect(body.error).toMatchObject({ code: 'INVALID_CONFIG', field: 'basePath' });
    expect(body.error.message).toContain(message);
    // Nest: the request came through the routes mounted for the handler (under a global prefix).
    const nest = await handler.handle(new Request(`${ORIGIN}/api/itsme/sessions`, { method: 'POST' }), {
      mounted: true,
    });
    expect(((await (nest as Response).json()) as { error: { message: string } }).error.message).toContain(
      message,
    );
    expect(reported).toHaveLength(1);
    // The right mount path, and paths that are no route, are untouched.
    expect(
      await handler.handle(new Request(`${ORIGIN}/itsme/session`), {
        path: '/session',
        mountPath: '/itsme/',
      }),
    ).toMatchObject({ status: 404 });
    expect(await handler.handle(new Request(`${ORIGIN}/api/itsme/other`), { mounted: true })).toBeUndefined();
  });
});
