/**
 * `SessionFollower`: the browser side of a signing session, without a framework. It starts sessions, follows
 * them with the handler's long poll, sends the browser to itsme® when the session asks, survives the
 * back/forward cache and retries with a back-off. Its state is `FollowerState`, moved only by `reduce()`.
 */

import { MAX_WAIT_SECONDS, ROUTES } from '../contract/constants.js';
import type { SessionView, StartSessionBody } from '../contract/index.js';
import {
  classifyAnswer,
  DEFAULT_RETRY_DELAY,
  type FetchLike,
  networkError,
  type Outcome,
  type RetryDelay,
} from './request.js';
import {
  type FollowerEvent,
  type FollowerState,
  initialState,
  type RequestError,
  redirectUrlOf,
  reduce,
} from './state.js';

type PageShowListener = (event: { persisted: boolean }) => void;

/** The part of `window` the follower uses. */
export interface WindowLike {
  addEventListener(type: 'pageshow', listener: PageShowListener): void;
  removeEventListener(type: 'pageshow', listener: PageShowListener): void;
  performance?: { getEntriesByType?(type: string): readonly object[] };
  location?: { assign(url: string): void };
}

export interface SessionFollowerOptions {
  /** Where the handler is mounted, e.g. `/api/itsme` (or an absolute URL on another origin). */
  baseUrl: string;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Cookies cross-origin: `include` when `baseUrl` is on another origin. Default `same-origin`. */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** How long one long poll may wait for a change, in seconds (1–`MAX_WAIT_SECONDS`). Default 25. */
  waitSeconds?: number;
  /** Send the browser to itsme® as soon as the session asks. Default true. */
  autoRedirect?: boolean | (() => boolean);
  /** Sends the browser to an itsme® page. Default: `window.location.assign`. Only http(s) URLs are ever passed. */
  navigate?: (url: string) => void;
  /** For `pageshow` (back/forward cache) and the navigation type. Default: the global `window`; null for none. */
  window?: WindowLike | null;
  /** Default: 1 s doubling up to 30 s. */
  retryDelay?: RetryDelay;
  /** Called with every new version of the session. */
  onView?: (view: SessionView, previous: SessionView | null) => void;
  /** Called when a request fails. */
  onError?: (error: RequestError) => void;
}

export type FollowerListener = (state: FollowerState, previous: FollowerState) => void;

/** Shortest wait between two polls that the server answered at once with the same version. */
const MIN_POLL_INTERVAL_MS = 1_000;
/** The HTTP timeout of a long poll sits this far above its window. */
const POLL_TIMEOUT_MARGIN_MS = 15_000;

export class SessionFollower {
  readonly baseUrl: string;
  private current: FollowerState;
  private readonly listeners = new Set<FollowerListener>();
  private readonly options: SessionFollowerOptions;
  private readonly fetcher: FetchLike;
  private readonly wait: number;
  private readonly window: WindowLike | null;
  /** The request in flight; a newer one (or `stop`) replaces it and its answer is dropped. */
  private request: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Listening to the page (from the first request on: a follower that never runs touches nothing). */
  private attached = false;

  constructor(options: SessionFollowerOptions) {
    const wait = options.waitSeconds ?? 25;
    if (!Number.isInteger(wait) || wait < 1 || wait > MAX_WAIT_SECONDS) {
      throw new RangeError(`SessionFollower: waitSeconds must be an integer from 1 to ${MAX_WAIT_SECONDS}`);
    }
    this.options = options;
    this.wait = wait;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Called detached: `window.fetch` throws when called on another object.
    const fetcher = options.fetch;
    this.fetcher = fetcher ? (url, init) => fetcher(url, init) : (url, init) => globalThis.fetch(url, init);
    this.window = options.window === undefined ? defaultWindow() : options.window;
    this.current = initialState();
  }

  get state(): FollowerState {
    return this.current;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. Bound (fits `useSyncExternalStore`). */
  readonly subscribe = (listener: FollowerListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts a new session (`POST /sessions`) and follows it. Resolves to the first view, or null on error. */
  start(body: StartSessionBody): Promise<SessionView | null> {
    this.attach();
    this.halt();
    this.dispatch({ type: 'start' });
    return this.send('POST', ROUTES.sessions, body);
  }

  /** Loads this browser's session now (`GET /session`) and follows it. Also the "Retry" after an error. */
  refresh(): void {
    this.attach();
    this.halt();
    this.dispatch({ type: 'load' });
    void this.poll(false);
  }

  /** Cancels the session at the handler (`DELETE /session`). Resolves to the cancelled view, or null on error. */
  cancel(): Promise<SessionView | null> {
    this.attach();
    this.halt();
    this.dispatch({ type: 'cancel' });
    return this.send('DELETE', ROUTES.session);
  }

  /** Stops following and forgets the session locally, to start again. */
  restart(): void {
    this.halt();
    this.dispatch({ type: 'reset' });
  }

  /** Sends the browser to itsme® now (the manual "Continue to itsme®"). */
  continueToItsme(): void {
    const url = redirectUrlOf(this.current);
    if (!url) return;
    this.dispatch({ type: 'navigated', url });
    this.navigate(url);
  }

  /** Stops following (the state keeps what is known). */
  stop(): void {
    this.halt();
    this.dispatch({ type: 'stop' });
  }

  /** Stops, and lets go of the page and of every listener. */
  dispose(): void {
    this.stop();
    if (this.attached) this.window?.removeEventListener('pageshow', this.onPageShow);
    this.attached = false;
    this.listeners.clear();
  }

  /** Where the signed document (document mode) or the SignatureResult JSON (hash mode) is, once signed. */
  resultUrl(state: FollowerState = this.current): string | null {
    const next = state.view?.next;
    if (next?.action !== 'done') return null;
    const url = next.resultUrl;
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
    // The handler answers paths of its own host: keep them on the back end's origin when it is another one.
    if (url.startsWith('/')) return `${/^https?:\/\/[^/]+/i.exec(this.baseUrl)?.[0] ?? ''}${url}`;
    return `${this.baseUrl}/${url}`;
  }

  /** Listens for `pageshow`, and takes note when the page was reached with Back/Forward. */
  private attach(): void {
    if (this.attached || !this.window) return;
    this.attached = true;
    this.window.addEventListener('pageshow', this.onPageShow);
    if (reachedThroughHistory(this.window)) this.dispatch({ type: 'came-back' });
  }

  private readonly onPageShow: PageShowListener = (event) => {
    if (!event.persisted) return;
    this.dispatch({ type: 'came-back' });
    if (this.current.view) this.refresh();
  };

  private async send(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<SessionView | null> {
    const request = new AbortController();
    this.request = request;
    const outcome = await this.ask(method, path, request, body);
    if (request !== this.request) return null;
    this.take(outcome);
    return this.current.error ? null : this.current.view;
  }

  /** One `GET /session` (at once, or a long poll on the current version), then the next. */
  private async poll(longPoll: boolean): Promise<void> {
    const before = this.current.view;
    const query = longPoll && before ? `?wait=${this.wait}&version=${before.version}` : '';
    const askedAt = Date.now();
    const request = new AbortController();
    this.request = request;
    const timeout = this.wait * 1000 + POLL_TIMEOUT_MARGIN_MS;
    const outcome = await this.ask('GET', `${ROUTES.session}${query}`, request, undefined, timeout);
    if (request !== this.request) return;
    // A long poll answered at once without news (the server does not hold it): no tight loop.
    const early = query !== '' && Date.now() - askedAt < MIN_POLL_INTERVAL_MS;
    this.take(outcome, early);
  }

  /** Takes an outcome into the state, then schedules what comes next. */
  private take(outcome: Outcome, earlyPoll = false): void {
    const before = this.current.view;
    this.request = null;
    this.dispatch(
      outcome.ok
        ? { type: 'answer', body: outcome.body, autoRedirect: this.autoRedirect() }
        : { type: 'error', error: outcome.error },
    );
    const state = this.current;
    if (state.type === 'following') {
      if (earlyPoll && state.view === before) this.later(MIN_POLL_INTERVAL_MS, true);
      else void this.poll(true);
    } else if (state.type === 'retrying') {
      // After a failure, ask at once (no long poll) so the error clears as soon as the server answers.
      this.later((this.options.retryDelay ?? DEFAULT_RETRY_DELAY)(state.attempt), false);
    }
  }

  private later(ms: number, longPoll: boolean): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll(longPoll);
    }, ms);
  }

  private async ask(
    method: string,
    path: string,
    request: AbortController,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<Outcome> {
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            request.abort();
          }, timeoutMs);
    try {
      const response = await this.fetcher(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : JSON_HEADERS,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        credentials: this.options.credentials ?? 'same-origin',
        signal: request.signal,
      });
      let parsed: unknown;
      let readable = true;
      try {
        parsed = await response.json();
      } catch {
        readable = false;
      }
      return classifyAnswer(response.status, response.statusText ?? '', readable, parsed);
    } catch {
      const message = timedOut ? 'The server did not answer in time.' : 'The server could not be reached.';
      return { ok: false, error: networkError(message) };
    } finally {
      clearTimeout(timer);
    }
  }

  private dispatch(event: FollowerEvent): void {
    const previous = this.current;
    const state = reduce(previous, event);
    if (state === previous) return;
    this.current = state;
    for (const listener of this.listeners) listener(state, previous);
    if (state.view && state.view !== previous.view) this.options.onView?.(state.view, previous.view);
    if (state.error && state.error !== previous.error) this.options.onError?.(state.error);
    if (event.type === 'answer' && state.redirectedTo && state.redirectedTo !== previous.redirectedTo) {
      this.navigate(state.redirectedTo);
    }
  }

  private navigate(url: string): void {
    const location = this.window?.location;
    if (this.options.navigate) this.options.navigate(url);
    else if (location) location.assign(url);
    else throw new Error('SessionFollower: no window to navigate; pass the navigate option');
  }

  private autoRedirect(): boolean {
    const option = this.options.autoRedirect ?? true;
    return typeof option === 'function' ? option() : option;
  }

  /** Forgets what is in flight. */
  private halt(): void {
    this.request?.abort();
    this.request = null;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

function defaultWindow(): WindowLike | null {
  return typeof window === 'undefined' ? null : (window as unknown as WindowLike);
}

const historyChecked = new WeakSet<object>();

/**
 * True for the first follower that runs on a page the browser reached with Back/Forward (e.g. the user pressed Back
 * at itsme®): that one shows "Continue to itsme®" instead of redirecting at once. Later followers of the same
 * page (the app navigating by itself) redirect as configured.
 */
function reachedThroughHistory(win: WindowLike): boolean {
  if (historyChecked.has(win)) return false;
  historyChecked.add(win);
  const [entry] = win.performance?.getEntriesByType?.('navigation') ?? [];
  return (entry as { type?: unknown } | undefined)?.type === 'back_forward';
}
