/**
 * The revocation status of a certificate chain at a time, as a validator will later establish it: OCSP
 * (RFC 6960, from the certificate's AIA; the responder's signature and authorisation checked by pkijs —
 * the CA itself or a delegated responder with id-kp-OCSPSigning), else the CRL (from its distribution
 * points; signed by the issuer). Responses must be current (thisUpdate/nextUpdate). What was fetched is
 * returned, to be embedded (B-LT). Every request has a timeout and a size cap.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './certificates.js';
import { fail } from './errors.js';

export interface RevocationOptions {
  /**
   * `require` (the default at B-LT and B-LTA): every certificate of the chain below the trust anchor must be
   * shown not revoked by a valid OCSP answer or CRL, else `REVOCATION_UNAVAILABLE`. `prefer`: an outage
   * (unreachable, HTTP error, malformed, `unknown`, nothing named) is tolerated, but a revoked certificate
   * (`CERTIFICATE_REVOKED`) and an answer that came unusable (stale, untrusted) are refused. `off`: not checked.
   */
  mode?: 'require' | 'prefer' | 'off';
  /**
   * Which source is asked first: `ocsp-first` (default: a small answer about this one certificate) or
   * `crl-first` (one CRL per issuer and window answers for every user of a CA: far fewer fetches when many
   * different users sign, but the whole list is embedded at B-LT). The other source is the fallback.
   */
  sources?: 'ocsp-first' | 'crl-first';
  /** Replaces `globalThis.fetch` (proxies, tests). */
  fetch?: typeof fetch;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /**
   * Where verified answers are kept until their `nextUpdate` (one fetch per certificate and OCSP responder,
   * one per CRL, per validity window, however many signatures need it). Default: one cache per process;
   * `false`: fetch every time.
   */
  cache?: RevocationCache | false;
}

/** Verified OCSP answers and CRLs until their `nextUpdate`; the oldest entry goes first when full. */
export class RevocationCache {
  readonly #entries = new Map<string, { until: number; value: unknown }>();
  readonly #pending = new Map<string, Promise<unknown>>();
  constructor(readonly maxEntries = 1024) {}

  get<T>(key: string): T | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.until <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value as T;
  }

  /** `load()` once for `key` however many callers ask while it runs. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.#pending.get(key);
    if (running) return running as Promise<T>;
    const p = load().finally(() => this.#pending.delete(key));
    this.#pending.set(key, p);
    return p;
  }

  set(key: string, value: unknown, until: Date | undefined): void {
    if (!until || until.getTime() <= Date.now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { until: until.getTime(), value });
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

const processCache = new RevocationCache();
const fingerprint = (c: ParsedCertificate) => createHash('sha256').update(c.der).digest('hex');

/** `load()`'s value from the cache, or loaded and kept until the `until` it gives. */
async function cached<T>(
  o: RevocationOptions,
  key: string,
  load: () => Promise<{ value: T; until: Date | undefined }>,
): Promise<T> {
  const cache = cacheOf(o);
  const hit = cache?.get<T>(key);
  if (hit) return hit;
  if (!cache) return (await load()).value;
  // Concurrent checks of the same certificate wait for the one fetch under way.
  return cache.once(key, async () => {
    const { value, until } = await load();
    cache.set(key, value, until);
    return value;
  });
}
const cacheOf = (o: RevocationOptions) => (o.cache === false ? undefined : (o.cache ?? processCache));

/** What was fetched, DER, to embed in the document (PAdES /DSS) or the signature. */
export interface RevocationData {
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** Certificates the responses need (OCSP responders, issuers). */
  certs: Uint8Array[];
}

const OCSP_MAX_BYTES = 1 << 20;
const CRL_MAX_BYTES = 16 << 20;
/** Clock skew tolerated between us and a responder. */
const SKEW_MS = 5 * 60_000;
const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';

/**
 * An answer that came but cannot be used as evidence (stale, dated in the future, not verifying, not for our
 * request or certificate): the source counts as failed and the next one is tried; see `checkRevocation`.
 */
class UnusableAnswer extends Error {}
const unusable = (message: string): never => {
  throw new UnusableAnswer(message);
};

async function fetchBounded(
  url: string,
  init: RequestInit,
  max: number,
  opts: RevocationOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const response = await doFetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw new Error(`more than ${max} bytes`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const httpUrls = (names: { type: string; value: string }[] | undefined) =>
  (names ?? []).filter((n) => n.type === 'url' && /^https?:\/\//i.test(n.value)).map((n) => n.value);

function ocspUrls(cert: ParsedCertificate): string[] {
  const aia = cert.x509.getExtension(x509.AuthorityInfoAccessExtension);
  return httpUrls(aia?.ocsp.map((g) => g.toJSON() as { type: string; value: string }));
}

function crlUrls(cert: ParsedCertificate): string[] {
  const cdp = cert.x509.getExtension(x509.CRLDistributionPointsExtension);
  const out: string[] = [];
  for (const dp of cdp?.distributionPoints ?? [])
    for (const name of dp.distributionPoint?.fullName ?? [])
      if (name.uniformResourceIdentifier && /^https?:\/\//i.test(name.uniformResourceIdentifier))
        out.push(name.uniformResourceIdentifier);
  return out;
}

function current(thisUpdate: Date, nextUpdate: Date | undefined, now: Date, what: string): void {
  if (thisUpdate.getTime() > now.getTime() + SKEW_MS) unusable(`the ${what} is dated in the future`);
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - SKEW_MS)
    unusable(`the ${what} is stale (its nextUpdate has passed)`);
}

type Status = { status: 'good' } | { status: 'revoked'; at: Date } | { status: 'unknown' };

async function viaOcsp(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  url: string,
  o: RevocationOptions,
): Promise<Outcome> {
  const serial = Buffer.from(cert.pkijs.serialNumber.valueBlock.valueHexView).toString('hex');
  return cached(o, `ocsp|${url}|${fingerprint(issuer)}|${serial}`, () => fetchOcsp(cert, issuer, url, o));
}

interface Outcome {
  kind: 'ocsp' | 'crl';
  result: Status;
  der: Uint8Array;
  certs: Uint8Array[];
}

async function fetchOcsp(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  url: string,
  o: RevocationOptions,
) {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert.pkijs, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.pkijs });
  const nonce = randomBytes(16);
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({
      extnID: OCSP_NONCE,
      extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(),
    }),
  ];
  const der = await fetchBounded(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(request.toSchema(true).toBER()),
    },
    OCSP_MAX_BYTES,
    o,
  );
  const response = pkijs.OCSPResponse.fromBER(der);
  if (response.responseStatus.valueBlock.valueDec !== 0 || !response.responseBytes)
    throw new Error(`OCSP status ${response.responseStatus.valueBlock.valueDec}`);
  const basic = pkijs.BasicOCSPResponse.fromBER(
    Uint8Array.from(response.responseBytes.response.valueBlock.valueHexView),
  );
  // Signature, chain to the issuer and responder authorisation (RFC 6960 §4.2.2.2).
  if (!(await basic.verify({ trustedCerts: [issuer.pkijs] })))
    return unusable('the OCSP response does not verify (signature or responder not authorised)');
  const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OCSP_NONCE);
  if (echoed) {
    const value = asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView).result as asn1js.OctetString;
    if (!Buffer.from(value.valueBlock.valueHexView).equals(nonce))
      unusable('the OCSP response is not for our request (nonce)');
  }
  const single = basic.tbsResponseData.responses.find((r) =>
    r.certID.serialNumber.isEqual(cert.pkijs.serialNumber),
  );
  if (!single) return unusable('the OCSP response does not cover the certificate');
  current(single.thisUpdate, single.nextUpdate, new Date(), 'OCSP response');
  const { status } = await basic.getCertificateStatus(cert.pkijs, issuer.pkijs);
  const certStatus = single.certStatus as {
    idBlock?: { tagNumber: number };
    valueBlock?: { value?: asn1js.GeneralizedTime[] };
  };
  const result: Status =
    status === 0
      ? { status: 'good' }
      : status === 1
        ? { status: 'revoked', at: revokedAt(certStatus) }
        : { status: 'unknown' };
  const certs = (basic.certs ?? []).map((c) => new Uint8Array(c.toSchema().toBER()));
  return { value: { kind: 'ocsp' as const, result, der, certs }, until: single.nextUpdate };
}

function revokedAt(certStatus: { valueBlock?: { value?: unknown[] } }): Date {
  const first = certStatus.valueBlock?.value?.[0] as { toDate?: () => Date } | undefined;
  return first?.toDate?.() ?? new Date(0);
}

async function viaCrl(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  url: string,
  o: RevocationOptions,
): Promise<Outcome> {
  // One CRL answers for every certificate of its issuer: kept (verified) until its nextUpdate.
  const fetched = await cached(o, `crl|${url}|${fingerprint(issuer)}`, async () => {
    const der = await fetchBounded(
      url,
      { method: 'GET', headers: { accept: 'application/pkix-crl' } },
      CRL_MAX_BYTES,
      o,
    );
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    if (!(await crl.verify({ issuerCertificate: issuer.pkijs })))
      return unusable('the CRL does not verify against its issuer');
    return { value: { crl, der }, until: crl.nextUpdate?.value };
  });
  const { crl, der } = fetched;
  current(crl.thisUpdate.value, crl.nextUpdate?.value, new Date(), 'CRL');
  const entry = crl.revokedCertificates?.find((r) => r.userCertificate.isEqual(cert.pkijs.serialNumber));
  const result: Status = entry ? { status: 'revoked', at: entry.revocationDate.value } : { status: 'good' };
  return { kind: 'crl' as const, result, der, certs: [] as Uint8Array[] };
}

/**
 * Checks every certificate of `chain` whose issuer is known (in the chain or among `anchors`) at `at`, each
 * source in turn (OCSP responders from the AIA, then CRL distribution points) until one gives a valid answer.
 *
 * - revoked at or before `at` → `CERTIFICATE_REVOKED` (whatever the mode but `off`);
 * - no valid answer, and some source answered with something unusable (stale, dated in the future, not
 *   verifying, untrusted responder, wrong nonce) → `REVOCATION_UNAVAILABLE` in `require` **and** `prefer`
 *   mode: `prefer` tolerates an outage, not bad data;
 * - no valid answer because every source was unreachable, failed, malformed, said `unknown`, or the
 *   certificate names none → `REVOCATION_UNAVAILABLE` in `require` mode, accepted in `prefer` mode.
 */
export async function checkRevocation(
  chain: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  at: Date,
  o: RevocationOptions = {},
): Promise<RevocationData> {
  const data: RevocationData = { ocsps: [], crls: [], certs: [] };
  if (o.mode === 'off') return data;
  const pool = [...chain, ...anchors];
  for (const cert of chain) {
    if (anchors.some((a) => Buffer.from(a.der).equals(Buffer.from(cert.der)))) continue;
    const issuer = pool.find((c) => c !== cert && c.x509.subject === cert.x509.issuer);
    if (!issuer) continue;
    const subject = cert.x509.subjectName.getField('CN')[0] ?? cert.x509.subject;
    let outcome: Outcome | undefined;
    let badData = false;
    const tried: string[] = [];
    const ocsp = ocspUrls(cert).map((u) => [u, viaOcsp] as const);
    const crl = crlUrls(cert).map((u) => [u, viaCrl] as const);
    for (const [url, how] of o.sources === 'crl-first' ? [...crl, ...ocsp] : [...ocsp, ...crl]) {
      try {
        const answer = await how(cert, issuer, url, o);
        if (answer.result.status !== 'unknown') {
          outcome = answer;
          break;
        }
        tried.push(`${url}: unknown`);
      } catch (e) {
        if (e instanceof Error && e.name === 'ItsmeSignError') throw e;
        if (e instanceof UnusableAnswer) badData = true;
        tried.push(`${url}: ${e instanceof Error ? e.message : 'failed'}`);
      }
    }
    const result = outcome?.result;
    if (result?.status === 'revoked' && result.at.getTime() <= at.getTime())
      fail(
        'CERTIFICATE_REVOKED',
        `The certificate of ${subject} was revoked on ${result.at.toISOString()}.`,
        {
          field: 'certificateChain',
        },
      );
    if (!outcome && (o.mode !== 'prefer' || badData))
      fail(
        'REVOCATION_UNAVAILABLE',
        `The revocation status of the certificate of ${subject} could not be established${tried.length ? ` (${tried.join('; ')})` : ' (it names no OCSP responder and no CRL)'}.`,
        { field: 'certificateChain' },
      );
    if (outcome) {
      (outcome.kind === 'ocsp' ? data.ocsps : data.crls).push(outcome.der);
      data.certs.push(...outcome.certs);
    }
  }
  return data;
}
