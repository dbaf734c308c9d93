/** Runs every check in order and formats one line per result: ✓ ok, ⚠ warning, ✗ failure. */
import { type DoctorConfig, SETTINGS } from './config.js';
import { type CheckLine, cookieSecretLines, credentialLines, redirectUrlLines } from './local-checks.js';
import {
  baseUrlProblem,
  clientOptions,
  discoveryLines,
  redisLines,
  serverTlsLines,
  tsaLines,
} from './network-checks.js';
import { ocspLines, revocationConfigured } from './revocation-checks.js';

export type { CheckLine, Status } from './local-checks.js';

export interface DoctorOptions {
  /** The app's public origin: the redirect URL's origin must be this one. */
  appOrigin?: string;
  now?: number;
}

export interface DoctorReport {
  lines: CheckLine[];
  /** True when no line failed (warnings allowed). */
  ok: boolean;
}

export async function runDoctor(config: DoctorConfig, options: DoctorOptions = {}): Promise<DoctorReport> {
  const now = options.now ?? Date.now();
  const lines: CheckLine[] = [];
  const missing = (['ITSME_B2B_URL', 'ITSME_PARTNER_CODE', 'ITSME_SERVICE_CODE'] as const).filter(
    (k) => !config[k],
  );
  const badUrl = config.ITSME_B2B_URL ? baseUrlProblem(config.ITSME_B2B_URL) : undefined;
  lines.push(
    missing.length
      ? {
          status: 'fail',
          check: 'Configuration',
          detail: `missing ${missing.join(', ')} (${SETTINGS[missing[0]!]})`,
        }
      : badUrl
        ? { status: 'fail', check: 'Configuration', detail: badUrl }
        : {
            status: 'ok',
            check: 'Configuration',
            detail: `partner ${config.ITSME_PARTNER_CODE}, service ${config.ITSME_SERVICE_CODE}, B2B ${config.ITSME_B2B_URL}`,
          },
  );
  const credentials = credentialLines(config, now);
  lines.push(...credentials);
  const client = clientOptions(config);
  const keysUsable = !credentials.some(
    (l) => l.check === 'Client certificate and key' && l.status === 'fail',
  );
  if (client && keysUsable) {
    const tls = await serverTlsLines(client, now);
    lines.push(...tls);
    if (tls.some((l) => l.status === 'fail')) {
      lines.push({
        status: 'fail',
        check: 'Mutual TLS',
        detail: 'not tried: the TLS connection to the server failed',
      });
    } else {
      lines.push(...(await discoveryLines(client, config)));
    }
  } else {
    lines.push({
      status: 'fail',
      check: 'Mutual TLS',
      detail: 'not tried: fix the configuration and the client certificate first',
    });
  }
  lines.push(...redirectUrlLines(config, options.appOrigin ?? config.ITSME_APP_ORIGIN));
  lines.push(...cookieSecretLines(config));
  if (config.REDIS_URL) lines.push(...(await redisLines(config.REDIS_URL)));
  if (config.ITSME_TSA_URL) lines.push(...(await tsaLines(config.ITSME_TSA_URL)));
  if (revocationConfigured(config)) lines.push(...(await ocspLines(config, now)));
  return { lines, ok: !lines.some((l) => l.status === 'fail') };
}

const MARK = { ok: '✓', warn: '⚠', fail: '✗' } as const;

export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.lines.map((l) => l.check.length));
  const body = report.lines.map((l) => `${MARK[l.status]} ${l.check.padEnd(width)}  ${l.detail}`);
  const counts = (s: CheckLine['status']) => report.lines.filter((l) => l.status === s).length;
  const summary = report.ok
    ? `Ready: ${counts('ok')} checks passed${counts('warn') ? `, ${counts('warn')} warning(s)` : ''}.`
    : `Not ready: ${counts('fail')} failure(s), ${counts('warn')} warning(s).`;
  return `${body.join('\n')}\n\n${summary}\n`;
}
