/**
 * OCSP responders reachable, when the app checks signers' certificates (`ITSME_TRUST_ANCHORS`, the CA
 * certificates it passes to ades's `createCertificateCheck({ trustAnchors })`) and revocation checking is on
 * (`ITSME_REVOCATION`, ades's `revocation.mode`: `prefer` by default, `require`, `off`).
 *
 * The responders are the ones the configured certificates name in their AIA (the trust anchors' intermediate
 * CAs, the client certificate's chain): each is asked about its certificate through ades's own revocation
 * check (`checkRevocation`: the answer's signature, responder authorisation, nonce and freshness verified),
 * OCSP only — a CRL fallback must not hide a responder that is down.
 */
import type { DoctorConfig } from './config.js';
import { type CheckLine, errorCode, type Status } from './local-checks.js';

const CHECK = 'OCSP';
const TIMEOUT_MS = 5_000;
const line = (status: Status, detail: string): CheckLine => ({ status, check: CHECK, detail });

export type RevocationMode = 'require' | 'prefer' | 'off';

/** The mode from `ITSME_REVOCATION`, or a line explaining a bad value. */
export function revocationMode(config: DoctorConfig): RevocationMode | CheckLine {
  const value = (config.ITSME_REVOCATION ?? 'prefer').trim().toLowerCase();
  if (value === 'require' || value === 'prefer' || value === 'off') return value;
  return line('fail', `ITSME_REVOCATION "${config.ITSME_REVOCATION}" is not one of require, prefer, off`);
}

/** Whether revocation checking is configured: trust anchors for signers, or `ITSME_REVOCATION` set. */
export function revocationConfigured(config: DoctorConfig): boolean {
  return Boolean(config.ITSME_TRUST_ANCHORS || config.ITSME_REVOCATION);
}

interface Asked {
  url: string;
  /** HTTP status of the answer, or the transport error's code. */
  result: number | string;
}

export async function ocspLines(config: DoctorConfig, now: number): Promise<CheckLine[]> {
  const mode = revocationMode(config);
  if (typeof mode !== 'string') return [mode];
  if (mode === 'off') return [];
  // ades is loaded only when revocation is checked (pkijs and its PDF code are not needed otherwise).
  const { checkRevocation, parseCertificates } = await import('@itsme-sign/ades');
  type Parsed = ReturnType<typeof parseCertificates>[number];
  let anchors: Parsed[] = [];
  try {
    if (config.ITSME_TRUST_ANCHORS) anchors = parseCertificates([config.ITSME_TRUST_ANCHORS]);
  } catch {
    return [line('fail', 'ITSME_TRUST_ANCHORS holds no readable PEM certificate')];
  }
  const others = (input: string | undefined): Parsed[] => {
    try {
      return input ? parseCertificates([input]) : [];
    } catch {
      return []; // reported by the certificate lines
    }
  };
  const client = config.ITSME_PFX_FILE ? [] : others(config.ITSME_CLIENT_CERT);
  const pool = [...anchors, ...client, ...others(config.ITSME_CA)];
  const subjectOf = (c: Parsed) => c.x509.subjectName.getField('CN')[0] ?? c.x509.subject;
  const named = [...anchors, ...client].filter(
    (c, i, all) =>
      all.findIndex((o) => Buffer.from(o.der).equals(Buffer.from(c.der))) === i &&
      c.x509.subject !== c.x509.issuer &&
      pool.some((o) => o !== c && o.x509.subject === c.x509.issuer) &&
      ocspUrlsOf(c).length > 0,
  );
  if (named.length === 0) {
    return [
      line(
        'warn',
        `no configured certificate names an OCSP responder (AIA) with its issuer at hand: ${config.ITSME_TRUST_ANCHORS ? 'add the intermediate CA to ITSME_TRUST_ANCHORS' : 'set ITSME_TRUST_ANCHORS (the CA certificates of itsme®’s signing certificates)'} to check it`,
      ),
    ];
  }
  const lines: CheckLine[] = [];
  for (const cert of named) {
    const asked: Asked[] = [];
    // OCSP only: every other request (a CRL) is refused here, so that the answer is the responder's.
    const ocspOnly: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const type = new Headers(init?.headers).get('content-type');
      if (init?.method !== 'POST' || type !== 'application/ocsp-request') throw new Error('not asked (CRL)');
      try {
        const res = await fetch(input, init);
        asked.push({ url, result: res.status });
        return res;
      } catch (error) {
        asked.push({ url, result: errorCode((error as { cause?: unknown }).cause ?? error) });
        throw error;
      }
    };
    const others = pool.filter((c) => c !== cert);
    const who = `"${subjectOf(cert)}"`;
    try {
      await checkRevocation([cert], others, new Date(now), {
        mode: 'require',
        sources: 'ocsp-first',
        cache: false,
        timeoutMs: TIMEOUT_MS,
        fetch: ocspOnly,
      });
      const answered = asked.find((a) => a.result === 200)?.url ?? asked.at(-1)?.url ?? '';
      lines.push(line('ok', `${answered} answered: ${who} is not revoked`));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'CERTIFICATE_REVOKED') {
        const url = asked.find((a) => a.result === 200)?.url ?? 'the responder';
        lines.push(line('fail', `${url} answered: ${(error as Error).message}`));
        continue;
      }
      const reached = asked.filter((a) => a.result === 200);
      if (reached.length > 0) {
        // An answer came, unusable (not verifying, stale, wrong nonce, status unknown): refused in every mode.
        lines.push(
          line(
            'fail',
            `${reached.map((a) => a.url).join(', ')} answered about ${who}, but not usably (${describe(error)})`,
          ),
        );
        continue;
      }
      const why = asked.length
        ? asked.map(
            (a) =>
              `${a.url} is not reachable (${typeof a.result === 'number' ? `HTTP ${a.result}` : a.result})`,
          )
        : [`no OCSP responder of ${who} answered (${describe(error)})`];
      lines.push(
        line(
          mode === 'require' ? 'fail' : 'warn',
          `${why.join('; ')}${mode === 'require' ? ': with ITSME_REVOCATION=require no signature can be made' : ` (tolerated with ITSME_REVOCATION=${mode}; the app signs without revocation evidence)`}`,
        ),
      );
    }
  }
  return lines;
}

function ocspUrlsOf(cert: { x509: { getExtension: (type: string) => unknown } }): string[] {
  // id-pe-authorityInfoAccess, read through @peculiar/x509's typed extension by its OID.
  const aia = cert.x509.getExtension('1.3.6.1.5.5.7.1.1') as
    | { ocsp?: { type: string; value: string }[] }
    | null
    | undefined;
  return (aia?.ocsp ?? [])
    .filter((n) => n.type === 'url' && /^https?:\/\//i.test(n.value))
    .map((n) => n.value);
}

/** ades's reasons per source (`url: why; …`), without the CRLs this check refused to ask and their URLs. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const inner = /\(([^()]*(?:\([^()]*\)[^()]*)*)\)\.?$/.exec(message)?.[1];
  if (!inner) return message;
  const reasons = inner
    .split('; ')
    .filter((r) => !r.endsWith('not asked (CRL)'))
    .map((r) => r.replace(/^https?:\/\/\S+: /, ''));
  return reasons.join('; ') || message;
}
