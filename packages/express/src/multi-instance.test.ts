import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionView } from '@itsme-sign/core';
import { RedisSessionStore } from '@itsme-sign/redis';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import { type RedisServer, startRedisServer } from '@itsme-sign/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, startApp, type TestApp } from './test-support/app.js';

let sandbox: Sandbox;
let redis: RedisServer;
let a: TestApp;
let b: TestApp;
const POLL_MS = 250;
const digest = createHash('sha256').update('multi-instance contract').digest('base64');

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-multi-')) });
  redis = await startRedisServer();
  a = await startApp(sandbox, {
    store: new RedisSessionStore({ redis: redis.url }),
    pollIntervalMs: POLL_MS,
  });
  // B sits behind the same registered callback URL as A ("one load balancer").
  b = await startApp(sandbox, {
    store: new RedisSessionStore({ redis: redis.url }),
    pollIntervalMs: POLL_MS,
    redirectOrigin: a.url,
  });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sandbox?.close();
  await redis?.stop();
});

/** The browser talks to A or B; cookies are the same (same registrable host 127.0.0.1, same secret). */
function on(browser: TestBrowser, app: TestApp): TestBrowser {
  const other = new TestBrowser(app.url);
  for (const [k, v] of browser.cookies) other.cookies.set(k, v);
  return other;
}

const statusCalls = () => {
  const calls = sandbox.stats().calls;
  return (calls.identificationStatus ?? 0) + (calls.signStatus ?? 0);
};

describe('two Express instances sharing one Redis', () => {
  it('a flow started on A completes with every callback and poll on B', async () => {
    const onA = new TestBrowser(a.url);
    const started = (await onA.post(`${BASE}/sessions`, { digest, lang: 'NL' })).body as SessionView;
    expect(started.status).toBe('identifying');
    const onB = on(onA, b);
    const identified = await sandbox.control.identify({ url: (started.next as { url: string }).url });
    expect(identified.redirectUrl).toBe(`${a.url}${BASE}/callback`);
    expect((await onB.fetch(`${BASE}/callback`)).status).toBe(303);
    const signing = (await onB.json<SessionView>(`${BASE}/session`)).body;
    expect(signing.status).toBe('signing');
    await sandbox.control.sign({ url: (signing.next as { url: string }).url });
    expect((await onB.fetch(`${BASE}/callback`)).status).toBe(303);
    expect((await onB.json<SessionView>(`${BASE}/session`)).body.status).toBe('signed');
    expect((await onB.json(`${BASE}/session/result`)).status).toBe(200);
  });

  it('many concurrent long polls on both instances make at most one upstream status call per interval', async () => {
    const browser = new TestBrowser(a.url);
    const started = (await browser.post(`${BASE}/sessions`, { digest })).body as SessionView;
    const identified = await sandbox.control.identify({ url: (started.next as { url: string }).url });
    expect(identified.state).toBeDefined();
    await browser.fetch(`${BASE}/callback`);
    const signing = (await browser.json<SessionView>(`${BASE}/session`)).body;
    expect(signing.status).toBe('signing');

    const before = statusCalls();
    const t0 = Date.now();
    const pollers = Array.from({ length: 24 }, (_, i) =>
      on(browser, i % 2 ? a : b).json<SessionView>(`${BASE}/session?wait=3&version=${signing.version}`),
    );
    const answers = await Promise.all(pollers);
    const elapsed = Date.now() - t0;
    const calls = statusCalls() - before;
    expect(answers.every((r) => r.status === 200 && r.body.status === 'signing')).toBe(true);
    // One call per poll interval across both instances (+1 for the interval in progress at each end).
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / POLL_MS) + 2);
    console.log(
      `24 long polls × ${elapsed} ms on 2 instances → ${calls} upstream status calls (poll interval ${POLL_MS} ms)`,
    );
  });

  it('Redis restarted mid-flow: the request fails with a clear error, nothing is signed silently, and a new flow works', async () => {
    const browser = new TestBrowser(a.url);
    const started = (await browser.post(`${BASE}/sessions`, { digest })).body as SessionView;
    await sandbox.control.identify({ url: (started.next as { url: string }).url });
    await redis.restart(); // no persistence: the session is gone
    const cb = await browser.fetch(`${BASE}/callback`);
    expect(cb.status).toBe(303);
    const after = await browser.json<{ error: { code: string } }>(`${BASE}/session`);
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe('SESSION_NOT_FOUND');
    const again = new TestBrowser(a.url);
    expect((await again.post(`${BASE}/sessions`, { digest })).status).toBe(201);
  });

  it('Redis down: requests answer 503 STORE_UNAVAILABLE, then recover', async () => {
    const down = await startRedisServer();
    const app = await startApp(sandbox, {
      store: new RedisSessionStore({
        redis: { host: '127.0.0.1', port: down.port, maxRetriesPerRequest: 1, retryStrategy: () => 100 },
      }),
    });
    try {
      const browser = new TestBrowser(app.url);
      await down.stop();
      const res = await browser.post(`${BASE}/sessions`, { digest });
      expect(res.status).toBe(503);
      expect((res.body as { error: { code: string } }).error.code).toBe('STORE_UNAVAILABLE');
      await down.restart();
      await new Promise((r) => setTimeout(r, 300));
      expect((await browser.post(`${BASE}/sessions`, { digest })).status).toBe(201);
    } finally {
      await app.close();
      await down.stop();
    }
  });
});
