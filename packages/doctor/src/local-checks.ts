/**
 * The checks that need no network: the client certificate and its key, the chain and its dates, the
 * redirect URL, the cookie secret. Each returns result lines; none of them ever holds a secret.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { DoctorConfig } from './config.js';

export type Status = 'ok' | 'warn' | 'fail';
export interface CheckLine {
  status: Status;
  check: string;
  detail: string;
}

export const DAY_MS = 86_400_000;
/** Warn this long before a certificate expires. */
export const WARN_DAYS = 30;

const line = (status: Status, check: string, detail: string): CheckLine => ({ status, check, detail });

/** Names a certificate without anything secret: subject CN and serial. */
export function describe(cert: { subject: string; serialNumber: string }): string {
  const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? cert.subject.replace(/\n/g, ', ');
  return `"${cn}" (serial ${cert.serialNumber})`;
}

/** ✗ if expired or not yet valid, ⚠ within `WARN_DAYS` of the end. */
export function datesLine(check: string, name: string, validFrom: string, validTo: string, now: number) {
  const [from, to] = [Date.parse(validFrom), Date.parse(validTo)];
  const days = Math.floor((to - now) / DAY_MS);
  if (now < from) return line('fail', check, `${name} is not valid before ${new Date(from).toISOString()}`);
  if (now > to) return line('fail', check, `${name} expired on ${new Date(to).toISOString()}`);
  if (days < WARN_DAYS)
    return line(
      'warn',
      check,
      `${name} expires in ${days} day(s), on ${new Date(to).toISOString()}: renew it`,
    );
  return line('ok', check, `${name} valid until ${new Date(to).toISOString().slice(0, 10)} (${days} days)`);
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Certificate ↔ key, then the chain given after the certificate and every certificate's dates. */
export function credentialLines(config: DoctorConfig, now: number): CheckLine[] {
  const KEYS = 'Client certificate and key';
  if (config.ITSME_PFX_FILE) {
    try {
      const pfx = readFileSync(config.ITSME_PFX_FILE);
      createSecureContext({
        pfx,
        ...(config.ITSME_PFX_PASSPHRASE ? { passphrase: config.ITSME_PFX_PASSPHRASE } : {}),
      });
      return [line('ok', KEYS, 'PKCS#12 bundle loads with its passphrase (dates: see the mutual TLS line)')];
    } catch (error) {
      return [
        line(
          'fail',
          KEYS,
          `PKCS#12 bundle does not load (${errorCode(error)}): check the file and passphrase`,
        ),
      ];
    }
  }
  if (!config.ITSME_CLIENT_CERT || !config.ITSME_CLIENT_KEY) {
    return [
      line(
        'fail',
        KEYS,
        'missing: set ITSME_CLIENT_CERT(_FILE) and ITSME_CLIENT_KEY(_FILE), or ITSME_PFX_FILE',
      ),
    ];
  }
  let chain: X509Certificate[];
  let key: KeyObject;
  try {
    chain = (config.ITSME_CLIENT_CERT.match(PEM_CERT) ?? []).map((pem) => new X509Certificate(pem));
    if (chain.length === 0) throw new Error('no PEM certificate');
  } catch {
    return [line('fail', KEYS, 'ITSME_CLIENT_CERT holds no readable PEM certificate')];
  }
  try {
    key = createPrivateKey({
      key: config.ITSME_CLIENT_KEY,
      ...(config.ITSME_CLIENT_KEY_PASSPHRASE ? { passphrase: config.ITSME_CLIENT_KEY_PASSPHRASE } : {}),
    });
  } catch (error) {
    return [
      line(
        'fail',
        KEYS,
        `the private key does not load (${errorCode(error)}): check the file and passphrase`,
      ),
    ];
  }
  const leaf = chain[0] as X509Certificate;
  const lines = [
    leaf.checkPrivateKey(key)
      ? line('ok', KEYS, `key matches the certificate ${describe(leaf)}`)
      : line('fail', KEYS, `the key does not belong to the certificate ${describe(leaf)}`),
  ];
  for (const [i, cert] of chain.entries()) {
    const name = i === 0 ? 'client certificate' : `chain certificate ${describe(cert)}`;
    lines.push(datesLine('Certificate dates', name, cert.validFrom, cert.validTo, now));
    const issuer = chain[i + 1];
    if (issuer && !cert.checkIssued(issuer)) {
      lines.push(
        line(
          'fail',
          'Certificate chain',
          `${describe(cert)} is not issued by the next one, ${describe(issuer)}`,
        ),
      );
    }
  }
  if (chain.length > 1)
    lines.push(line('ok', 'Certificate chain', `${chain.length} certificates, each issued by the next`));
  return lines;
}

/** Well formed, absolute, https (http only on loopback), no fragment; its origin is the app's. */
export function redirectUrlLines(config: DoctorConfig, appOrigin: string | undefined): CheckLine[] {
  const CHECK = 'Redirect URL';
  const value = config.ITSME_REDIRECT_URL;
  if (!value) return [line('fail', CHECK, 'missing: set ITSME_REDIRECT_URL (the URL registered at itsme®)')];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [line('fail', CHECK, `"${value}" is not an absolute URL`)];
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return [line('fail', CHECK, `${url.href} must use https (http only on localhost)`)];
  }
  if (url.hash) return [line('fail', CHECK, `${url.href} must not carry a fragment`)];
  const lines = [
    url.search
      ? line(
          'warn',
          CHECK,
          `${url.href} has a query: it must match the registered URL exactly, query included`,
        )
      : line('ok', CHECK, `${url.href} is well formed`),
  ];
  if (!url.pathname.endsWith('/callback')) {
    lines.push(
      line('warn', CHECK, `${url.pathname} is not the handler's "/callback" route under its basePath`),
    );
  }
  if (appOrigin) {
    let origin: string;
    try {
      origin = new URL(appOrigin).origin;
    } catch {
      return [...lines, line('fail', CHECK, `the app origin "${appOrigin}" is not a URL`)];
    }
    lines.push(
      origin === url.origin
        ? line('ok', CHECK, `origin matches the app's (${origin})`)
        : line(
            'fail',
            CHECK,
            `origin ${url.origin} is not the app's ${origin}: the session cookie would not come back`,
          ),
    );
  }
  return lines;
}

/** Secrets found in docs and examples: a deployment using one has no secret at all. */
const KNOWN_DEFAULTS = new Set([
  'change-me-to-32-random-characters!!',
  'change-me-to-32-random-characters',
  'changeme',
  'secret',
  '0123456789abcdef0123456789abcdef',
]);

/** Length ≥ 32, not a known default, not trivially repetitive. The secret itself is never printed. */
export function cookieSecretLines(config: DoctorConfig): CheckLine[] {
  const CHECK = 'Cookie secret';
  const secrets = (config.ITSME_COOKIE_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0)
    return [line('fail', CHECK, 'missing: set ITSME_COOKIE_SECRET (≥ 32 random characters)')];
  for (const [i, secret] of secrets.entries()) {
    const which = secrets.length > 1 ? `secret #${i + 1}` : 'the secret';
    if (KNOWN_DEFAULTS.has(secret) || /change.?me|example|default/i.test(secret)) {
      return [
        line('fail', CHECK, `${which} is a published example value: generate one (openssl rand -base64 32)`),
      ];
    }
    if (secret.length < 32)
      return [line('fail', CHECK, `${which} has ${secret.length} characters: 32 or more needed`)];
    if (new Set(secret).size < 10)
      return [line('fail', CHECK, `${which} uses fewer than 10 distinct characters`)];
  }
  return [
    line('ok', CHECK, `${secrets.length} secret(s) of ${secrets.map((s) => s.length).join(', ')} characters`),
  ];
}

export function errorCode(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message?.split('\n')[0] ?? String(error);
}
