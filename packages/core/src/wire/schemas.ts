/**
 * zod schemas of every message of the itsme® Sign B2B API (swagger `qesB2B.json`).
 *
 * Requests are strict: every limit of the protocol is enforced before anything leaves the process.
 * Responses are tolerant where the running service is known to differ from its documentation
 * (`asyncRespId`/`asyncRespID`, optional `min`/`msg`, `whichDoc`/`whichdoc`); unknown fields are ignored.
 *
 * The client validates the common well-formed messages with the plain checks of `well-formed.ts` first (the
 * same outputs, a fraction of the cost) and runs these schemas when a check is not sure: keep both in step.
 */
import { z } from 'zod';
import { LANGUAGES, LIMITS, SHA256_ALGORITHM_URI } from './constants.js';
import {
  BASE64,
  certificateChainOf,
  LATIN1_PRINTABLE,
  normalizeBase64,
  signResponseOutput,
  splitPemCertificates,
} from './well-formed.js';

export { normalizeBase64, splitPemCertificates } from './well-formed.js';

// ---------------------------------------------------------------------------------------------------------
// Field rules
// ---------------------------------------------------------------------------------------------------------

export const languageSchema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .pipe(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` }));

export const partnerCodeSchema = z.string().min(1).max(LIMITS.partnerCode);
export const serviceCodeSchema = z.string().min(1).max(LIMITS.serviceCode);
export const userCodeSchema = z.string().length(LIMITS.userCode);
export const asyncRespIdSchema = z.string().min(1).max(LIMITS.asyncRespID);
export const redirectUrlSchema = z
  .string()
  .min(1)
  .max(LIMITS.redirectUrl)
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an absolute http(s) URL');

/** Standard padded base64 of exactly 32 bytes (a SHA-256 digest). */
export const sha256Base64Schema = z
  .string()
  .regex(BASE64, 'must be standard padded base64')
  .refine((v) => Buffer.from(v, 'base64').length === LIMITS.digestBytes, 'must decode to exactly 32 bytes');

export const latin1TextSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, `must be at most ${max} characters`)
    .regex(LATIN1_PRINTABLE, 'must contain only ISO-8859-1 characters');

export const localizedLabelSchema = (max: number) =>
  z.object({ lang: languageSchema, value: latin1TextSchema(max) }).strict();
export type LocalizedLabel = { lang: string; value: string };

// ---------------------------------------------------------------------------------------------------------
// Identification
// ---------------------------------------------------------------------------------------------------------

export const identificationRequestSchema = z
  .object({
    userCode: userCodeSchema.optional(),
    partnerCode: partnerCodeSchema,
    serviceCode: serviceCodeSchema,
    lang: languageSchema,
    redirectUrl: redirectUrlSchema,
  })
  .strict();
export type IdentificationRequest = z.output<typeof identificationRequestSchema>;

/** `POST /user_identification` 200. Accepts `asyncRespId` (documented) and `asyncRespID` (seen live). */
export const identificationResponseSchema = z
  .object({
    status: z.string(),
    statusReason: z.string().optional(),
    asyncRespId: z.string().min(1).optional(),
    asyncRespID: z.string().min(1).optional(),
    identificationUrl: z.url({ protocol: /^https?$/ }),
  })
  .refine((v) => v.asyncRespId ?? v.asyncRespID, {
    message: 'asyncRespId is required',
    path: ['asyncRespId'],
  })
  .transform((v) => ({
    status: v.status,
    statusReason: v.statusReason,
    asyncRespID: (v.asyncRespID ?? v.asyncRespId) as string,
    identificationUrl: v.identificationUrl,
  }));
export type IdentificationResponse = z.output<typeof identificationResponseSchema>;

export const identificationStatusRequestSchema = z
  .object({
    partnerCode: partnerCodeSchema,
    serviceCode: serviceCodeSchema,
    asyncRespID: asyncRespIdSchema,
  })
  .strict();
export type IdentificationStatusRequest = z.output<typeof identificationStatusRequestSchema>;

const pemCertificateSchema = z
  .string()
  .refine((v) => splitPemCertificates(v).length > 0, 'must contain a PEM certificate');

/** `POST /user_identification/status` 200: the user's certificate and, in newer versions, the whole chain. */
export const identificationStatusResponseSchema = z
  .object({
    status: z.string(),
    statusReason: z.string().optional(),
    userCode: z.string().min(1),
    certificate: pemCertificateSchema,
    fullCertificateChain: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .transform((v) => {
    const certificate = splitPemCertificates(v.certificate)[0] as string;
    return {
      status: v.status,
      statusReason: v.statusReason,
      userCode: v.userCode,
      certificate,
      /** Leaf first (whatever order the service used); the leaf alone when it sent no chain. */
      certificateChain: certificateChainOf(certificate, v.fullCertificateChain),
    };
  });
export type IdentificationStatusResponse = z.output<typeof identificationStatusResponseSchema>;

/** The body of a 400/409/500 of the identification endpoints. A 409 may come with an empty body. */
export const identificationErrorSchema = z.object({
  status: z.string(),
  statusReason: z.string().optional(),
});
export type IdentificationError = z.output<typeof identificationErrorSchema>;

// ---------------------------------------------------------------------------------------------------------
// Signing (OASIS DSS)
// ---------------------------------------------------------------------------------------------------------

export const digestInfoSchema = z
  .object({
    alg: z.literal(SHA256_ALGORITHM_URI, { error: `only ${SHA256_ALGORITHM_URI} is supported` }),
    value: sha256Base64Schema,
  })
  .strict();

export const documentHashSchema = z
  .object({
    id: z.string().min(1).max(LIMITS.docId),
    di: z.array(digestInfoSchema).length(1, 'exactly one digest per document hash'),
  })
  .strict();

export const signPolicySchema = z
  .object({
    signPolicyRef: z.string().min(1),
    commitmentTypeRef: z.string().min(1).optional(),
    signerRole: z.array(localizedLabelSchema(LIMITS.signerRole)).min(1).optional(),
  })
  .strict();
export type SignPolicy = z.output<typeof signPolicySchema>;

export const signStartRequestSchema = z
  .object({
    inDocs: z
      .object({
        docHash: z
          .array(documentHashSchema)
          .min(1, 'one hash is required')
          .max(LIMITS.batchDocuments, `at most ${LIMITS.batchDocuments} hashes per request`)
          .refine(
            (docs) => new Set(docs.map((d) => d.id)).size === docs.length,
            'docHash ids must be unique',
          ),
      })
      .strict(),
    reqID: z.string().min(1).max(LIMITS.reqID),
    asyncRespID: z.null(),
    optInp: z
      .object({
        lang: languageSchema,
        itsme: z
          .object({
            signer: z.object({ userCode: userCodeSchema }).strict(),
            partnerCode: partnerCodeSchema,
            serviceCode: serviceCodeSchema,
            description: z.array(localizedLabelSchema(LIMITS.description)).min(1).optional(),
            redirectUrl: redirectUrlSchema,
            signPolicy: signPolicySchema,
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
export type SignStartRequest = z.output<typeof signStartRequestSchema>;

/** The sign *status* request: its own shape (no signer, redirectUrl or signPolicy), `inDocs: null`. */
export const signStatusRequestSchema = z
  .object({
    inDocs: z.null(),
    reqID: z.string().min(1).max(LIMITS.reqID),
    asyncRespID: asyncRespIdSchema,
    optInp: z
      .object({
        itsme: z.object({ partnerCode: partnerCodeSchema, serviceCode: serviceCodeSchema }).strict(),
      })
      .strict(),
  })
  .strict();
export type SignStatusRequest = z.output<typeof signStatusRequestSchema>;

const internationalStringSchema = z.union([
  z.string(),
  z.object({ lang: z.string().optional(), value: z.string().optional() }).loose(),
]);

export const dssResultSchema = z.object({
  maj: z.string().min(1),
  min: z.string().nullish(),
  msg: internationalStringSchema.nullish(),
});

const signatureValueSchema = z.string().transform((v, ctx) => {
  const normalized = normalizeBase64(v);
  if (normalized === undefined || normalized.length < 4) {
    ctx.addIssue({ code: 'custom', message: 'must be base64' });
    return z.NEVER;
  }
  return normalized;
});

const signatureObjectSchema = z
  .object({
    b64Sig: z.object({ value: signatureValueSchema }),
    whichDoc: z.string().optional(),
    whichdoc: z.string().optional(),
  })
  .refine((v) => v.whichDoc ?? v.whichdoc, { message: 'whichDoc is required', path: ['whichDoc'] })
  .transform((v) => ({ value: v.b64Sig.value, whichDoc: (v.whichDoc ?? v.whichdoc) as string }));

/** `POST /sign_document` (start and status): 200, 400 and 409 all carry this body. */
export const signResponseSchema = z
  .object({
    result: dssResultSchema,
    reqID: z.string().nullish(),
    respID: z.string().nullish(),
    optOutp: z
      .object({
        itsme: z
          .object({
            signingUrl: z.url({ protocol: /^https?$/ }).nullish(),
            userCode: z.string().nullish(),
          })
          .nullish(),
      })
      .nullish(),
    sigObj: z.array(signatureObjectSchema).max(LIMITS.batchDocuments).nullish(),
  })
  .transform(signResponseOutput);
export type SignResponse = z.output<typeof signResponseSchema>;

export const verifyRequestSchema = z
  .object({
    inDocs: z.object({ docHash: z.array(documentHashSchema).min(1) }).optional(),
    reqID: z.string().optional(),
    optInp: z
      .object({
        profile: z.array(z.string()).optional(),
        policy: z.array(z.string()).optional(),
        lang: z.string().optional(),
        itsme: z.object({ partnerCode: z.string().optional(), serviceCode: z.string().optional() }),
      })
      .optional(),
    sigObject: z.object({ b64Sig: z.object({ value: z.string() }), whichDoc: z.string() }).optional(),
  })
  .loose();

// ---------------------------------------------------------------------------------------------------------
// Discovery (`/.well-known/configuration`)
// ---------------------------------------------------------------------------------------------------------

export const signPolicyTemplateSchema = z.object({
  oid: z.string().min(1),
  ref: z.string().min(1),
  url: z.string(),
  status: z.string(),
  sigDigest: z.string().regex(/^[0-9a-fA-F]+$/, 'must be hex'),
  sigDigestAlg: z.string(),
  text: z.record(z.string(), z.string()),
});
export type SignPolicyTemplate = z.output<typeof signPolicyTemplateSchema>;

export const commitmentTypeSchema = z.object({
  oid: z.string().min(1),
  ref: z.string().min(1),
  text: z.record(z.string(), z.string()),
});
export type CommitmentType = z.output<typeof commitmentTypeSchema>;

export const discoveryDocumentSchema = z.object({
  sign_policy_templates_supported: z.array(signPolicyTemplateSchema),
  commitment_types_supported: z.array(commitmentTypeSchema),
  sign_languages_supported: z.array(z.string()),
});
export type DiscoveryDocument = z.output<typeof discoveryDocumentSchema>;
