/**
 * The integration's environment variables (the names `itsme-sign doctor` reads, `packages/doctor/src/config.ts`)
 * pointing at a running sandbox: what `itsme-sandbox --print-env` prints and the ready line's `env` carries.
 */
import type { Sandbox } from './sandbox.js';

/** Where the redirect URL convention mounts the handler: `${origin}/api/itsme`, its callback route `/callback`. */
export const CONVENTIONAL_REDIRECT_URL = 'http://localhost:3000/api/itsme/callback';

/** The doctor's variable names with this sandbox's values (files for the certificate, key and CA). */
export function integrationEnv(sb: Sandbox, redirectUrl: string): Record<string, string> {
  return {
    ITSME_B2B_URL: sb.b2bUrl,
    ITSME_PARTNER_CODE: sb.partner.partnerCode,
    ITSME_SERVICE_CODE: sb.partner.serviceCode,
    ITSME_CLIENT_CERT_FILE: sb.credentials.files.clientCert,
    ITSME_CLIENT_KEY_FILE: sb.credentials.files.clientKey,
    ITSME_CA_FILE: sb.credentials.files.ca,
    ITSME_REDIRECT_URL: redirectUrl,
    ITSME_TSA_URL: sb.tsaUrl,
  };
}

/** `NAME=value` lines (a `.env` file); a value with other characters than URL/path ones is double-quoted. */
export function dotenv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${/^[\w./:@%+,=-]*$/.test(value) ? value : JSON.stringify(value)}\n`)
    .join('');
}
