import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionView, SignatureResult } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, itsmeOptionsFor, startApp, type TestApp } from './test-support/app.js';

let sandbox: Sandbox;
let app: TestApp;
const dataDir = mkdtempSync(join(tmpdir(), 'itsme-express-'));

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir });
  app = await startApp(sandbox);
});
afterAll(async () => {
  await app?.close();
  await sandbox?.close();
});

const data = Buffer.from('data to be signed: contract 2026-0042');
const digest = createHash('sha256').update(data).digest('base64');

/** Starts a session in this browser and returns its view. */
async function start(
  browser: TestBrowser,
  body: Record<string, unknown> = { digest, lang: 'FR', signerRole: 'Gérant' },
) {
  const res = await browser.post(`${BASE}/sessions`, body);
  expect(res.status).toBe(201);
  return res.body as SessionView;
}

/** Follows the callback like a browser coming back from itsme®; returns where the app sends it. */
async function callback(browser: TestBrowser, redirectUrl: string): Promise<string> {
  expect(redirectUrl).toBe(`${app.url}${BASE}/callback`);
  const res = await browser.fetch(redirectUrl);
  expect(res.status).toBe(303);
  return res.headers.get('location') ?? '';
}

async function view(browser: TestBrowser): Promise<SessionView> {
  const res = await browser.json<SessionView>(`${BASE}/session`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('hash mode through Express and the sandbox (no browser)', () => {
  it('start → identify → callback → sign → callback → signed → result that verifies', async () => {
    const browser = new TestBrowser(app.url);
    const started = await start(browser);
    expect(started).toMatchObject({ status: 'identifying', step: 'identify', mode: 'hash', lang: 'FR' });
    expect(started.next.action).toBe('redirect');
    const identificationUrl = (started.next as { url: string }).url;
    expect(identificationUrl.startsWith(sandbox.frontUrl)).toBe(true);
    const cookie = [...browser.cookies.keys()];
    expect(cookie).toEqual(['itsme_sign']);

    const identified = await sandbox.control.identify({ url: identificationUrl });
    expect(await callback(browser, identified.redirectUrl)).toBe('/sign/status');

    const signing = await view(browser);
    expect(signing).toMatchObject({
      status: 'signing',
      step: 'confirm',
      next: { action: 'redirect', target: 'signing' },
    });
    expect(signing.signer?.userCode).toHaveLength(36);

    const signed = await sandbox.control.sign({ url: (signing.next as { url: string }).url });
    expect(await callback(browser, signed.redirectUrl)).toBe('/sign/status');

    const done = await view(browser);
    expect(done).toMatchObject({
      status: 'signed',
      step: 'signed',
      next: { action: 'done', resultUrl: `${BASE}/session/result` },
    });

    const result = await browser.json<SignatureResult>(`${BASE}/session/result`);
    expect(result.status).toBe(200);
    expect(result.body.digest).toBe(digest);
    const cert = new X509Certificate(result.body.certificate);
    expect(cert.keyUsage ?? []).toBeDefined();
    expect(verify('sha256', data, cert.publicKey, Buffer.from(result.body.signatureValue, 'base64'))).toBe(
      true,
    );
    expect(result.body.certificateChain.length).toBeGreaterThanOrEqual(2);
  });

  it('long poll answers as soon as the session changes', async () => {
    const browser = new TestBrowser(app.url);
    const started = await start(browser);
    const waiting = browser.json<SessionView>(`${BASE}/session?wait=20&version=${started.version}`);
    // Approve on the "phone" while the long poll waits: the poll sees it without the browser coming back.
    await sandbox.control.identify({ url: (started.next as { url: string }).url });
    const changed = await waiting;
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBeGreaterThan(started.version);
    expect(['identified', 'signing']).toContain(changed.body.status);
  });

  it('a user who rejects ends in "rejected" with a restart action', async () => {
    const browser = new TestBrowser(app.url);
    const started = await start(browser);
    const identified = await sandbox.control.identify({ url: (started.next as { url: string }).url });
    await callback(browser, identified.redirectUrl);
    const signing = await view(browser);
    const rejected = await sandbox.control.sign({
      url: (signing.next as { url: string }).url,
      action: 'reject',
    });
    await callback(browser, rejected.redirectUrl);
    expect(await view(browser)).toMatchObject({
      status: 'rejected',
      next: { action: 'restart' },
      error: { code: 'USER_REJECTED' },
    });
    expect((await browser.json(`${BASE}/session/result`)).status).toBe(409);
  });

  it('an expired identification ends in "expired"', async () => {
    const browser = new TestBrowser(app.url);
    const started = await start(browser);
    const expired = await sandbox.control.identify({
      url: (started.next as { url: string }).url,
      action: 'expire',
    });
    await callback(browser, expired.redirectUrl);
    expect(await view(browser)).toMatchObject({ status: 'expired', error: { code: 'USER_EXPIRED' } });
  });

  it('DELETE cancels the session', async () => {
    const browser = new TestBrowser(app.url);
    await start(browser);
    const res = await browser.json<SessionView>(`${BASE}/session`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', error: { code: 'SESSION_CANCELLED' } });
  });

  it('bad input gets a typed JSON error with no stack', async () => {
    const browser = new TestBrowser(app.url);
    for (const body of [
      {},
      { digest: 'abc' },
      { digest, lang: 'ES' },
      { digest, signerRole: 'x'.repeat(51) },
      { digest, documentId: 'x' },
    ]) {
      const res = await browser.post(`${BASE}/sessions`, body);
      expect(res.status).toBe(400);
      const err = (res.body as { error: { code: string; message: string } }).error;
      expect(['INVALID_REQUEST', 'INVALID_DIGEST']).toContain(err.code);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|stack/);
    }
    const notJson = await browser.fetch(`${BASE}/sessions`, {
      method: 'POST',
      body: 'digest=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(400);
  });
});

describe('security: a session belongs to the browser that started it', () => {
  it('no cookie: nothing to read, advance or cancel', async () => {
    const stranger = new TestBrowser(app.url);
    expect((await stranger.json(`${BASE}/session`)).status).toBe(404);
    expect((await stranger.json(`${BASE}/session`, { method: 'DELETE' })).status).toBe(404);
    expect((await stranger.json(`${BASE}/session/result`)).status).toBe(404);
    const cb = await stranger.fetch(`${BASE}/callback`);
    expect(cb.headers.get('location')).toContain('error=SESSION_NOT_FOUND');
  });

  it('a forged cookie (right id, wrong signature) is ignored', async () => {
    const owner = new TestBrowser(app.url);
    await start(owner);
    const [id] = owner.cookies.get('itsme_sign')!.split('.');
    const forger = new TestBrowser(app.url);
    forger.cookies.set('itsme_sign', `${id}.${Buffer.alloc(32).toString('base64url')}`);
    expect((await forger.json(`${BASE}/session`)).status).toBe(404);
    forger.cookies.set('itsme_sign', `${id}`);
    expect((await forger.json(`${BASE}/session`)).status).toBe(404);
  });

  it('a cookie signed with another secret is ignored; rotation accepts the old secret', async () => {
    const other = await startApp(sandbox, {
      cookie: { secrets: ['another-secret-0123456789-abcdefghijkl'] },
    });
    const rotated = await startApp(sandbox, {
      cookie: {
        secrets: ['the-new-secret-0123456789-abcdefghijklm', 'test-secret-0123456789-abcdefghijklmnop'],
      },
      orchestrator: app.middleware.handler.orchestrator,
    });
    try {
      const browser = new TestBrowser(app.url);
      await start(browser);
      const cookie = browser.cookies.get('itsme_sign')!;
      const elsewhere = new TestBrowser(other.url);
      elsewhere.cookies.set('itsme_sign', cookie);
      expect((await elsewhere.json(`${BASE}/session`)).status).toBe(404);
      const afterRotation = new TestBrowser(rotated.url);
      afterRotation.cookies.set('itsme_sign', cookie);
      expect((await afterRotation.json(`${BASE}/session`)).status).toBe(200);
    } finally {
      await other.close();
      await rotated.close();
    }
  });

  it("another browser's cookie gives that browser's session only, never a third one", async () => {
    const a = new TestBrowser(app.url);
    const b = new TestBrowser(app.url);
    const va = await start(a);
    const vb = await start(b);
    expect(va.id).not.toBe(vb.id);
    expect((await view(a)).id).toBe(va.id);
    expect((await view(b)).id).toBe(vb.id);
  });

  it('the cookie is HttpOnly, SameSite=Lax, scoped to the base path, not Secure on localhost', async () => {
    const res = await fetch(`${app.url}${BASE}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ digest }),
    });
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(new RegExp(`Path=${BASE}`));
    expect(cookie).not.toMatch(/Secure/);
  });

  it('cross-site POST and DELETE are refused (Origin / Fetch Metadata)', async () => {
    const browser = new TestBrowser(app.url);
    const res = await browser.post(`${BASE}/sessions`, { digest }, { crossSite: true });
    expect(res.status).toBe(403);
    expect((res.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    await start(browser);
    const del = await browser.json(`${BASE}/session`, { method: 'DELETE', crossSite: true });
    expect(del.status).toBe(403);
    expect((await view(browser)).status).toBe('identifying');
  });

  it('the authorize hook ties a session to the app user', async () => {
    const secured = await startApp(sandbox, {
      authorize: (request) => request.headers.get('x-user') ?? false,
    });
    try {
      const alice = new TestBrowser(secured.url);
      const started = await alice.post(`${BASE}/sessions`, { digest }, { headers: { 'x-user': 'alice' } });
      expect(started.status).toBe(201);
      expect((await alice.json(`${BASE}/session`, { headers: { 'x-user': 'alice' } })).status).toBe(200);
      // The same cookie presented by another logged-in user (stolen cookie) reveals nothing.
      expect((await alice.json(`${BASE}/session`, { headers: { 'x-user': 'mallory' } })).status).toBe(404);
      expect((await alice.json(`${BASE}/session`)).status).toBe(403);
    } finally {
      await secured.close();
    }
  });

  it('errors never leak the cookie or a key', async () => {
    const browser = new TestBrowser(app.url);
    await start(browser);
    const cookie = browser.cookies.get('itsme_sign')!;
    const bad = await browser.json(`${BASE}/session?wait=abc`);
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    expect(text).not.toContain(cookie);
    expect(text).not.toContain('PRIVATE KEY');
  });
});

describe('server-started sessions', () => {
  it('a session started from server code is followed by the browser that gets its cookie', async () => {
    const { handler } = app.middleware;
    const session = await handler.orchestrator.start({ subject: { mode: 'hash', digest }, lang: 'DE' });
    const setCookie = handler.sessionCookie(session, new Request(`${app.url}${BASE}/session`));
    const browser = new TestBrowser(app.url);
    const [name, value] = setCookie.split(';')[0]!.split('=') as [string, string];
    browser.cookies.set(name, value);
    expect(await view(browser)).toMatchObject({ id: session.id, status: 'identifying', lang: 'DE' });
  });
});

describe('Express integration', () => {
  it('passes other routes to the app and answers 405 on a wrong method', async () => {
    const res = await fetch(`${app.url}/sign/status`);
    expect(await res.text()).toBe('status page');
    expect((await fetch(`${app.url}${BASE}/unknown`)).status).toBe(404);
    expect((await fetch(`${app.url}${BASE}/sessions`)).status).toBe(405);
  });

  it('works after express.json() already parsed the body', async () => {
    const express = (await import('express')).default;
    const { itsmeSign } = await import('./index.js');
    const parsedFirst = express();
    parsedFirst.use(express.json());
    const server = parsedFirst.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    sandbox.addRedirectUrl(`${url}${BASE}/callback`);
    const mw = itsmeSign({
      basePath: BASE,
      orchestrator: app.middleware.handler.orchestrator,
      statusPageUrl: '/s',
      cookie: { secrets: ['another-secret-0123456789-abcdefghijkl'] },
      allowBrowserDigests: true,
    });
    parsedFirst.use(BASE, mw);
    try {
      const browser = new TestBrowser(url);
      expect((await browser.post(`${BASE}/sessions`, { digest })).status).toBe(201);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it("leaves the body of requests it does not answer to the app's own routes", async () => {
    const express = (await import('express')).default;
    const { itsmeSign } = await import('./index.js');
    const root = express();
    // Mounted at the root, in front of everything, then an async middleware (a session lookup, say).
    root.use(itsmeSign({ ...itsmeOptionsFor(app), basePath: BASE }));
    root.use((_req, _res, next) => setTimeout(next, 20));
    root.post('/other', express.json(), (req, res) => res.json(req.body));
    const server = root.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const res = await fetch(`${url}/other`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ a: 1 }),
      });
      expect(await res.json()).toEqual({ a: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses an over-long streamed body without reading it all', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${app.url}${BASE}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a basePath that is not the mount path answers INVALID_CONFIG naming both (not a cookie the browser never sends)', async () => {
    const express = (await import('express')).default;
    const { itsmeSign } = await import('./index.js');
    const wrong = express();
    const errors: unknown[] = [];
    const mw = itsmeSign({
      basePath: '/itsme',
      orchestrator: app.middleware.handler.orchestrator,
      statusPageUrl: '/s',
      cookie: { secrets: ['another-secret-0123456789-abcdefghijkl'] },
      onError: (error) => errors.push(error),
    });
    wrong.use(BASE, mw);
    const server = wrong.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      for (let i = 0; i < 2; i++) {
        const res = await new TestBrowser(url).post(`${BASE}/sessions`, { digest });
        expect(res.status).toBe(500);
        expect(res.body).toMatchObject({ error: { code: 'INVALID_CONFIG', field: 'basePath' } });
        expect((res.body as { error: { message: string } }).error.message).toContain(
          "basePath is '/itsme' but the routes are mounted at '/api/itsme'",
        );
      }
      expect(errors).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses a configuration without basePath', async () => {
    const { itsmeSign } = await import('./index.js');
    expect(() =>
      itsmeSign({
        redirectUrl: 'http://127.0.0.1/cb',
        client: { baseUrl: 'https://x.example', partnerCode: 'x', serviceCode: 'y' },
        statusPageUrl: '/s',
        cookie: { secrets: ['another-secret-0123456789-abcdefghijkl'] },
      }),
    ).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIG', field: 'basePath' }) as Error);
  });
});
