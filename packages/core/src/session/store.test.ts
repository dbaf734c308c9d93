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
