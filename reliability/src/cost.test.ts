/**
 * Cost bounds (issue 14, item 4): one attacker hammers `POST /sessions` through Express with no cookie, as
 * fast as 32 connections allow, for a fixed window. Counted at the sandbox: the B2B calls that caused (each
 * accepted start is one identification call), and the sessions the memory store keeps afterwards. Run once
 * with the limits off (`rateLimit: false`, what every start cost before the limits) and once with the
 * defaults, so both figures are printed on every run; only the limited run's bounds are asserted.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DEFAULTS, type ItsmeSignHandlerOptions, MemorySessionStore } from '@itsme-sign/core';
import { itsmeSign } from '@itsme-sign/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from './support/flow.js';
import { clientOptions, startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';

const WINDOW_MS = 5_000;
const CONNECTIONS = 32;
const SECRET = 'cost-test-secret-0123456789-abcdefghij';
const digest = createHash('sha256').update('attacker').digest('base64');

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
  summary('cost bounds, one attacker on POST /sessions', figures);
});

interface Attack {
  requests: number;
  accepted: number;
  limited: number;
  otherErrors: number;
  retryAfterMissing: number;
  upstreamCalls: number;
  upstreamPerSecond: number;
  storedSessions: number;
  /** With `poll`: the sessions started, each polled (GET /session) as fast as possible for WINDOW_MS. */
  polledSessions?: number;
  pollUpstreamPerSecond?: number;
}

/** Serves a fresh Express app with `options`, hammers its POST /sessions for WINDOW_MS, counts. */
async function attack(
  options: Partial<ItsmeSignHandlerOptions>,
  headers: (n: number) => Record<string, string> = () => ({}),
  poll = false,
): Promise<Attack> {
  const store = new MemorySessionStore();
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox.addRedirectUrl(`${url}${BASE}/callback`);
  const middleware = itsmeSign({
    basePath: BASE,
    client: clientOptions(sandbox),
    store,
    redirectUrl: `${url}${BASE}/callback`,
    statusPageUrl: '/sign/status',
    cookie: { secrets: [SECRET] },
    ...options,
  } as ItsmeSignHandlerOptions);
  app.use(BASE, middleware);
  const calls = () => Object.values(sandbox.stats().calls).reduce((a, b) => a + b, 0);
  const perSecond = (n: number) => Math.round((n / WINDOW_MS) * 10_000) / 10;
  const callsBefore = calls();
  const counts = { requests: 0, accepted: 0, limited: 0, otherErrors: 0, retryAfterMissing: 0 };
  const cookies: string[] = [];
  const until = Date.now() + WINDOW_MS;
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const res = await fetch(`${url}${BASE}/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers(counts.requests) },
            body: JSON.stringify({ digest }),
          });
          await res.arrayBuffer();
          counts.requests++;
          if (res.status === 201) {
            counts.accepted++;
            cookies.push(res.headers.getSetCookie()[0]?.split(';')[0] ?? '');
          } else if (res.status === 429) {
            counts.limited++;
            if (!/^\d+$/.test(res.headers.get('retry-after') ?? '')) counts.retryAfterMissing++;
          } else counts.otherErrors++;
        }
      }),
    );
    const upstreamCalls = calls() - callsBefore;
    const started = {
      ...counts,
      upstreamCalls,
      upstreamPerSecond: perSecond(upstreamCalls),
      storedSessions: store.size,
    };
    if (!poll) return started;
    // Then every session it got is polled as fast as the connections allow: one status call per session and
    // poll interval (a lease across instances), whatever the number of requests.
    const pollBefore = calls();
    const pollUntil = Date.now() + WINDOW_MS;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < pollUntil) {
          const cookie = cookies[next++ % cookies.length] as string;
          await (await fetch(`${url}${BASE}/session`, { headers: { cookie } })).arrayBuffer();
        }
      }),
    );
    return {
      ...started,
      polledSessions: cookies.length,
      pollUpstreamPerSecond: perSecond(calls() - pollBefore),
    };
  } finally {
    await middleware.close();
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const record = (prefix: string, a: Attack) => {
  for (const [k, v] of Object.entries(a)) figures[`${prefix}${k[0]?.toUpperCase()}${k.slice(1)}`] = v;
};

/** The attack got no more than a bucket of `limit` lets through in WINDOW_MS (the full bucket, then its refill). */
function expectHeldTo(a: Attack, limit: { max: number; windowMs: number }): void {
  const allowed = limit.max + Math.ceil((limit.max * WINDOW_MS) / limit.windowMs);
  expect(a.accepted).toBeLessThanOrEqual(allowed);
  // One discovery call may come on top of the identification calls.
  expect(a.upstreamCalls).toBeLessThanOrEqual(allowed + 1);
  expect(a.limited).toBeGreaterThan(0);
  expect(a.retryAfterMissing).toBe(0);
  expect(a.otherErrors).toBe(0);
}

describe('cost bounds', () => {
  it('unlimited (rateLimit: false, what every start cost before the limits): one upstream call per start', async () => {
    const a = await attack({ rateLimit: false, allowBrowserDigests: true });
    record('unlimited', a);
    expect(a.limited).toBe(0);
    expect(a.upstreamCalls).toBeGreaterThanOrEqual(a.accepted);
  });

  it('defaults, anonymous attacker: held to the global rate (429 with Retry-After); polling its sessions is bounded', async () => {
    const a = await attack({ allowBrowserDigests: true }, undefined, true);
    record('anonymous', a);
    expectHeldTo(a, DEFAULTS.rateLimitGlobal);
    // Polling what it got: at most one status call per session and poll interval.
    const perSession = Math.ceil(WINDOW_MS / DEFAULTS.pollIntervalMs) + 1;
    expect(a.pollUpstreamPerSecond).toBeLessThanOrEqual(
      ((a.polledSessions ?? 0) * perSession * 1000) / WINDOW_MS,
    );
  });

  it('defaults behind a proxy (trustProxy), spoofing X-Forwarded-For: held to the per-client rate', async () => {
    const a = await attack({ allowBrowserDigests: true, rateLimit: { trustProxy: true } }, (n) => ({
      // What the attacker sends (a new address each time), then what the proxy appends (its real address).
      'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}, 198.51.100.7`,
    }));
    record('proxied', a);
    expectHeldTo(a, DEFAULTS.rateLimitPerClient);
  });
});
