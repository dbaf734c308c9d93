/** A tiny RFC 3161 time-stamping authority over HTTP on 127.0.0.1, built with pkijs (tests only). */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseChain } from '../certificates.js';
import { OID } from '../oids.js';
import { signingCertificateV2 } from '../signed-attributes.js';
import type { TestIdentity } from './pki.js';

const ID_CT_TST_INFO = '1.2.840.113549.1.9.16.1.4';

export interface TestTsa {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function respond(body: Buffer, tsa: TestIdentity, serial: number): Promise<Uint8Array> {
  const req = pkijs.TimeStampReq.fromBER(Uint8Array.from(body));
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: '1.3.6.1.4.1.55555.1.1',
    messageImprint: req.messageImprint,
    serialNumber: new asn1js.Integer({ value: serial }),
    genTime: new Date(Math.floor(Date.now() / 1000) * 1000),
    ...(req.nonce ? { nonce: req.nonce } : {}),
  });
  const tstDer = new Uint8Array(tstInfo.toSchema().toBER());
  const chain = parseChain(tsa.chain);
  const leaf = chain[0]!;
  const attr = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] });
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: ID_CT_TST_INFO,
      eContent: new asn1js.OctetString({ valueHex: tstDer }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: leaf.pkijs.issuer,
          serialNumber: leaf.pkijs.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            attr(OID.contentType, new asn1js.ObjectIdentifier({ value: ID_CT_TST_INFO })),
            attr(
              OID.messageDigest,
              new asn1js.OctetString({ valueHex: createHash('sha256').update(tstDer).digest() }),
            ),
            attr(OID.signingCertificateV2, signingCertificateV2(leaf)),
          ],
        }),
      }),
    ],
    certificates: chain.map((c) => c.pkijs),
  });
  // pkijs turns a given eContent into a constructed OCTET STRING; TSAs send a primitive one.
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: tstDer });
  await signedData.sign(tsa.keys.privateKey, 0, 'SHA-256');
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: 0 }),
    timeStampToken: new pkijs.ContentInfo({
      contentType: OID.signedData,
      content: signedData.toSchema(true),
    }),
  });
  return new Uint8Array(resp.toSchema().toBER());
}

export async function startTestTsa(tsa: TestIdentity): Promise<TestTsa> {
  let serial = 1;
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end();
        return;
      }
      respond(Buffer.concat(chunks), tsa, serial++).then(
        (der) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der),
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
