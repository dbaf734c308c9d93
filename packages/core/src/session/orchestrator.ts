/**
 * The orchestrator: runs each protocol step of a signing session, persists every transition through the
 * `SessionStore` (compare-and-set), and emits events an app can log or measure. The state machine itself
 * (`transition`) stays pure; all I/O is here.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type B2BClient, type B2BClientOptions, createB2BClient } from '../client/b2b-client.js';
import { DiscoveryCache, type ResolvedProfile } from '../client/discovery.js';
import { normalizeDigest } from '../digest.js';
import { type ErrorCode, ItsmeSignError, isItsmeSignError } from '../errors.js';
import { verifySignatureValue } from '../signature.js';
import { GENERIC_QUALIFIED_POLICY, type Language, LIMITS } from '../wire/constants.js';
import { languageSchema, latin1TextSchema } from '../wire/schemas.js';
import type { DocumentSigner, DocumentSource, SignedDocument } from './document-signer.js';
import {
  createSession,
  isFinalStatus,
  isPastDeadline,
  type SessionEvent,
  type SessionOptions,
  type SigningSession,
  type SigningSubject,
  transition,
} from './state.js';
import { MemorySessionStore, type SessionStore } from './store.js';

/** The steps the orchestrator times: the four B2B calls and the document signer's two steps. */
export type OrchestratorStep =
  | 'identification.start'
  | 'identification.status'
  | 'sign.start'
  | 'sign.status'
  | 'document.prepare'
  | 'document.finalize';

/** What happened, for logs and metrics. Never carries secrets or digests. */
export type OrchestratorEvent =
  | { type: 'session.created'; sessionId: string }
  | { type: 'session.transition'; sessionId: string; from: string; to: string; event: SessionEvent['type'] }
  | {
      type: 'step.finished';
      sessionId: string;
      step: OrchestratorStep;
      durationMs: number;
      outcome: string;
    }
  | { type: 'step.failed'; sessionId: string; step: OrchestratorStep; code: ErrorCode; durationMs: number };

export interface DocumentHooks {
  /** Turns the app's document reference into bytes; `undefined` → DOCUMENT_NOT_FOUND. */
  resolveDocument(documentId: string, session: SigningSession): Promise<DocumentSource | undefined>;
  /** Builds the data to be signed and embeds the signature (e.g. `createAdesSigner()` from `@itsme-sign/ades`). */
  documentSigner: DocumentSigner;
  /** Called once with the signed document; may return a reference kept in the session (`signed.resultRef`). */
  storeSignedDocument?(document: SignedDocument, session: SigningSession): Promise<string | undefined>;
  /** Loads a stored signed document by the reference `storeSignedDocument` returned. Without it, the result is rebuilt. */
  loadSignedDocument?(resultRef: string, session: SigningSession): Promise<SignedDocument | undefined>;
}

export interface OrchestratorOptions {
  /** A B2B client, or the options to create one. */
  client: B2BClient | B2BClientOptions;
  /** The redirect URL registered at itsme® for this service (the handler's callback route). */
  redirectUrl: string;
  /** Signature policy reference (discovery `ref`/`oid`). Default: the generic qualified policy. */
  signPolicyRef?: string;
  commitmentTypeRef?: string;
  /** Default `MemorySessionStore` (one process only). */
  store?: SessionStore;
  /** Document mode. Without it only hash mode is available. */
  documents?: DocumentHooks;
  /** Default language. Default `EN`. */
  defaultLang?: Language;
  /** How long a session may take from start to signature (ms). Default 15 minutes. */
  sessionTtlMs?: number;
  /** How long a finished session is kept (to show its result) (ms). Default 1 hour. */
  finishedTtlMs?: number;
  /** Minimum interval between two upstream status calls of one session, across instances (ms). Default 1000. */
  pollIntervalMs?: number;
  /** Check language/policy/commitment against the discovery document (loaded once, cached). Default true. */
  useDiscovery?: boolean;
  discoveryTtlMs?: number;
  /** Verify the signature value against the certificate before accepting it (hash mode). Default true. */
  verifySignatures?: boolean;
  onEvent?: (event: OrchestratorEvent) => void;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface StartInput {
  subject: SigningSubject;
  lang?: string;
  signerRole?: string;
  description?: string;
  userCode?: string;
  /** The app's user this session belongs to. */
  owner?: string;
  signal?: AbortSignal;
}

/** How many times a compare-and-set is retried after a concurrent change before giving up. */
const CAS_ATTEMPTS = 5;

export class SigningOrchestrator {
  readonly client: B2BClient;
  readonly store: SessionStore;
  readonly discovery: DiscoveryCache;
  readonly #o: Required<
    Pick<
      OrchestratorOptions,
      | 'redirectUrl'
      | 'signPolicyRef'
      | 'defaultLang'
      | 'sessionTtlMs'
      | 'finishedTtlMs'
      | 'pollIntervalMs'
      | 'useDiscovery'
      | 'verifySignatures'
      | 'now'
    >
  > &
    Pick<OrchestratorOptions, 'commitmentTypeRef' | 'documents' | 'onEvent'>;
  readonly #ownsClient: boolean;
  readonly #ownsStore: boolean;
  /** One in-flight `advance` per session in this process: concurrent callers share it. */
  readonly #inFlight = new Map<string, Promise<SigningSession | undefined>>();

  constructor(options: OrchestratorOptions) {
    if (!options.redirectUrl || !URL.canParse(options.redirectUrl)) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'redirectUrl must be an absolute URL.',
        field: 'redirectUrl',
      });
    }
    const isClient = typeof (options.client as B2BClient).startIdentification === 'function';
    this.client = isClient
      ? (options.client as B2BClient)
      : createB2BClient(options.client as B2BClientOptions);
    this.#ownsClient = !isClient;
    this.store = options.store ?? new MemorySessionStore(options.now ? { now: options.now } : {});
    this.#ownsStore = !options.store;
    this.#o = Object.freeze({
      redirectUrl: options.redirectUrl,
      signPolicyRef: options.signPolicyRef ?? GENERIC_QUALIFIED_POLICY,
      commitmentTypeRef: options.commitmentTypeRef,
      documents: options.documents,
      defaultLang: options.defaultLang ?? 'EN',
      sessionTtlMs: options.sessionTtlMs ?? 15 * 60_000,
      finishedTtlMs: options.finishedTtlMs ?? 60 * 60_000,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      useDiscovery: options.useDiscovery ?? true,
      verifySignatures: options.verifySignatures ?? true,
      onEvent: options.onEvent,
      now: options.now ?? Date.now,
    });
    this.discovery = new DiscoveryCache(this.client, {
      ...(options.discoveryTtlMs ? { ttlMs: options.discoveryTtlMs } : {}),
      now: this.#o.now,
    });
  }

  get pollIntervalMs(): number {
    return this.#o.pollIntervalMs;
  }

  get hasDocumentMode(): boolean {
    return this.#o.documents !== undefined;
  }

  /** Creates a session and starts the identification at itsme®. Returns the session in `identifying`. */
  async start(input: StartInput): Promise<SigningSession> {
    const options = this.#sessionOptions(input);
    const subject = this.#subject(input.subject);
    if (this.#o.useDiscovery) await this.#profile(options.lang, input.signal);
    const now = this.#o.now();
    const created = createSession({
      id: randomBytes(24).toString('base64url'),
      subject,
      options,
      ...(input.owner === undefined ? {} : { owner: input.owner }),
      now,
      ttlMs: this.#o.sessionTtlMs,
    });
    // Document mode: refuse an unknown document now, before the user is sent to itsme®.
    if (subject.mode === 'document') await this.#resolve(created);
    await this.#write(created, 0);
    this.#emit({ type: 'session.created', sessionId: created.id });
    const started = await this.#step(created.id, 'identification.start', () =>
      this.client.startIdentification(
        {
          lang: options.lang,
          redirectUrl: this.#o.redirectUrl,
          ...(options.userCode ? { userCode: options.userCode } : {}),
        },
        input.signal ? { signal: input.signal } : {},
      ),
    ).catch(async (error: unknown) => {
      await this.#fail(created.id, error);
      throw error;
    });
    return this.#apply(created.id, {
      type: 'IDENTIFICATION_STARTED',
      asyncRespID: started.asyncRespID,
      identificationUrl: started.identificationUrl,
    });
  }

  /** The session, expiring it first if its deadline has passed. */
  async get(id: string): Promise<SigningSession | undefined> {
    const session = await this.#read(id);
    if (session && isPastDeadline(session, this.#o.now())) {
      return this.#applyIfLive(id, { type: 'EXPIRED' });
    }
    return session;
  }

  /**
   * The user came back from itsme® (callback). Records it and, the first time, asks itsme® at once (past the
   * poll interval); a repeated callback (a reload) waits for the interval like any poll.
   */
  async userReturned(id: string): Promise<SigningSession | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    let firstReturn = false;
    if (session.status === 'identifying' || session.status === 'signing') {
      const returned =
        session.status === 'identifying' ? session.identification.returned : session.signing.returned;
      if (!returned) {
        const after = await this.#applyIfLive(id, { type: 'USER_RETURNED' }).catch(ignoreIllegal);
        firstReturn = after !== undefined && after.version === session.version + 1;
      }
    }
    return this.advance(id, { force: firstReturn });
  }

  /**
   * Moves the session forward if itsme® has news: polls the identification or sign status (at most one call
   * in flight per session, and — unless `force` — at most one per poll interval across instances), then
   * starts the signing after identification. Returns the current session.
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

  /**
   * Long poll: resolves when the session's version differs from `knownVersion`, the session ends, or
   * `waitMs` passes — advancing it upstream meanwhile. Sleeps on store notifications and the poll interval,
   * never in a busy loop.
   */
  async waitForChange(
    id: string,
    knownVersion: number | undefined,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<SigningSession | undefined> {
    const deadline = this.#o.now() + waitMs;
    for (;;) {
      let session = await this.get(id);
      if (!session || isFinalStatus(session.status) || session.version !== knownVersion) return session;
      session = await this.advance(id);
      if (!session || session.version !== knownVersion || isFinalStatus(session.status)) return session;
      const remaining = deadline - this.#o.now();
      if (remaining <= 0 || signal?.aborted) return session;
      await this.#sleepUntilChange(id, Math.min(remaining, this.#o.pollIntervalMs), signal);
    }
  }

  /** Cancels a session that has not ended. */
  async cancel(id: string): Promise<SigningSession | undefined> {
    const session = await this.get(id);
    if (!session) return undefined;
    if (isFinalStatus(session.status)) return session;
    return this.#applyIfLive(id, { type: 'CANCELLED' });
  }

  /** The signed document of a signed document-mode session (loaded or rebuilt). */
  async signedDocument(session: SigningSession): Promise<SignedDocument> {
    if (session.status !== 'signed') throw new ItsmeSignError('NOT_SIGNED_YET');
    const docs = this.#o.documents;
    if (session.subject.mode !== 'document' || !docs) {
      throw new ItsmeSignError('INVALID_REQUEST', { message: 'This session signed a hash, not a document.' });
    }
    if (session.signed.resultRef && docs.loadSignedDocument) {
      const stored = await docs.loadSignedDocument(session.signed.resultRef, session);
      if (stored) return stored;
    }
    const source = await this.#resolve(session);
    return docs.documentSigner.finalize(
      session.signing.prepared as never,
      session.signed.signatureValue,
      source,
    );
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.client.close();
    if (this.#ownsStore) await this.store.close?.();
  }

  // -------------------------------------------------------------------------------------------------------

  async #advance(id: string, opts: { force?: boolean }): Promise<SigningSession | undefined> {
    let session = await this.get(id);
    if (!session) return undefined;
    try {
      if (session.status === 'identifying') {
        if (!(await this.#mayPoll(id, opts.force))) return session;
        const status = await this.#step(id, 'identification.status', () =>
          this.client.getIdentificationStatus(
            session!.status === 'identifying' ? session!.identification.asyncRespID : '',
          ),
        );
        if (status.state === 'pending') return session;
        if (status.state === 'rejected')
          return await this.#applyIfLive(id, { type: 'REJECTED', reason: status.reason });
        if (status.state === 'expired')
          return await this.#applyIfLive(id, { type: 'EXPIRED', reason: status.reason });
        session = await this.#applyIfLive(id, {
          type: 'IDENTIFIED',
          userCode: status.userCode,
          certificate: status.certificate,
          certificateChain: status.certificateChain,
        });
      }
      if (session?.status === 'identified') {
        session = await this.#startSigning(session);
      }
      if (session?.status === 'signing') {
        if (!(await this.#mayPoll(id, opts.force))) return session;
        const signing = session.signing;
        const status = await this.#step(id, 'sign.status', () =>
          this.client.getSigningStatus(signing.respID),
        );
        if (status.state === 'pending') return session;
        if (status.state === 'rejected')
          return await this.#applyIfLive(id, { type: 'REJECTED', reason: status.reason });
        if (status.state === 'expired')
          return await this.#applyIfLive(id, { type: 'EXPIRED', reason: status.reason });
        return await this.#completeSigning(session, status.signatureValue, status.whichDoc);
      }
      return session;
    } catch (error) {
      if (
        isItsmeSignError(error) &&
        (error.retryable || error.code === 'ABORTED' || error.code === 'SESSION_CONFLICT')
      ) {
        // A transient fault: the session stays where it is and the next poll tries again.
        return this.get(id);
      }
      return this.#fail(id, error);
    }
  }

  /** identified → signing: builds the digest (document mode) and starts the sign session, exactly once. */
  async #startSigning(
    session: SigningSession & { status: 'identified' },
  ): Promise<SigningSession | undefined> {
    let digest: string;
    let prepared: unknown;
    const subject = session.subject;
    if (subject.mode === 'hash') {
      digest = subject.digest;
    } else {
      const docs = this.#requireDocuments();
      const profile = this.#o.useDiscovery ? await this.#profile(session.options.lang) : undefined;
      const source = await this.#resolve(session);
      const result = await this.#step(session.id, 'document.prepare', () =>
        docs.documentSigner.prepare(source, {
          certificateChain: session.signer.certificateChain,
          signingTime: new Date(this.#o.now()),
          lang: session.options.lang,
          ...(session.options.signerRole ? { signerRole: session.options.signerRole } : {}),
          ...(profile
            ? {
                signaturePolicy: {
                  oid: profile.policy.oid,
                  digest: profile.policy.sigDigest,
                  digestAlgorithm: profile.policy.sigDigestAlg,
                  url: profile.policy.url,
                },
                ...(profile.commitmentType ? { commitmentTypeOid: profile.commitmentType.oid } : {}),
              }
            : {}),
        }),
      );
      digest = normalizeDigest(result.digest);
      prepared = result.state;
    }
    const docId = (subject.documentName ?? 'document').slice(0, LIMITS.docId);
    // A sign start is sent at most once per session: the lease (held for the session's lifetime) stops a second
    // caller or instance; a failed start ends the session instead of being repeated, since it may have reached
    // itsme®. Preparing above is pure, so two callers preparing at once is harmless.
    if (
      !(await this.#lease(`sign-start:${session.id}`, Math.max(60_000, session.expiresAt - this.#o.now())))
    ) {
      return session;
    }
    const started = await this.#step(session.id, 'sign.start', () =>
      this.client.startSigning({
        userCode: session.signer.userCode,
        digest,
        docId,
        lang: session.options.lang,
        redirectUrl: this.#o.redirectUrl,
        signPolicyRef: this.#o.signPolicyRef,
        ...(this.#o.commitmentTypeRef ? { commitmentTypeRef: this.#o.commitmentTypeRef } : {}),
        ...(session.options.signerRole ? { signerRole: session.options.signerRole } : {}),
        ...(session.options.description ? { description: session.options.description } : {}),
      }),
    ).catch(async (error: unknown) => {
      await this.#fail(session.id, error);
      throw error;
    });
    const event: SessionEvent = {
      type: 'SIGNING_STARTED',
      respID: started.respID,
      signingUrl: started.signingUrl,
      docId,
      digest,
      ...(prepared === undefined ? {} : { prepared }),
    };
    try {
      return await this.#applyIfLive(session.id, event);
    } catch (error) {
      // The sign session exists at itsme® but could not be recorded: it will not be started again (lease),
      // so end this session with the reason rather than leave it waiting until it expires.
      await this.#fail(session.id, error);
      throw error;
    }
  }

  /** signing → signed: checks the value, finalizes the document, stores it. */
  async #completeSigning(
    session: SigningSession & { status: 'signing' },
    signatureValue: string,
    whichDoc: string,
  ): Promise<SigningSession | undefined> {
    if (whichDoc !== session.signing.docId) {
      throw new ItsmeSignError('INVALID_RESPONSE', {
        message: 'itsme® returned a signature for another document (whichDoc does not match).',
        field: 'sigObj.whichDoc',
      });
    }
    let resultRef: string | undefined;
    if (session.subject.mode === 'document') {
      const docs = this.#requireDocuments();
      const source = await this.#resolve(session);
      const prepared = session.signing.prepared as never;
      const signed = await this.#step(session.id, 'document.finalize', () =>
        docs.documentSigner.finalize(prepared, signatureValue, source),
      );
      resultRef = (await docs.storeSignedDocument?.(signed, session)) ?? undefined;
    } else if (this.#o.verifySignatures) {
      const digest = Buffer.from(session.signing.digest, 'base64');
      verifySignatureValue({ digest }, signatureValue, session.signer.certificate);
    }
    return this.#applyIfLive(session.id, {
      type: 'SIGNED',
      signatureValue,
      ...(resultRef ? { resultRef } : {}),
    });
  }

  async #mayPoll(id: string, force: boolean | undefined): Promise<boolean> {
    if (force) return true;
    return this.#lease(`poll:${id}`, this.#o.pollIntervalMs);
  }

  async #lease(key: string, ttlMs: number): Promise<boolean> {
    try {
      return await this.store.acquireLease(key, ttlMs);
    } catch (cause) {
      throw storeError(cause);
    }
  }

  async #resolve(session: SigningSession): Promise<DocumentSource> {
    const docs = this.#requireDocuments();
    if (session.subject.mode !== 'document') throw new ItsmeSignError('INTERNAL_ERROR');
    const source = await docs.resolveDocument(session.subject.documentId, session);
    if (!source) throw new ItsmeSignError('DOCUMENT_NOT_FOUND', { field: 'documentId' });
    return source;
  }

  #requireDocuments(): DocumentHooks {
    if (!this.#o.documents) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'Document mode needs `documents` (resolveDocument + documentSigner) in the configuration.',
        field: 'documents',
      });
    }
    return this.#o.documents;
  }

  async #profile(lang: string, signal?: AbortSignal): Promise<ResolvedProfile> {
    return this.discovery.resolve(
      {
        lang,
        signPolicyRef: this.#o.signPolicyRef,
        ...(this.#o.commitmentTypeRef ? { commitmentTypeRef: this.#o.commitmentTypeRef } : {}),
      },
      signal ? { signal } : {},
    );
  }

  #sessionOptions(input: StartInput): SessionOptions {
    const field = <T>(name: string, parse: () => T): T => {
      try {
        return parse();
      } catch (cause) {
        throw new ItsmeSignError('INVALID_REQUEST', { message: `Invalid ${name}.`, field: name, cause });
      }
    };
    const lang = field('lang', () => languageSchema.parse(input.lang ?? this.#o.defaultLang));
    const text = (name: 'signerRole' | 'description', v: string | undefined) =>
      v === undefined ? undefined : field(name, () => latin1TextSchema(LIMITS[name]).parse(v));
    const signerRole = text('signerRole', input.signerRole);
    const description = text('description', input.description);
    if (input.userCode !== undefined && input.userCode.length !== LIMITS.userCode) {
      throw new ItsmeSignError('INVALID_REQUEST', {
        message: `userCode must be ${LIMITS.userCode} characters.`,
        field: 'userCode',
      });
    }
    return {
      lang,
      ...(signerRole ? { signerRole } : {}),
      ...(description ? { description } : {}),
      ...(input.userCode ? { userCode: input.userCode } : {}),
    };
  }

  #subject(subject: SigningSubject): SigningSubject {
    if (subject.mode === 'hash') return { ...subject, digest: normalizeDigest(subject.digest) };
    this.#requireDocuments();
    return subject;
  }

  async #step<T extends object>(
    sessionId: string,
    step: OrchestratorStep,
    call: () => Promise<T>,
  ): Promise<T> {
    const t0 = performance.now();
    try {
      const result = await call();
      this.#emit({
        type: 'step.finished',
        sessionId,
        step,
        durationMs: performance.now() - t0,
        outcome: 'state' in result && typeof result.state === 'string' ? result.state : 'ok',
      });
      return result;
    } catch (error) {
      const code = isItsmeSignError(error) ? error.code : 'INTERNAL_ERROR';
      this.#emit({ type: 'step.failed', sessionId, step, code, durationMs: performance.now() - t0 });
      throw error;
    }
  }

  async #fail(id: string, error: unknown): Promise<SigningSession | undefined> {
    const e = isItsmeSignError(error) ? error : new ItsmeSignError('INTERNAL_ERROR', { cause: error });
    return this.#applyIfLive(id, {
      type: 'FAILED',
      code: e.code,
      message: e.message,
      ...(e.reason ? { reason: e.reason } : {}),
    }).catch(() => this.#read(id));
  }

  /** Applies `event` with compare-and-set, re-reading and retrying on a concurrent change. */
  async #apply(id: string, event: SessionEvent): Promise<SigningSession> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.#read(id);
      if (!current) throw new ItsmeSignError('SESSION_NOT_FOUND');
      const next = transition(current, event, this.#o.now());
      if (await this.#write(next, current.version)) {
        this.#emit({
          type: 'session.transition',
          sessionId: id,
          from: current.status,
          to: next.status,
          event: event.type,
        });
        return next;
      }
    }
    throw new ItsmeSignError('SESSION_CONFLICT');
  }

  /** Like `#apply`, but a session that already ended (or moved on) is returned as it is. */
  async #applyIfLive(id: string, event: SessionEvent): Promise<SigningSession | undefined> {
    try {
      return await this.#apply(id, event);
    } catch (error) {
      if (isItsmeSignError(error) && error.code === 'ILLEGAL_TRANSITION') return this.#read(id);
      throw error;
    }
  }

  async #read(id: string): Promise<SigningSession | undefined> {
    try {
      return await this.store.get(id);
    } catch (cause) {
      throw storeError(cause);
    }
  }

  async #write(session: SigningSession, expectedVersion: number): Promise<boolean> {
    const ttl = isFinalStatus(session.status)
      ? this.#o.finishedTtlMs
      : Math.max(1_000, session.expiresAt - this.#o.now() + this.#o.finishedTtlMs);
    try {
      return await this.store.compareAndSet(session, expectedVersion, ttl);
    } catch (cause) {
      throw storeError(cause);
    }
  }

  async #sleepUntilChange(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    const ac = new AbortController();
    const stop = this.store.watch(id, () => ac.abort());
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(ms, undefined, { signal: ac.signal });
    } catch {
      // woken up by a change or an abort
    } finally {
      stop();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #emit(event: OrchestratorEvent): void {
    try {
      this.#o.onEvent?.(event);
    } catch {
      // a listener's failure never breaks a signing session
    }
  }
}

const ignoreIllegal = (error: unknown): undefined => {
  if (isItsmeSignError(error) && error.code === 'ILLEGAL_TRANSITION') return undefined;
  throw error;
};

const storeError = (cause: unknown): ItsmeSignError =>
  isItsmeSignError(cause) ? cause : new ItsmeSignError('STORE_UNAVAILABLE', { cause });

export const createSigningOrchestrator = (options: OrchestratorOptions): SigningOrchestrator =>
  new SigningOrchestrator(options);
