/**
 * Child script: one back-end instance with the itsme® Sign routes under /api/itsme — Express (`itsmeSign`) or
 * NestJS (`ItsmeSignModule`) — plus a bare route `GET /bare/session` that answers a fixed JSON body (sent by
 * the parent over IPC: `{ bareBody }`), for the handler-throughput comparison.
 *
 * argv[2]: JSON `{ framework: 'express' | 'nest', sandbox: { b2bUrl, partner, files }, redis?: url,
 *                  pollIntervalMs?, redirectOrigin? }`. Prints `{ url, redirectUrl }` when listening.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { announce, guardChild } from './child-guard.mjs';
import { freePort } from './processes.mjs';

const config = JSON.parse(process.argv[2]);
const BASE = '/api/itsme';
const COOKIE_SECRET = 'bench-cookie-secret-0123456789-abcdefghij';
let bareBody = { status: 'not set' };
process.on('message', (m) => {
  if (m && typeof m === 'object' && 'bareBody' in m) {
    bareBody = m.bareBody;
    process.send?.({ ok: true });
  }
});

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const redirectUrl = `${config.redirectOrigin ?? url}${BASE}/callback`;
const { files } = config.sandbox;
let store;
if (config.redis) {
  const { RedisSessionStore } = await import('@itsme-sign/redis');
  store = new RedisSessionStore({ redis: config.redis });
}
const options = {
  basePath: BASE,
  redirectUrl,
  statusPageUrl: '/sign/status',
  client: {
    baseUrl: config.sandbox.b2bUrl,
    partnerCode: config.sandbox.partner.partnerCode,
    serviceCode: config.sandbox.partner.serviceCode,
    credentials: { cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) },
    ca: readFileSync(files.ca),
  },
  cookie: { secrets: [COOKIE_SECRET] },
  allowBrowserDigests: true, // the bench's browsers send the digest (hash mode from the browser, opt-in)
  ...(config.pollIntervalMs ? { pollIntervalMs: config.pollIntervalMs } : {}),
  ...(store ? { store } : {}),
};

let close;
if (config.framework === 'nest') {
  const { Controller, Get, Header, Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { ItsmeSignModule } = await import('@itsme-sign/nestjs');
  // Decorators applied by hand (this file is plain JavaScript): a bare Nest controller.
  class BareController {
    session() {
      return bareBody;
    }
  }
  const method = Object.getOwnPropertyDescriptor(BareController.prototype, 'session');
  Get('session')(BareController.prototype, 'session', method);
  Header('cache-control', 'no-store')(BareController.prototype, 'session', method);
  Controller('bare')(BareController);
  class AppModule {}
  Module({ imports: [ItsmeSignModule.forRoot(options)], controllers: [BareController] })(AppModule);
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  await app.listen(port, '127.0.0.1');
  close = async () => {
    await app.close();
    await store?.close();
  };
} else {
  const { default: express } = await import('express');
  const { itsmeSign } = await import('@itsme-sign/express');
  const app = express();
  const middleware = itsmeSign(options);
  app.use(BASE, middleware);
  app.get('/bare/session', (_req, res) => {
    res.set('cache-control', 'no-store').json(bareBody);
  });
  app.get('/sign/status', (_req, res) => {
    res.type('text/plain').send('status page');
  });
  // A long poll whose browser went away ends with a write to a closed socket: nothing to report.
  app.use((error, _req, res, next) => {
    if (error?.code === 'ERR_STREAM_PREMATURE_CLOSE' && res.destroyed) return;
    next(error);
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = async () => {
    await middleware.close();
    await store?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  };
}
guardChild(close);
announce({ url, redirectUrl });
