import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { FlowBrowser, reservePort, signThroughApp } from '@itsme-sign/test-support/web-flow';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFastifyRequest, type ItsmeSignHandlerOptions, type ItsmeSignPlugin, itsmeSign } from './index.js';

const BASE = '/api/itsme';
const COOKIE_SECRET = 'fastify-test-secret-0123456789-abcdefgh';
let sandbox: Sandbox;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-fastify-')) });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await sandbox?.close();
});

/** A Fastify app with its own JSON route and a status page; `mount` registers the plugin. */
async function startApp(
  mount: (app: FastifyInstance, plugin: ItsmeSignPlugin) => PromiseLike<unknown>,
  extra: Partial<ItsmeSignHandlerOptions> = {},
) {
  // Fastify registers its routes before it listens, and the callback URL needs the port.
  const origin = `http://127.0.0.1:${await reservePort()}`;
  sandbox.addRedirectUrl(`${origin}${BASE}/callback`);
  const plugin = itsmeSign({
    basePath: BASE,
    redirectUrl: `${origin}${BASE}/callback`,
    statusPageUrl: '/sign/status',
    client: sandbox.clientOptions(),
    cookie: { secrets: [COOKIE_SECRET] },
    allowBrowserDigests: true,
    pollIntervalMs: 200,
    ...extra,
  } as ItsmeSignHandlerOptions);
  const app = Fastify();
  // Stands for the app's auth hook: puts the user on the Fastify request.
  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    (request as { user?: unknown }).user = request.headers['x-test-user'];
  });
  apps.push(app);
  app.post('/api/echo', async (request) => ({ echoed: request.body }));
  app.get('/sign/status', async () => 'status page');
  await mount(app, plugin);
  await app.listen({ port: Number(new URL(origin).port), host: '127.0.0.1' });
  return { app, origin, plugin };
}

describe('Fastify 5 plugin against the sandbox', () => {
  it('signs a digest end to end (identify, callback, sign, result that verifies)', async () => {
    const { origin, plugin } = await startApp((app, plugin) => app.register(plugin));
    const browser = await signThroughApp({ origin, base: BASE, statusPage: '/sign/status', sandbox });

    // The plugin's body handling is its own: the app's JSON routes still get parsed bodies.
    expect((await browser.post('/api/echo', { a: 1 })).body).toEqual({ echoed: { a: 1 } });
    // Core answers its own errors as JSON: a wrong method, a body that is not JSON.
    expect((await browser.json(`${BASE}/sessions`, { method: 'PUT' })).status).toBe(405);
    const form = await browser.json(`${BASE}/sessions`, {
      method: 'POST',
      body: 'digest=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    const big = await browser.json(`${BASE}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ digest: 'a'.repeat(64), description: 'x'.repeat(200_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    // Paths under the mount that are not core's routes are Fastify's 404.
    expect((await browser.fetch(`${BASE}/nope`)).status).toBe(404);
    expect(plugin.handler.basePath).toBe(BASE);
  });

  it('under a registration prefix: authorize sees the Fastify request, cancel works, closes with the app', async () => {
    const { app, origin, plugin } = await startApp(
      (app, plugin) => app.register(async (scope) => scope.register(plugin), { prefix: '/api' }),
      {
        authorize: (request) => getFastifyRequest<FastifyRequest & { user?: string }>(request)?.user ?? false,
      },
    );
    const browser = new FlowBrowser(origin);
    expect((await browser.post(`${BASE}/sessions`, { digest: 'a'.repeat(64) })).status).toBe(403);
    const started = await browser.json(`${BASE}/sessions`, {
      method: 'POST',
      body: JSON.stringify({ digest: 'a'.repeat(64) }),
      headers: { 'content-type': 'application/json', 'x-test-user': 'alice' },
    });
    expect(started.status).toBe(201);
    const other = await browser.json(`${BASE}/session`, { headers: { 'x-test-user': 'bob' } });
    expect(other.status).toBe(404);
    const cancelled = await browser.json(`${BASE}/session`, {
      method: 'DELETE',
      headers: { 'x-test-user': 'alice' },
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const head = await browser.fetch(`${BASE}/session`, {
      method: 'HEAD',
      headers: { 'x-test-user': 'alice' },
    });
    expect(head.status).toBe(200);
    await app.close();
    // Closed with the app: its B2B client makes no new call.
    await expect(
      plugin.handler.orchestrator.start({ subject: { mode: 'hash', digest: 'a'.repeat(64) } }),
    ).rejects.toThrow();
  });

  it('refuses a basePath outside the registration prefix', async () => {
    const app = Fastify();
    const plugin = itsmeSign({
      basePath: BASE,
      redirectUrl: 'http://127.0.0.1:1/api/itsme/callback',
      statusPageUrl: '/sign/status',
      client: sandbox.clientOptions(),
      cookie: { secrets: [COOKIE_SECRET] },
    });
    await expect(app.register(plugin, { prefix: '/other' }).ready()).rejects.toThrow(
      "basePath is '/api/itsme' but the routes are mounted at '/other/api/itsme'",
    );
    await plugin.close();
    await app.close();
  });
});
