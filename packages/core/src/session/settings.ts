/**
 * The orchestrator's settings: what an app may set, and the same with every default filled in from
 * `DEFAULTS` (frozen once, at construction).
 */
import { DEFAULTS } from '../config.js';
import { ItsmeSignError } from '../errors.js';
import { type Language, LIMITS } from '../wire/constants.js';
import type { DocumentHooks } from './document-mode.js';
import type { SignatureRecord } from './evidence.js';
import type { SigningSession } from './state.js';
import type { OrchestratorEvent } from './telemetry.js';

/** How the orchestrator behaves; every default is in `DEFAULTS`. */
export interface OrchestratorSettings {
  /** The redirect URL registered at itsme® for this service (the handler's callback route). */
  redirectUrl: string;
  /** Signature policy reference (discovery `ref`/`oid`). Default `DEFAULTS.signPolicyRef`. */
  signPolicyRef?: string;
  commitmentTypeRef?: string;
  /** Document mode. Without it only hash mode is available. */
  documents?: DocumentHooks;
  /** Default `DEFAULTS.lang`. */
  defaultLang?: Language;
  /** Default `DEFAULTS.sessionTtlMs`. */
  sessionTtlMs?: number;
  /** Default `DEFAULTS.finishedTtlMs`. */
  finishedTtlMs?: number;
  /** Default `DEFAULTS.pollIntervalMs`. */
  pollIntervalMs?: number;
  /** Default `DEFAULTS.maxConsecutiveFailures`. */
  maxConsecutiveFailures?: number;
  /**
   * How many documents one session may sign with one approval: what your itsme® contract allows (batch
   * signing is a contract option). 1 to `LIMITS.batchDocuments` (70). Default `DEFAULTS.maxDocuments` (1).
   */
  maxDocuments?: number;
  /** Upstream status calls per second for this instance, all sessions together. Default `DEFAULTS.maxStatusCallsPerSecond`. */
  maxStatusCallsPerSecond?: number;
  /** Default `DEFAULTS.useDiscovery`. */
  useDiscovery?: boolean;
  /** Default `DEFAULTS.discoveryTtlMs`. */
  discoveryTtlMs?: number;
  /** Default `DEFAULTS.verifySignatures`. */
  verifySignatures?: boolean;
  onEvent?: (event: OrchestratorEvent) => void;
  /**
   * Called once per signed session, by the instance that recorded the signature, with its evidence record
   * (persist it: the session is deleted `finishedTtlMs` after it ends). At most once: a crash between the
   * signature and the hook loses the call, so `signatureRecord(session)` rebuilds it while the session exists.
   * Its failure is reported as an `onSigned.failed` event and never changes the session.
   */
  onSigned?: (record: SignatureRecord, session: SigningSession) => void | Promise<void>;
  /** Default `DEFAULTS.completeInBackground`. */
  completeInBackground?: boolean;
  /**
   * Checks the identified signer's certificate chain (PEM, leaf first) at the signing time before anything is
   * prepared or sent to sign, in both modes: throw an `ItsmeSignError` (e.g. `CERTIFICATE_REVOKED`,
   * `CERTIFICATE_UNTRUSTED`, `REVOCATION_UNAVAILABLE`) to end the session with it. `createCertificateCheck()`
   * of `@itsme-sign/ades` validates the chain against trust anchors and checks revocation (OCSP, then CRL).
   * Without it hash mode trusts the certificate itsme® returned (it still verifies each signature value
   * against it); document mode's signer checks it itself.
   */
  certificateCheck?: (certificateChain: readonly string[], at: Date) => Promise<void>;
  /** Clock (ms), for tests. */
  now?: () => number;
}

/** The names of every orchestrator setting (a handler given a ready orchestrator refuses them). */
export const ORCHESTRATOR_SETTING_KEYS = [
  'redirectUrl',
  'signPolicyRef',
  'commitmentTypeRef',
  'documents',
  'defaultLang',
  'sessionTtlMs',
  'finishedTtlMs',
  'pollIntervalMs',
  'maxConsecutiveFailures',
  'maxDocuments',
  'maxStatusCallsPerSecond',
  'useDiscovery',
  'discoveryTtlMs',
  'verifySignatures',
  'onEvent',
  'onSigned',
  'completeInBackground',
  'certificateCheck',
  'now',
] as const satisfies readonly (keyof OrchestratorSettings)[];

export type ResolvedSettings = Readonly<
  Required<
    Omit<
      OrchestratorSettings,
      'commitmentTypeRef' | 'documents' | 'onEvent' | 'onSigned' | 'certificateCheck'
    >
  > &
    Pick<OrchestratorSettings, 'commitmentTypeRef' | 'certificateCheck'>
>;

export function resolveSettings(s: OrchestratorSettings): ResolvedSettings {
  if (!s.redirectUrl || !URL.canParse(s.redirectUrl)) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: 'redirectUrl must be an absolute URL.',
      field: 'redirectUrl',
    });
  }
  const maxDocuments = s.maxDocuments ?? DEFAULTS.maxDocuments;
  if (!Number.isInteger(maxDocuments) || maxDocuments < 1 || maxDocuments > LIMITS.batchDocuments) {
    throw new ItsmeSignError('INVALID_CONFIG', {
      message: `maxDocuments must be an integer from 1 to ${LIMITS.batchDocuments} (what the itsme® contract allows).`,
      field: 'maxDocuments',
    });
  }
  return Object.freeze({
    redirectUrl: s.redirectUrl,
    maxDocuments,
    maxStatusCallsPerSecond: Math.max(1, s.maxStatusCallsPerSecond ?? DEFAULTS.maxStatusCallsPerSecond),
    signPolicyRef: s.signPolicyRef ?? DEFAULTS.signPolicyRef,
    commitmentTypeRef: s.commitmentTypeRef,
    defaultLang: s.defaultLang ?? DEFAULTS.lang,
    sessionTtlMs: s.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    finishedTtlMs: s.finishedTtlMs ?? DEFAULTS.finishedTtlMs,
    pollIntervalMs: s.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    maxConsecutiveFailures: Math.max(1, s.maxConsecutiveFailures ?? DEFAULTS.maxConsecutiveFailures),
    useDiscovery: s.useDiscovery ?? DEFAULTS.useDiscovery,
    discoveryTtlMs: s.discoveryTtlMs || DEFAULTS.discoveryTtlMs,
    verifySignatures: s.verifySignatures ?? DEFAULTS.verifySignatures,
    completeInBackground: s.completeInBackground ?? DEFAULTS.completeInBackground,
    ...(s.certificateCheck ? { certificateCheck: s.certificateCheck } : {}),
    now: s.now ?? Date.now,
  });
}
