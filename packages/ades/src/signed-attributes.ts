/**
 * The CMS signed attributes of a baseline signature (EN 319 122-1 §5.2), DER-encoded as a SET OF sorted
 * by encoding: this DER is what gets hashed and signed.
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './certificates.js';
import { fail } from './errors.js';
import { OID, POLICY_DIGEST_OIDS, type PolicyDigestAlgorithm } from './oids.js';

export interface SignaturePolicy {
  /** Policy OID, e.g. `1.3.6.1.4.1.49274.1.1.7.1.0` (discovery document `oid`). */
  oid: string;
  /** Hex digest of the policy document (discovery document `sigDigest`). */
  digest: string;
  /** Discovery document `sigDigestAlg`. */
  digestAlgorithm: PolicyDigestAlgorithm | string;
  /** Where the policy document lives (SPuri qualifier). */
  url?: string;
}

export interface SignedAttributesInput {
  /** SHA-256 of the signed content (the PDF byte ranges, or the file). */
  messageDigest: Uint8Array;
  signer: ParsedCertificate;
  /** CAdES only: PAdES keeps the time in the signature dictionary's /M. */
  signingTime?: Date;
  signaturePolicy?: SignaturePolicy;
  commitmentTypeOid?: string;
  signerRole?: string;
}

const OID_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/;

function attribute(type: string, value: asn1js.AsnType): Uint8Array {
  return new Uint8Array(new pkijs.Attribute({ type, values: [value] }).toSchema().toBER());
}

function algorithm(oid: string): asn1js.Sequence {
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid }).toSchema() as asn1js.Sequence;
}

/** ESS `SigningCertificateV2` value (RFC 5035) naming `cert` by its SHA-256 and issuer/serial. */
export function signingCertificateV2(cert: ParsedCertificate): asn1js.Sequence {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.pkijs.issuer })] }),
    serialNumber: cert.pkijs.serialNumber,
  });
  // ESSCertIDv2: hashAlgorithm is left out because SHA-256 is its DEFAULT (DER omits defaults).
  const essCertId = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: createHash('sha256').update(cert.der).digest() }),
      issuerSerial.toSchema(),
    ],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] });
}

function signaturePolicyId(policy: SignaturePolicy): asn1js.Sequence {
  if (!OID_RE.test(policy.oid))
    fail('INVALID_REQUEST', 'The signature policy OID is malformed.', { field: 'signaturePolicy.oid' });
  const alg =
    POLICY_DIGEST_OIDS[policy.digestAlgorithm.toUpperCase().replace('-', '') as PolicyDigestAlgorithm];
  if (!alg)
    fail('INVALID_REQUEST', 'Unsupported signature policy digest algorithm.', {
      field: 'signaturePolicy.digestAlgorithm',
    });
  if (!/^([0-9a-fA-F]{2})+$/.test(policy.digest)) {
    fail('INVALID_REQUEST', 'The signature policy digest must be hex.', { field: 'signaturePolicy.digest' });
  }
  const value: asn1js.AsnType[] = [
    new asn1js.ObjectIdentifier({ value: policy.oid }),
    new asn1js.Sequence({
      value: [algorithm(alg), new asn1js.OctetString({ valueHex: Buffer.from(policy.digest, 'hex') })],
    }),
  ];
  if (policy.url) {
    value.push(
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID.spqUri }),
              new asn1js.IA5String({ value: policy.url }),
            ],
          }),
        ],
      }),
    );
  }
  return new asn1js.Sequence({ value });
}

/**
 * signer-attributes-v2 (EN 319 122-1 §5.2.6.1) with one claimed attribute id-at-role (UTF8String), encoded
 * as EU DSS writes it: `SEQUENCE { [0] EXPLICIT SEQUENCE OF Attribute }`.
 */
function signerAttributesV2(role: string): asn1js.Sequence {
  const claimed = new pkijs.Attribute({ type: OID.role, values: [new asn1js.Utf8String({ value: role })] });
  return new asn1js.Sequence({
    value: [
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.Sequence({ value: [claimed.toSchema()] })],
      }),
    ],
  });
}

/** Builds and DER-encodes the signed attributes (a `SET OF Attribute`, elements sorted by their encoding). */
export function buildSignedAttributes(input: SignedAttributesInput): Uint8Array {
  const attrs: Uint8Array[] = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: input.messageDigest })),
    attribute(OID.signingCertificateV2, signingCertificateV2(input.signer)),
  ];
  if (input.signingTime)
    attrs.push(
      attribute(
        OID.signingTime,
        new pkijs.Time({
          type: input.signingTime.getUTCFullYear() < 2050 ? 0 : 1,
          value: input.signingTime,
        }).toSchema(),
      ),
    );
  if (input.signaturePolicy)
    attrs.push(attribute(OID.signaturePolicyId, signaturePolicyId(input.signaturePolicy)));
  if (input.commitmentTypeOid) {
    if (!OID_RE.test(input.commitmentTypeOid)) {
      fail('INVALID_REQUEST', 'The commitment type OID is malformed.', { field: 'commitmentTypeOid' });
    }
    attrs.push(
      attribute(
        OID.commitmentTypeIndication,
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: input.commitmentTypeOid })] }),
      ),
    );
  }
  if (input.signerRole) attrs.push(attribute(OID.signerAttributesV2, signerAttributesV2(input.signerRole)));
  attrs.sort((a, b) => Buffer.compare(a, b));
  const set = new asn1js.Set({ value: attrs.map((a) => asn1js.fromBER(a).result) });
  return new Uint8Array(set.toBER());
}

/** The digest itsme® signs: standard base64 of SHA-256 over the DER signed attributes. */
export function signedAttributesDigest(signedAttributes: Uint8Array): string {
  return createHash('sha256').update(signedAttributes).digest('base64');
}
