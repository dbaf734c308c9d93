/**
 * An RFC 3161 time-stamping authority for PAdES/CAdES B-T tests: `POST {frontUrl}/tsa` with
 * `application/timestamp-query` → `application/timestamp-reply`. The token is a CMS SignedData over a TSTInfo, signed
 * by the sandbox TSA certificate (EKU timeStamping, critical), with the ESS signing-certificate-v2 attribute.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { IssuedCertificate } from './pki/authority.js';
import { importSigningKey } from './pki/keys.js';
import { ensurePkijsEngine } from './pkijs-engine.js';

/** The sandbox TSA's (made-up) policy OID. */
export const TSA_POLICY_OID = '1.3.6.1.4.1.49274.99.2';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

const HASHES: Record<string, number> = {
  '2.16.840.1.101.3.4.2.1': 32, // SHA-256
  '2.16.840.1.101.3.4.2.2': 48, // SHA-384
  '2.16.840.1.101.3.4.2.3': 64, // SHA-512
};

const REPLY = 'application/timestamp-reply';

function rejection(text: string): Buffer {
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: text })],
    }),
  });
  return Buffer.from(resp.toSchema().toBER());
}

/** ESS `SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { certHash (SHA-256, default alg), issuerSerial } }`. */
function signingCertificateV2(cert: pkijs.Certificate, der: ArrayBuffer): asn1js.Sequence {
  const certHash = createHash('sha256').update(Buffer.from(der)).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new pkijs.GeneralName({ type: 4, value: cert.issuer }).toSchema()] }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: new Uint8Array(certHash).buffer }), issuerSerial],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

export function createTsa(tsa: IssuedCertificate) {
  ensurePkijsEngine();
  const certDer = tsa.cert.rawData;
  const cert = pkijs.Certificate.fromBER(certDer);
  const keyPromise = importSigningKey(tsa.keyPem);

  return async (query: Buffer): Promise<{ status: number; body: Buffer; contentType: string }> => {
    let req: pkijs.TimeStampReq;
    try {
      req = pkijs.TimeStampReq.fromBER(new Uint8Array(query));
    } catch {
      return { status: 200, body: rejection('badDataFormat: not a TimeStampReq'), contentType: REPLY };
    }
    const alg = req.messageImprint.hashAlgorithm.algorithmId;
    const expected = HASHES[alg];
    if (!expected || req.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== expected) {
      return {
        status: 200,
        body: rejection('badAlg: SHA-256, SHA-384 or SHA-512 imprints only'),
        contentType: REPLY,
      };
    }
    if (req.reqPolicy && req.reqPolicy !== TSA_POLICY_OID) {
      return { status: 200, body: rejection(`unacceptedPolicy: only ${TSA_POLICY_OID}`), contentType: REPLY };
    }
    const serial = randomBytes(16);
    serial[0] = (serial[0] as number) & 0x7f;
    const genTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const tstInfo = new pkijs.TSTInfo({
      version: 1,
      policy: TSA_POLICY_OID,
      messageImprint: req.messageImprint,
      serialNumber: new asn1js.Integer({ valueHex: new Uint8Array(serial).buffer }),
      genTime,
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(req.nonce ? { nonce: req.nonce } : {}),
      tsa: new pkijs.GeneralName({ type: 4, value: cert.subject }),
    });
    const tstDer = tstInfo.toSchema().toBER();
    const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: [
        new pkijs.Attribute({
          type: OID.contentType,
          values: [new asn1js.ObjectIdentifier({ value: OID.tstInfo })],
        }),
        new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: genTime })] }),
        new pkijs.Attribute({
          type: OID.messageDigest,
          values: [
            new asn1js.OctetString({
              valueHex: new Uint8Array(createHash('sha256').update(Buffer.from(tstDer)).digest()).buffer,
            }),
          ],
        }),
        new pkijs.Attribute({
          type: OID.signingCertificateV2,
          values: [signingCertificateV2(cert, certDer)],
        }),
      ],
    });
    const signedData = new pkijs.SignedData({
      version: 3,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({
        eContentType: OID.tstInfo,
        eContent: new asn1js.OctetString({ valueHex: tstDer }),
      }),
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
          signedAttrs,
        }),
      ],
      ...(req.certReq ? { certificates: [cert] } : {}),
    });
    // pkijs turns a given eContent into a constructed OCTET STRING (which pkijs itself then cannot verify);
    // TSAs send a primitive one.
    signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: tstDer });
    await signedData.sign(await keyPromise, 0, 'SHA-256');
    const token = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
    const resp = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }),
      timeStampToken: token,
    });
    return { status: 200, body: Buffer.from(resp.toSchema().toBER()), contentType: REPLY };
  };
}
