/**
 * Document mode: a `DocumentSigner` builds the data to be signed from a document and the signer's
 * certificate, and later embeds the raw signature value that itsme® returns. `@itsme-sign/ades`
 * implements it for PAdES (PDF) and CAdES (any file). Hash-only integrations do not need one.
 */
import type { Language } from '../wire/constants.js';

/** A JSON value: what a `DocumentSigner` may keep between `prepare` and `finalize`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A document to sign, as the app's `resolveDocument` hook returns it. */
export interface DocumentSource {
  /** File name shown to the user and used for the signed file. */
  name: string;
  /** MIME type, e.g. `application/pdf`. */
  contentType: string;
  /**
   * The bytes, a function that opens a fresh stream of them (called once per step), or a file on disk
   * (`{ path }`: @itsme-sign/ades reads it by position, the fastest for large PDFs).
   */
  data: Uint8Array | (() => AsyncIterable<Uint8Array>) | { readonly path: string };
}

/** What the signer needs to know besides the document. */
export interface SignerContext {
  /** PEM certificates of the signer, leaf first (from the identification step). */
  certificateChain: string[];
  /** Fixed in `prepare` and kept in the state: the same instant is used in `finalize`. */
  signingTime: Date;
  lang: Language;
  signerRole?: string;
  /** The signature policy from the discovery document. */
  signaturePolicy?: { oid: string; digest: string; digestAlgorithm: string; url?: string };
  /** The commitment type OID, if the app uses one. */
  commitmentTypeOid?: string;
}

/** What `finalize` is told besides its own state. */
export interface FinalizeContext {
  /** PEM certificates of the signer, leaf first (the same as in `prepare`'s `SignerContext`). */
  certificateChain: string[];
}

export interface PreparedSignature {
  /** Standard base64 of the SHA-256 that itsme® will sign. */
  digest: string;
  /** Plain JSON to keep until `finalize` (store it anywhere). */
  state: JsonValue;
}

export interface SignedDocument {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface DocumentSigner {
  /** Can this signer handle the document (e.g. PAdES only PDFs)? */
  accepts?(document: Pick<DocumentSource, 'name' | 'contentType'>): boolean;
  prepare(document: DocumentSource, context: SignerContext): Promise<PreparedSignature>;
  /**
   * Embeds `signatureValue` (raw, standard base64) and returns the signed document. `document` is the same
   * document given to `prepare`. Must verify the value against the certificate and throw an
   * `ItsmeSignError` (`SIGNATURE_INVALID`, `CERTIFICATE_UNTRUSTED`…) rather than write a bad signature.
   * `context` carries the signer's certificates, kept once per session (a batch of 70 documents need not keep
   * 70 copies of them in its states).
   */
  finalize(
    state: JsonValue,
    signatureValue: string,
    document: DocumentSource,
    context?: FinalizeContext,
  ): Promise<SignedDocument>;
}
