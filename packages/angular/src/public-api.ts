/*
 * Public API of @itsme-sign/angular.
 */
/**
 * The browser contract's types (what the handler's routes answer), re-exported so an app needs no import of
 * `@itsme-sign/core/contract` (not a dependency of the app under pnpm). Types only: nothing of core's server
 * side (undici, node:crypto, zod) reaches a browser bundle; at run time this package uses
 * `@itsme-sign/core/browser` and `@itsme-sign/core/contract/constants` alone.
 */
export type {
  BatchSignatureResult,
  ErrorBody,
  ErrorInfo,
  FinalStatus,
  Language,
  LanguageCode,
  NextAction,
  NextActionName,
  RedirectTarget,
  SessionMode,
  SessionStatus,
  SessionStatusName,
  SessionView,
  SignatureResult,
  SigningStep,
  StartSessionBody,
} from '@itsme-sign/core/contract';
export {
  exponentialBackoff,
  ITSME_SIGN_CONFIG,
  ITSME_SIGN_MESSAGES,
  ITSME_SIGN_RETRY_DELAY,
  type ItsmeSignConfig,
  type ItsmeSignFeature,
  type ItsmeSignFeatureKind,
  type MessageOverrides,
  provideItsmeSign,
  type ResolvedItsmeSignConfig,
  type RetryDelay,
  withItsmeSignMessages,
  withRetryDelay,
} from './lib/config';
export {
  ITSME_SIGN_MESSAGES_BY_LANG,
  type ItsmeSignMessages,
  messagesFor,
  type PhaseText,
  type SigningPhase,
  toLanguageCode,
} from './lib/i18n';
export {
  FINAL_STATUSES,
  type FollowerState,
  injectSigningSession,
  isFinalStatus,
  type SigningRequestError,
  type SigningSessionOptions,
  type SigningSessionRef,
} from './lib/signing-session';
export {
  ItsmeSignStatusComponent,
  type SigningFailure,
  type StepState,
} from './lib/status/itsme-sign-status.component';
