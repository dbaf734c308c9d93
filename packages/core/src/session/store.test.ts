import { describe, expect, it } from 'vitest';
import { createSession } from './state.js';
import { MemorySessionStore } from './store.js';

const session = (id: string, now: number) =>
  createSession({
    id,
    subject: { mode: 'hash', documents: [{ id: 'doc', digest: 'd' }] },
    options: { lang: 'EN' },
    now,
    ttlMs: 1000,
  });

describe('MemorySessionStore', () => {
  it('compare-and-set: create once, then only from the stored version', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    const s = session('abcdefghijklmnop', now);
    expect(await store.compareAndSet(s, 0, 1000)).toBe(true);
    expect(await store.compareAndSet(s, 0, 1000)).toBe(false);
    const v2 = { ...s, version: 2 };
    expect(await store.compareAndSet(v2, 1, 1000)).toBe(true);
    expect(await store.compareAndSet({ ...s, version: 3 }, 1, 1000)).toBe(false);
    expect((await store.get(s.id))?.version).toBe(2);
    now = 1000;
    expect(await store.get(s.id)).toBeUndefined();
    await store.close();
  });

  it('stores a JSON copy and hands out immutable sessions', async () => {
    const store = new MemorySessionStore();
    const s = session('abcdefghijklmnop', Date.now());
    await store.compareAndSet(s, 0, 10_000);
    (s as { version: number }).version = 42; // the caller's object is not the stored one
    const a = await store.get(s.id);
    expect(a?.version).toBe(1);
    expect(() => {
      (a as { version: number }).version = 99;
    }).toThrow(TypeError);
    expect(() => {
      (a!.options as { lang: string }).lang = 'FR';
    }).toThrow(TypeError);
    expect((await store.get(s.id))?.version).toBe(1);
    await store.close();
  });

  it('leases: one holder until the TTL passes', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    expect(await store.acquireLease('poll:x', 500)).toBe(true);
    expect(await store.acquireLease('poll:x', 500)).toBe(false);
    now = 499;
    expect(await store.acquireLease('poll:x', 500)).toBe(false);
    now = 500;
    expect(await store.acquireLease('poll:x', 500)).toBe(true);
    await store.close();
  });

  it('watch wakes listeners on writes and deletes, until unsubscribed; sweep bounds memory', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    const s = session('abcdefghijklmnop', now);
    let calls = 0;
    const stop = store.watch(s.id, () => calls++);
    await store.compareAndSet(s, 0, 1000);
    await store.delete(s.id);
    stop();
    await store.compareAndSet(s, 0, 1000);
    expect(calls).toBe(2);
    now = 2000;
    store.sweep();
    expect(store.size).toBe(0);
    await store.close();
  });
});

describe('MemorySessionStore maxSessions', () => {
  const at = (s: ReturnType<typeof session>, status: string, version = 2) =>
    ({ ...s, status, version }) as unknown as ReturnType<typeof session>;

  it('drops the oldest ended-unsigned, then the oldest not identified; never signing or signed', async () => {
    const store = new MemorySessionStore({ maxSessions: 4 });
    const now = Date.now();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => c.repeat(16));
    const [signing, created, failed, signed, n1, n2, n3, n4] = ids as [string, ...string[]];
    for (const id of [signing, created, failed, signed])
      await store.compareAndSet(session(id, now), 0, 60_000);
    await store.compareAndSet(at(session(signing, now), 'signing'), 1, 60_000);
    await store.compareAndSet(at(session(failed, now), 'failed'), 1, 60_000);
    await store.compareAndSet(at(session(signed, now), 'signed'), 1, 60_000);
    const woken: string[] = [];
    store.watch(failed!, () => woken.push(failed!));
    // Full: the failed one goes first, then the oldest not identified (created, then n1).
    expect(await store.compareAndSet(session(n1!, now), 0, 60_000)).toBe(true);
    expect(await store.get(failed!)).toBeUndefined();
    expect(await store.compareAndSet(session(n2!, now), 0, 60_000)).toBe(true);
    expect(await store.get(created!)).toBeUndefined();
    expect(await store.compareAndSet(session(n3!, now), 0, 60_000)).toBe(true);
    expect(await store.get(n1!)).toBeUndefined();
    expect(woken).toEqual([failed]); // a long poll of a dropped session wakes up (and finds it gone)
    expect(store.size).toBe(4);
    // Every session is identified, being signed or signed: nothing may be dropped, the new one is refused.
    await store.compareAndSet(at(session(n2!, now), 'signing'), 1, 60_000);
    await store.compareAndSet(at(session(n3!, now), 'identified'), 1, 60_000);
    await expect(store.compareAndSet(session(n4!, now), 0, 60_000)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect((await store.get(signing))?.status).toBe('signing');
    expect((await store.get(signed!))?.status).toBe('signed');
    // Updates of stored sessions are never refused.
    expect(await store.compareAndSet(at(session(n3!, now), 'signing', 3), 2, 60_000)).toBe(true);
    await store.close();
  });

  it('defaults to DEFAULTS.memoryMaxSessions', async () => {
    const { DEFAULTS } = await import('../config.js');
    expect(DEFAULTS.memoryMaxSessions).toBeGreaterThan(0);
    const store = new MemorySessionStore();
    const now = Date.now();
    for (let i = 0; i <= DEFAULTS.memoryMaxSessions; i++) {
      await store.compareAndSet(session(`s${String(i).padStart(15, '0')}`, now), 0, 60_000);
    }
    expect(store.size).toBe(DEFAULTS.memoryMaxSessions);
    await store.close();
  });
});
