import { DOCUMENT } from '@angular/common';
import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { assertInInjectionContext, computed, DestroyRef, inject, type Signal, signal } from '@angular/core';
import {
  type FetchLike,
  FINAL_STATUSES,
  type FollowerState,
  isBusy,
  isFinalStatus,
  isFollowing,
  isRedirecting,
  type RequestError,
  redirectUrlOf,
  SessionFollower,
  type WindowLike,
} from '@itsme-sign/core/browser';
import type {
  NextAction,
  SessionStatusName,
  SessionView,
  SigningStep,
  StartSessionBody,
} from '@itsme-sign/core/contract';
import { ITSME_SIGN_CONFIG, ITSME_SIGN_RETRY_DELAY } from './config';

/** The statuses after which a session never changes again (core's list). */
export { FINAL_STATUSES, type FollowerState, isFinalStatus };

/** A request to the handler that did not succeed (core's `RequestError`; the session itself may still be fine). */
export type SigningRequestError = RequestError;

export interface SigningSessionOptions {
  /** Send the browser to itsme® when the session asks for it. Default: the provider's `autoRedirect` (true). */
  autoRedirect?: boolean | (() => boolean);
  /** Called with every new version of the session. */
  onView?: (view: SessionView, previous: SessionView | null) => void;
  /** Called when a request fails. */
  onError?: (error: SigningRequestError) => void;
}

/** One signing session of this browser, as signals over core's `SessionFollower`. Made by `injectSigningSession()`. */
export interface SigningSessionRef {
  /** The follower's whole state (`idle`, `busy`, `following`, `retrying`, `failed`, `finished`). */
  readonly state: Signal<FollowerState>;
  /** The last view the handler sent, or null before the first. */
  readonly view: Signal<SessionView | null>;
  readonly status: Signal<SessionStatusName | null>;
  readonly step: Signal<SigningStep | null>;
  readonly next: Signal<NextAction | null>;
  /** The last failed request; null again after the next successful one. */
  readonly error: Signal<SigningRequestError | null>;
  /** A start, first load or cancel is in flight (not the background long poll). */
  readonly busy: Signal<boolean>;
  /** The session is being followed with the long poll (or will be again after a back-off). */
  readonly following: Signal<boolean>;
  /** Where the browser goes next at itsme®, when the session asks for it. */
  readonly redirectUrl: Signal<string | null>;
  /** The browser was sent to `redirectUrl` (and is leaving the page). */
  readonly redirecting: Signal<boolean>;
  /** Where the signed document (document mode) or the SignatureResult JSON (hash mode) is, once signed. */
  readonly resultUrl: Signal<string | null>;
  /** Starts a new session (`POST /sessions`) and follows it. Resolves to the first view, or null on error. */
  start(body: StartSessionBody): Promise<SessionView | null>;
  /** Loads this browser's session now (`GET /session`) and follows it. Also the "retry" after an error. */
  refresh(): void;
  /** Cancels the session at the handler (`DELETE /session`). */
  cancel(): Promise<SessionView | null>;
  /** Stops following and forgets the session locally, to start again. */
  restart(): void;
  /** Sends the browser to itsme® now (the manual "Continue to itsme®"). */
  continueToItsme(): void;
  /** Stops following (also done on destroy and on final states). */
  stop(): void;
}

/**
 * The signing session of this browser as signals, following the handler with its long poll.
 * Call it in an injection context (a field initializer of a component or service); it stops when that is destroyed.
 */
export function injectSigningSession(options: SigningSessionOptions = {}): SigningSessionRef {
  assertInInjectionContext(injectSigningSession);
  const config = inject(ITSME_SIGN_CONFIG, { optional: true });
  if (!config) {
    throw new Error('injectSigningSession: add provideItsmeSign({ baseUrl }) to your providers');
  }
  const document = inject(DOCUMENT);
  const follower = new SessionFollower({
    baseUrl: config.baseUrl,
    waitSeconds: config.pollWaitSeconds,
    credentials: config.withCredentials ? 'include' : 'same-origin',
    fetch: fetchThrough(inject(HttpClient)),
    retryDelay: inject(ITSME_SIGN_RETRY_DELAY),
    autoRedirect: options.autoRedirect ?? config.autoRedirect,
    navigate: (url) => document.location.assign(url),
    window: (document.defaultView as WindowLike | null) ?? null,
    onView: options.onView,
    onError: options.onError,
  });
  const state = signal(follower.state);
  follower.subscribe((next) => state.set(next));
  inject(DestroyRef).onDestroy(() => follower.dispose());
  const view = computed(() => state().view);
  return {
    state: state.asReadonly(),
    view,
    status: computed(() => view()?.status ?? null),
    step: computed(() => view()?.step ?? null),
    next: computed(() => view()?.next ?? null),
    error: computed(() => state().error),
    busy: computed(() => isBusy(state())),
    following: computed(() => isFollowing(state())),
    redirectUrl: computed(() => redirectUrlOf(state())),
    redirecting: computed(() => isRedirecting(state())),
    resultUrl: computed(() => follower.resultUrl(state())),
    start: (body) => follower.start(body),
    refresh: () => follower.refresh(),
    cancel: () => follower.cancel(),
    restart: () => follower.restart(),
    continueToItsme: () => follower.continueToItsme(),
    stop: () => follower.stop(),
  };
}

/** The follower's requests go through `HttpClient`, so the app's interceptors see them. */
function fetchThrough(http: HttpClient): FetchLike {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const subscription = http
        .request(init.method, url, {
          body: init.body ?? null,
          headers: init.headers,
          withCredentials: init.credentials === 'include',
          observe: 'response',
          responseType: 'json',
        })
        .subscribe({
          next: (response) => resolve({ status: response.status, json: async () => response.body }),
          error: (error: unknown) => {
            // No answer at all: the follower's network error.
            if (!(error instanceof HttpErrorResponse) || error.status === 0) return reject(error);
            // A 2xx here is an answer HttpClient could not parse.
            const unreadable = error.status >= 200 && error.status < 300;
            resolve({
              status: error.status,
              statusText: error.statusText,
              json: async () => (unreadable ? Promise.reject(error) : error.error),
            });
          },
        });
      init.signal.addEventListener('abort', () => {
        subscription.unsubscribe();
        reject(new Error('aborted'));
      });
    });
}
