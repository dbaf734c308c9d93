/**
 * What a browser knows about its signing session, as one explicit state, and the pure reducer that moves it.
 * `SessionFollower` does the requests, timers and redirects around it; `state.test.ts` is the table.
 */

import { isFinalStatus } from '../contract/constants.js';
import type { SessionView } from '../contract/index.js';
import { isSessionView, isSitePath, isWebUrl } from './view.js';

/** A request to the handler that did not succeed (the session itself may still be fine). */
export interface RequestError {
  /** `network`: no answer; `server`: 5xx or an unreadable answer; `not-found`: no session for this browser; `client`: other 4xx. */
  kind: 'network' | 'server' | 'not-found' | 'client';
  /** HTTP status, 0 when there was no answer. */
  status: number;
  /** The handler's stable error code (`ErrorBody.error.code`), or `NETWORK_ERROR` / `INVALID_RESPONSE` / `HTTP_<status>`. */
  code: string;
  message: string;
  /** The follower asks again by itself after a back-off. */
  retryable: boolean;
}

/** What every state carries. */
interface Context {
  /** The last view the handler sent; null before the first and after `reset`. */
  readonly view: SessionView | null;
  /** The last failed request; null again after the next answer or action. */
  readonly error: RequestError | null;
  /** The itsme® address the browser was sent to, so that one answer never sends it twice. */
  readonly redirectedTo: string | null;
  /** This page was reached with Back/Forward: no automatic redirect (it would trap the user at itsme®). */
  readonly cameBack: boolean;
}

/**
 * - `idle`: nothing in flight and not following (before the first request, after `stop`);
 * - `busy`: a start, a first load (no view yet) or a cancel is in flight;
 * - `following`: the session is followed with the long poll;
 * - `retrying`: a request failed with a retryable error; the follower asks again after a back-off;
 * - `failed`: a request failed for good (or the answer was not a session): not following;
 * - `finished`: the session reached a final status (`signed`, `rejected`, …): nothing more to follow.
 */
export type FollowerState =
  | (Context & { readonly type: 'idle' })
  | (Context & { readonly type: 'busy'; readonly request: 'start' | 'load' | 'cancel' })
  | (Context & { readonly type: 'following'; readonly view: SessionView })
  | (Context & { readonly type: 'retrying'; readonly error: RequestError; readonly attempt: number })
  | (Context & { readonly type: 'failed'; readonly error: RequestError })
  | (Context & { readonly type: 'finished'; readonly view: SessionView });

export type FollowerEvent =
  /** `POST /sessions` was sent: a new session, nothing of the previous one is kept. */
  | { readonly type: 'start' }
  /** `GET /session` at once: the first load, a Retry, a page back from the history. */
  | { readonly type: 'load' }
  /** `DELETE /session` was sent. */
  | { readonly type: 'cancel' }
  /** The handler answered 2xx with `body`; `autoRedirect`: send the browser to itsme® when the session asks. */
  | { readonly type: 'answer'; readonly body: unknown; readonly autoRedirect: boolean }
  /** A request failed. */
  | { readonly type: 'error'; readonly error: RequestError }
  /** The browser was sent to `url` by hand ("Continue to itsme®"). */
  | { readonly type: 'navigated'; readonly url: string }
  /** The page came back from the back/forward cache (the user pressed Back at itsme®). */
  | { readonly type: 'came-back' }
  /** Stop following; keep what is known. */
  | { readonly type: 'stop' }
  /** Forget the session, to start again. */
  | { readonly type: 'reset' };

export function initialState(cameBack = false): FollowerState {
  return { type: 'idle', view: null, error: null, redirectedTo: null, cameBack };
}

const invalid = (message: string): RequestError => ({
  kind: 'server',
  status: 200,
  code: 'INVALID_RESPONSE',
  message,
  retryable: false,
});
export const NOT_A_SESSION = invalid('The server sent something that is not a signing session.');
export const NOT_A_WEB_PAGE = invalid(
  'The server asked for a redirect to an address that is not a web page.',
);

const context = ({ view, error, redirectedTo, cameBack }: FollowerState): Context => ({
  view,
  error,
  redirectedTo,
  cameBack,
});

/** The pure transition: `(state, event) → state`. Returns `state` itself when nothing changes. */
export function reduce(state: FollowerState, event: FollowerEvent): FollowerState {
  switch (event.type) {
    case 'start':
      return { ...initialState(state.cameBack), type: 'busy', request: 'start' };
    case 'load':
      return state.view
        ? { ...context(state), type: 'following', view: state.view, error: null }
        : { ...context(state), type: 'busy', request: 'load', error: null };
    case 'cancel':
      return { ...context(state), type: 'busy', request: 'cancel', error: null };
    case 'answer':
      return answered(state, event.body, event.autoRedirect);
    case 'error': {
      const { error } = event;
      if (isFollowing(state) && error.retryable) {
        const attempt = state.type === 'retrying' ? state.attempt + 1 : 1;
        return { ...context(state), type: 'retrying', error, attempt };
      }
      return { ...context(state), type: 'failed', error };
    }
    case 'navigated':
      return { ...state, redirectedTo: event.url };
    case 'came-back':
      return { ...state, cameBack: true, redirectedTo: null };
    case 'stop':
      return state.type === 'failed' || state.type === 'finished' || state.type === 'idle'
        ? state
        : { ...context(state), type: 'idle' };
    case 'reset':
      return initialState(state.cameBack);
  }
}

function answered(state: FollowerState, body: unknown, autoRedirect: boolean): FollowerState {
  if (!isSessionView(body)) return { ...context(state), type: 'failed', error: NOT_A_SESSION };
  if (body.next.action === 'redirect' && !isWebUrl(body.next.url)) {
    return { ...context(state), type: 'failed', error: NOT_A_WEB_PAGE };
  }
  const previous = state.view;
  const unchanged = previous !== null && previous.id === body.id && previous.version === body.version;
  // Nothing new while following: the same state, so listeners are not called.
  if (unchanged && state.type === 'following' && state.error === null) return state;
  // The same version again keeps the same object: listeners see no new view.
  const view = unchanged ? previous : body;
  const next = view.next;
  const destination = next.action === 'redirect' ? destinationOf(next) : null;
  const redirect =
    !unchanged &&
    autoRedirect &&
    !state.cameBack &&
    destination !== null &&
    destination !== state.redirectedTo;
  const base = {
    ...context(state),
    view,
    error: null,
    redirectedTo: redirect ? destination : state.redirectedTo,
  };
  return isFinalStatus(view.status) ? { ...base, type: 'finished' } : { ...base, type: 'following' };
}

/** A start, first load or cancel is in flight (not the background long poll). */
export const isBusy = (state: FollowerState): boolean => state.type === 'busy';

/** The session is followed with the long poll, or will be again after a back-off. */
export const isFollowing = (state: FollowerState): boolean =>
  state.type === 'following' ||
  state.type === 'retrying' ||
  (state.type === 'busy' && state.request === 'load');

/** Where the browser goes next at itsme®, when the session asks for it. */
export function redirectUrlOf(state: FollowerState): string | null {
  const next = state.view?.next;
  return next?.action === 'redirect' ? destinationOf(next) : null;
}

/** Where a redirect sends the browser: the handler's own `via` path if safe, else itsme®'s http(s) URL. */
function destinationOf(next: { url: string; via?: string | undefined }): string | null {
  if (isSitePath(next.via)) return next.via;
  return isWebUrl(next.url) ? next.url : null;
}

/** The browser was sent to the current redirect address (and is leaving the page). */
export const isRedirecting = (state: FollowerState): boolean =>
  state.redirectedTo !== null && state.redirectedTo === redirectUrlOf(state);
