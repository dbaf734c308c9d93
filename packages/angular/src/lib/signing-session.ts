import { DOCUMENT } from '@angular/common';
import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import {
  assertInInjectionContext,
  computed,
  DestroyRef,
  inject,
  type Signal,
  signal,
  untracked,
} from '@angular/core';
import type {
  ErrorBody,
  NextAction,
  SessionStatusName,
  SessionView,
  SigningStep,
  StartSessionBody,
} from '@itsme-sign/core/contract';
import { FINAL_STATUSES, isFinalStatus, ROUTES } from '@itsme-sign/core/contract/constants';
import type { Observable, Subscription } from 'rxjs';
import { ITSME_SIGN_CONFIG, ITSME_SIGN_RETRY_DELAY, type ResolvedItsmeSignConfig } from './config';

/** The statuses after which a session never changes again (core's list). */
export { FINAL_STATUSES, isFinalStatus };

/** A request to the handler that did not succeed (the session itself may still be fine). */
export interface SigningRequestError {
  /** `network`: no answer; `server`: 5xx or an unreadable answer; `not-found`: no session for this browser; `client`: other 4xx. */
  kind: 'network' | 'server' | 'not-found' | 'client';
  /** HTTP status, 0 when there was no answer. */
  status: number;
  /** The handler's stable error code (`ErrorBody.error.code`), or `NETWORK_ERROR` / `INVALID_RESPONSE`. */
  code: string;
  message: string;
  /** The session follows again by itself after a back-off. */
  retryable: boolean;
}

export interface SigningSessionOptions {
  /** Send the browser to itsme® when the session asks for it. Default: the provider's `autoRedirect` (true). */
  autoRedirect?: boolean | (() => boolean);
  /** Called with every new version of the session. */
  onView?: (view: SessionView, previous: SessionView | null) => void;
  /** Called when a request fails. */
  onError?: (error: SigningRequestError) => void;
}

/** One signing session of this browser, as signals. Made by `injectSigningSession()`. */
export interface SigningSession {
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
export function injectSigningSession(options: SigningSessionOptions = {}): SigningSession {
  assertInInjectionContext(injectSigningSession);
  const config = inject(ITSME_SIGN_CONFIG, { optional: true });
  if (!config) {
    throw new Error('injectSigningSession: add provideItsmeSign({ baseUrl }) to your providers');
  }
  const document = inject(DOCUMENT);
  const session = new FollowedSession(
    inject(HttpClient),
    config,
    inject(ITSME_SIGN_RETRY_DELAY),
    document,
    options,
    cameBackInHistory(document),
  );
  // A page restored from the back/forward cache: the user came back from itsme® with Back.
  const view = document.defaultView;
  const onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) session.returnedWithBack();
  };
  view?.addEventListener?.('pageshow', onPageShow);
  inject(DestroyRef).onDestroy(() => {
    view?.removeEventListener?.('pageshow', onPageShow);
    session.stop();
  });
  return session;
}

class FollowedSession implements SigningSession {
  private readonly viewState = signal<SessionView | null>(null);
  private readonly errorState = signal<SigningRequestError | null>(null);
  private readonly busyState = signal(false);
  private readonly followingState = signal(false);

  readonly view = this.viewState.asReadonly();
  readonly error = this.errorState.asReadonly();
  readonly busy = this.busyState.asReadonly();
  readonly following = this.followingState.asReadonly();
  readonly status = computed(() => this.viewState()?.status ?? null);
  readonly step = computed(() => this.viewState()?.step ?? null);
  readonly next = computed(() => this.viewState()?.next ?? null);
  readonly redirectUrl = computed(() => {
    const next = this.next();
    return next?.action === 'redirect' && isWebUrl(next.url) ? next.url : null;
  });
  private readonly redirectedTo = signal<string | null>(null);
  readonly redirecting = computed(
    () => this.redirectedTo() !== null && this.redirectedTo() === this.redirectUrl(),
  );
  readonly resultUrl = computed(() => {
    const next = this.next();
    return next?.action === 'done' ? this.resolve(next.resultUrl) : null;
  });

  /** Bumped whenever what is in flight must be forgotten. */
  private generation = 0;
  private request: Subscription | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly config: ResolvedItsmeSignConfig,
    private readonly retryDelay: (attempt: number) => number,
    private readonly document: Document,
    private readonly options: SigningSessionOptions,
    /** The page was reached with Back/Forward: sending the user straight back to itsme® would trap them. */
    private cameBack: boolean,
  ) {}

  /** Back at this page from itsme® through the history: no automatic redirect, and a fresh look at the session. */
  returnedWithBack(): void {
    this.cameBack = true;
    this.redirectedTo.set(null);
    if (untracked(this.viewState)) this.refresh();
  }

  start(body: StartSessionBody): Promise<SessionView | null> {
    this.reset();
    return this.send(
      this.http.post<SessionView>(this.url(ROUTES.sessions), body, {
        withCredentials: this.config.withCredentials,
      }),
      (generation) => this.follow(generation, false),
    );
  }

  refresh(): void {
    this.halt();
    this.failures = 0;
    this.busyState.set(this.viewState() === null);
    this.follow(this.generation, true);
  }

  cancel(): Promise<SessionView | null> {
    this.halt();
    return this.send(
      this.http.delete<SessionView>(this.url(ROUTES.session), {
        withCredentials: this.config.withCredentials,
      }),
    );
  }

  /**
   * One state-changing request: busy while in flight, the answer accepted as the view (then `then` runs,
   * e.g. to follow the session), errors shown. Resolves `null` when it failed or a newer request replaced it.
   */
  private send(
    request$: Observable<SessionView>,
    then?: (generation: number) => void,
  ): Promise<SessionView | null> {
    const generation = this.generation;
    this.busyState.set(true);
    return new Promise((resolve) => {
      this.request = request$.subscribe({
        next: (view) => {
          if (generation !== this.generation) return resolve(null);
          this.busyState.set(false);
          if (!this.accept(view)) return resolve(null);
          then?.(generation);
          resolve(view);
        },
        error: (error: unknown) => {
          if (generation !== this.generation) return resolve(null);
          this.busyState.set(false);
          this.fail(toRequestError(error), false);
          resolve(null);
        },
      });
      // A newer request replaced this one (halt): answer null rather than never.
      this.request.add(() => resolve(null));
    });
  }

  restart(): void {
    this.reset();
  }

  continueToItsme(): void {
    const url = untracked(this.redirectUrl);
    if (url) this.redirect(url);
  }

  stop(): void {
    this.halt();
  }

  /** One GET /session (immediately, or as a long poll on the current version), then the next. */
  private follow(generation: number, immediately: boolean): void {
    if (generation !== this.generation) return;
    const current = this.viewState();
    const wait = this.config.pollWaitSeconds;
    const askedAt = Date.now();
    const longPoll = !immediately && current !== null;
    const params: Record<string, string> = longPoll
      ? { wait: String(wait), version: String(current.version) }
      : {};
    this.followingState.set(true);
    this.request = this.http
      .get<SessionView>(this.url(ROUTES.session), {
        params,
        withCredentials: this.config.withCredentials,
        // The HTTP timeout sits above the poll window.
        timeout: (wait + 15) * 1000,
      })
      .subscribe({
        next: (view) => {
          if (generation !== this.generation) return;
          this.busyState.set(false);
          this.failures = 0;
          const unchanged = current !== null && current.id === view?.id && current.version === view?.version;
          if (!this.accept(view)) return;
          if (isFinalStatus(view.status)) {
            this.followingState.set(false);
          } else if (longPoll && unchanged && Date.now() - askedAt < MIN_POLL_INTERVAL_MS) {
            // A long poll answered at once without news (the server does not hold it): no tight loop.
            this.timer = setTimeout(() => this.follow(generation, false), MIN_POLL_INTERVAL_MS);
          } else {
            this.follow(generation, false);
          }
        },
        error: (error: unknown) => {
          if (generation !== this.generation) return;
          this.busyState.set(false);
          this.fail(toRequestError(error), true);
        },
      });
  }

  /** Takes a view from the handler; false (and an error) when it is not one. */
  private accept(view: SessionView): boolean {
    if (!isSessionView(view)) {
      this.fail(
        {
          kind: 'server',
          status: 200,
          code: 'INVALID_RESPONSE',
          message: 'The server sent something that is not a signing session.',
          retryable: false,
        },
        false,
      );
      return false;
    }
    if (view.next.action === 'redirect' && !isWebUrl(view.next.url)) {
      // Only ever send the browser to an http(s) page (never javascript:, data:, …), whatever the server says.
      this.fail(
        {
          kind: 'server',
          status: 200,
          code: 'INVALID_RESPONSE',
          message: 'The server asked for a redirect to an address that is not a web page.',
          retryable: false,
        },
        false,
      );
      return false;
    }
    const previous = this.viewState();
    this.errorState.set(null);
    if (previous && previous.id === view.id && previous.version === view.version) return true;
    this.viewState.set(view);
    if (isFinalStatus(view.status)) this.followingState.set(false);
    this.options.onView?.(view, previous);
    if (view.next.action === 'redirect' && this.autoRedirect() && this.redirectedTo() !== view.next.url) {
      this.redirect(view.next.url);
    }
    return true;
  }

  private fail(error: SigningRequestError, following: boolean): void {
    this.errorState.set(error);
    this.options.onError?.(error);
    if (following && error.retryable) {
      const generation = this.generation;
      this.failures += 1;
      // After a failure, ask at once (no long poll) so the error clears as soon as the server answers.
      this.timer = setTimeout(() => this.follow(generation, true), this.retryDelay(this.failures));
      this.followingState.set(true);
    } else {
      this.followingState.set(false);
    }
  }

  private redirect(url: string): void {
    this.redirectedTo.set(url);
    this.document.location.assign(url);
  }

  private autoRedirect(): boolean {
    if (this.cameBack) return false;
    const option = this.options.autoRedirect;
    if (option === undefined) return this.config.autoRedirect;
    return typeof option === 'function' ? option() : option;
  }

  /** Forgets everything in flight. */
  private halt(): void {
    this.generation += 1;
    this.request?.unsubscribe();
    this.request = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.busyState.set(false);
    this.followingState.set(false);
  }

  private reset(): void {
    this.halt();
    this.failures = 0;
    this.redirectedTo.set(null);
    this.viewState.set(null);
    this.errorState.set(null);
  }

  private url(path: string): string {
    return `${this.config.baseUrl}${path}`;
  }

  private resolve(url: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
    // The handler answers paths of its own host: keep them on the back end's origin when it is another one.
    if (url.startsWith('/')) {
      const origin = /^https?:\/\/[^/]+/i.exec(this.config.baseUrl)?.[0];
      return origin ? `${origin}${url}` : url;
    }
    return `${this.config.baseUrl}/${url}`;
  }
}

const historyChecked = new WeakSet<Document>();

/**
 * True for the first session of a document that the browser reached with Back/Forward (e.g. the user pressed Back
 * at itsme®): that one shows "Continue to itsme®" instead of redirecting at once. Later sessions of the same
 * document (the app navigating by itself) redirect as configured.
 */
function cameBackInHistory(document: Document): boolean {
  if (historyChecked.has(document)) return false;
  historyChecked.add(document);
  const entries = document.defaultView?.performance?.getEntriesByType?.('navigation') ?? [];
  return (entries[0] as PerformanceNavigationTiming | undefined)?.type === 'back_forward';
}

/** Shortest wait between two polls that the server answered at once with the same version. */
const MIN_POLL_INTERVAL_MS = 1_000;

function isWebUrl(url: unknown): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url.trim());
}

function isSessionView(value: unknown): value is SessionView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SessionView>;
  return (
    typeof v.id === 'string' &&
    typeof v.version === 'number' &&
    typeof v.status === 'string' &&
    typeof v.step === 'string' &&
    typeof v.next === 'object' &&
    v.next !== null &&
    typeof v.next.action === 'string'
  );
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as Partial<ErrorBody> | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

export function toRequestError(error: unknown): SigningRequestError {
  if (!(error instanceof HttpErrorResponse)) {
    return {
      kind: 'network',
      status: 0,
      code: 'NETWORK_ERROR',
      message: error instanceof Error ? error.message : 'The request failed.',
      retryable: true,
    };
  }
  const body = isErrorBody(error.error) ? error.error.error : undefined;
  const status = error.status;
  if (status === 0) {
    return {
      kind: 'network',
      status,
      code: 'NETWORK_ERROR',
      message: 'The server could not be reached.',
      retryable: true,
    };
  }
  if (status >= 200 && status < 300) {
    return {
      kind: 'server',
      status,
      code: 'INVALID_RESPONSE',
      message: 'The server sent an answer that could not be read.',
      retryable: false,
    };
  }
  const code = body?.code ?? `HTTP_${status}`;
  const message = body?.message ?? (error.statusText || `HTTP ${status}`);
  if (status === 404) return { kind: 'not-found', status, code, message, retryable: false };
  if (status >= 500 || status === 429 || status === 408) {
    return { kind: 'server', status, code, message, retryable: body?.retryable ?? true };
  }
  return { kind: 'client', status, code, message, retryable: body?.retryable ?? false };
}
