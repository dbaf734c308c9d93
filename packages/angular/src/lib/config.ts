import {
  type EnvironmentProviders,
  InjectionToken,
  makeEnvironmentProviders,
  type Provider,
} from '@angular/core';
import {
  DEFAULT_RETRY_DELAY,
  exponentialBackoff,
  MAX_WAIT_SECONDS,
  type RetryDelay,
} from '@itsme-sign/core/browser';
import type { LanguageCode } from '@itsme-sign/core/contract';
import type { ItsmeSignMessages } from './i18n';

/** What `provideItsmeSign()` takes. */
export interface ItsmeSignConfig {
  /** Where the itsme® Sign handler is mounted on your back end, e.g. `/api/itsme`. */
  baseUrl: string;
  /** Language of the UI before the session says (EN, FR, NL or DE). Default: the session's language, else EN. */
  lang?: LanguageCode;
  /** Send the browser to itsme® as soon as the session asks for it. Default `true`. */
  autoRedirect?: boolean;
  /** How long one long poll may wait for a change, in seconds (1–30, core's `MAX_WAIT_SECONDS`). Default 25. */
  pollWaitSeconds?: number;
  /** Send cookies cross-origin (only when `baseUrl` is on another origin). Default `false`. */
  withCredentials?: boolean;
}

/** The configuration after defaults. */
export interface ResolvedItsmeSignConfig {
  readonly baseUrl: string;
  readonly lang: LanguageCode | undefined;
  readonly autoRedirect: boolean;
  readonly pollWaitSeconds: number;
  readonly withCredentials: boolean;
}

export const ITSME_SIGN_CONFIG = new InjectionToken<ResolvedItsmeSignConfig>('ITSME_SIGN_CONFIG');

/** Back-off after a failed request: delay in ms before attempt `n` (1, 2, …); core's. */
export { exponentialBackoff, type RetryDelay };
export const ITSME_SIGN_RETRY_DELAY = new InjectionToken<RetryDelay>('ITSME_SIGN_RETRY_DELAY', {
  providedIn: 'root',
  factory: () => DEFAULT_RETRY_DELAY,
});

/** Per-language overrides of the component's texts. */
export type MessageOverrides = Partial<Record<LanguageCode, Partial<ItsmeSignMessages>>>;
export const ITSME_SIGN_MESSAGES = new InjectionToken<MessageOverrides>('ITSME_SIGN_MESSAGES', {
  providedIn: 'root',
  factory: () => ({}),
});

export type ItsmeSignFeatureKind = 'messages' | 'retryDelay';
export interface ItsmeSignFeature {
  readonly kind: ItsmeSignFeatureKind;
  readonly providers: Provider[];
}

/** Replace some of the component's texts, per language. */
export function withItsmeSignMessages(overrides: MessageOverrides): ItsmeSignFeature {
  return { kind: 'messages', providers: [{ provide: ITSME_SIGN_MESSAGES, useValue: overrides }] };
}

/** Change the back-off after network or server errors (default: 1 s doubling up to 30 s). */
export function withRetryDelay(delay: RetryDelay): ItsmeSignFeature {
  return { kind: 'retryDelay', providers: [{ provide: ITSME_SIGN_RETRY_DELAY, useValue: delay }] };
}

/**
 * Configures itsme® Sign for the application (or a route). Needs `provideHttpClient()` too.
 *
 * ```ts
 * bootstrapApplication(App, { providers: [provideHttpClient(withFetch()), provideItsmeSign({ baseUrl: '/api/itsme' })] });
 * ```
 */
export function provideItsmeSign(
  config: ItsmeSignConfig,
  ...features: ItsmeSignFeature[]
): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: ITSME_SIGN_CONFIG, useValue: resolveConfig(config) },
    ...features.flatMap((f) => f.providers),
  ]);
}

export function resolveConfig(config: ItsmeSignConfig): ResolvedItsmeSignConfig {
  if (typeof config.baseUrl !== 'string' || config.baseUrl.trim() === '') {
    throw new Error('provideItsmeSign: baseUrl is required (e.g. "/api/itsme")');
  }
  const wait = config.pollWaitSeconds ?? 25;
  if (!Number.isInteger(wait) || wait < 1 || wait > MAX_WAIT_SECONDS) {
    throw new Error(`provideItsmeSign: pollWaitSeconds must be an integer from 1 to ${MAX_WAIT_SECONDS}`);
  }
  return Object.freeze({
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    lang: config.lang,
    autoRedirect: config.autoRedirect ?? true,
    pollWaitSeconds: wait,
    withCredentials: config.withCredentials ?? false,
  });
}
