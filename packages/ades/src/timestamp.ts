/** RFC 3161 client: asks a time-stamping authority for a token over the signature value (B-T). */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type CertificateInput, sharedCertificates } from './certificates.js';
import { sortedToken } from './cms-raw.js';
import { fail } from './errors.js';
import { OID } from './oids.js';

export interface TsaOptions {
  /** RFC 3161 over HTTP (POST `application/timestamp-query`). */
  url: string;
  /** Replaces `globalThis.fetch` (proxies, mutual TLS, tests). */
  fetch?: typeof fetch;
  /** Extra request headers (e.g. authorization of a commercial TSA). */
  headers?: Record<string, string>;
  /** The TSA certificate must chain to one of these (required: an unauthenticated timestamp is refused). */
  trustAnchors: CertificateInput[];
  /** Default 15 s. */
  timeoutMs?: number;
}

export interface Timestamp {
  /** DER `ContentInfo` of the TimeStampToken. */
  token: Uint8Array;
  genTime: Date;
}

/** Requests and checks a timestamp token whose message imprint is SHA-256(`data`). */
export async function requestTimestamp(data: Uint8Array, tsa: TsaOptions): Promise<Timestamp> {
  if (!tsa.trustAnchors?.length) {
    fail('INVALID_CONFIG', 'A timestamp is only accepted from a trusted TSA: give tsa.trustAnchors.', {
      field: 'tsa.trustAnchors',
    });
  }
  const imprint = createHash('sha256').update(data).digest();
  const nonce = BigInt(`0x${randomBytes(8).toString('hex')}`);
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: asn1js.Integer.fromBigInt(nonce),
    certReq: true,
  });
  const doFetch = tsa.fetch ?? globalThis.fetch;
  let body: Uint8Array;
  try {
    const response = await doFetch(tsa.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/timestamp-query',
        accept: 'application/timestamp-reply',
        ...tsa.headers,
      },
      body: new Uint8Array(request.toSchema().toBER()),
      signal: AbortSignal.timeout(tsa.timeoutMs ?? 15_000),
    });
    if (!response.ok)
      fail('TIMESTAMP_FAILED', `The time-stamping authority answered HTTP ${response.status}.`);
    body = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'ItsmeSignError') throw cause;
    return fail('TIMESTAMP_FAILED', 'The time-stamping authority could not be reached.', { cause });
  }
  return checkResponse(body, data, imprint, nonce, tsa);
}

async function checkResponse(
  body: Uint8Array,
  data: Uint8Array,
  imprint: Buffer,
  nonce: bigint,
  tsa: TsaOptions,
): Promise<Timestamp> {
  let resp: pkijs.TimeStampResp;
  let signedData: pkijs.SignedData;
  let tstInfo: pkijs.TSTInfo;
  try {
    resp = pkijs.TimeStampResp.fromBER(Uint8Array.from(body));
    if (resp.status.status !== 0 && resp.status.status !== 1) {
      return fail(
        'TIMESTAMP_FAILED',
        `The time-stamping authority refused the request (status ${resp.status.status}).`,
      );
    }
    if (!resp.timeStampToken) return fail('TIMESTAMP_FAILED', 'The time-stamping authority sent no token.');
    signedData = new pkijs.SignedData({ schema: resp.timeStampToken.content });
    const eContent = signedData.encapContentInfo.eContent;
    if (!eContent) return fail('TIMESTAMP_FAILED', 'The timestamp token has no TSTInfo.');
    tstInfo = pkijs.TSTInfo.fromBER(eContent.getValue());
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'ItsmeSignError') throw cause;
    return fail('TIMESTAMP_FAILED', 'The time-stamping authority sent a malformed answer.', { cause });
  }
  const mi = tstInfo.messageImprint;
  if (
    mi.hashAlgorithm.algorithmId !== OID.sha256 ||
    Buffer.compare(Buffer.from(mi.hashedMessage.valueBlock.valueHexView), imprint) !== 0
  ) {
    fail('TIMESTAMP_FAILED', 'The timestamp token is not over this signature.');
  }
  if (!tstInfo.nonce || tstInfo.nonce.toBigInt() !== nonce)
    fail('TIMESTAMP_FAILED', 'The timestamp nonce does not match.');
  const anchors = sharedCertificates(tsa.trustAnchors).map((c) => c.pkijs);
  let result: pkijs.SignedDataVerifyResult;
  try {
    result = await signedData.verify({
      signer: 0,
      data: Uint8Array.from(data).buffer,
      checkChain: true,
      trustedCerts: anchors,
      extendedMode: true,
    });
  } catch (cause) {
    return fail('TIMESTAMP_FAILED', 'The timestamp token signature does not verify.', { cause });
  }
  if (!result.signatureVerified) fail('TIMESTAMP_FAILED', 'The timestamp token signature does not verify.');
  // RFC 3161 §2.3: the TSA's certificate is for time-stamping only (critical EKU id-kp-timeStamping).
  const eku = result.signerCertificate?.extensions?.find((e) => e.extnID === '2.5.29.37');
  const purposes = (eku?.parsedValue as { keyPurposes?: string[] } | undefined)?.keyPurposes ?? [];
  if (!purposes.includes('1.3.6.1.5.5.7.3.8')) {
    fail(
      'TIMESTAMP_FAILED',
      'The timestamp was not signed by a time-stamping certificate (no timeStamping usage).',
    );
  }
  // Its certificates in DER order (a TSA may list them in any): what is embedded must be DER (see cms-raw.ts).
  const token = sortedToken(new Uint8Array(resp.timeStampToken!.toSchema().toBER()));
  return { token, genTime: tstInfo.genTime };
}
