/**
 * Crash and restart: the back end (Express + @itsme-sign/express + Redis store, in its own process) is killed
 * with SIGKILL after every step of a flow and started again on the same port with the same cookie secret.
 * The flow completes: the session lives in Redis, the cookie still opens it, itsme® sessions carry on.
 */
import { createHash, verify, X509Certificate } from 'node:crypto';
import type { SignatureResult } from '@itsme-sign/core';
import { TestBrowser } from '@itsme-sign/test-support/http-browser';
import { type RedisServer, startRedisServer } from '@itsme-sign/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendProcess } from './support/backend-process.js';
import { BASE, driveFlow, type FlowStep } from './support/flow.js';
import { startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';

let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let redis: RedisServer;
let backend: BackendProcess;
const tally = { flows: 0, completed: 0 };

beforeAll(async () => {
  sandbox = await startTestSandbox();
  redis = await startRedisServer();
  const files = sandbox.credentials.files;
  backend = new BackendProcess({
    b2bUrl: sandbox.b2bUrl,
    partnerCode: sandbox.partner.partnerCode,
    serviceCode: sandbox.partner.serviceCode,
    certFile: files.clientCert,
    keyFile: files.clientKey,
    caFile: files.ca,
    redisUrl: redis.url,
    cookieSecret: 'crash-restart-secret-0123456789-abcdef',
  });
  await backend.start();
  sandbox.addRedirectUrl(`${backend.url}${BASE}/callback`);
});
afterAll(async () => {
  await backend?.kill();
  await sandbox?.close();
  await redis?.stop();
  summary('crash and restart', {
    flows: tally.flows,
    completed: tally.completed,
    backendKills: backend?.kills ?? 0,
    backendStarts: backend?.starts ?? 0,
  });
});

/** Waits until the restarted back end answers (stale keep-alive sockets of the killed one are dropped). */
async function ready(browser: TestBrowser): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await browser.fetch('/sign/status');
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch (error) {
      if (attempt > 20) throw error;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the back end is killed between every two steps', () => {
  it('start | identify | callback | approve | callback: the flow completes and signs once', async () => {
    tally.flows++;
    const data = Buffer.from('crash and restart: contract 7');
    const digest = createHash('sha256').update(data).digest('base64');
    const browser = new TestBrowser(backend.url);
    const before = sandbox.stats();
    const steps: FlowStep[] = [];
    const outcome = await driveFlow(browser, sandbox, {
      body: { digest, lang: 'DE' },
      deadline: Date.now() + 60_000,
      after: async (step) => {
        steps.push(step);
        await backend.restart();
        await ready(browser);
      },
    });
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'signed', errors: [] });
    expect(steps).toEqual([
      'started',
      'identified',
      'returned-identification',
      'approved',
      'returned-signing',
    ]);

    await backend.restart();
    await ready(browser);
    const result = await browser.json<SignatureResult>(`${BASE}/session/result`);
    expect(result.status).toBe(200);
    const cert = new X509Certificate(result.body.certificate);
    expect(verify('sha256', data, cert.publicKey, Buffer.from(result.body.signatureValue, 'base64'))).toBe(
      true,
    );
    const after = sandbox.stats();
    expect(after.signSessionsStarted - before.signSessionsStarted).toBe(1);
    expect(after.signaturesProduced - before.signaturesProduced).toBe(1);
    tally.completed++;
  });

  it('a long poll cut by the crash is simply asked again after the restart', async () => {
    tally.flows++;
    const digest = createHash('sha256').update('crash during a long poll').digest('base64');
    const browser = new TestBrowser(backend.url);
    const outcome = await driveFlow(browser, sandbox, {
      body: { digest },
      deadline: Date.now() + 60_000,
      after: async (step) => {
        if (step !== 'started') return;
        // A long poll is in flight when the process dies.
        const polling = browser.fetch(`${BASE}/session?wait=20`).then(
          () => 'answered',
          () => 'cut',
        );
        await new Promise((r) => setTimeout(r, 100));
        await backend.kill();
        expect(await polling).toBe('cut');
        await backend.start();
        await ready(browser);
      },
    });
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'signed', errors: [] });
    tally.completed++;
  });
});
