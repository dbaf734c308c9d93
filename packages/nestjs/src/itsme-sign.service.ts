import {
  type BatchSignatureResult,
  createItsmeSignHandler,
  ItsmeSignError,
  type ItsmeSignHandler,
  normalizeBasePath,
  resultUrls,
  type SessionView,
  type SignatureResult,
  type SignedDocument,
  type SigningOrchestrator,
  type SigningSession,
  type StartInput,
  signedResult,
  toSessionView,
} from '@itsme-sign/core';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { ITSME_SIGN_OPTIONS } from './itsme-sign.constants.js';
import type { ItsmeSignModuleOptions } from './itsme-sign.module-definition.js';

/** `basePath` is the mount path of the routes: required (core's one rule, `normalizeBasePath`). */
export const checkBasePath = (basePath: unknown): string => normalizeBasePath(basePath, true);

/** The itsme® Sign handler of the module, and the orchestrator's operations for the app's own code. */
@Injectable()
export class ItsmeSignService implements OnModuleDestroy, OnApplicationShutdown {
  /** Core's web handler (the routes the module mounts). */
  readonly handler: ItsmeSignHandler;
  #closed: Promise<void> | undefined;

  constructor(@Inject(ITSME_SIGN_OPTIONS) options: ItsmeSignModuleOptions) {
    const basePath = checkBasePath(options?.basePath);
    this.handler = createItsmeSignHandler({ ...options, basePath });
  }

  get orchestrator(): SigningOrchestrator {
    return this.handler.orchestrator;
  }

  /** Starts a session (calls itsme®); hand `view(session).next` to the browser. */
  start(input: StartInput): Promise<SigningSession> {
    return this.orchestrator.start(input);
  }

  /** The stored session, or `undefined`. */
  get(id: string): Promise<SigningSession | undefined> {
    return this.orchestrator.get(id);
  }

  /** Asks itsme® for news if due and returns the up-to-date session. */
  async advance(id: string): Promise<SigningSession> {
    return found(await this.orchestrator.advance(id));
  }

  /** Waits (≤ `timeoutMs`) until the session's version differs from `version`. */
  async waitForChange(id: string, version: number, timeoutMs: number, signal?: AbortSignal) {
    return found(await this.orchestrator.waitForChange(id, version, timeoutMs, signal));
  }

  /** Cancels a session that has not ended (an ended one is returned as is). */
  async cancel(id: string): Promise<SigningSession> {
    return found(await this.orchestrator.cancel(id));
  }

  /**
   * The signature (hash mode) or the signed document (document mode) of the session's document `documentId`
   * (its id in `view().documents`; default: the only one); a hash-mode batch without `documentId` gives every
   * signature. `NOT_SIGNED_YET` before that.
   */
  async result(
    id: string,
    documentId?: string,
  ): Promise<SignatureResult | BatchSignatureResult | SignedDocument> {
    return signedResult(this.orchestrator, found(await this.orchestrator.get(id)), documentId);
  }

  /** What the browser sees of a session (the JSON the routes answer). */
  view(session: SigningSession): SessionView {
    return toSessionView(session, resultUrls(this.handler.basePath));
  }

  onModuleDestroy(): Promise<void> {
    this.#closed ??= this.handler.close();
    return this.#closed;
  }

  onApplicationShutdown(): Promise<void> {
    return this.onModuleDestroy();
  }
}

function found(session: SigningSession | undefined): SigningSession {
  if (!session) throw new ItsmeSignError('SESSION_NOT_FOUND', { message: 'No such signing session.' });
  return session;
}
