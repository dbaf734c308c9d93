/** The Express app of the adapter's tests: `startExpressApp` of the shared test support with `itsmeSign`. */
import type { ItsmeSignConfig, ItsmeSignHandlerOptions, SigningOrchestrator } from '@itsme-sign/core';
import type { Sandbox } from '@itsme-sign/sandbox';
import {
  BASE,
  COOKIE_SECRET,
  type TestApp as ExpressTestApp,
  startExpressApp,
} from '@itsme-sign/test-support/express-app';
import { type ItsmeSignMiddleware, itsmeSign } from '../index.js';

export { BASE, COOKIE_SECRET };

export type TestApp = ExpressTestApp<ItsmeSignMiddleware>;

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
export function startApp(
  sandbox: Sandbox,
  extra: Partial<ItsmeSignConfig> & { orchestrator?: SigningOrchestrator; redirectOrigin?: string } = {},
): Promise<TestApp> {
  return startExpressApp(itsmeSign, sandbox, extra);
}
