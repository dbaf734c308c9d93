/**
 * The orchestrator: runs each protocol step of a signing session around the pure state machine. It only
 * composes: `nextStep` says which upstream call is due and `eventFor` what its answer means (next-step.ts),
 * the repository persists every transition with compare-and-set (repository.ts), the long poll waits for a
 * change (long-poll.ts), document mode prepares and finalizes documents (document-mode.ts), and telemetry
 * times each step (telemetry.ts).
 */
import { randomBytes } from 'node:crypto';
import { type B2BClient, isB2BClient } from '../client/b2b-client.js';
import { DiscoveryCache, type ResolvedProfile } from '../client/discovery.js';
import { DEFAULTS } from '../config.js';
import { ItsmeSignError, isItsmeSignError } from '../errors.js';
import { TokenBucket } from '../token-buckets.js';
import { BackgroundCompletion } from './completion.js';
import { DocumentMode } from './document-mode.js';
import type { SignedDocument } from './document-signer.js';
import { notifySigned, type SignatureRecord, signatureRecord } from './evidence.js';
import { waitForChange } from './long-poll.js';
import { eventFor, isPoll, type NextStep, nextStep } from './next-step.js';
import { SessionRepository } from './repository.js';
import { normalizeSubject, type StartInput, sessionOptions } from './session-input.js';
import { type OrchestratorSettings, type ResolvedSettings, resolveSettings } from './settings.js';
import { acceptSignature, type SigningDeps, startSigning } from './signing.js';
import { createSession, isFinalStatus, isPastDeadline, type SigningSession } from './state.js';
import type { SessionStore } from './store.js';
import { Telemetry } from './telemetry.js';

export type { DocumentHooks } from './document-mode.js';
export type { SignatureRecord } from './evidence.js';
export type { StartInput } from './session-input.js';
export type { OrchestratorSettings } from './settings.js';
export type { OrchestratorEvent, OrchestratorStep } from './telemetry.js';

/** What the orchestrator's constructor takes: ready instances (closed by whoever created them) and settings. */
export interface OrchestratorDeps extends OrchestratorSettings {
  client: B2BClient;
  store: SessionStore;
}

export class SigningOrchestrator {
  readonly client: B2BClient;
  readonly store: SessionStore;
  readonly discovery: DiscoveryCache;
  readonly #s: ResolvedSettings;
  /** Consecutive retryable upstream failures per session id (this instance's count). */
  readonly #failures = new Map<string, number>();
  readonly #sessions: SessionRepository;
  readonly #telemetry: Telemetry;
  readonly #documents: DocumentMode;
  readonly #signing: SigningDeps;
  /** Follows sessions waiting for the user's signature until they end (`completeInBackground`). */
  readonly #completion: BackgroundCompletion | undefined;
  /** Upstream status calls of this instance, all sessions together (`maxStatusCallsPerSecond`). */
  readonly #statusBudget: TokenBucket;
  /** One in-flight `advance` per session in this process: concurrent callers share it. */
  readonly #inFlight = new Map<string, Promise<SigningSession | undefined>>();

  constructor(deps: OrchestratorDeps) {
    if (!isB2BClient(deps.client) || !deps.store) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message:
          'The orchestrator takes a B2BClient and a SessionStore; to pass options, use createItsmeSign().',
        field: deps.store ? 'client' : 'store',
      });
    }
    this.client = deps.client;
    this.store = deps.store;
    this.#s = resolveSettings(deps);
    const perSecond = this.#s.maxStatusCallsPerSecond;
    this.#statusBudget = new TokenBucket({ max: perSecond, windowMs: 1_000 }, this.#s.now);
    const telemetry = new Telemetry(deps.onEvent);
    this.#telemetry = telemetry;
    this.#sessions = new SessionRepository(this.store, {
      finishedTtlMs: this.#s.finishedTtlMs,
      now: this.#s.now,
      onTransition: (from, to, event) => {
        telemetry.emit({
          type: 'session.transition',
          sessionId: to.id,
          from: from.status,
          to: to.status,
          event: event.type,
        });
        if (to.status === 'signed') notifySigned(to, deps.onSigned, this.#s, (e) => telemetry.emit(e));
        else this.#completion?.follow(to);
      },
    });
    this.#completion = this.#s.completeInBackground
      ? new BackgroundCompletion({
          advance: (id) => this.advance(id),
          pollIntervalMs: this.#s.pollIntervalMs,
          maxIntervalMs: DEFAULTS.backgroundMaxIntervalMs,
          maxSessions: DEFAULTS.backgroundMaxSessions,
        })
      : undefined;
    this.#documents = new DocumentMode(deps.documents, telemetry, this.#sessions.results);
    this.discovery = new DiscoveryCache(this.client, { ttlMs: this.#s.discoveryTtlMs, now: this.#s.now });
    this.#signing = {
      client: this.client,
      sessions: this.#sessions,
      telemetry,
      documents: this.#documents,
      settings: this.#s,
      profile: (lang) => this.#profile(lang),
    };
  }

  get pollIntervalMs(): number {
    return this.#s.pollIntervalMs;
  }

  get hasDocumentMode(): boolean {
    return this.#documents.enabled;
  }

  /** How long from now `session` is kept (on the orchestrator's clock); the session cookie lives as long. */
  retentionMs(session: SigningSession): number {
    return this.#sessions.retentionMs(session);
  }

  /** Creates a session and starts the identification at itsme®. Returns the session in `identifying`. */
  async start(input: StartInput): Promise<SigningSession> {
    const options = sessionOptions(input, this.#s.defaultLang);
    const subject = normalizeSubject(input.subject, this.#s.maxDocuments);
    if (subject.mode === 'document') this.#documents.require();
    if (this.#s.useDiscovery) await this.#profile(options.lang, input.signal);
    const draft = createSession({
      id: randomBytes(24).toString('base64url'),
      subject,
      options,
      ...(input.owner === undefined ? {} : { owner: input.owner }),
      now: this.#s.now(),
      ttlMs: this.#s.sessionTtlMs,
    });
    // Document mode: refuse an unknown document now, before the user is sent to itsme®.
    const created = { ...draft, subject: await this.#documents.named(draft) };
    await this.#sessions.create(created);
    this.#telemetry.emit({ type: 'session.created', sessionId: created.id });
    const started = await this.#telemetry
      .step(created.id, 'identification.start', () =>
        this.client.startIdentification(
          {
            lang: options.lang,
            redirectUrl: this.#s.redirectUrl,
            ...(options.userCode ? { userCode: options.userCode } : {}),
          },
          input.signal ? { signal: input.signal } : {},
        ),
      )
      .catch(async (error: unknown) => {
        await this.#sessions.fail(created.id, error);
        throw error;
      });
    return this.#sessions.apply(created.id, {
      type: 'IDENTIFICATION_STARTED',
      asyncRespID: started.asyncRespID,
      identificationUrl: started.identificationUrl,
    });
  }

  /** The session, expiring it first if its deadline has passed. */
  async get(id: string): Promise<SigningSession | undefined> {
    const session = await this.#sessions.read(id);
    if (session && isPastDeadline(session, this.#s.now())) {
      return this.#sessions.applyIfLive(id, { type: 'EXPIRED' });
    }
    return session;
  }

  /**
   * The user came back from itsme® (callback). Records it and, the first time, asks itsme® at once (past the
   * poll interval); a repeated callback (a reload) waits for the interval like any poll. A callback while
   * signing counts as the return from signing only once the user was sent there (`userSent`): before that it
   * is a repeated identification callback, a reload or a prefetch, and the signing page stays on offer.
   */
  async userReturned(id: string): Promise<SigningSession | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    let firstReturn = false;
    const step =
      session.status === 'identifying'
        ? session.identification
        : session.status === 'signing' && session.signing.sent
          ? session.signing
          : undefined;
    if (step && !step.returned) {
      const after = await this.#sessions.applyIfLive(id, { type: 'USER_RETURNED' }).catch(ignoreIllegal);
      firstReturn = after !== undefined && after.version === session.version + 1;
    } else if (session.status === 'signing' && !session.signing.returned) {
      // Not known to have been sent to sign: still ask itsme® at once, but only for the first such callback.
      firstReturn = await this.#sessions.lease(`return:${id}`, this.retentionMs(session));
    }
    return this.advance(id, { force: firstReturn });
  }

  /**
   * The user is on the way to itsme®'s signing page (the handler's `go` route): from now on a callback is
   * their return from signing. Returns the session; the signing URL while it is signing, else `undefined`.
   */
  async userSent(id: string): Promise<{ session: SigningSession | undefined; signingUrl?: string }> {
    let session = await this.get(id);
    if (session?.status === 'signing' && !session.signing.sent && !session.signing.returned) {
      session = await this.#sessions.applyIfLive(id, { type: 'USER_SENT' }).catch(ignoreIllegal);
    }
    return session?.status === 'signing' ? { session, signingUrl: session.signing.signingUrl } : { session };
  }

  /**
   * Moves the session forward if itsme® has news: makes the upstream call `nextStep` says is due (at most
   * one in flight per session and — unless `force` — one status call per poll interval across instances),
   * and goes on while the session moves. Returns the current session.
   *
   * Upstream calls are bounded by the client's timeout, never by a browser's request: several waiters share
   * one call, and a tab that goes away must not abort (or fail) the step another one is waiting for.
   */
  async advance(id: string, opts: { force?: boolean } = {}): Promise<SigningSession | undefined> {
    const running = this.#inFlight.get(id);
    if (running) return running;
    const run = this.#advance(id, opts).finally(() => this.#inFlight.delete(id));
    this.#inFlight.set(id, run);
    return run;
  }

  /** Long poll: resolves when the version differs from `knownVersion`, the session ends, or `waitMs` passes. */
  waitForChange(
    id: string,
    knownVersion: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<SigningSession | undefined> {
    const deps = {
      get: (sid: string) => this.get(sid),
      advance: (sid: string) => this.advance(sid),
      store: this.store,
      now: this.#s.now,
      pollIntervalMs: this.#s.pollIntervalMs,
    };
    return waitForChange(deps, id, knownVersion, waitMs, signal);
  }

  /** Cancels a session that has not ended. */
  async cancel(id: string): Promise<SigningSession | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    if (isFinalStatus(session.status)) return session;
    return this.#sessions.applyIfLive(id, { type: 'CANCELLED' });
  }

  /**
   * A signed document of a signed document-mode session, by its `docHash` id (default: the only one): the
   * bytes kept when it was signed (app hook, then the store's result cache), else rebuilt.
   */
  signedDocument(session: SigningSession, docId?: string): Promise<SignedDocument> {
    return this.#documents.signedDocument(session, docId);
  }

  /** The evidence record of a signed session (`undefined` before), as `onSigned` receives it. */
  signatureRecord(session: SigningSession): SignatureRecord | undefined {
    return signatureRecord(session, this.#s);
  }

  /**
   * Stops the background completion of this instance. Closes nothing else: the client and the store belong
   * to whoever created them (e.g. `createItsmeSign`).
   */
  async close(): Promise<void> {
    this.#completion?.close();
  }

  // -------------------------------------------------------------------------------------------------------

  async #advance(id: string, opts: { force?: boolean }): Promise<SigningSession | undefined> {
    let session = await this.get(id);
    this.#completion?.follow(session);
    try {
      // Each step moves the session to a later status or leaves it (pending, or not due): then stop.
      for (;;) {
        if (!session) return undefined;
        const step = nextStep(session, this.#s.now());
        if (step.call === 'none') return session;
        // A poll is due once per interval per session (across instances), and within this instance's budget
        // of status calls (all sessions together); a user's first return is asked at once.
        if (
          isPoll(step) &&
          !opts.force &&
          (!(await this.#sessions.lease(`poll:${id}`, this.#s.pollIntervalMs)) || !this.#statusBudget.take())
        ) {
          return session;
        }
        const next = await this.#run(session, step);
        this.#failures.delete(id);
        if (next?.status === session.status) return next;
        session = next;
      }
    } catch (error) {
      if (
        isItsmeSignError(error) &&
        (error.retryable || error.code === 'ABORTED' || error.code === 'SESSION_CONFLICT')
      ) {
        // A transient fault: the session stays where it is and the next poll tries again, a bounded number of
        // times for itsme®'s faults; then it ends with the last error instead of spinning until it expires.
        const failures = error.category === 'upstream' ? (this.#failures.get(id) ?? 0) + 1 : 0;
        if (failures < this.#s.maxConsecutiveFailures) {
          if (failures > 0) this.#failures.set(id, failures);
          return this.get(id);
        }
      }
      this.#failures.delete(id);
      return this.#sessions.fail(id, error);
    }
  }

  /** Makes the call `step` names and applies what its answer means. */
  async #run(session: SigningSession, step: NextStep): Promise<SigningSession | undefined> {
    switch (step.call) {
      case 'identification.status': {
        const outcome = await this.#telemetry.step(session.id, step.call, () =>
          this.client.getIdentificationStatus(step.asyncRespID),
        );
        const event = eventFor(outcome);
        return event ? this.#sessions.applyIfLive(session.id, event) : session;
      }
      case 'sign.start':
        return startSigning(this.#signing, session as SigningSession & { status: 'identified' });
      case 'sign.status': {
        const outcome = await this.#telemetry.step(session.id, step.call, () =>
          this.client.getSigningStatus(step.respID),
        );
        const event =
          outcome.state === 'signed'
            ? await acceptSignature(
                session as SigningSession & { status: 'signing' },
                outcome,
                this.#documents,
                this.#s.verifySignatures,
              )
            : eventFor(outcome);
        return event ? this.#sessions.applyIfLive(session.id, event) : session;
      }
      case 'none':
        return session;
    }
  }

  #profile(lang: string, signal?: AbortSignal): Promise<ResolvedProfile> {
    return this.discovery.resolve(
      {
        lang,
        signPolicyRef: this.#s.signPolicyRef,
        ...(this.#s.commitmentTypeRef ? { commitmentTypeRef: this.#s.commitmentTypeRef } : {}),
      },
      signal ? { signal } : {},
    );
  }
}

const ignoreIllegal = (error: unknown): undefined => {
  if (isItsmeSignError(error) && error.code === 'ILLEGAL_TRANSITION') return undefined;
  throw error;
};
