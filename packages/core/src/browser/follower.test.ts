import { afterEach, describe, expect, it, vi } from 'vitest';
import { ID_URL, identified, SIGN_URL, signed, signing, view } from '../test-support/session-views.js';
import { SessionFollower, type SessionFollowerOptions } from './follower.js';
import { classifyAnswer, type FetchLike } from './request.js';
import type { FollowerState } from './state.js';

interface Pending {
  url: string;
  init: Parameters<FetchLike>[1];
  respond(status: number, body?: unknown): void;
  fail(): void;
}

/** A fetch whose requests the test answers one by one. */
function fakeFetch() {
  const pending: Pending[] = [];
  const fetch: FetchLike = (url, init) =>
    new Promise((resolve, reject) => {
      init.signal.addEventListener('abort', () => reject(new Error('aborted')));
      pending.push({
        url,
        init,
        respond: (status, body) =>
          resolve({
            status,
            json: async () => (body === undefined ? JSON.parse('') : body),
          }),
        fail: () => reject(new TypeError('fetch failed')),
      });
    });
  return {
    fetch,
    pending,
    /** The oldest request not answered yet. */
    take(): Pending {
      const next = pending.shift();
      if (!next) throw new Error('no request');
      return next;
    },
  };
}

/** Lets the follower's promise chains run (timers untouched). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(options: Partial<SessionFollowerOptions> = {}) {
  const server = fakeFetch();
  const navigated: string[] = [];
  const states: FollowerState['type'][] = [];
  const follower = new SessionFollower({
    baseUrl: '/api/itsme/',
    fetch: server.fetch,
    navigate: (url) => navigated.push(url),
    window: null,
    waitSeconds: 20,
    retryDelay: () => 5_000,
    ...options,
  });
  follower.subscribe((state) => states.push(state.type));
  return { follower, server, navigated, states };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionFollower', () => {
  it('starts a session, follows it with the long poll, redirects and finishes', async () => {
    const { follower, server, navigated, states } = setup();
    const started = follower.start({ digest: 'abc', lang: 'FR' });
    const post = server.take();
    expect(post.url).toBe('/api/itsme/sessions');
    expect(post.init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect(JSON.parse(post.init.body ?? '')).toEqual({ digest: 'abc', lang: 'FR' });
    expect(post.init.headers['content-type']).toBe('application/json');
    post.respond(201, view());
    expect((await started)?.status).toBe('identifying');
    expect(navigated).toEqual([ID_URL]);

    const poll = server.take();
    expect(poll.url).toBe('/api/itsme/session?wait=20&version=1');
    poll.respond(200, identified);
    await settle();
    server.take().respond(200, signing);
    await settle();
    expect(navigated).toEqual([ID_URL, SIGN_URL]);
    server.take().respond(200, signed);
    await settle();
    expect(follower.state.type).toBe('finished');
    expect(follower.resultUrl()).toBe('/api/itsme/session/result');
    expect(server.pending).toEqual([]);
    expect(states).toEqual(['busy', 'following', 'following', 'following', 'finished']);
  });

  it('never navigates to an address that is not a web page', async () => {
    const { follower, server, navigated } = setup();
    follower.refresh();
    server
      .take()
      .respond(200, view({ next: { action: 'redirect', url: 'javascript:alert(1)', target: 'signing' } }));
    await settle();
    expect(navigated).toEqual([]);
    expect(follower.state).toMatchObject({ type: 'failed', error: { code: 'INVALID_RESPONSE' } });
    expect(server.pending).toEqual([]);
  });

  it("goes through the handler's own `via` path when the view gives one (never another site's)", async () => {
    const { follower, server, navigated } = setup();
    follower.refresh();
    const via = '/api/itsme/session/go?target=signing';
    server.take().respond(200, view({ next: { action: 'redirect', url: SIGN_URL, target: 'signing', via } }));
    await settle();
    expect(navigated).toEqual([via]);
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example/go']) {
      const other = setup();
      other.follower.refresh();
      other.server
        .take()
        .respond(200, view({ next: { action: 'redirect', url: SIGN_URL, target: 'signing', via: bad } }));
      await settle();
      // An unsafe via is ignored: the browser goes to itsme®'s own URL.
      expect(other.navigated).toEqual([SIGN_URL]);
      other.follower.dispose();
    }
    follower.dispose();
  });

  it('retries with the back-off after a network error, and Retry asks at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const errors: string[] = [];
    const { follower, server } = setup({ onError: (e) => errors.push(e.code) });
    follower.refresh();
    server.take().respond(200, identified);
    await settle();
    server.take().fail();
    await settle();
    expect(follower.state).toMatchObject({ type: 'retrying', attempt: 1, view: identified });
    expect(server.pending).toEqual([]);
    vi.advanceTimersByTime(5_000);
    const again = server.take();
    expect(again.url).toBe('/api/itsme/session');
    again.respond(503, { error: { code: 'STORE_UNAVAILABLE', message: 'down' } });
    await settle();
    expect(follower.state).toMatchObject({ type: 'retrying', attempt: 2, error: { kind: 'server' } });
    expect(errors).toEqual(['NETWORK_ERROR', 'STORE_UNAVAILABLE']);

    follower.refresh();
    server.take().respond(200, identified);
    await settle();
    expect(follower.state).toMatchObject({ type: 'following', error: null });
    server.take();
    vi.advanceTimersByTime(20_000);
    expect(server.pending).toEqual([]);
  });

  it('a long poll that times out is a network error', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { follower, server } = setup();
    follower.refresh();
    server.take().respond(200, identified);
    await settle();
    server.take();
    vi.advanceTimersByTime(35_000);
    await settle();
    expect(follower.state).toMatchObject({
      type: 'retrying',
      error: { code: 'NETWORK_ERROR', message: 'The server did not answer in time.' },
    });
  });

  it('a long poll answered at once without news waits a second (no tight loop)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { follower, server } = setup();
    follower.refresh();
    server.take().respond(200, identified);
    await settle();
    server.take().respond(200, identified);
    await settle();
    expect(server.pending).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(server.take().url).toBe('/api/itsme/session?wait=20&version=2');
  });

  it('cancel drops the long poll and takes the cancelled view; restart forgets', async () => {
    const { follower, server } = setup();
    follower.refresh();
    server.take().respond(200, identified);
    await settle();
    const poll = server.take();
    const cancelled = follower.cancel();
    expect(poll.init.signal.aborted).toBe(true);
    const del = server.take();
    expect(del.init.method).toBe('DELETE');
    del.respond(200, view({ status: 'cancelled', version: 3, next: { action: 'restart' } }));
    expect((await cancelled)?.status).toBe('cancelled');
    expect(follower.state.type).toBe('finished');
    follower.restart();
    expect(follower.state).toMatchObject({ type: 'idle', view: null });
  });

  it('drops an answer that arrives after stop()', async () => {
    const { follower, server } = setup();
    follower.refresh();
    const first = server.take();
    follower.stop();
    first.respond(200, identified);
    await settle();
    expect(follower.state).toMatchObject({ type: 'idle', view: null });
  });

  it('a page back from the back/forward cache looks again and does not redirect by itself', async () => {
    const listeners: ((event: { persisted: boolean }) => void)[] = [];
    const win = {
      addEventListener: (_: 'pageshow', l: (event: { persisted: boolean }) => void) => listeners.push(l),
      removeEventListener: () => listeners.splice(0),
      performance: { getEntriesByType: () => [{ type: 'navigate' }] },
    };
    const { follower, server, navigated } = setup({ window: win });
    follower.refresh();
    server.take().respond(200, view());
    await settle();
    expect(navigated).toEqual([ID_URL]);
    const poll = server.take();
    for (const l of listeners) l({ persisted: true });
    expect(poll.init.signal.aborted).toBe(true);
    server.take().respond(200, view());
    await settle();
    expect(navigated).toEqual([ID_URL]);
    expect(follower.state).toMatchObject({ type: 'following', cameBack: true, redirectedTo: null });
    follower.continueToItsme();
    expect(navigated).toEqual([ID_URL, ID_URL]);
    follower.dispose();
    expect(listeners).toEqual([]);
  });

  it('a page reached with Back does not redirect by itself; autoRedirect can be a function', async () => {
    let auto = false;
    const win = {
      addEventListener: () => {},
      removeEventListener: () => {},
      performance: { getEntriesByType: () => [{ type: 'back_forward' }] },
    };
    const back = setup({ window: win });
    // Nothing is read from the page before the first request (a follower that never runs touches nothing).
    expect(back.follower.state.cameBack).toBe(false);
    back.follower.refresh();
    expect(back.follower.state).toMatchObject({ type: 'busy', cameBack: true });
    // Only the first follower that runs on the page: a later one (the app navigating by itself) redirects.
    const later = setup({ window: win }).follower;
    later.refresh();
    expect(later.state.cameBack).toBe(false);

    const { follower, server, navigated } = setup({ autoRedirect: () => auto });
    follower.refresh();
    server.take().respond(200, view());
    await settle();
    expect(navigated).toEqual([]);
    auto = true;
    server.take().respond(200, signing);
    await settle();
    expect(navigated).toEqual([SIGN_URL]);
  });

  it('resolves the result URL against the back end; checks its options', () => {
    const cross = new SessionFollower({ baseUrl: 'https://api.example/itsme', window: null });
    const state = { ...cross.state, view: signed };
    expect(cross.resultUrl(state)).toBe('https://api.example/api/itsme/session/result');
    const relative = {
      ...state,
      view: { ...signed, next: { action: 'done' as const, resultUrl: 'x/result' } },
    };
    expect(cross.resultUrl(relative)).toBe('https://api.example/itsme/x/result');
    expect(() => new SessionFollower({ baseUrl: '/x', waitSeconds: 31, window: null })).toThrow(RangeError);
  });
});

describe('classifyAnswer', () => {
  const cases: [number, boolean, unknown, object][] = [
    [200, true, { a: 1 }, { ok: true, body: { a: 1 } }],
    [200, false, undefined, { error: { kind: 'server', code: 'INVALID_RESPONSE', retryable: false } }],
    [0, false, undefined, { error: { kind: 'network', code: 'NETWORK_ERROR', retryable: true } }],
    [404, true, { error: { code: 'SESSION_NOT_FOUND', message: 'none' } }, { error: { kind: 'not-found' } }],
    [
      400,
      true,
      { error: { code: 'INVALID_REQUEST', message: 'm' } },
      { error: { kind: 'client', retryable: false } },
    ],
    [
      429,
      false,
      undefined,
      { error: { kind: 'server', code: 'HTTP_429', message: 'Nope', retryable: true } },
    ],
    [503, true, { error: { code: 'S', message: 'm', retryable: false } }, { error: { retryable: false } }],
  ];
  for (const [status, readable, body, expected] of cases) {
    it(`${status} ${readable ? 'readable' : 'unreadable'}`, () => {
      expect(classifyAnswer(status, 'Nope', readable, body)).toMatchObject(expected);
    });
  }
});
