/**
 * The checks that talk to something: the B2B server's TLS certificate, mutual TLS and the discovery document
 * (through core's B2B client, as the app would), Redis, the TSA.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type ConnectionOptions,
  connect,
  type DetailedPeerCertificate,
  type PeerCertificate,
} from 'node:tls';
import {
  type B2BClientOptions,
  checkBaseUrl,
  createB2BClient,
  DEFAULTS,
  isItsmeSignError,
  resolveProfile,
} from '@itsme-sign/core';
import type { DoctorConfig } from './config.js';
import { type CheckLine, datesLine, errorCode, type Status } from './local-checks.js';

const TIMEOUT_MS = 5_000;
const line = (status: Status, check: string, detail: string): CheckLine => ({ status, check, detail });

/** The client options the app would build from this configuration (`undefined` if they cannot be built). */
export function clientOptions(config: DoctorConfig): B2BClientOptions | undefined {
  if (!config.ITSME_PARTNER_CODE || !config.ITSME_SERVICE_CODE || !config.ITSME_B2B_URL) return undefined;
  if (baseUrlProblem(config.ITSME_B2B_URL)) return undefined;
  const credentials = config.ITSME_PFX_FILE
    ? { pfx: readFileSync(config.ITSME_PFX_FILE), passphrase: config.ITSME_PFX_PASSPHRASE }
    : {
        cert: config.ITSME_CLIENT_CERT ?? '',
        key: config.ITSME_CLIENT_KEY ?? '',
        passphrase: config.ITSME_CLIENT_KEY_PASSPHRASE,
      };
  return {
    baseUrl: config.ITSME_B2B_URL,
    partnerCode: config.ITSME_PARTNER_CODE,
    serviceCode: config.ITSME_SERVICE_CODE,
    credentials,
    ...(config.ITSME_CA ? { ca: config.ITSME_CA } : {}),
    timeoutMs: TIMEOUT_MS,
    retry: { retries: 0 },
  };
}

/** Why `ITSME_B2B_URL` cannot be used (core's message: a name such as 'production' is not a URL), or `undefined`. */
export function baseUrlProblem(baseUrl: string | undefined): string | undefined {
  try {
    checkBaseUrl(baseUrl);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^client\.baseUrl/, 'ITSME_B2B_URL');
  }
}

const TRUST_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|HOSTNAME/;

/** A TLS handshake with the B2B server: is its certificate trusted (and not close to expiry)? */
export async function serverTlsLines(options: B2BClientOptions, now: number): Promise<CheckLine[]> {
  const CHECK = 'Server TLS trust';
  const url = new URL(options.baseUrl);
  const creds = options.credentials as Record<string, unknown> | undefined;
  const result = await new Promise<{ cert?: PeerCertificate; local?: PeerCertificate; error?: unknown }>(
    (resolve) => {
      const socket = connect({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || 443),
        servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
        ...(options.ca ? { ca: options.ca } : {}),
        ...creds,
        rejectUnauthorized: true,
        timeout: TIMEOUT_MS,
      } as ConnectionOptions);
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate(false) as DetailedPeerCertificate;
        const local = socket.getCertificate() as PeerCertificate | null;
        socket.destroy();
        resolve({ cert, ...(local && 'valid_to' in local ? { local } : {}) });
      });
      socket.once('timeout', () =>
        socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      socket.once('error', (error) => resolve({ error }));
    },
  );
  if (result.error) {
    const code = errorCode(result.error);
    if (TRUST_ERRORS.test(code)) {
      return [
        line(
          'fail',
          CHECK,
          `${url.host} presents a certificate not trusted with this CA bundle (${code}): check ITSME_CA`,
        ),
      ];
    }
    return [line('fail', CHECK, `cannot reach ${url.host} (${code})`)];
  }
  const lines = [
    line(
      'ok',
      CHECK,
      `${url.host} presents a certificate trusted by ${options.ca ? 'ITSME_CA' : "Node's roots"}`,
    ),
  ];
  const { cert, local } = result;
  if (cert?.valid_to)
    lines.push(datesLine(CHECK, 'the server certificate', cert.valid_from, cert.valid_to, now));
  // A PKCS#12 bundle's certificate is seen only here, as the local side of the handshake.
  if (options.credentials && 'pfx' in options.credentials && local?.valid_to) {
    lines.push(
      datesLine('Certificate dates', 'client certificate (PKCS#12)', local.valid_from, local.valid_to, now),
    );
  }
  return lines;
}

/** The discovery call through core's client (mutual TLS), then the configured language, policy, commitment. */
export async function discoveryLines(options: B2BClientOptions, config: DoctorConfig): Promise<CheckLine[]> {
  let client: ReturnType<typeof createB2BClient>;
  try {
    client = createB2BClient(options);
  } catch (error) {
    return [line('fail', 'Mutual TLS', `the client cannot be created: ${describeError(error)}`)];
  }
  try {
    const doc = await client.getDiscovery();
    const lines = [line('ok', 'Mutual TLS', `the discovery call was accepted (${client.baseUrl})`)];
    lines.push(
      line(
        'ok',
        'Discovery document',
        `valid; languages ${doc.sign_languages_supported.join(', ')}; ${doc.sign_policy_templates_supported.length} policies`,
      ),
    );
    const profile = {
      lang: config.ITSME_LANG ?? DEFAULTS.lang,
      signPolicyRef: config.ITSME_SIGN_POLICY ?? DEFAULTS.signPolicyRef,
      ...(config.ITSME_COMMITMENT_TYPE ? { commitmentTypeRef: config.ITSME_COMMITMENT_TYPE } : {}),
    };
    try {
      const resolved = resolveProfile(doc, profile);
      const commitment = resolved.commitmentType ? `, commitment ${resolved.commitmentType.ref}` : '';
      lines.push(
        line(
          'ok',
          'Signing profile',
          `language ${profile.lang}, policy ${resolved.policy.ref} (enabled)${commitment}`,
        ),
      );
    } catch (error) {
      lines.push(line('fail', 'Signing profile', describeError(error)));
    }
    return lines;
  } catch (error) {
    const refused =
      isItsmeSignError(error) &&
      /TLS_ERROR|CLIENT_NOT_AUTHORIZED|INVALID_REQUESTOR|UPSTREAM_UNAVAILABLE|TIMEOUT/.test(error.code);
    return [
      line(
        'fail',
        refused ? 'Mutual TLS' : 'Discovery document',
        `${describeError(error)}${refused ? ': is this client certificate the one registered at itsme® for this partner?' : ''}`,
      ),
    ];
  } finally {
    await client.close();
  }
}

/** `PING` through ioredis, no retry, bounded in time. The URL's password is never printed. */
export async function redisLines(redisUrl: string): Promise<CheckLine[]> {
  const { Redis } = await import('ioredis');
  const shown = redisUrl.replace(/\/\/[^@/]*@/, '//***@');
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const pong = await redis.ping();
    return [line(pong === 'PONG' ? 'ok' : 'fail', 'Redis', `${shown} answered ${pong}`)];
  } catch (error) {
    return [line('fail', 'Redis', `${shown} is not reachable (${errorCode(error)})`)];
  } finally {
    redis.disconnect();
  }
}

/** An RFC 3161 request for a random SHA-256 (with certReq); the answer must be a granted TimeStampResp. */
export async function tsaLines(tsaUrl: string): Promise<CheckLine[]> {
  const request = Buffer.concat([
    Buffer.from('30390201013031300d060960864801650304020105000420', 'hex'),
    randomBytes(32),
    Buffer.from('0101ff', 'hex'),
  ]);
  try {
    const res = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: request,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) return [line('fail', 'TSA', `${tsaUrl} answered HTTP ${res.status}`)];
    const status = pkiStatus(body);
    return status === 0 || status === 1
      ? [line('ok', 'TSA', `${tsaUrl} granted a time-stamp`)]
      : [line('fail', 'TSA', `${tsaUrl} did not grant a time-stamp (PKIStatus ${status ?? 'unreadable'})`)];
  } catch (error) {
    return [line('fail', 'TSA', `${tsaUrl} is not reachable (${errorCode(error)})`)];
  }
}

/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER, … }, … } */
function pkiStatus(der: Buffer): number | undefined {
  const header = (at: number) => {
    if (der[at] === undefined) return undefined;
    const first = der[at + 1] ?? 0;
    return first < 0x80 ? at + 2 : at + 2 + (first & 0x7f);
  };
  const inner = der[0] === 0x30 ? header(0) : undefined;
  const status = inner !== undefined && der[inner] === 0x30 ? header(inner) : undefined;
  return status !== undefined && der[status] === 0x02 && der[status + 1] === 1 ? der[status + 2] : undefined;
}

function describeError(error: unknown): string {
  if (isItsmeSignError(error)) {
    const cause = (error.cause as { code?: string } | undefined)?.code;
    return `${error.code}: ${error.message}${cause ? ` (${cause})` : ''}`;
  }
  return errorCode(error);
}
