/** An Express app with the itsme® Sign middleware, wired to a running sandbox, on a free port. */
import type { AddressInfo } from 'node:net';
import type { ItsmeSignConfig, ItsmeSignHandlerOptions, SigningOrchestrator } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';
import express from 'express';
import { type ItsmeSignMiddleware, itsmeSign } from '../index.js';

export const COOKIE_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const BASE = '/api/itsme';

export interface TestApp {
  url: string;
  middleware: ItsmeSignMiddleware;
  close(): Promise<void>;
}

/** Options that reuse a running app's orchestrator (its client, store and redirect URL). */
export function itsmeOptionsFor(app: TestApp): ItsmeSignHandlerOptions {
  return {
    orchestrator: app.middleware.handler.orchestrator,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    allowBrowserDigests: true,
  };
}

/**
 * Starts an app on 127.0.0.1. `redirectOrigin` lets several instances share one registered callback URL
 * (behind "one load balancer"): by default each app registers its own.
 */
export async function startApp(
  sandbox: Sandbox,
  extra: Partial<ItsmeSignConfig> & { orchestrator?: SigningOrchestrator; redirectOrigin?: string } = {},
): Promise<TestApp> {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUrl = `${extra.redirectOrigin ?? url}${BASE}/callback`;
  sandbox.addRedirectUrl(redirectUrl);
  const { redirectOrigin: _, orchestrator, ...config } = extra;
  const handlerSettings = {
    basePath: BASE,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [COOKIE_SECRET] },
    allowBrowserDigests: true,
  };
  // A ready orchestrator comes with the handler's settings only; otherwise the whole configuration.
  const middleware = itsmeSign(
    orchestrator
      ? ({ ...handlerSettings, ...config, orchestrator } as ItsmeSignHandlerOptions)
      : { ...handlerSettings, client: sandbox.clientOptions(), redirectUrl, pollIntervalMs: 200, ...config },
  );
  app.use(BASE, middleware);
  app.get('/sign/status', (_req, res) => {
    res.type('text/plain').send('status page');
  });
  return {
    url,
    middleware,
    async close() {
      await middleware.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
