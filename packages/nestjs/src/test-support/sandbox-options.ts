/** Module options wired to a running sandbox, and a free port to listen on (known before the app boots). */
import type { Sandbox } from '@itsme-sign/sandbox';
import { sandboxEnv } from '@itsme-sign/test-support/web-flow';
import type { ItsmeSignModuleOptions } from '../index.js';

export const BASE = '/api/itsme';
export const COOKIE_SECRET = 'nest-test-secret-0123456789-abcdefghijkl';

export { reservePort } from '@itsme-sign/test-support/web-flow';

/** Flat values as an app would keep them in its configuration (env vars, config files). */
export function sandboxConfig(sandbox: Sandbox, port: number) {
  const origin = `http://127.0.0.1:${port}`;
  return { ...sandboxEnv(sandbox, `${origin}${BASE}/callback`), ITSME_COOKIE_SECRET: COOKIE_SECRET };
}

/** The module options built from `sandboxConfig` values. */
export function optionsFrom(config: Record<string, string | undefined>): ItsmeSignModuleOptions {
  return {
    basePath: BASE,
    client: {
      baseUrl: config.ITSME_B2B_URL as string,
      partnerCode: config.ITSME_PARTNER_CODE as string,
      serviceCode: config.ITSME_SERVICE_CODE as string,
      credentials: { cert: config.ITSME_CLIENT_CERT as string, key: config.ITSME_CLIENT_KEY as string },
      ...(config.ITSME_CA ? { ca: config.ITSME_CA } : {}),
    },
    redirectUrl: config.ITSME_REDIRECT_URL as string,
    statusPageUrl: '/sign/status',
    cookie: { secrets: config.ITSME_COOKIE_SECRET ? [config.ITSME_COOKIE_SECRET] : [] },
    allowBrowserDigests: true,
    pollIntervalMs: 200,
  };
}

const KEYS = [
  'ITSME_B2B_URL',
  'ITSME_PARTNER_CODE',
  'ITSME_SERVICE_CODE',
  'ITSME_CLIENT_CERT',
  'ITSME_CLIENT_KEY',
  'ITSME_CA',
  'ITSME_REDIRECT_URL',
  'ITSME_COOKIE_SECRET',
] as const;

/** The module options read from `@nestjs/config`'s `ConfigService` (missing values stay missing). */
export function optionsFromConfigService(config: {
  get(key: string): string | undefined;
}): ItsmeSignModuleOptions {
  return optionsFrom(Object.fromEntries(KEYS.map((key) => [key, config.get(key)])));
}
