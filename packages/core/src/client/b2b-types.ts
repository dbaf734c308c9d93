/** What the B2B client takes and gives: its options, the inputs of the four calls and their outcomes. */
import type { Dispatcher } from 'undici';
import type { ItsmeEnvironment, Language } from '../wire/constants.js';
import type { ClientCredentials, RetryOptions } from './transport.js';

export interface B2BClientOptions {
  /** `'production'`, `'test'`, or any `https:` base URL (e.g. the sandbox's `b2bUrl`). */
  baseUrl: ItsmeEnvironment | (string & {});
  /** Your partner code and service code from the itsme® onboarding. */
  partnerCode: string;
  serviceCode: string;
  /** The client certificate registered at itsme® (mutual TLS). */
  credentials?: ClientCredentials;
  /** CA bundle the server certificate must chain to (PEM). Default: Node's roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Send the optional `X-Partner-Code` header. Default false. */
  sendPartnerCodeHeader?: boolean;
  /** Per-call timeout (ms). Default `DEFAULTS.timeoutMs`. */
  timeoutMs?: number;
  /** Retries of the calls that are safe to repeat (the two status calls, discovery). */
  retry?: RetryOptions;
  /** A custom undici dispatcher (it must do mutual TLS itself); credentials are then optional. */
  dispatcher?: Dispatcher;
}

export interface CallContext {
  signal?: AbortSignal;
}

export interface StartIdentificationInput {
  lang: Language | (string & {});
  redirectUrl: string;
  /** Known user (skips the phone-number page). */
  userCode?: string;
}

export interface IdentificationStarted {
  asyncRespID: string;
  identificationUrl: string;
}

export type IdentificationStatus =
  | { state: 'pending' }
  | { state: 'identified'; userCode: string; certificate: string; certificateChain: string[] }
  | { state: 'rejected'; reason: string }
  | { state: 'expired'; reason: string };

/** A text in each of the four languages, or one text used for all. */
export type LocalizedText = string | Partial<Record<Language, string>>;

/** One document of a sign request: one `docHash` entry. */
export interface DocumentHash {
  /** `docHash[].id`, echoed back as `whichDoc`; unique within the request. */
  id: string;
  /** Standard base64 SHA-256 (32 bytes) of the data to be signed. */
  digest: string;
}

export interface StartSigningInput {
  userCode: string;
  /**
   * The documents, one `docHash` entry each (at most `LIMITS.batchDocuments`; more than one needs the
   * batch-signing contract option, else itsme® answers `ONLY_SINGLE_HASH_SUPPORTED` → BATCH_NOT_ALLOWED).
   */
  documents: readonly DocumentHash[];
  lang: Language | (string & {});
  redirectUrl: string;
  /** Signature policy reference (an OID from discovery); default: the generic qualified policy. */
  signPolicyRef: string;
  commitmentTypeRef?: string;
  signerRole?: LocalizedText;
  description?: LocalizedText;
}

export interface SigningStarted {
  respID: string;
  signingUrl: string;
  userCode?: string;
}

/** A raw signature value (standard base64) and the `docHash[].id` it is for. */
export interface SignatureValue {
  whichDoc: string;
  signatureValue: string;
}

export type SigningStatus =
  | { state: 'pending' }
  /** One signature per `sigObj` entry, in itsme®'s order: match them by `whichDoc`, never by position. */
  | { state: 'signed'; signatures: SignatureValue[] }
  | { state: 'rejected'; reason: string }
  | { state: 'expired'; reason: string };
