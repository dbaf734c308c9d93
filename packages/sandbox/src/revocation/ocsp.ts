/**
 * An RFC 6960 OCSP responder for one CA: parses the `OCSPRequest` with pkijs, answers each `CertID` (good, revoked
 * with time and reason, unknown), echoes the nonce, and signs the `BasicOCSPResponse` with the CA's delegated
 * responder certificate (included in `certs`; `ResponderID` byKey). Loaded on the first OCSP request only.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { IssuedCertificate } from '../pki/issue.js';
import { importSigningKey } from '../pki/keys.js';
import { ensurePkijsEngine } from '../pkijs-engine.js';
import { REVOCATION_REASONS, type RevocationReason, wholeSeconds } from './store.js';

export type CertStatus =
  | { status: 'good' }
  | { status: 'revoked'; time: Date; reason: RevocationReason }
  | { status: 'unknown' };

export interface OcspSigner {
  /** The CA the answered certificates were issued by. */
  ca: IssuedCertificate;
  /** Who signs the response: the CA's delegated responder (or, for the `untrusted` fault, another CA's). */
  responder: IssuedCertificate;
}

export interface OcspAnswer {
  /** Status of a serial (lowercase hex) issued by `signer.ca`. */
  status: (serial: string) => Promise<CertStatus>;
  thisUpdate: Date;
  nextUpdate: Date;
}

const OID = {
  nonce: '1.3.6.1.5.5.7.48.1.2',
  basic: '1.3.6.1.5.5.7.48.1.1',
} as const;

const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** `OCSPResponseStatus` values used here. */
export const OCSP_STATUS = { successful: 0, malformedRequest: 1, internalError: 2 } as const;

export function ocspError(status: number): Buffer {
  ensurePkijsEngine();
  const resp = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) });
  return Buffer.from(resp.toSchema().toBER());
}

const hash = (alg: string, data: ArrayBuffer | Uint8Array) =>
  createHash(alg)
    .update(data instanceof Uint8Array ? data : new Uint8Array(data))
    .digest();

function certStatusSchema(s: CertStatus): asn1js.BaseBlock {
  if (s.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (s.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  const reason = REVOCATION_REASONS[s.reason];
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 1 },
    value: [
      new asn1js.GeneralizedTime({ valueDate: wholeSeconds(s.time) }),
      // RFC 5280 §5.3.1: the reason is left out rather than given as `unspecified`.
      ...(reason === 0
        ? []
        : [
            new asn1js.Constructed({
              idBlock: { tagClass: 3, tagNumber: 0 },
              value: [new asn1js.Enumerated({ value: reason })],
            }),
          ]),
    ],
  });
}

/** Whether the CertID names `ca` (issuer name and key hashes in the request's hash algorithm). */
function namesIssuer(certId: pkijs.CertID, ca: pkijs.Certificate): boolean {
  const alg = HASH_BY_OID[certId.hashAlgorithm.algorithmId];
  if (!alg) return false;
  const nameHash = hash(alg, ca.subject.toSchema().toBER());
  const keyHash = hash(alg, ca.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  return (
    nameHash.equals(Buffer.from(certId.issuerNameHash.valueBlock.valueHexView)) &&
    keyHash.equals(Buffer.from(certId.issuerKeyHash.valueBlock.valueHexView))
  );
}

/** Answers a DER `OCSPRequest` with a DER `OCSPResponse`. */
export async function answerOcsp(
  requestDer: Uint8Array<ArrayBuffer>,
  signer: OcspSigner,
  answer: OcspAnswer,
): Promise<Buffer> {
  ensurePkijsEngine();
  let request: pkijs.OCSPRequest;
  try {
    request = pkijs.OCSPRequest.fromBER(requestDer);
  } catch {
    return ocspError(OCSP_STATUS.malformedRequest);
  }
  const ca = pkijs.Certificate.fromBER(signer.ca.cert.rawData);
  const responder = pkijs.Certificate.fromBER(signer.responder.cert.rawData);
  const responses: pkijs.SingleResponse[] = [];
  for (const { reqCert } of request.tbsRequest.requestList) {
    const serial = Buffer.from(reqCert.serialNumber.valueBlock.valueHexView).toString('hex');
    const status: CertStatus = namesIssuer(reqCert, ca) ? await answer.status(serial) : { status: 'unknown' };
    responses.push(
      new pkijs.SingleResponse({
        certID: reqCert,
        certStatus: certStatusSchema(status),
        thisUpdate: wholeSeconds(answer.thisUpdate),
        nextUpdate: wholeSeconds(answer.nextUpdate),
      }),
    );
  }
  if (responses.length === 0) return ocspError(OCSP_STATUS.malformedRequest);
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.nonce);
  const tbsResponseData = new pkijs.ResponseData({
    responderID: new asn1js.OctetString({
      valueHex: Uint8Array.from(
        hash('sha1', responder.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
      ).buffer,
    }),
    producedAt: wholeSeconds(answer.thisUpdate),
    responses,
    ...(nonce ? { responseExtensions: [nonce] } : {}),
  });
  const basic = new pkijs.BasicOCSPResponse({ tbsResponseData, certs: [responder] });
  await basic.sign(await importSigningKey(signer.responder.keyPem), 'SHA-256');
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: OCSP_STATUS.successful }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: OID.basic,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }),
    }),
  });
  return Buffer.from(response.toSchema().toBER());
}
