import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { FlowBrowser, signThroughApp } from '@itsme-sign/test-support/web-flow';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItsmeSignService } from './index.js';
import { appModule, SigningEvents } from './test-support/app.js';
import { BASE, reservePort, sandboxConfig } from './test-support/sandbox-options.js';

let sandbox: Sandbox;
const apps: NestFastifyApplication[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-nest-fastify-')) });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await sandbox?.close();
});

/** The same app module as the Express tests (forRootAsync from ConfigService), on `@nestjs/platform-fastify`. */
async function boot(globalPrefix?: string) {
  const port = await reservePort();
  const config = sandboxConfig(sandbox, port);
  sandbox.addRedirectUrl(config.ITSME_REDIRECT_URL);
  const app = await NestFactory.create<NestFastifyApplication>(appModule(config), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  apps.push(app);
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  await app.listen(port, '127.0.0.1');
  return { app, origin: `http://127.0.0.1:${port}` };
}

describe('NestJS on Fastify (@nestjs/platform-fastify) against the sandbox', () => {
  it('signs a digest end to end through the module routes; Nest controllers still parse JSON', async () => {
    const { app, origin } = await boot();
    const browser = await signThroughApp({ origin, base: BASE, statusPage: '/sign/status', sandbox });
    // The module's hooks (from Nest providers) ran.
    const transitions = app
      .get(SigningEvents)
      .events.map((e) => (e.type === 'session.transition' ? e.to : ''));
    expect(transitions).toContain('signed');

    // A Nest controller of the app, on Nest's own JSON body parser, drives a session through the service.
    const started = await browser.post('/server-sessions', { digest: 'b'.repeat(64) });
    expect(started.status).toBe(201);
    const { id } = started.body as { id: string };
    expect((await browser.json(`/server-sessions/${id}`, { method: 'DELETE' })).body).toMatchObject({
      status: 'cancelled',
    });
    expect(await app.get(ItsmeSignService).get(id)).toMatchObject({ status: 'cancelled' });
    // Core's own answers: 405, a non-JSON body refused, Fastify's 404 beside the routes.
    expect((await browser.json(`${BASE}/sessions`, { method: 'PUT' })).status).toBe(405);
    const form = await browser.json(`${BASE}/sessions`, {
      method: 'POST',
      body: 'digest=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect((await browser.fetch(`${BASE}/nope`)).status).toBe(404);
  });

  it('with a global prefix: basePath is the full path, controllers get the prefix', async () => {
    const { origin } = await boot('api');
    const browser = new FlowBrowser(origin);
    const started = await browser.post(`${BASE}/sessions`, { digest: 'c'.repeat(64) });
    expect(started.status).toBe(201);
    expect((await browser.json(`${BASE}/session`)).body).toMatchObject({ status: 'identifying' });
    expect((await browser.json('/api/api/other')).body).toEqual({ other: true });
  });
});
