/**
 * Document mode around a session: turns the app's document reference into bytes, prepares the data to be
 * signed (with the signature policy from discovery), finalizes the signed document once, and rebuilds or
 * loads it later. Hash mode never gets here.
 */
import { createHash } from 'node:crypto';
import type { ResolvedProfile } from '../client/discovery.js';
import { normalizeDigest } from '../digest.js';
import { ItsmeSignError } from '../errors.js';
import { optional } from '../optional.js';
import type { DocumentSigner, DocumentSource, SignedDocument, SignerContext } from './document-signer.js';
import { textIn } from './session-input.js';
import type {
  SignedDocumentInfo,
  SigningDocument,
  SigningSession,
  SigningSubject,
  SourceDocument,
} from './state.js';
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

/** Where signed results are kept between the signature and the downloads (the store's result cache). */
export interface ResultCache {
  put(sessionId: string, docId: string, bytes: Uint8Array): Promise<boolean>;
  get(sessionId: string, docId: string): Promise<Uint8Array | undefined>;
}

export class DocumentMode {
  readonly #hooks: DocumentHooks | undefined;
  readonly #telemetry: Telemetry;
  readonly #results: ResultCache;

  constructor(hooks: DocumentHooks | undefined, telemetry: Telemetry, results: ResultCache) {
    this.#hooks = hooks;
    this.#telemetry = telemetry;
    this.#results = results;
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

  /** One of the session's documents; DOCUMENT_NOT_FOUND if the app's hook does not know it (any more). */
  async resolve(session: SigningSession, document: SourceDocument): Promise<DocumentSource> {
    const source = await this.require().resolveDocument(document.documentId, session);
    if (!source) {
      throw new ItsmeSignError('DOCUMENT_NOT_FOUND', {
        message: `The document ${JSON.stringify(document.name ?? document.documentId)} was not found.`,
        field: 'documentId',
      });
    }
    return source;
  }

  /**
   * Resolves every document of a new session (an unknown one is refused before the user is sent to itsme®)
   * and gives the subject with each document's name (the app's file name where the caller gave none).
   */
  async named(session: SigningSession): Promise<SigningSubject> {
    const subject = session.subject;
    if (subject.mode !== 'document') return subject;
    const documents: SourceDocument[] = [];
    for (const doc of subject.documents) {
      const source = await this.resolve(session, doc);
      documents.push({ ...doc, name: doc.name ?? source.name });
    }
    return { mode: 'document', documents };
  }

  /** Builds the data to be signed of every document for the identified signer. Pure: safe to repeat. */
  async prepare(
    session: SigningSession & { status: 'identified' },
    signingTime: Date,
    profile: ResolvedProfile | undefined,
  ): Promise<SigningDocument[]> {
    const docs = this.require();
    const context = signerContext(session, signingTime, profile);
    const out: SigningDocument[] = [];
    for (const doc of documentsOf(session)) {
      const source = await this.resolve(session, doc);
      const result = await this.#telemetry.step(session.id, 'document.prepare', () =>
        docs.documentSigner.prepare(source, context),
      );
      out.push({ id: doc.id, digest: normalizeDigest(result.digest), prepared: result.state });
    }
    return out;
  }

  /**
   * Embeds every signature value (`values` by `docHash` id, all checked) and keeps each signed document: in
   * the app's store if it has the hook, and in the session store's result cache, so every download serves
   * the same bytes. Returns what the session records of each.
   */
  async finalize(
    session: SigningSession & { status: 'signing' },
    values: ReadonlyMap<string, string>,
  ): Promise<SignedDocumentInfo[]> {
    const docs = this.require();
    const out: SignedDocumentInfo[] = [];
    for (const doc of documentsOf(session)) {
      const signing = session.signing.documents.find((d) => d.id === doc.id);
      const signatureValue = values.get(doc.id);
      if (!signing || signatureValue === undefined) throw new ItsmeSignError('INTERNAL_ERROR');
      const source = await this.resolve(session, doc);
      const signed = await this.#telemetry.step(session.id, 'document.finalize', () =>
        docs.documentSigner.finalize(signing.prepared as never, signatureValue, source, {
          certificateChain: session.signer.certificateChain,
        }),
      );
      const resultRef = (await docs.storeSignedDocument?.(signed, session)) ?? undefined;
      const cached = await this.#results.put(session.id, doc.id, signed.bytes);
      const { name, contentType, bytes } = signed;
      const sha256 = createHash('sha256').update(bytes).digest('base64');
      out.push({
        id: doc.id,
        signatureValue,
        ...(resultRef ? { resultRef } : {}),
        file: { name, contentType, size: bytes.byteLength, sha256 },
        ...(cached ? { cached } : {}),
      });
    }
    return out;
  }

  /**
   * A signed document of a signed document-mode session: the bytes kept when it was signed (the app's hook,
   * then the result cache), else rebuilt from the signature value.
   */
  async signedDocument(session: SigningSession, docId = onlyDocument(session)): Promise<SignedDocument> {
    if (session.status !== 'signed') throw new ItsmeSignError('NOT_SIGNED_YET');
    const docs = this.#hooks;
    if (session.subject.mode !== 'document' || !docs) {
      throw new ItsmeSignError('INVALID_REQUEST', { message: 'This session signed hashes, not documents.' });
    }
    const doc = session.subject.documents.find((d) => d.id === docId);
    const signed = session.signed.documents.find((d) => d.id === docId);
    const signing = session.signing.documents.find((d) => d.id === docId);
    if (!doc || !signed || !signing) {
      throw new ItsmeSignError('NOT_FOUND', {
        message: 'This session has no such document.',
        field: 'document',
      });
    }
    if (signed.resultRef && docs.loadSignedDocument) {
      const stored = await docs.loadSignedDocument(signed.resultRef, session);
      if (stored) return stored;
    }
    if (signed.file && signed.cached) {
      const bytes = await this.#results.get(session.id, docId);
      if (bytes) return { name: signed.file.name, contentType: signed.file.contentType, bytes };
    }
    const source = await this.resolve(session, doc);
    return docs.documentSigner.finalize(signing.prepared as never, signed.signatureValue, source, {
      certificateChain: session.signer.certificateChain,
    });
  }
}

/** The id of a session's only document; INVALID_REQUEST for a batch (name one). */
function onlyDocument(session: SigningSession): string {
  const [first, ...more] = session.subject.documents;
  if (!first || more.length > 0) {
    throw new ItsmeSignError('INVALID_REQUEST', {
      message: 'This session signed several documents: name one (its id).',
      field: 'document',
    });
  }
  return first.id;
}

const documentsOf = (session: SigningSession): SourceDocument[] =>
  session.subject.mode === 'document' ? session.subject.documents : [];

function signerContext(
  session: SigningSession & { status: 'identified' },
  signingTime: Date,
  profile: ResolvedProfile | undefined,
): SignerContext {
  return {
    certificateChain: session.signer.certificateChain,
    signingTime,
    lang: session.options.lang,
    ...optional('signerRole', textIn(session.options.signerRole, session.options.lang)),
    ...signerPolicy(profile),
  };
}
