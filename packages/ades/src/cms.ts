/** Assembles the detached CMS SignedData (RFC 5652) around the signed attributes and the signature value. */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './certificates.js';
import { fail } from './errors.js';
import { OID } from './oids.js';
import type { SignatureAlgorithm } from './signature-value.js';

export interface CmsInput {
  /** Leaf first; all of them go into `certificates`. */
  chain: readonly ParsedCertificate[];
  /** The DER `SET OF Attribute` that was hashed and signed. */
  signedAttributes: Uint8Array;
  signature: Uint8Array;
  algorithm: SignatureAlgorithm;
  /** DER `ContentInfo` of an RFC 3161 TimeStampToken over `signature` (B-T). */
  timestampToken?: Uint8Array;
  /**
   * CAdES B-LT: certificates and revocation values in the SignedData itself (`certificates`, and `crls` as
   * RevocationInfoChoices: CRLs, OCSP responses as other revocation info `id-ri-ocsp-response`).
   */
  validation?: { certs: Uint8Array[]; ocsps: Uint8Array[]; crls: Uint8Array[] };
}

function validationFields(
  input: CmsInput,
): Pick<pkijs.SignedDataParameters, 'certificates' | 'crls' | 'version'> {
  const seen = new Set(input.chain.map((c) => Buffer.from(c.der).toString('base64')));
  const extra: pkijs.Certificate[] = [];
  for (const der of input.validation?.certs ?? []) {
    const key = Buffer.from(der).toString('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    extra.push(pkijs.Certificate.fromBER(Uint8Array.from(der)));
  }
  // One CRL may answer for several certificates (the root's, for the qualified CA and the TSA): once.
  const unique = (list: Uint8Array[]) =>
    list.filter((d, i) => list.findIndex((o) => Buffer.from(o).equals(Buffer.from(d))) === i);
  const crls = unique(input.validation?.crls ?? []).map((d) =>
    pkijs.CertificateRevocationList.fromBER(Uint8Array.from(d)),
  );
  const ocsps = unique(input.validation?.ocsps ?? []).map(
    (d) =>
      new pkijs.OtherRevocationInfoFormat({
        otherRevInfoFormat: OID.riOcspResponse,
        otherRevInfo: parseDer(d),
      }),
  );
  return {
    certificates: [...input.chain.map((c) => c.pkijs), ...extra],
    ...(crls.length + ocsps.length > 0 ? { crls: [...crls, ...ocsps] } : {}),
    // RFC 5652 §5.1: version 5 when other revocation information is present.
    version: ocsps.length > 0 ? 5 : 1,
  };
}

function algorithmId(oid: string, params?: asn1js.AsnType): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier(
    params ? { algorithmId: oid, algorithmParams: params } : { algorithmId: oid },
  );
}

function signatureAlgorithm(algorithm: SignatureAlgorithm): pkijs.AlgorithmIdentifier {
  switch (algorithm) {
    case 'RSA-PKCS1-SHA256':
      return algorithmId(OID.sha256WithRsa, new asn1js.Null());
    case 'RSA-PSS-SHA256': {
      const sha256 = algorithmId(OID.sha256);
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: sha256,
        maskGenAlgorithm: algorithmId('1.2.840.113549.1.1.8', sha256.toSchema()),
        saltLength: 32,
      });
      return algorithmId('1.2.840.113549.1.1.10', params.toSchema());
    }
    case 'ECDSA-SHA256':
      return algorithmId(OID.ecdsaWithSha256);
  }
}

function parseDer(der: Uint8Array): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) fail('INVALID_REQUEST', 'Malformed DER structure.');
  return parsed.result;
}

function attributesOf(setDer: Uint8Array): pkijs.Attribute[] {
  const set = parseDer(setDer);
  if (!(set instanceof asn1js.Set)) fail('INVALID_REQUEST', 'The signed attributes are not a SET.');
  return set.valueBlock.value.map((schema) => new pkijs.Attribute({ schema }));
}

/** DER `ContentInfo { signedData }` without encapsulated content (detached). */
export function buildCms(input: CmsInput): Uint8Array {
  const leaf = input.chain[0];
  if (!leaf) return fail('CERTIFICATE_INVALID', 'The certificate chain is empty.');
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: attributesOf(input.signedAttributes),
  });
  // The signature covers these exact bytes: make sure the re-encoding did not change a single one.
  const reencoded = new Uint8Array(signedAttrs.toSchema().toBER());
  reencoded[0] = 0x31;
  if (Buffer.compare(reencoded, input.signedAttributes) !== 0) {
    fail('INTERNAL_ERROR', 'The signed attributes are not in DER form.');
  }
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({
      issuer: leaf.pkijs.issuer,
      serialNumber: leaf.pkijs.serialNumber,
    }),
    digestAlgorithm: algorithmId(OID.sha256),
    signedAttrs,
    signatureAlgorithm: signatureAlgorithm(input.algorithm),
    signature: new asn1js.OctetString({ valueHex: input.signature }),
  });
  if (input.timestampToken) {
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [
        new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [parseDer(input.timestampToken)] }),
      ],
    });
  }
  const signedData = new pkijs.SignedData({
    digestAlgorithms: [algorithmId(OID.sha256)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    ...validationFields(input),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER());
}
