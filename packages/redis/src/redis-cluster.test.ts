/**
 * The store on a real Redis Cluster (three masters, started once for the file): sessions, leases and
 * results on every master, compare-and-set races between two instances, TTLs, wake-ups across instances
 * whatever node the key and the subscriber live on, MEMORY USAGE on the node that holds the key; and, last,
 * a master killed: its sessions answer an error, none reads as missing.
 */

import { type RedisClusterServer, startRedisCluster } from '@itsme-sign/test-support/redis';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from './redis-store.js';
import { testSession, wakesUp } from './test-support/session.js';

let cluster: RedisClusterServer;
let raw: Cluster;
/** One session id per master: `ids[i]`'s key lives on `cluster.nodes[i]`. */
let ids: string[];

const session = testSession;

/** Session ids whose keys (under `prefix`) land on each of the three masters, in node order. */
async function idsOnEveryNode(prefix: string): Promise<string[]> {
  const found = new Map<number, string>();
  for (let i = 0; found.size < 3 && i < 100; i++) {
    const id = `cluster-session-${String(i).padStart(4, '0')}`;
    const port = await cluster.portOf(`${prefix}session:${id}`);
    if (!found.has(port)) found.set(port, id);
  }
  return cluster.nodes.map((n) => found.get(n.port) as string);
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  raw = cluster.client();
  ids = await idsOnEveryNode('c:');
});
afterAll(async () => {
  raw?.disconnect();
  await cluster?.stop();
});

/** Two stores ("instances") on their own cluster clients, closed after `fn`. */
async function twoInstances(fn: (a: RedisSessionStore, b: RedisSessionStore) => Promise<void>) {
  const a = new RedisSessionStore({ redis: { cluster: cluster.nodes }, keyPrefix: 'c:' });
  const b = new RedisSessionStore({ redis: cluster.client(), keyPrefix: 'c:' });
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

describe('RedisSessionStore on a Redis Cluster (3 masters)', () => {
  it('spreads sessions over the masters: each command touches one key, so no CROSSSLOT', () => {
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });

  it('compare-and-set races between two instances, on every master: exactly one writer wins each version', async () => {
    await twoInstances(async (a, b) => {
      for (const id of ids) {
        const s = session(id);
        const created = await Promise.all([a.compareAndSet(s, 0, 10_000), b.compareAndSet(s, 0, 10_000)]);
        expect(created.filter(Boolean)).toHaveLength(1);
        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? a : b).compareAndSet({ ...s, version: 2, updatedAt: i }, 1, 10_000),
          ),
        );
        expect(wins.filter(Boolean)).toHaveLength(1);
        const stored = await a.get(id);
        expect(stored?.version).toBe(2);
        expect(await b.get(id)).toEqual(stored);
        await b.delete(id);
        expect(await a.get(id)).toBeUndefined();
      }
    });
  });

  it('sets a TTL on every session, on every master, and expires it', async () => {
    await twoInstances(async (a) => {
      for (const id of ids) expect(await a.compareAndSet(session(id), 0, 60_000)).toBe(true);
      for (const id of ids) {
        const ttl = await raw.pttl(`c:session:${id}`);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      // Each write sets the TTL again: a short one expires.
      for (const id of ids) expect(await a.compareAndSet({ ...session(id), version: 2 }, 1, 150)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      for (const id of ids) expect(await a.get(id)).toBeUndefined();
    });
  });

  it('leases are exclusive across instances until they expire', async () => {
    await twoInstances(async (a, b) => {
      for (const id of ids) {
        const got = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).acquireLease(`poll:${id}`, 500)),
        );
        expect(got.filter(Boolean)).toHaveLength(1);
      }
      await new Promise((r) => setTimeout(r, 650));
      for (const id of ids) expect(await b.acquireLease(`poll:${id}`, 500)).toBe(true);
    });
  });

  it('watch: a write on one instance wakes listeners on the other, for keys on every master', async () => {
    await twoInstances(async (a, b) => {
      // b's subscriber is a duplicate Cluster connected to one node; the writes go to each key's master.
      for (const id of ids) {
        expect(await wakesUp(b, id, () => a.delete(id)), id).toBe(true);
      }
    });
  });

  it('keeps signed results as bytes with a TTL, on every master', async () => {
    await twoInstances(async (a, b) => {
      const bytes = new Uint8Array(4096).map((_, i) => i % 251);
      for (const id of ids) expect(await a.putResult(`${id}:doc`, bytes, 60_000)).toBe(true);
      for (const id of ids) {
        expect(await b.getResult(`${id}:doc`)).toEqual(bytes);
        expect(await raw.pttl(`c:result:${id}:doc`)).toBeGreaterThan(50_000);
      }
      for (const id of ids) expect(await a.putResult(`${id}:doc`, bytes, 150)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      for (const id of ids) expect(await b.getResult(`${id}:doc`)).toBeUndefined();
    });
  });

  it('memoryUsage asks the master that holds the session', async () => {
    await twoInstances(async (a) => {
      for (const id of ids) await a.compareAndSet(session(id), 0, 10_000);
      for (const id of ids) expect(await a.memoryUsage(id)).toBeGreaterThan(100);
      expect(await a.memoryUsage('no-such-session')).toBeNull();
      for (const id of ids) await a.delete(id);
    });
  });

  it('waitForReplicas runs WAIT on the node of the key (here without replicas: refused, never "written")', async () => {
    const none = new RedisSessionStore({
      redis: { cluster: cluster.nodes },
      keyPrefix: 'c:',
      waitForReplicas: { replicas: 0, timeoutMs: 100 },
    });
    const one = new RedisSessionStore({
      redis: { cluster: cluster.nodes },
      keyPrefix: 'c:',
      waitForReplicas: { replicas: 1, timeoutMs: 50 },
    });
    try {
      for (const id of ids) {
        expect(await none.compareAndSet(session(id), 0, 10_000)).toBe(true);
        expect(await none.compareAndSet(session(id), 0, 10_000)).toBe(false);
        await expect(one.compareAndSet({ ...session(id), version: 2 }, 1, 10_000)).rejects.toThrow(
          /0 of 1 replicas/,
        );
        await none.delete(id);
        expect(await none.get(id)).toBeUndefined();
      }
    } finally {
      await none.close();
      await one.close();
    }
  });

  it('refuses a waitForReplicas that would block forever or makes no sense', () => {
    const redis = { cluster: cluster.nodes, options: { lazyConnect: true } };
    for (const waitForReplicas of [
      { replicas: 1, timeoutMs: 0 },
      { replicas: -1, timeoutMs: 100 },
      { replicas: 1.5, timeoutMs: 100 },
    ]) {
      expect(
        () => new RedisSessionStore({ redis, waitForReplicas }),
        JSON.stringify(waitForReplicas),
      ).toThrow(/waitForReplicas/);
    }
  });

  it('refuses clients that would read from replicas', () => {
    expect(
      () => new RedisSessionStore({ redis: { cluster: cluster.nodes, options: { scaleReads: 'slave' } } }),
    ).toThrow(/primary only/);
    expect(
      () => new RedisSessionStore({ redis: { host: '127.0.0.1', role: 'slave', lazyConnect: true } }),
    ).toThrow(/primary only/);
  });

  it('a plain client on one node is not a cluster client: keys of other masters answer MOVED as an error', async () => {
    const port = cluster.nodes[0]!.port;
    const single = new Redis({ port, host: '127.0.0.1' });
    const store = new RedisSessionStore({ redis: single, keyPrefix: 'c:' });
    try {
      await expect(store.get(ids[1]!)).rejects.toThrow(/MOVED/);
    } finally {
      await store.close();
      single.disconnect();
    }
  });
});

describe('a master of the cluster dies (last: the cluster stays broken)', () => {
  it('its sessions answer an error, never "no such session"; none reads as missing', async () => {
    const store = new RedisSessionStore({
      redis: { cluster: cluster.nodes, options: { redisOptions: { maxRetriesPerRequest: 1 } } },
      keyPrefix: 'c:',
    });
    try {
      for (const id of ids) expect(await store.compareAndSet(session(id), 0, 60_000)).toBe(true);
      await cluster.servers[1]!.kill();
      const reads = await Promise.all(
        ids.map((id) =>
          store.get(id).then(
            (s) => (s ? 'found' : 'missing'),
            (e: Error) => `error: ${e.message.slice(0, 60)}`,
          ),
        ),
      );
      expect(reads[1]).toMatch(/^error/);
      expect(reads).not.toContain('missing');
    } finally {
      await store.close();
    }
  });
});
