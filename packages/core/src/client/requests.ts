/**
 * The request bodies of the four B2B calls, built once in their final form.
 *
 * Each `…Body` checks the caller's input directly against the rules of its strict wire schema (`wire/schemas.ts`)
 * and returns exactly what the schema outputs for the object the client would otherwise build (`…Request`), or
 * `undefined` when it is not sure: then that object is built and the schema decides, with its error and field.
 * No object is built to be walked and copied again; the partner and service codes are checked once per client
 * (`clientCodes`). `requests.test.ts` holds every builder to its schema with generated and mutated inputs.
 * `bodyOf` is what the client calls: the direct body, else the schema's output of the object (or its error).
 */
import { LANGUAGES, type Language, LIMITS, SHA256_ALGORITHM_URI } from '../wire/constants.js';
import {
  type IdentificationRequest,
  type IdentificationStatusRequest,
  identificationRequestSchema,
  identificationStatusRequestSchema,
  type SignPolicy,
  type SignStartRequest,
  type SignStatusRequest,
  signStartRequestSchema,
  signStatusRequestSchema,
} from '../wire/schemas.js';
import { isRedirectUrl, LATIN1_PRINTABLE } from '../wire/well-formed.js';
import type {
  DocumentHash,
  LocalizedText,
  StartIdentificationInput,
  StartSigningInput,
} from './b2b-types.js';
import { strict } from './validate.js';

/** The client's partner and service codes. */
export interface Codes {
  partnerCode: string;
  serviceCode: string;
}
/** The codes of a client, and whether they pass their schemas (then the bodies are built directly). */
export interface ClientCodes extends Codes {
  readonly direct: boolean;
}

type Label = { lang: Language; value: string };

// ---------------------------------------------------------------------------------------------------------
// The objects the schemas parse (the path of anything a builder is not sure of)
// ---------------------------------------------------------------------------------------------------------

/** A text in the four languages (one text for all), as labels; `undefined` when there is none. */
export function labels(text: LocalizedText | undefined): Label[] | undefined {
  if (text === undefined) return undefined;
  if (typeof text === 'string') return LANGUAGES.map((lang) => ({ lang, value: text }));
  const out = LANGUAGES.filter((l) => text[l]).map((lang) => ({ lang, value: text[lang] as string }));
  return out.length > 0 ? out : undefined;
}

export const identificationRequest = (c: Codes, input: StartIdentificationInput) => ({
  partnerCode: c.partnerCode,
  serviceCode: c.serviceCode,
  lang: input.lang,
  redirectUrl: input.redirectUrl,
  ...(input.userCode ? { userCode: input.userCode } : {}),
});

export const identificationStatusRequest = (c: Codes, asyncRespID: string) => ({
  partnerCode: c.partnerCode,
  serviceCode: c.serviceCode,
  asyncRespID,
});

export function signStartRequest(c: Codes, input: StartSigningInput, reqID: string) {
  const signerRole = labels(input.signerRole);
  const description = labels(input.description);
  return {
    inDocs: {
      docHash: input.documents.map((d) => ({
        id: d.id,
        di: [{ alg: SHA256_ALGORITHM_URI, value: d.digest }],
      })),
    },
    reqID,
    asyncRespID: null,
    optInp: {
      lang: input.lang,
      itsme: {
        signer: { userCode: input.userCode },
        partnerCode: c.partnerCode,
        serviceCode: c.serviceCode,
        ...(description ? { description } : {}),
        redirectUrl: input.redirectUrl,
        signPolicy: {
          signPolicyRef: input.signPolicyRef,
          ...(input.commitmentTypeRef ? { commitmentTypeRef: input.commitmentTypeRef } : {}),
          ...(signerRole ? { signerRole } : {}),
        },
      },
    },
  };
}

export const signStatusRequest = (c: Codes, respID: string, reqID: string) => ({
  inDocs: null,
  reqID,
  asyncRespID: respID,
  optInp: { itsme: { partnerCode: c.partnerCode, serviceCode: c.serviceCode } },
});

// ---------------------------------------------------------------------------------------------------------
// Field rules, checked directly
// ---------------------------------------------------------------------------------------------------------

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v !== '' && v.length <= max;

/** `partnerCodeSchema` and `serviceCodeSchema` (checked once, when the client is created). */
export const codesOk = (c: Codes): boolean =>
  text(c.partnerCode, LIMITS.partnerCode) && text(c.serviceCode, LIMITS.serviceCode);

export const clientCodes = (partnerCode: string, serviceCode: string): ClientCodes => {
  const codes = { partnerCode, serviceCode };
  return Object.freeze({ ...codes, direct: codesOk(codes) });
};

/** `languageSchema`'s output, or `undefined` for a value it refuses. */
function language(v: unknown): Language | undefined {
  if (typeof v !== 'string') return undefined;
  const lang = (LANGUAGES as readonly string[]).includes(v) ? v : v.trim().toUpperCase();
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : undefined;
}

const userCode = (v: unknown): v is string => typeof v === 'string' && v.length === LIMITS.userCode;

/** `sha256Base64Schema`: 43 standard base64 characters and one `=` are exactly the padded base64 of 32 bytes. */
const SHA256_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

/** `docHash` of the documents (ids unique), or `undefined`. */
function docHashes(docs: readonly DocumentHash[]): SignStartRequest['inDocs']['docHash'] | undefined {
  if (!Array.isArray(docs) || docs.length < 1 || docs.length > LIMITS.batchDocuments) return undefined;
  const out: SignStartRequest['inDocs']['docHash'] = [];
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i];
    if (typeof d !== 'object' || d === null) return undefined;
    const { id, digest } = d;
    if (!text(id, LIMITS.docId) || typeof digest !== 'string' || !SHA256_BASE64.test(digest))
      return undefined;
    for (let j = 0; j < i; j++) if ((out[j] as { id: string }).id === id) return undefined;
    out.push({ id, di: [{ alg: SHA256_ALGORITHM_URI, value: digest }] });
  }
  return out;
}

/** The labels of a text (`undefined` for none), or `null` when one would be refused. */
function checkedLabels(v: LocalizedText | undefined, max: number): Label[] | undefined | null {
  const out = labels(v);
  if (out === undefined) return undefined;
  for (const { value } of out) if (!text(value, max) || !LATIN1_PRINTABLE.test(value)) return null;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The bodies (only for codes that passed `codesOk`)
// ---------------------------------------------------------------------------------------------------------

export function identificationBody(
  c: Codes,
  input: StartIdentificationInput,
): IdentificationRequest | undefined {
  const lang = language(input.lang);
  const { redirectUrl, userCode: code } = input;
  if (lang === undefined || !isRedirectUrl(redirectUrl)) return undefined;
  const { partnerCode, serviceCode } = c;
  if (!code) return { partnerCode, serviceCode, lang, redirectUrl };
  return userCode(code) ? { userCode: code, partnerCode, serviceCode, lang, redirectUrl } : undefined;
}

export const identificationStatusBody = (
  c: Codes,
  asyncRespID: string,
): IdentificationStatusRequest | undefined =>
  text(asyncRespID, LIMITS.asyncRespID)
    ? { partnerCode: c.partnerCode, serviceCode: c.serviceCode, asyncRespID }
    : undefined;

export function signStartBody(
  c: Codes,
  input: StartSigningInput,
  reqID: string,
): SignStartRequest | undefined {
  const { signPolicyRef, commitmentTypeRef, redirectUrl } = input;
  const lang = language(input.lang);
  if (lang === undefined || !isRedirectUrl(redirectUrl) || !text(reqID, LIMITS.reqID)) return undefined;
  if (!userCode(input.userCode) || !text(signPolicyRef, Number.POSITIVE_INFINITY)) return undefined;
  if (commitmentTypeRef && typeof commitmentTypeRef !== 'string') return undefined;
  const docHash = docHashes(input.documents);
  const signerRole = checkedLabels(input.signerRole, LIMITS.signerRole);
  const description = checkedLabels(input.description, LIMITS.description);
  if (docHash === undefined || signerRole === null || description === null) return undefined;
  const signPolicy: SignPolicy = { signPolicyRef };
  if (commitmentTypeRef) signPolicy.commitmentTypeRef = commitmentTypeRef;
  if (signerRole) signPolicy.signerRole = signerRole;
  const signer = { userCode: input.userCode };
  const { partnerCode, serviceCode } = c;
  return {
    inDocs: { docHash },
    reqID,
    asyncRespID: null,
    optInp: {
      lang,
      itsme: description
        ? { signer, partnerCode, serviceCode, description, redirectUrl, signPolicy }
        : { signer, partnerCode, serviceCode, redirectUrl, signPolicy },
    },
  };
}

export const signStatusBody = (c: Codes, respID: string, reqID: string): SignStatusRequest | undefined =>
  text(respID, LIMITS.asyncRespID) && text(reqID, LIMITS.reqID)
    ? {
        inDocs: null,
        reqID,
        asyncRespID: respID,
        optInp: { itsme: { partnerCode: c.partnerCode, serviceCode: c.serviceCode } },
      }
    : undefined;

// ---------------------------------------------------------------------------------------------------------
// What the client sends
// ---------------------------------------------------------------------------------------------------------

export const bodyOf = {
  identification: (c: ClientCodes, input: StartIdentificationInput): IdentificationRequest =>
    (c.direct && identificationBody(c, input)) ||
    strict(identificationRequestSchema, identificationRequest(c, input), 'identification request'),
  identificationStatus: (c: ClientCodes, id: string): IdentificationStatusRequest =>
    (c.direct && identificationStatusBody(c, id)) ||
    strict(
      identificationStatusRequestSchema,
      identificationStatusRequest(c, id),
      'identification status request',
    ),
  signStart: (c: ClientCodes, input: StartSigningInput, reqID: string): SignStartRequest =>
    (c.direct && signStartBody(c, input, reqID)) ||
    strict(signStartRequestSchema, signStartRequest(c, input, reqID), 'sign request'),
  signStatus: (c: ClientCodes, respID: string, reqID: string): SignStatusRequest =>
    (c.direct && signStatusBody(c, respID, reqID)) ||
    strict(signStatusRequestSchema, signStatusRequest(c, respID, reqID), 'sign status request'),
};
