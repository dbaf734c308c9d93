/**
 * Document mode around a session: turns the app's document reference into bytes, prepares the data to be
 * signed (with the signature policy from discovery), finalizes the signed document once, and rebuilds or
 * loads it later. Hash mode never gets here.
 */
import type { ResolvedProfile } from '../client/discovery.js';
import { normalizeDigest } from '../digest.js';
import { ItsmeSignError } from '../errors.js';
import type { DocumentSigner, DocumentSource, SignedDocument, SignerContext } from './document-signer.js';
import type { SigningSession } from './state.js';
import type { Telemetry } from './telemetry.js';

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

/** What `prepare` hands to the sign start: the digest itsme® signs and the signer's state until `finalize`. */
export interface PreparedDocument {
  digest: string;
  prepared: unknown;
}

/** The signature policy of a discovery profile, as a `DocumentSigner` embeds it. */
export const signerPolicy = (
  profile: ResolvedProfile | undefined,
): Pick<SignerContext, 'signaturePolicy' | 'commitmentTypeOid'> =>
  profile
    ? {
        signaturePolicy: {
          oid: profile.policy.oid,
          digest: profile.policy.sigDigest,
          digestAlgorithm: profile.policy.sigDigestAlg,
          url: profile.policy.url,
        },
        ...(profile.commitmentType ? { commitmentTypeOid: profile.commitmentType.oid } : {}),
      }
    : {};

export class DocumentMode {
  readonly #hooks: DocumentHooks | undefined;
  readonly #telemetry: Telemetry;

  constructor(hooks: DocumentHooks | undefined, telemetry: Telemetry) {
    this.#hooks = hooks;
    this.#telemetry = telemetry;
  }

  get enabled(): boolean {
    return this.#hooks !== undefined;
  }

  /** The hooks; INVALID_CONFIG if document mode is not configured. */
  require(): DocumentHooks {
    if (!this.#hooks) {
      throw new ItsmeSignError('INVALID_CONFIG', {
        message: 'Document mode needs `documents` (resolveDocument + documentSigner) in the configuration.',
        field: 'documents',
      });
    }
    return this.#hooks;
  }

  /** The session's document; DOCUMENT_NOT_FOUND if the app's hook does not know it (any more). */
  async resolve(session: SigningSession): Promise<DocumentSource> {
    const docs = this.require();
    if (session.subject.mode !== 'document') throw new ItsmeSignError('INTERNAL_ERROR');
    const source = await docs.resolveDocument(session.subject.documentId, session);
    if (!source) throw new ItsmeSignError('DOCUMENT_NOT_FOUND', { field: 'documentId' });
    return source;
  }

  /** Builds the data to be signed for the identified signer. Pure for the session: safe to repeat. */
  async prepare(
    session: SigningSession & { status: 'identified' },
    signingTime: Date,
    profile: ResolvedProfile | undefined,
  ): Promise<PreparedDocument> {
    const docs = this.require();
    const source = await this.resolve(session);
    const result = await this.#telemetry.step(session.id, 'document.prepare', () =>
      docs.documentSigner.prepare(source, {
        certificateChain: session.signer.certificateChain,
        signingTime,
        lang: session.options.lang,
        ...(session.options.signerRole ? { signerRole: session.options.signerRole } : {}),
        ...signerPolicy(profile),
      }),
    );
    return { digest: normalizeDigest(result.digest), prepared: result.state };
  }

  /** Embeds the signature value and hands the signed document to the app; returns its reference, if any. */
  async finalize(
    session: SigningSession & { status: 'signing' },
    signatureValue: string,
  ): Promise<string | undefined> {
    const docs = this.require();
    const source = await this.resolve(session);
    const prepared = session.signing.prepared as never;
    const signed = await this.#telemetry.step(session.id, 'document.finalize', () =>
      docs.documentSigner.finalize(prepared, signatureValue, source),
    );
    return (await docs.storeSignedDocument?.(signed, session)) ?? undefined;
  }

  /** The signed document of a signed document-mode session (loaded through the app's hook, or rebuilt). */
  async signedDocument(session: SigningSession): Promise<SignedDocument> {
    if (session.status !== 'signed') throw new ItsmeSignError('NOT_SIGNED_YET');
    const docs = this.#hooks;
    if (session.subject.mode !== 'document' || !docs) {
      throw new ItsmeSignError('INVALID_REQUEST', { message: 'This session signed a hash, not a document.' });
    }
    if (session.signed.resultRef && docs.loadSignedDocument) {
      const stored = await docs.loadSignedDocument(session.signed.resultRef, session);
      if (stored) return stored;
    }
    const source = await this.resolve(session);
    return docs.documentSigner.finalize(
      session.signing.prepared as never,
      session.signed.signatureValue,
      source,
    );
  }
}
