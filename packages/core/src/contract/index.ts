/**
 * The JSON contract between the web handler (`createItsmeSignHandler`) and a browser.
 * Browser-safe: depends on zod only. `@itsme-sign/angular` imports its types from here.
 *
 * Routes, relative to the handler's mount path:
 *   POST   /sessions        StartSessionBody → SessionView (201), sets the session cookie
 *   GET    /session         → SessionView; `?wait=<s>&version=<n>` long-polls until the version changes
 *   GET    /callback        itsme® redirects the user here (identification and signing); → 303 to the app page
 *   GET    /session/go      `?target=signing`: records that the user is sent to itsme® to sign; → 303 there
 *   GET    /session/result  → the signed document (document mode) or SignatureResult (hash mode);
 *                            `?document=<id>` names one document of a batch (a hash-mode batch without it
 *                            → BatchSignatureResult)
 *   GET    /session/result.zip → every signed document in one zip archive (document mode)
 *   DELETE /session         → SessionView (cancelled)
 * Errors: ErrorBody with the HTTP status of the error code.
 */
import { z } from 'zod';
import {
  LANGUAGES,
  type Language,
  LIMITS,
  REDIRECT_TARGETS,
  SESSION_MODES,
  SESSION_STATUSES,
  type SessionStatus,
  SIGNING_STEPS,
} from './constants.js';

export * from './constants.js';

/** @deprecated Use `LANGUAGES` (the same list). */
export const LANGUAGE_CODES = LANGUAGES;
/** @deprecated Use `Language`. */
export type LanguageCode = Language;

const digestSchema = z.string().min(1).max(100);
const documentIdSchema = z.string().min(1).max(200);
const documentNameSchema = z.string().min(1).max(200);
/**
 * A batch: at least one; the most a session may sign (`maxDocuments`, ≤ MAX_DOCUMENTS) is the server's to say
 * (BATCH_NOT_ALLOWED / BATCH_TOO_LARGE), so the length is bounded here only by the body's size.
 */
const batch = <T extends z.ZodType>(item: T) => z.array(item).min(1);

export const startSessionBodySchema = z
  .object({
    /** Hash mode: SHA-256 of the data to be signed, as base64, base64url or hex. */
    digest: digestSchema.optional(),
    /** Hash mode, several documents signed with one approval (batch signing). */
    digests: batch(digestSchema).optional(),
    /** Document mode: the app's reference of the document (resolved by the `resolveDocument` hook). */
    documentId: documentIdSchema.optional(),
    /** Document mode, several documents signed with one approval (batch signing). */
    documentIds: batch(documentIdSchema).optional(),
    documentName: documentNameSchema.optional(),
    /** Names of the documents of a batch, in the same order (document mode: default the app's file names). */
    documentNames: batch(documentNameSchema).optional(),
    lang: z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(z.enum(LANGUAGES))
      .optional(),
    signerRole: z.string().min(1).max(LIMITS.signerRole).optional(),
    description: z.string().min(1).max(LIMITS.description).optional(),
  })
  .strict()
  .refine(
    (b) => [b.digest, b.digests, b.documentId, b.documentIds].filter((v) => v !== undefined).length === 1,
    { message: 'give exactly one of digest, digests, documentId or documentIds', path: ['digest'] },
  )
  .refine(
    (b) => b.documentNames === undefined || b.documentNames.length === (b.digests ?? b.documentIds)?.length,
    {
      message: 'documentNames goes with digests or documentIds, one name per document',
      path: ['documentNames'],
    },
  );
export type StartSessionBody = z.input<typeof startSessionBodySchema>;

export const sessionStatusSchema = z.enum(SESSION_STATUSES);
/** The same as `SessionStatus`. */
export type SessionStatusName = SessionStatus;

export const nextActionSchema = z.discriminatedUnion('action', [
  /**
   * Send the browser to itsme® now: through `via` when given (a path of this handler that records that the
   * user was sent, then redirects to `url`), else to `url` itself.
   */
  z.object({
    action: z.literal('redirect'),
    url: z.string(),
    target: z.enum(REDIRECT_TARGETS),
    via: z.string().optional(),
  }),
  /** Nothing to do: keep following the session. */
  z.object({ action: z.literal('wait') }),
  /**
   * Signed: the result is at `resultUrl` (a batch: every document in one archive, or the hash-mode JSON of
   * all signatures); each document's own is at `documents[].resultUrl`.
   */
  z.object({ action: z.literal('done'), resultUrl: z.string() }),
  /** The session ended without a signature: offer to start again. */
  z.object({ action: z.literal('restart') }),
]);
export type NextAction = z.infer<typeof nextActionSchema>;

export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  category: z.string().optional(),
  retryable: z.boolean().optional(),
  reason: z.string().optional(),
  field: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const sessionViewSchema = z.object({
  id: z.string(),
  status: sessionStatusSchema,
  step: z.enum(SIGNING_STEPS),
  version: z.number().int(),
  lang: z.enum(LANGUAGES),
  mode: z.enum(SESSION_MODES),
  /** The name of the first document (kept for single-document pages; see `documents`). */
  documentName: z.string().optional(),
  /** The documents of the session, in order; one unless batch signing. */
  documents: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional(),
      /** Once signed: where this document's result is. */
      resultUrl: z.string().optional(),
    }),
  ),
  next: nextActionSchema,
  /** Why the session ended, for rejected/expired/failed/cancelled. */
  error: errorInfoSchema.optional(),
  /** The signer, once identified. */
  signer: z.object({ name: z.string().optional(), userCode: z.string() }).optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

/** `GET /session/result` in hash mode. */
export const signatureResultSchema = z.object({
  signatureValue: z.string(),
  digest: z.string(),
  certificate: z.string(),
  certificateChain: z.array(z.string()),
});
export type SignatureResult = z.infer<typeof signatureResultSchema>;

/** `GET /session/result` of a hash-mode batch (no `document` named): every signature, in order. */
export const batchSignatureResultSchema = z.object({
  signatures: z.array(
    z.object({ id: z.string(), name: z.string().optional(), signatureValue: z.string(), digest: z.string() }),
  ),
  certificate: z.string(),
  certificateChain: z.array(z.string()),
});
export type BatchSignatureResult = z.infer<typeof batchSignatureResultSchema>;

export const errorBodySchema = z.object({ error: errorInfoSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;
