import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { createItsmeSign, type ItsmeSign } from '@itsme-sign/core';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { signThroughApp } from '@itsme-sign/test-support/web-flow';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountItsmeSign } from './hono-app.js';

const BASE = '/api/itsme';
let sandbox: Sandbox;
let itsme: ItsmeSign;
let server: ServerType;
let origin: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-hono-')) });
  const app = new Hono();
  app.get('/sign/status', (c) => c.text('status page'));
  app.post('/api/echo', async (c) => c.json({ echoed: await c.req.json() }));
  app.get(`${BASE}/other`, (c) => c.json({ other: true }));
  // Listen first (port 0): the redirect URL registered at itsme® needs the port; mount before any request.
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.addRedirectUrl(`${origin}${BASE}/callback`);
  itsme = createItsmeSign({
    basePath: BASE,
    redirectUrl: `${origin}${BASE}/callback`,
    statusPageUrl: '/sign/status',
    client: sandbox.clientOptions(),
    cookie: { secrets: ['hono-test-secret-0123456789-abcdefghijk'] },
    allowBrowserDigests: true,
    pollIntervalMs: 200,
  });
  mountItsmeSign(app, itsme.handler);
});
afterAll(async () => {
  await itsme?.close();
  server?.close();
  await sandbox?.close();
});

describe('Hono on Node (@hono/node-server) against the sandbox', () => {
  it('signs a digest end to end; the app keeps its own routes, also under the mount path', async () => {
    const browser = await signThroughApp({ origin, base: BASE, statusPage: '/sign/status', sandbox });
    expect((await browser.post('/api/echo', { a: 1 })).body).toEqual({ echoed: { a: 1 } });
    expect((await browser.json(`${BASE}/other`)).body).toEqual({ other: true });
    expect((await browser.json(`${BASE}/sessions`, { method: 'PUT' })).status).toBe(405);
    expect((await browser.fetch(`${BASE}/nope`)).status).toBe(404);
  });
});
