/*
 * Public API of @itsme-sign/angular.
 */
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
  type SigningSession,
  type SigningSessionOptions,
} from './lib/signing-session';
export {
  ItsmeSignStatusComponent,
  type SigningFailure,
  type StepState,
} from './lib/status/itsme-sign-status.component';
