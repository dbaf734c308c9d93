/** `DocumentSigner`s for core's document mode: PAdES for PDFs, CAdES (detached .p7s) for anything else. */
import type {
  DocumentSigner,
  DocumentSource,
  FinalizeContext,
  JsonValue,
  SignedDocument,
  SignerContext,
} from '@itsme-sign/core';
import { finalizeCades, prepareCades } from './cades.js';
import type { CertificateInput } from './certificates.js';
import { sha256Content } from './content.js';
import { fail } from './errors.js';
import { type PadesOptions, preparePades } from './pades.js';
import { finalizePades } from './pades-finalize.js';
import type { RevocationOptions } from './revocation.js';
import { hasTimestamp, type Level } from './state.js';
import type { TsaOptions } from './timestamp.js';

export interface AdesSignerOptions {
  /** CA certificates the signer's chain must lead to (PEM or DER); checked in prepare and finalize. */
  trustAnchors: CertificateInput[];
  /**
   * Default: `B-LT` when `tsaUrl` is given, else `B-B`. `B-T`, `B-LT` and `B-LTA` need `tsaUrl` and
   * `tsa.trustAnchors`; B-LT and B-LTA check revocation in `require` mode by default (see `revocation`). Why
   * B-LT: a B-T signature can no longer be validated once the signer's certificate has expired or its CA's
   * OCSP responder is gone; B-LT carries the proof of the certificate's status at signing time.
   */
  level?: Level;
  /** RFC 3161 time-stamping authority for B-T. */
  tsaUrl?: string;
  /** fetch used for the TSA (proxy, mutual TLS, tests). */
  tsaFetch?: typeof fetch;
  /** Further TSA settings (headers, trust anchors of the TSA certificate, timeout). */
  tsa?: Omit<TsaOptions, 'url' | 'fetch'>;
  /**
   * Revocation of the signer's chain, checked in prepare (before the user is asked) and again in finalize.
   * Default mode `require` at B-LT/B-LTA, `prefer` below.
   */
  revocation?: RevocationOptions;
  /** PAdES /Reason, /Location, /ContactInfo. */
  reason?: string;
  location?: string;
  contactInfo?: string;
  /**
   * Where and how a PAdES signature shows, for every document or chosen per document and session (e.g.
   * the field of this signer). Default: invisible. The appearance's language defaults to the session's.
   */
  pdfSignature?:
    | PdfSignatureChoice
    | ((
        document: DocumentSource,
        context: SignerContext,
      ) => PdfSignatureChoice | Promise<PdfSignatureChoice>);
}

/** The PAdES placement options of `preparePades`, for a `DocumentSigner`. */
export type PdfSignatureChoice = Pick<
  PadesOptions,
  'signatureField' | 'appearance' | 'certify' | 'lockFields'
>;

export function isPdf(document: Pick<DocumentSource, 'name' | 'contentType'>): boolean {
  return (
    document.contentType.toLowerCase().split(';')[0]!.trim() === 'application/pdf' ||
    /\.pdf$/i.test(document.name)
  );
}

function common(options: AdesSignerOptions) {
  const level = options.level ?? (options.tsaUrl ? 'B-LT' : 'B-B');
  if (hasTimestamp(level) && !options.tsaUrl)
    fail('INVALID_CONFIG', `Level ${level} needs tsaUrl.`, { field: 'tsaUrl' });
  if (options.tsaUrl && !options.tsa?.trustAnchors?.length) {
    fail('INVALID_CONFIG', 'A timestamp is only accepted from a trusted TSA: give tsa.trustAnchors.', {
      field: 'tsa.trustAnchors',
    });
  }
  const tsa: TsaOptions | undefined =
    options.tsaUrl && options.tsa
      ? { ...options.tsa, url: options.tsaUrl, ...(options.tsaFetch ? { fetch: options.tsaFetch } : {}) }
      : undefined;
  const revocation = options.revocation ? { revocation: options.revocation } : {};
  const finalizeOptions = { trustAnchors: options.trustAnchors, ...(tsa ? { tsa } : {}), ...revocation };
  const signatureOptions = (context: SignerContext) => ({
    certificateChain: context.certificateChain,
    signingTime: context.signingTime,
    level,
    trustAnchors: options.trustAnchors,
    ...revocation,
    ...(context.signaturePolicy ? { signaturePolicy: context.signaturePolicy } : {}),
    ...(context.commitmentTypeOid ? { commitmentTypeOid: context.commitmentTypeOid } : {}),
    ...(context.signerRole ? { signerRole: context.signerRole } : {}),
  });
  return { finalizeOptions, signatureOptions };
}

/** PAdES signer (B-B to B-LTA): the signed document is the PDF with the signature appended. */
export function createPadesSigner(options: AdesSignerOptions): DocumentSigner {
  const { finalizeOptions, signatureOptions } = common(options);
  const extras = {
    ...(options.reason ? { reason: options.reason } : {}),
    ...(options.location ? { location: options.location } : {}),
    ...(options.contactInfo ? { contactInfo: options.contactInfo } : {}),
  };
  return {
    accepts: isPdf,
    async prepare(document, context) {
      const choice =
        typeof options.pdfSignature === 'function'
          ? await options.pdfSignature(document, context)
          : (options.pdfSignature ?? {});
      const appearance =
        choice.appearance === false ? false : { lang: context.lang, ...(choice.appearance ?? {}) };
      const { digest, state } = await preparePades(document.data, {
        ...signatureOptions(context),
        ...extras,
        ...choice,
        appearance,
      });
      return { digest, state: withoutChain(state) };
    },
    async finalize(state, signatureValue, document, context): Promise<SignedDocument> {
      const full = withChain(state, context);
      const bytes = await finalizePades(document.data, full, signatureValue, finalizeOptions);
      return { name: document.name, contentType: 'application/pdf', bytes };
    },
  };
}

/** CAdES signer (B-B to B-LTA): the signed document is the detached signature `<name>.p7s`. */
export function createCadesSigner(options: AdesSignerOptions): DocumentSigner {
  const { finalizeOptions, signatureOptions } = common(options);
  return {
    accepts: () => true,
    async prepare(document, context) {
      const { digest, state } = await prepareCades(document.data, signatureOptions(context));
      return { digest, state: withoutChain(state) };
    },
    async finalize(state, signatureValue, document, context): Promise<SignedDocument> {
      // A detached signature over another file would be useless: check it is still the prepared one.
      const expected = (state as { contentDigest?: unknown } | null)?.contentDigest;
      if (typeof expected === 'string') {
        const actual = Buffer.from(await sha256Content(document.data)).toString('hex');
        if (actual !== expected) {
          fail('DOCUMENT_CHANGED', 'The document is not the one that was prepared (its digest differs).', {
            field: 'document',
          });
        }
      }
      const bytes = await finalizeCades(withChain(state, context), signatureValue, finalizeOptions);
      return { name: `${document.name}.p7s`, contentType: 'application/pkcs7-signature', bytes };
    },
  };
}

/**
 * The state a `DocumentSigner` hands to core, without the signer's certificates: core keeps them once per
 * session (`finalize`'s context gives them back), so a batch of 70 documents does not store 70 copies.
 */
function withoutChain(state: object): JsonValue {
  const { certificateChain: _chain, ...rest } = state as { certificateChain?: unknown };
  return rest as JsonValue;
}

/** The state with the signer's certificates: from the state itself (an earlier version's), else the context. */
function withChain(state: JsonValue, context: FinalizeContext | undefined): JsonValue {
  const fields = typeof state === 'object' && state !== null && !Array.isArray(state) ? state : undefined;
  if (!fields || Array.isArray(fields.certificateChain)) return state;
  if (!context) {
    fail(
      'INVALID_REQUEST',
      "finalize needs the signer's certificates: pass its context ({ certificateChain }).",
      {
        field: 'context.certificateChain',
      },
    );
  }
  return { ...fields, certificateChain: context.certificateChain };
}

/** PAdES for PDFs, CAdES for every other file (the choice is made again in finalize from the state). */
export function createAdesSigner(options: AdesSignerOptions): DocumentSigner {
  const pades = createPadesSigner(options);
  const cades = createCadesSigner(options);
  return {
    accepts: () => true,
    prepare: (document, context) => (isPdf(document) ? pades : cades).prepare(document, context),
    finalize: (state, signatureValue, document, context) => {
      const format =
        typeof state === 'object' && state !== null && !Array.isArray(state) ? state.format : undefined;
      return (format === 'PAdES' ? pades : cades).finalize(state, signatureValue, document, context);
    },
  };
}
