import 'reflect-metadata';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionView, SignatureResult } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { type INestApplication, RequestMethod } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItsmeSignService } from './index.js';
import { type AppSetup, SigningEvents, startNestApp } from './test-support/app.js';
import { BASE, reservePort, sandboxConfig } from './test-support/sandbox-options.js';

let sandbox: Sandbox;
let app: INestApplication;
let origin: string;
const apps: INestApplication[] = [];

/** Boots the test app (forRootAsync from ConfigService) on a port reserved first, its callback registered. */
async function boot(setup: AppSetup = {}) {
  const port = await reservePort();
  const config = sandboxConfig(sandbox, port);
  sandbox.addRedirectUrl(config.ITSME_REDIRECT_URL);
  const started = await startNestApp(config, port, setup);
  apps.push(started.app);
  expect(started.url).toBe(`http://127.0.0.1:${port}`);
  return started;
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-nest-')) });
  ({ app, url: origin } = await boot());
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await sandbox?.close();
});

const data = Buffer.from('data to be signed: policy 2026-NEST-7');
const digest = createHash('sha256').update(data).digest('base64');

/** A browser of `at`: cookie jar, JSON, same-origin Origin header on state-changing calls. */
const browser = (at = origin) => request.agent(at);
const startBody = { digest, lang: 'FR', signerRole: 'Gérant' };

async function callback(agent: ReturnType<typeof browser>, redirectUrl: string) {
  expect(redirectUrl).toBe(`${origin}${BASE}/callback`);
  const res = await agent.get(new URL(redirectUrl).pathname);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe('/sign/status');
}

describe('hash mode through the Nest routes and the sandbox', () => {
  it('start → identify → callback → sign → callback → signed → result that verifies', async () => {
    const agent = browser();
    const started = await agent
      .post(`${BASE}/sessions`)
      .set('origin', origin)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(started.status).toBe(201);
    expect(started.headers['set-cookie']?.[0]).toMatch(/^itsme_sign=.+; Path=\/api\/itsme;.*HttpOnly/i);
    const view = started.body as SessionView;
    expect(view).toMatchObject({ status: 'identifying', mode: 'hash', lang: 'FR' });
    const identificationUrl = (view.next as { url: string }).url;
    expect(identificationUrl.startsWith(sandbox.frontUrl)).toBe(true);

    const identified = await sandbox.control.identify({ url: identificationUrl });
    await callback(agent, identified.redirectUrl);

    const signing = await agent.get(`${BASE}/session`);
    expect(signing.status).toBe(200);
    expect(signing.body).toMatchObject({ status: 'signing', step: 'confirm', next: { action: 'redirect' } });

    const signed = await sandbox.control.sign({ url: signing.body.next.url });
    await callback(agent, signed.redirectUrl);

    const done = await agent.get(`${BASE}/session`);
    expect(done.body).toMatchObject({
      status: 'signed',
      next: { action: 'done', resultUrl: `${BASE}/session/result` },
    });

    const result = await agent.get(`${BASE}/session/result`);
    expect(result.status).toBe(200);
    const body = result.body as SignatureResult;
    expect(body.digest).toBe(digest);
    const cert = new X509Certificate(body.certificate);
    expect(verify('sha256', data, cert.publicKey, Buffer.from(body.signatureValue, 'base64'))).toBe(true);
    expect(body.certificateChain.length).toBeGreaterThanOrEqual(2);

    // The hooks came from a Nest provider injected into the factory.
    const events = app.get(SigningEvents).events;
    expect(events.some((e) => e.type === 'session.created')).toBe(true);
    expect(events.some((e) => e.type === 'session.transition' && e.to === 'signed')).toBe(true);
  });

  it('errors of the routes are JSON with the stable code and status', async () => {
    const agent = browser();
    const missing = await agent.get(`${BASE}/session`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: expect.objectContaining({ code: 'SESSION_NOT_FOUND' }) });

    const bad = await agent
      .post(`${BASE}/sessions`)
      .set('origin', origin)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ digest: 'abc' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_DIGEST');

    const crossSite = await agent
      .post(`${BASE}/sessions`)
      .set('origin', 'https://evil.example')
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('FORBIDDEN');

    const wrongMethod = await agent.put(`${BASE}/session`).set('origin', origin);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it("leaves other paths to Nest: the app's routes, and its 404 under basePath", async () => {
    const other = await request(origin).get('/api/other');
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ other: true });
    const unknown = await request(origin).get(`${BASE}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, message: expect.stringContaining('nothing-here') });
  });

  it('DELETE cancels the browser session', async () => {
    const agent = browser();
    await agent
      .post(`${BASE}/sessions`)
      .set('origin', origin)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody))
      .expect(201);
    const cancelled = await agent.delete(`${BASE}/session`).set('origin', origin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', error: { code: 'SESSION_CANCELLED' } });
  });
});

describe('hooks from Nest providers', () => {
  it("authorize sees the app's req.user: a session belongs to the user who started it", async () => {
    const agent = browser();
    const started = await agent
      .post(`${BASE}/sessions`)
      .set('origin', origin)
      .set('x-test-user', 'alice')
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(started.status).toBe(201);
    expect((await app.get(ItsmeSignService).get(started.body.id))?.owner).toBe('alice');

    const asAlice = await agent.get(`${BASE}/session`).set('x-test-user', 'alice');
    expect(asAlice.status).toBe(200);
    // Same browser cookie, another logged-in user (or nobody): not theirs.
    const asBob = await agent.get(`${BASE}/session`).set('x-test-user', 'bob');
    expect(asBob.status).toBe(404);
    expect(asBob.body.error.code).toBe('SESSION_NOT_FOUND');
    expect((await agent.get(`${BASE}/session`)).status).toBe(404);
  });
});

describe('ItsmeSignService from server code', () => {
  it('is injectable: start, get, advance, cancel, result', async () => {
    const itsme = app.get(ItsmeSignService);
    const session = await itsme.start({ subject: { mode: 'hash', digest }, lang: 'DE' });
    expect(session.status).toBe('identifying');
    expect((await itsme.get(session.id))?.id).toBe(session.id);
    expect(itsme.view(session)).toMatchObject({
      status: 'identifying',
      lang: 'DE',
      next: { action: 'redirect' },
    });
    await expect(itsme.result(session.id)).rejects.toMatchObject({ code: 'NOT_SIGNED_YET' });

    await sandbox.control.identify({ url: (itsme.view(session).next as { url: string }).url });
    const changed = await itsme.waitForChange(session.id, session.version, 20_000);
    expect(['identified', 'signing']).toContain(changed.status);
    expect((await itsme.advance(session.id)).version).toBeGreaterThanOrEqual(changed.version);

    const cancelled = await itsme.cancel(session.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', failure: { code: 'SESSION_CANCELLED' } });
    expect(await itsme.get('no-such-session')).toBeUndefined();
    await expect(itsme.cancel('no-such-session')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it("drives a signature from the app's own controller; its errors carry the code (exception filter)", async () => {
    const api = request(origin);
    const started = await api.post('/server-sessions').send({ digest });
    expect(started.status).toBe(201);
    const { id, view } = started.body as { id: string; view: SessionView };
    const identified = await sandbox.control.identify({ url: (view.next as { url: string }).url });
    expect(identified.redirectUrl).toBe(`${origin}${BASE}/callback`);

    const signing = await api.get(`/server-sessions/${id}`);
    expect(signing.body).toMatchObject({ status: 'signing' });
    const early = await api.get(`/server-sessions/${id}/result`);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ statusCode: 409, code: 'NOT_SIGNED_YET', category: 'session' });

    await sandbox.control.sign({ url: signing.body.next.url });
    const done = await api.get(`/server-sessions/${id}?version=${signing.body.version}`);
    expect(done.body).toMatchObject({ status: 'signed' });
    const result = await api.get(`/server-sessions/${id}/result`);
    expect(result.status).toBe(200);
    const cert = new X509Certificate(result.body.certificate);
    expect(verify('sha256', data, cert.publicKey, Buffer.from(result.body.signatureValue, 'base64'))).toBe(
      true,
    );

    const missing = await api.delete('/server-sessions/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      code: 'SESSION_NOT_FOUND',
      message: 'No such signing session.',
      category: 'session',
      retryable: false,
    });
  });
});

describe('app setups', () => {
  it('with a global prefix, basePath stays the full path', async () => {
    const { url } = await boot({ globalPrefix: 'api' });
    const agent = browser(url);
    const started = await agent
      .post(`${BASE}/sessions`)
      .set('origin', url)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(started.status).toBe(201);
    const read = await agent.get(`${BASE}/session`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(started.body.id);
  });

  it('with a global prefix basePath is outside of, once basePath is excluded from the prefix', async () => {
    const { url } = await boot({
      globalPrefix: 'v1',
      exclude: [{ path: 'api/itsme/{*path}', method: RequestMethod.ALL }],
    });
    const agent = browser(url);
    await agent
      .post(`${BASE}/sessions`)
      .set('origin', url)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody))
      .expect(201);
    expect((await agent.get(`${BASE}/session`)).body).toMatchObject({ status: 'identifying' });
    expect((await request(url).get('/v1/api/other')).body).toEqual({ other: true });
  });

  it('a basePath that the global prefix moves answers INVALID_CONFIG naming both (not a silent 404)', async () => {
    const { url } = await boot({ globalPrefix: 'v1' });
    const res = await browser(url)
      .post(`/v1${BASE}/sessions`)
      .set('origin', url)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: 'INVALID_CONFIG', field: 'basePath' });
    expect(res.body.error.message).toContain(
      "basePath is '/api/itsme' but the routes are mounted at '/v1/api/itsme'",
    );
  });

  it("without Nest's body parser, the handler reads the body stream itself", async () => {
    const { url } = await boot({ bodyParser: false });
    const started = await browser(url)
      .post(`${BASE}/sessions`)
      .set('origin', url)
      .set('content-type', 'application/json')
      .send(JSON.stringify(startBody));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'identifying', lang: 'FR' });
  });
});
