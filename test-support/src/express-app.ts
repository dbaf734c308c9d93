/**
 * An Express app with the itsme® Sign middleware, wired to a running sandbox, on a free port. The middleware
 * factory (`itsmeSign` of `@itsme-sign/express`) is passed in: this package depends on no workspace package.
 */
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';

export const COOKIE_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const BASE = '/api/itsme';

/** What the app needs of the sandbox (structurally `Sandbox` from `@itsme-sign/sandbox`). */
export interface AppSandbox {
  addRedirectUrl(url: string): void;
  clientOptions(): object;
}

export interface TestApp<Middleware> {
  url: string;
  middleware: Middleware;
  close(): Promise<void>;
}

/** Handler settings and configuration, plus a ready orchestrator or the origin of the registered callback. */
export type AppExtra = Record<string, unknown> & {
  orchestrator?: unknown;
  /** Lets several instances share one registered callback URL (behind "one load balancer"). */
  redirectOrigin?: string;
};

/**
 * Starts an app on 127.0.0.1 with `itsmeSign(options)` mounted at `BASE`. By default each app registers its
 * own callback URL; a ready orchestrator comes with the handler's settings only, else the whole configuration.
 */
export async function startExpressApp<Middleware extends RequestHandler & { close(): Promise<void> }>(
  itsmeSign: (options: never) => Middleware,
  sandbox: AppSandbox,
  extra: AppExtra = {},
): Promise<TestApp<Middleware>> {
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
  const mount = itsmeSign as (options: object) => Middleware;
  const middleware = mount(
    orchestrator
      ? { ...handlerSettings, ...config, orchestrator }
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
