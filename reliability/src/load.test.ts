/**
 * Load: 1,000 complete flows (100 at a time) through Express + @itsme-sign/express + the Redis store + the
 * sandbox, with zero errors. Prints the time the SDK adds per flow: time inside the handler minus the time
 * spent waiting on itsme® (the orchestrator's `step.finished` durations). Durations are printed, not asserted.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { OrchestratorEvent } from '@itsme-sign/core';
import { itsmeSign } from '@itsme-sign/express';
import { RedisSessionStore } from '@itsme-sign/redis';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import { type RedisServer, startRedisServer } from '@itsme-sign/test-support/redis';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, driveFlow } from './support/flow.js';
import { clientOptions, startTestSandbox } from './support/sandbox.js';
import { ms, percentile, summary } from './support/summary.js';

const FLOWS = 1_000;
const CONCURRENCY = 100;
const SEQUENTIAL_FLOWS = 50;
/** The steps that wait on itsme® (the orchestrator also times local steps such as document.prepare). */
const B2B_STEPS = new Set<string>([
  'identification.start',
  'identification.status',
  'sign.start',
  'sign.status',
]);
const SECRET = 'load-test-secret-0123456789-abcdefghij';

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let redis: RedisServer;
let url: string;
let close: () => Promise<void>;
/** Per session: time inside the handler (ms), time waiting on itsme® (ms), handler requests. */
const handlerMs = new Map<string, number>();
const upstreamMs = new Map<string, number>();
const requestMs: number[] = [];
const figures: Record<string, number | string> = {};

const sessionIdOf = (cookieHeader: string | string[] | number | undefined): string | undefined => {
  const text = Array.isArray(cookieHeader) ? cookieHeader.join(';') : String(cookieHeader ?? '');
  return /itsme_sign=([\w-]+)\./.exec(text)?.[1];
};

beforeAll(async () => {
  sandbox = await startTestSandbox();
  redis = await startRedisServer();
  const store = new RedisSessionStore({ redis: redis.url });
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.addRedirectUrl(`${url}${BASE}/callback`);
  // Times every request of the handler and books it to its session (cookie in, or cookie set).
  app.use(BASE, (req, res, next) => {
    const t0 = performance.now();
    res.on('finish', () => {
      const took = performance.now() - t0;
      requestMs.push(took);
      const id = sessionIdOf(req.headers.cookie) ?? sessionIdOf(res.getHeader('set-cookie'));
      if (id) handlerMs.set(id, (handlerMs.get(id) ?? 0) + took);
    });
    next();
  });
  const middleware = itsmeSign({
    basePath: BASE,
    client: clientOptions(sandbox),
    store,
    redirectUrl: `${url}${BASE}/callback`,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [SECRET] },
    allowBrowserDigests: true,
    // Capacity, not cost bounds (cost.test.ts): 1,000 browsers on one address are 1,000 clients here.
    rateLimit: false,
    pollIntervalMs: 500,
    onEvent: (e: OrchestratorEvent) => {
      if ((e.type === 'step.finished' || e.type === 'step.failed') && B2B_STEPS.has(e.step)) {
        upstreamMs.set(e.sessionId, (upstreamMs.get(e.sessionId) ?? 0) + e.durationMs);
      }
    },
  });
  app.use(BASE, middleware);
  close = async () => {
    await middleware.close();
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => {
  await close?.();
  await sandbox?.close();
  await redis?.stop();
  summary(`load, ${FLOWS} flows ${CONCURRENCY} at a time`, figures);
});

const digest = createHash('sha256').update('load test contract').digest('base64');

async function run() {
  const browser = new TestBrowser(url);
  const outcome = await driveFlow(browser, sandbox, { body: { digest }, deadline: Date.now() + 120_000 });
  const result = outcome.status === 'signed' ? await browser.json(`${BASE}/session/result`) : undefined;
  return { outcome, resultStatus: result?.status };
}

/** Runs `flows` flows, `concurrency` at a time; returns the outcomes and the timing figures. */
async function measure(flows: number, concurrency: number) {
  handlerMs.clear();
  upstreamMs.clear();
  requestMs.length = 0;
  const before = sandbox.stats();
  const outcomes: Awaited<ReturnType<typeof run>>[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < flows) {
        next++;
        outcomes.push(await run());
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const after = sandbox.stats();
  const failed = outcomes.filter(
    (o) => o.outcome.status !== 'signed' || o.outcome.errors.length > 0 || o.resultStatus !== 200,
  );
  const sdk = [...handlerMs].map(([id, h]) => h - (upstreamMs.get(id) ?? 0));
  const handler = [...handlerMs.values()];
  const upstream = [...upstreamMs.values()];
  return {
    outcomes,
    failed,
    signSessions: after.signSessionsStarted - before.signSessionsStarted,
    signatures: after.signaturesProduced - before.signaturesProduced,
    sessionsTimed: handlerMs.size,
    figures: {
      flows: outcomes.length,
      errors: failed.length,
      wall: `${(wallMs / 1000).toFixed(1)}s`,
      flowsPerSecond: (outcomes.length / (wallMs / 1000)).toFixed(1),
      requestP50: ms(percentile(requestMs, 50)),
      requestP99: ms(percentile(requestMs, 99)),
      handlerPerFlowP50: ms(percentile(handler, 50)),
      handlerPerFlowP99: ms(percentile(handler, 99)),
      upstreamPerFlowP50: ms(percentile(upstream, 50)),
      upstreamPerFlowP99: ms(percentile(upstream, 99)),
      sdkAddedPerFlowP50: ms(percentile(sdk, 50)),
      sdkAddedPerFlowP99: ms(percentile(sdk, 99)),
    },
  };
}

describe('load', () => {
  it(`${FLOWS} concurrent flows (${CONCURRENCY} at a time) through Express + Redis + sandbox: zero errors`, async () => {
    // Warm-up (creates the sandbox user, fills the discovery cache, opens connections); not counted.
    expect((await run()).outcome.status).toBe('signed');
    // Uncontended: what the SDK adds to one flow when nothing else runs.
    const alone = await measure(SEQUENTIAL_FLOWS, 1);
    expect(alone.failed).toEqual([]);
    summary(`load, ${SEQUENTIAL_FLOWS} flows one at a time`, alone.figures);

    const m = await measure(FLOWS, CONCURRENCY);
    Object.assign(figures, m.figures);
    expect(m.failed.map((f) => JSON.stringify(f.outcome).slice(0, 300))).toEqual([]);
    expect(m.outcomes).toHaveLength(FLOWS);
    expect(m.signSessions).toBe(FLOWS);
    expect(m.signatures).toBe(FLOWS);
    expect(m.sessionsTimed).toBe(FLOWS);
  });
});
