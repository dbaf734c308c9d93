import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createItsmeSign } from '@itsme-sign/core';
import { startSandbox } from '@itsme-sign/sandbox';
import { type RedisServer, startRedisServer } from '@itsme-sign/test-support/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from './redis-store.js';
import { testSession, wakesUp } from './test-support/session.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

const session = testSession;

describe('RedisSessionStore against a real redis-server', () => {
  it('compare-and-set on the version: create once, advance only from the stored version', async () => {
    const store = new RedisSessionStore({ redis: server.url, keyPrefix: 't1:' });
    const s = session('cas-session-0000001');
    expect(await store.compareAndSet(s, 0, 10_000)).toBe(true);
    expect(await store.compareAndSet(s, 0, 10_000)).toBe(false);
    expect(await store.compareAndSet({ ...s, version: 2 }, 1, 10_000)).toBe(true);
    expect(await store.compareAndSet({ ...s, version: 3 }, 1, 10_000)).toBe(false);
    expect(await store.get(s.id)).toEqual({ ...s, version: 2 });
    await store.delete(s.id);
    expect(await store.get(s.id)).toBeUndefined();
    await store.close();
  });

  it('concurrent writers from two stores: exactly one wins each version', async () => {
    const a = new RedisSessionStore({ redis: server.url, keyPrefix: 't2:' });
    const b = new RedisSessionStore({ redis: server.url, keyPrefix: 't2:' });
    const s = session('race-session-000001');
    await a.compareAndSet(s, 0, 10_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).compareAndSet({ ...s, version: 2 }, 1, 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('sets a TTL on every session and expires it', async () => {
    const redis = new Redis(server.url);
    const store = new RedisSessionStore({ redis, keyPrefix: 't3:' });
    const s = session('ttl-session-0000001');
    await store.compareAndSet(s, 0, 150);
    const ttl = await redis.pttl(`t3:session:${s.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.get(s.id)).toBeUndefined();
    await store.close();
    expect(redis.status).toBe('ready'); // a client passed in is not closed by the store
    redis.disconnect();
  });

  it('leases are exclusive across instances until they expire', async () => {
    const a = new RedisSessionStore({ redis: server.url, keyPrefix: 't4:' });
    const b = new RedisSessionStore({ redis: server.url, keyPrefix: 't4:' });
    const got = await Promise.all([
      a.acquireLease('poll:x', 200),
      b.acquireLease('poll:x', 200),
      a.acquireLease('poll:x', 200),
    ]);
    expect(got.filter(Boolean)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await b.acquireLease('poll:x', 200)).toBe(true);
    await a.close();
    await b.close();
  });

  it('watch: a write on one instance wakes listeners on another', async () => {
    const a = new RedisSessionStore({ redis: server.url, keyPrefix: 't5:' });
    const b = new RedisSessionStore({ redis: server.url, keyPrefix: 't5:' });
    expect(await wakesUp(b, 'watch-session-00001', () => a.delete('watch-session-00001'))).toBe(true);
    await a.close();
    await b.close();
  });

  it('keeps signed results as bytes with a TTL', async () => {
    const redis = new Redis(server.url);
    const store = new RedisSessionStore({ redis, keyPrefix: 't6:' });
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(await store.putResult('s:doc', bytes, 150)).toBe(true);
    expect(await store.getResult('s:doc')).toEqual(bytes);
    const ttl = await redis.pttl('t6:result:s:doc');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.getResult('s:doc')).toBeUndefined();
    await store.close();
    redis.disconnect();
  });

  it('a session written by the previous version (one document, v1 shape) reads in the new shape', async () => {
    const redis = new Redis(server.url);
    const store = new RedisSessionStore({ redis, keyPrefix: 't7:' });
    const dataDir = mkdtempSync(join(tmpdir(), 'itsme-redis-sandbox-'));
    const sandbox = await startSandbox({ dataDir });
    const itsme = createItsmeSign({
      client: sandbox.clientOptions(),
      store,
      redirectUrl: 'https://app.example/api/itsme/callback',
      statusPageUrl: '/sign/status',
      cookie: { secrets: ['redis-test-secret-0123456789-abcdefgh'] },
      allowBrowserDigests: true,
      useDiscovery: false,
    });
    const id = 'v1-session-000000001';
    const v1 = {
      id,
      version: 6,
      status: 'signed',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
      subject: { mode: 'hash', digest: 'ZGlnZXN0', documentName: 'contract.pdf' },
      options: { lang: 'EN' },
      identification: { asyncRespID: 'A', identificationUrl: 'https://i/', returned: true },
      signer: { userCode: 'U', certificate: 'C', certificateChain: ['C'] },
      signing: {
        respID: 'R',
        signingUrl: 'https://s/',
        docId: 'contract.pdf',
        digest: 'ZGlnZXN0',
        returned: true,
      },
      signed: { signatureValue: 'c2ln', signedAt: Date.now() },
    };
    await redis.hset(`t7:session:${id}`, 'v', '6', 'j', JSON.stringify(v1));
    expect(await itsme.orchestrator.get(id)).toMatchObject({
      status: 'signed',
      subject: { documents: [{ id: 'contract.pdf', digest: 'ZGlnZXN0', name: 'contract.pdf' }] },
      signed: { documents: [{ id: 'contract.pdf', signatureValue: 'c2ln' }] },
    });
    await itsme.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
    await store.close();
    redis.disconnect();
  });

  it('reports a stopped server as an error, not as a missing session', async () => {
    const other = await startRedisServer();
    const store = new RedisSessionStore({
      redis: { port: other.port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 50 },
    });
    await store.compareAndSet(session('down-session-000001'), 0, 10_000);
    await other.stop();
    await expect(store.get('down-session-000001')).rejects.toThrow();
    await store.close();
  });
});
