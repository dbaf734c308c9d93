import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config.js';
import { SessionRepository } from './repository.js';
import { createSession, type SessionEvent, type SigningSession } from './state.js';
import { MemorySessionStore, type SessionStore } from './store.js';

const START: SessionEvent = {
  type: 'IDENTIFICATION_STARTED',
  asyncRespID: 'A',
  identificationUrl: 'https://i/',
};

function setup(store: SessionStore = new MemorySessionStore({ now: () => 1_000 })) {
  const moves: string[] = [];
  const repo = new SessionRepository(store, {
    finishedTtlMs: 5_000,
    now: () => 1_000,
    onTransition: (from, to, event) => moves.push(`${from.status}-${event.type}->${to.status}`),
  });
  const session = createSession({
    id: 'repository-test-0000001',
    subject: { mode: 'hash', documents: [{ id: 'doc', digest: 'd' }] },
    options: { lang: 'EN' },
    now: 1_000,
    ttlMs: 60_000,
  });
  return { repo, store, session, moves };
}

describe('SessionRepository: compare-and-set, retries, retention', () => {
  it('applies an event on the stored version and reports the transition', async () => {
    const { repo, session, moves } = setup();
    expect(await repo.create(session)).toBe(true);
    expect(await repo.create(session)).toBe(false);
    expect(await repo.apply(session.id, START)).toMatchObject({ status: 'identifying', version: 2 });
    expect(moves).toEqual(['created-IDENTIFICATION_STARTED->identifying']);
  });

  it('re-reads and retries after a concurrent change; gives up with SESSION_CONFLICT', async () => {
    const memory = new MemorySessionStore({ now: () => 1_000 });
    let losses = 0;
    const racing: SessionStore = {
      get: (id) => memory.get(id),
      delete: (id) => memory.delete(id),
      acquireLease: (key, ttl) => memory.acquireLease(key, ttl),
      watch: (id, listener) => memory.watch(id, listener),
      compareAndSet: async (s, expected, ttl) =>
        losses-- > 0 ? false : memory.compareAndSet(s, expected, ttl),
    };
    const { repo, session } = setup(racing);
    await memory.compareAndSet(session, 0, 10_000);
    losses = DEFAULTS.casAttempts - 1;
    expect((await repo.apply(session.id, START)).status).toBe('identifying');
    losses = DEFAULTS.casAttempts;
    await expect(repo.apply(session.id, { type: 'CANCELLED' })).rejects.toMatchObject({
      code: 'SESSION_CONFLICT',
    });
  });

  it('an event the session no longer accepts gives the session as it is; fail() never throws', async () => {
    const { repo, session } = setup();
    await repo.create(session);
    const cancelled = await repo.applyIfLive(session.id, { type: 'CANCELLED' });
    expect(await repo.applyIfLive(session.id, START)).toEqual(cancelled);
    expect(await repo.fail(session.id, new Error('boom'))).toEqual(cancelled);
    await expect(repo.apply('no-such-session-000000', START)).rejects.toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });

  it('keeps a live session until its deadline plus finishedTtlMs, an ended one for finishedTtlMs', async () => {
    const { repo, session } = setup();
    expect(repo.retentionMs(session)).toBe(60_000 + 5_000);
    expect(repo.retentionMs({ ...session, expiresAt: -10_000 })).toBe(DEFAULTS.minStoreTtlMs);
    await repo.create(session);
    const failed = await repo.fail(session.id, new Error('boom'));
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'INTERNAL_ERROR' } });
    expect(repo.retentionMs(failed as SigningSession)).toBe(5_000);
  });

  it('a store that throws is STORE_UNAVAILABLE', async () => {
    const broken = { get: async () => Promise.reject(new Error('down')) } as unknown as SessionStore;
    const { repo } = setup(broken);
    await expect(repo.read('x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
