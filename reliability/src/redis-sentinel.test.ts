/**
 * Distributed (issue 14, item 9): two instances reach Redis through Sentinel (a primary, a replica, one
 * sentinel, started by the test) and the primary is SIGKILLed mid-flow. Five flows each wait at a different
 * step; the primary dies; they all carry on during the failover. Requests that reach the store meanwhile
 * answer `503 STORE_UNAVAILABLE` (asked again, as the status page does) or succeed; every flow ends signed,
 * none loses its session (no SESSION_NOT_FOUND), none starts signing twice. The stores wait for the replica
 * on every write (`waitForReplicas`), so nothing acknowledged before the crash is missing after it.
 */
import { createHash } from 'node:crypto';
import { RedisSessionStore } from '@itsme-sign/redis';
import { type RedisSentinelServer, startRedisSentinel, waitUntil } from '@itsme-sign/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, driveFlow, type FlowStep } from './support/flow.js';
import { startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';
import { LoadBalancedBrowser, startTwoInstances, type TwoInstances } from './support/two-instances.js';

/** Where each flow is when the primary dies (after that step). */
const AT: FlowStep[] = ['started', 'identified', 'returned-identification', 'approved', 'returned-signing'];
let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let sentinel: RedisSentinelServer;
let instances: TwoInstances;
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sentinel = await startRedisSentinel({ sentinels: 1 });
  instances = await startTwoInstances(
    sandbox,
    () =>
      new RedisSessionStore({
        redis: sentinel.options({ maxRetriesPerRequest: 2 }),
        waitForReplicas: { replicas: 1, timeoutMs: 500 },
      }),
  );
});
afterAll(async () => {
  await instances?.close();
  await sandbox?.close();
  await sentinel?.stop();
  summary('redis sentinel failover, 2 instances', figures);
});

describe('two instances behind Sentinel, the primary killed mid-flow', () => {
  it('flows at every step when the primary dies all complete, each signs once, no session is lost', async () => {
    const before = sandbox.stats();
    let arrived = 0;
    let release!: () => void;
    const crashed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs = AT.map(async (at, i) => {
      let here = false;
      const browser = new LoadBalancedBrowser(instances.origins, Date.now() + 60_000);
      const digest = createHash('sha256').update(`sentinel contract ${i}`).digest('base64');
      const outcome = await driveFlow(browser, sandbox, {
        body: { digest },
        deadline: Date.now() + 60_000,
        after: async (step) => {
          if (step !== at) return;
          here = true;
          arrived++;
          await crashed;
        },
      });
      if (!here) arrived++; // ended before its step (a failure the assertions below report): do not wait for it
      const result = outcome.status === 'signed' ? await browser.json(`${BASE}/session/result`) : undefined;
      return { at, outcome, resultStatus: result?.status, refused: browser.refused };
    });

    await waitUntil('every flow at its step', async () => arrived === AT.length, 30_000);
    const t0 = performance.now();
    await sentinel.killPrimary();
    release(); // the flows carry on while the sentinel fails over
    const failoverMs = await sentinel.waitForFailover();
    await sentinel.rejoinOldPrimary();
    const outcomes = await Promise.all(runs);
    const wallMs = performance.now() - t0;
    const after = sandbox.stats();

    const signed = outcomes.filter((o) => o.outcome.status === 'signed');
    expect(signed.length).toBeGreaterThan(0);
    for (const { at, outcome, resultStatus, refused } of outcomes) {
      // Signed, or ended with the store's reason: never stuck, never SESSION_NOT_FOUND, never a 500.
      expect(outcome.errors, at).toEqual([]);
      if (outcome.status === 'signed') expect(resultStatus, at).toBe(200);
      else expect(outcome, at).toMatchObject({ status: 'failed', code: 'STORE_UNAVAILABLE' });
      // Whatever was refused meanwhile was refused with a clear, retryable reason.
      for (const r of refused) expect(r, at).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
    }
    // No sign start twice (a session that lost track of its sign start ends failed instead).
    expect(after.signSessionsStarted - before.signSessionsStarted).toBeLessThanOrEqual(AT.length);
    expect(after.signaturesProduced - before.signaturesProduced).toBe(signed.length);
    // onSigned runs at most once per session (a write acknowledged by too few replicas may skip it).
    expect(new Set(instances.records.map((r) => r.sessionId)).size).toBe(instances.records.length);
    expect(instances.records.length).toBeLessThanOrEqual(signed.length);
    Object.assign(figures, {
      flows: AT.length,
      outcomes: outcomes
        .map((o) => `${o.at}→${o.outcome.status}${o.outcome.code ? `(${o.outcome.code})` : ''}`)
        .join(','),
      signed: signed.length,
      failedStoreUnavailable: outcomes.length - signed.length,
      failoverMs,
      storeUnavailableAnswers: outcomes.reduce((n, o) => n + o.refused.length, 0),
      onSignedCalls: instances.records.length,
      wallFromCrash: `${(wallMs / 1000).toFixed(1)}s`,
    });
  });
});
