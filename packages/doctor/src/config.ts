/**
 * The configuration the doctor checks, read like the app reads it: environment variables, optionally a JSON
 * file with the same names (the environment wins). A value `X` may also be given as a file path in `X_FILE`.
 */
import { readFileSync } from 'node:fs';

/** Every setting the doctor reads (the names the READMEs and the sandbox's CI recipe use). */
export const SETTINGS = {
  ITSME_B2B_URL:
    "B2B base URL from the itsme® onboarding (https://…/qes-partners/1.0.0); for local tests, the sandbox's b2bUrl",
  ITSME_PARTNER_CODE: 'partner code from the itsme® onboarding',
  ITSME_SERVICE_CODE: 'service code from the itsme® onboarding',
  ITSME_CLIENT_CERT: 'client certificate (PEM), chain after it; or ITSME_CLIENT_CERT_FILE',
  ITSME_CLIENT_KEY: 'its private key (PEM); or ITSME_CLIENT_KEY_FILE',
  ITSME_CLIENT_KEY_PASSPHRASE: 'passphrase of an encrypted key',
  ITSME_PFX_FILE: 'a PKCS#12 bundle instead of the PEM certificate and key',
  ITSME_PFX_PASSPHRASE: 'its passphrase',
  ITSME_CA: 'CA bundle (PEM) the B2B server must chain to; or ITSME_CA_FILE (default: Node’s roots)',
  ITSME_REDIRECT_URL: 'the redirect URL registered at itsme® (the handler’s /callback)',
  ITSME_APP_ORIGIN: 'the app’s public origin, e.g. https://app.example (or --origin)',
  ITSME_COOKIE_SECRET: 'the session cookie secret (≥ 32 random characters)',
  ITSME_LANG: 'default language (EN, FR, NL, DE)',
  ITSME_SIGN_POLICY: 'signature policy ref or OID (default: the generic qualified policy)',
  ITSME_COMMITMENT_TYPE: 'commitment type ref or OID',
  REDIS_URL: 'Redis session store, when used',
  ITSME_TSA_URL: 'RFC 3161 time-stamping authority, when used (PAdES/CAdES B-T)',
  ITSME_TRUST_ANCHORS:
    'CA certificates (PEM) of the signers’ certificates, as given to ades’s trustAnchors; or ITSME_TRUST_ANCHORS_FILE',
  ITSME_REVOCATION:
    'revocation checking of those certificates: prefer (default), require or off (ades’s revocation.mode)',
} as const;

export type SettingName = keyof typeof SETTINGS;
export type DoctorConfig = Partial<Record<SettingName, string>>;
type Source = Record<string, unknown>;

/** Merges the file (if any) and the environment; `X_FILE` entries are read from disk. */
export function readConfig(env: Source, file?: string): DoctorConfig {
  const fromFile: Source = file ? (JSON.parse(readFileSync(file, 'utf8')) as Source) : {};
  const merged: Source = { ...fromFile, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)) };
  const config: DoctorConfig = {};
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const value = merged[name];
    const path = merged[`${name}_FILE`];
    if (typeof value === 'string' && value !== '') config[name] = value;
    else if (typeof path === 'string' && path !== '') config[name] = readFileSync(path, 'utf8');
  }
  return config;
}
