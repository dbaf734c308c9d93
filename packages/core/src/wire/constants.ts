/** Every fixed value of the itsme® Sign B2B protocol, in one place. See `shared/itsme/PROTOCOL-NOTES.md`. */

/** The only digest algorithm the service accepts (SHA-256, XML Encryption identifier). */
export const SHA256_ALGORITHM_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** OASIS DSS `result.maj` values. */
export const ResultMajor = {
  Pending: 'urn:oasis:names:tc:dss:1.0:profiles:asynchronousprocessing:resultmajor:Pending',
  Success: 'urn:oasis:names:tc:dss:1.0:resultmajor:Success',
  RequesterError: 'urn:oasis:names:tc:dss:1.0:resultmajor:RequesterError',
  ResponderError: 'urn:oasis:names:tc:dss:1.0:resultmajor:ResponderError',
} as const;
export type ResultMajor = (typeof ResultMajor)[keyof typeof ResultMajor];

/** The languages of the itsme® user interface. Sent upper case, compared case-insensitively. */
export const LANGUAGES = ['EN', 'FR', 'NL', 'DE'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Length limits of the request fields (swagger `minLength`/`maxLength`, guide prose). */
export const LIMITS = {
  partnerCode: 10,
  serviceCode: 45,
  userCode: 36,
  redirectUrl: 255,
  asyncRespID: 255,
  reqID: 255,
  /** `inDocs.docHash[].id` (the `whichDoc` of the result). */
  docId: 255,
  lang: 8,
  signerRole: 50,
  /** The swagger says 50, the newer guide 255: we enforce the stricter one so a request is never refused. */
  description: 50,
  /** What the service itself accepts for `description` (the newer guide); the sandbox enforces this one. */
  serviceDescription: 255,
  /**
   * The most `docHash` entries (documents) one sign request may carry: batch signing is a contract option
   * ("up to 70 signatures within 1 itsme® action"); without it the contract allows 1
   * (`ONLY_SINGLE_HASH_SUPPORTED`). What an integration's contract allows is its `maxDocuments` setting.
   */
  batchDocuments: 70,
  digestBytes: 32,
} as const;

/** `result.min` tokens of `sign_document` (swagger + guide). */
export const SIGN_RESULT_MINORS = [
  'NO_HASH_PROVIDED',
  'ONLY_SINGLE_HASH_SUPPORTED',
  'NO_DIGEST_INFO_PROVIDED',
  'ONLY_SINGLE_DIGEST_INFO_SUPPORTED',
  'INVALID_DIGEST_INFO',
  'INCOMPLETE_REQUEST',
  'MISSING_PARTNER_CODE',
  'MISSING_SERVICE_CODE',
  'MISSING_ASYNC_RESP_ID',
  'INVALID_LANGUAGE',
  'INVALID_REQUESTOR',
  'INVALID_POLICY',
  'INVALID_POLICY_STATUS',
  'NOT_ALLOWED_TO_SIGN',
  'TECHNICAL_ERROR',
  'BATCH_TOO_LARGE',
  'REJECTED',
  'EXPIRED',
] as const;
export type SignResultMinor = (typeof SIGN_RESULT_MINORS)[number];

/** `statusReason` values of the identification endpoints (guide appendix + swagger). */
export const IDENTIFICATION_STATUS_REASONS = [
  'NO_REQUEST',
  'MISSING_PARTNER_CODE',
  'MISSING_SERVICE_CODE',
  'MISSING_ASYNC_RESP_ID',
  'INVALID_URL',
  'INVALID_REQUESTOR',
  'UNAUTHORIZED_URL',
  'INVALID_LANG',
  'SIGNATURE_NOT_ALLOWED',
  'UNEXPECTED_ERROR',
  'PENDING',
  'REJECTED',
  'EXPIRED',
  'ERROR',
  'TECHNICAL_ERROR',
  'UNKNOWN',
] as const;
export type IdentificationStatusReason = (typeof IDENTIFICATION_STATUS_REASONS)[number];

/**
 * Every reason token the service sends (`result.min`, `statusReason`); `codeForReason` maps each one to an
 * `ErrorCode`, checked by the compiler.
 */
export type ReasonToken = SignResultMinor | IdentificationStatusReason;

/** The B2B paths, relative to the base URL (which ends in `/qes-partners/1.0.0` for the real service). */
export const B2B_PATHS = {
  discovery: '/.well-known/configuration',
  identification: '/user_identification',
  identificationStatus: '/user_identification/status',
  sign: '/sign_document',
  verify: '/verify_document',
} as const;

/**
 * Named environments: none. itsme® communicates the B2B base URL at onboarding (`…/qes-partners/1.0.0`); no
 * public source names a test host, and the public production hosts differ by document (`b2b.sign.itsme.be` in
 * the 2019 guide, `b2b.itsme.be` in the 2022 swagger). The base URL is configuration: an `https:` URL.
 */
export const ITSME_ENVIRONMENTS: Readonly<Record<never, string>> = Object.freeze({});
export type ItsmeEnvironment = keyof typeof ITSME_ENVIRONMENTS;

/** The generic qualified signature policy of the discovery document. */
export const GENERIC_QUALIFIED_POLICY = '1.3.6.1.4.1.49274.1.1.7.1.0';
