/**
 * Distributed (issue 14, item 9): two instances share a real Redis Cluster (three masters, started by the
 * test), each with its own `Cluster` client. Flows run with every request on the other instance than the
 * previous one; their sessions land on different masters. Every flow ends signed, signs once, and both
 * instances serve the same result.
 */
import { createHash } from 'node:crypto';
import { RedisSessionStore } from '@itsme-sign/redis';
import { type RedisClusterServer, startRedisCluster } from '@itsme-sign/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, driveFlow } from './support/flow.js';
import { startTestSandbox } from './support/sandbox.js';
import { summary } from './support/summary.js';
import { LoadBalancedBrowser, startTwoInstances, type TwoInstances } from './support/two-instances.js';

const FLOWS = 8;
let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
let cluster: RedisClusterServer;
let instances: TwoInstances;
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  sandbox = await startTestSandbox();
  cluster = await startRedisCluster();
  instances = await startTwoInstances(
    sandbox,
    () => new RedisSessionStore({ redis: { cluster: cluster.nodes } }),
  );
});
afterAll(async () => {
  await instances?.close();
  await sandbox?.close();
  await cluster?.stop();
  summary('redis cluster, 2 instances', figures);
});

describe('two instances on a Redis Cluster (3 masters)', () => {
  it(`${FLOWS} concurrent flows alternating between the instances all sign, once each`, async () => {
    const before = sandbox.stats();
    const t0 = performance.now();
    const runs = await Promise.all(
      Array.from({ length: FLOWS }, async (_, i) => {
        const browser = new LoadBalancedBrowser(instances.origins, Date.now() + 60_000);
        const digest = createHash('sha256').update(`cluster contract ${i}`).digest('base64');
        const outcome = await driveFlow(browser, sandbox, {
          body: { digest },
          deadline: Date.now() + 60_000,
        });
        // Both instances serve the same result (the browser alternates: two downloads, one on each).
        const results = [
          await browser.json(`${BASE}/session/result`),
          await browser.json(`${BASE}/session/result`),
        ];
        return { outcome, results, refused: browser.refused };
      }),
    );
    const wallMs = performance.now() - t0;
    const after = sandbox.stats();
    for (const { outcome, results, refused } of runs) {
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'signed', errors: [] });
      expect(refused).toEqual([]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(results[1]!.body).toEqual(results[0]!.body);
    }
    expect(after.signSessionsStarted - before.signSessionsStarted).toBe(FLOWS);
    expect(after.signaturesProduced - before.signaturesProduced).toBe(FLOWS);
    expect(instances.records).toHaveLength(FLOWS);
    expect(new Set(instances.records.map((r) => r.sessionId)).size).toBe(FLOWS);
    const masters = new Set(
      await Promise.all(instances.records.map((r) => cluster.portOf(`itsme-sign:session:${r.sessionId}`))),
    );
    expect(masters.size).toBeGreaterThan(1);
    Object.assign(figures, {
      flows: FLOWS,
      signed: runs.filter((r) => r.outcome.status === 'signed').length,
      mastersUsed: masters.size,
      wall: `${(wallMs / 1000).toFixed(1)}s`,
    });
  });
});
