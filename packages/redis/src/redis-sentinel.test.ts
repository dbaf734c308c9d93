/**
 * The store behind Sentinel (a primary, a replica, three sentinels; started once for the file), through a
 * failover: the primary is SIGKILLed while a writer keeps writing. Every write either succeeds or fails
 * with an error; none that was acknowledged is missing afterwards; writes after the failover succeed; long
 * polls on another instance wake up again.
 */
import type { SigningSession } from '@itsme-sign/core';
import { type RedisSentinelServer, startRedisSentinel } from '@itsme-sign/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from './redis-store.js';
import { testSession, wakesUp } from './test-support/session.js';

let sentinel: RedisSentinelServer;
beforeAll(async () => {
  sentinel = await startRedisSentinel({ sentinels: 3 });
});
afterAll(async () => {
  await sentinel?.stop();
});

const session = testSession;

describe('RedisSessionStore behind Sentinel', () => {
  it('works through the sentinels: compare-and-set, leases, results, wake-ups across instances', async () => {
    const a = new RedisSessionStore({ redis: sentinel.options(), keyPrefix: 's1:' });
    const b = new RedisSessionStore({ redis: sentinel.options(), keyPrefix: 's1:' });
    try {
      const s = session('sentinel-session-001');
      const created = await Promise.all([a.compareAndSet(s, 0, 10_000), b.compareAndSet(s, 0, 10_000)]);
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await b.get(s.id)).toEqual(s);
      expect(await wakesUp(b, 'sentinel-watch-0001', () => a.delete('sentinel-watch-0001'))).toBe(true);
      expect(
        (await Promise.all([a.acquireLease('l', 500), b.acquireLease('l', 500)])).filter(Boolean),
      ).toHaveLength(1);
      expect(await a.putResult('r', new Uint8Array([1, 2, 3]), 10_000)).toBe(true);
      expect(await b.getResult('r')).toEqual(new Uint8Array([1, 2, 3]));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('primary killed mid-writes: each write succeeds or fails with an error, none acknowledged is lost, and writing goes on', async () => {
    // The writer waits for the replica on each write (waitForReplicas): an acknowledged write is on both.
    const writer = new RedisSessionStore({
      redis: sentinel.options({ maxRetriesPerRequest: 2 }),
      keyPrefix: 's2:',
      waitForReplicas: { replicas: 1, timeoutMs: 300 },
    });
    const plain = new RedisSessionStore({ redis: sentinel.options(), keyPrefix: 's2:' });
    const watcher = new RedisSessionStore({ redis: sentinel.options(), keyPrefix: 's2:' });
    const outcomes = { acknowledged: 0, refused: 0, errors: 0 };
    try {
      // Ten sessions acknowledged before the crash.
      const before = Array.from({ length: 10 }, (_, i) =>
        session(`before-failover-${String(i).padStart(4, '0')}`),
      );
      for (const s of before) expect(await writer.compareAndSet(s, 0, 60_000)).toBe(true);

      const id = 'failover-writes-0001';
      let current: SigningSession = session(id);
      expect(await writer.compareAndSet(current, 0, 60_000)).toBe(true);
      let lastAcknowledged = current.version;
      let promoted = false;
      let afterFailover = 0;
      const deadline = Date.now() + 20_000;
      // One write at a time, like the repository: on an error, read again and go on from what is stored.
      const writing = (async () => {
        while (afterFailover < 20 && Date.now() < deadline) {
          const next: SigningSession = { ...current, version: current.version + 1, updatedAt: Date.now() };
          try {
            await new Promise((r) => setTimeout(r, 5)); // a busy flow, not a CPU hog on a small CI runner
            if (await writer.compareAndSet(next, current.version, 60_000)) {
              outcomes.acknowledged++;
              lastAcknowledged = next.version;
              current = next;
              if (promoted) afterFailover++;
            } else {
              outcomes.refused++;
              current = (await plain.get(id)) ?? current;
            }
          } catch {
            outcomes.errors++;
            await new Promise((r) => setTimeout(r, 50));
            current = (await plain.get(id).catch(() => undefined)) ?? current;
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      await sentinel.killPrimary();
      const failoverMs = await sentinel.waitForFailover();
      // The crashed node comes back empty, as the new primary's replica (then WAIT is satisfied again).
      await sentinel.rejoinOldPrimary();
      promoted = true;
      await writing;
      console.log(`failover in ${failoverMs} ms; writes during and after it:`, outcomes);

      expect(afterFailover).toBe(20);
      const stored = await plain.get(id);
      expect(stored?.version).toBe(lastAcknowledged);
      expect(stored).toEqual(current);
      for (const s of before) expect(await plain.get(s.id)).toEqual(s);

      // Long polls on another instance wake up again (its subscriber followed the primary).
      expect(await wakesUp(watcher, 'after-failover-watch', () => plain.delete('after-failover-watch'))).toBe(
        true,
      );
    } finally {
      await writer.close();
      await plain.close();
      await watcher.close();
    }
  });
});
