/**
 * CMS SignedData read and written at the level of its elements, each kept as encoded (CAdES augmentation and
 * timestamp tokens). The `SET OF`s this module writes (certificates, crls, digest algorithms, unsigned
 * attributes) are sorted as DER requires: validators such as EU DSS hash DER re-encodings of attribute values
 * (the ats-hash-index-v3), so what we write must already be DER.
 */
import { childrenOf, derSetOf, oid, oidString, readTlv, type Tlv, tlv } from './der.js';
import { fail } from './errors.js';
import { OID } from './oids.js';

export interface SignerParts {
  version: Tlv;
  sid: Tlv;
  digestAlgorithm: Tlv;
  signedAttrs: Tlv;
  signatureAlgorithm: Tlv;
  signature: Tlv;
  /** Raw `Attribute` elements. */
  unsigned: Uint8Array[];
}

export interface SignedDataParts {
  version: number;
  digestAlgorithms: Tlv;
  encap: Tlv;
  certs: Uint8Array[];
  crls: Uint8Array[];
  signers: Tlv[];
}

export const bad = (what: string): never =>
  fail('INVALID_REQUEST', `The signature cannot be extended: ${what}.`);

export function parseSignedData(cms: Uint8Array): SignedDataParts {
  const [type, wrapped] = childrenOf(readTlv(cms));
  if (!type || oidString(type) !== OID.signedData || wrapped?.tag !== 0xa0) bad('not a CMS SignedData');
  const fields = childrenOf(childrenOf(wrapped!)[0] ?? bad('empty content'));
  const [version, digestAlgorithms, encap] = fields;
  if (version?.tag !== 0x02 || digestAlgorithms?.tag !== 0x31 || encap?.tag !== 0x30)
    bad('malformed SignedData');
  const of = (tag: number) => {
    const f = fields.find((x) => x.tag === tag);
    return f ? childrenOf(f).map((c) => c.raw) : [];
  };
  const signers = fields.at(-1);
  if (signers?.tag !== 0x31) bad('no signerInfos');
  return {
    version: version!.value.at(-1)!,
    digestAlgorithms: digestAlgorithms!,
    encap: encap!,
    certs: of(0xa0),
    crls: of(0xa1),
    signers: childrenOf(signers!),
  };
}

export function encodeSignedData(sd: SignedDataParts, signers: Uint8Array[]): Uint8Array {
  const needsV5 = sd.crls.some((c) => c[0] === 0xa1) || sd.certs.some((c) => c[0] === 0xa3) ? 5 : sd.version;
  const signedData = tlv(
    0x30,
    tlv(0x02, Uint8Array.of(Math.max(sd.version, needsV5))),
    sd.digestAlgorithms.raw,
    sd.encap.raw,
    ...(sd.certs.length ? [derSetOf(0xa0, sd.certs)] : []),
    ...(sd.crls.length ? [derSetOf(0xa1, sd.crls)] : []),
    tlv(0x31, ...signers),
  );
  return tlv(0x30, oid(OID.signedData), tlv(0xa0, signedData));
}

export function parseSigner(t: Tlv): SignerParts {
  const f = childrenOf(t);
  const [version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature, unsigned] = f;
  if (signedAttrs?.tag !== 0xa0 || signature?.tag !== 0x04)
    bad('the signer has no signed attributes (not CAdES)');
  if (unsigned && unsigned.tag !== 0xa1) bad('malformed SignerInfo');
  return {
    version: version!,
    sid: sid!,
    digestAlgorithm: digestAlgorithm!,
    signedAttrs: signedAttrs!,
    signatureAlgorithm: signatureAlgorithm!,
    signature: signature!,
    unsigned: unsigned ? childrenOf(unsigned).map((c) => c.raw) : [],
  };
}

export function encodeSigner(s: SignerParts): Uint8Array {
  return tlv(
    0x30,
    s.version.raw,
    s.sid.raw,
    s.digestAlgorithm.raw,
    s.signedAttrs.raw,
    s.signatureAlgorithm.raw,
    s.signature.raw,
    ...(s.unsigned.length ? [derSetOf(0xa1, s.unsigned)] : []),
  );
}

/** An attribute's type and values (raw). */
export function attribute(raw: Uint8Array): { type: string; typeRaw: Uint8Array; values: Tlv[] } {
  const [type, values] = childrenOf(readTlv(raw));
  if (type?.tag !== 0x06 || values?.tag !== 0x31) bad('malformed attribute');
  return { type: oidString(type!), typeRaw: type!.raw, values: childrenOf(values!) };
}

export const attributeOf = (type: string, ...values: Uint8Array[]) =>
  tlv(0x30, oid(type), derSetOf(0x31, values));
/**
 * A timestamp token as DER as we can make it without touching anything signed: its certificates and CRLs
 * sorted (a TSA may list its chain in any order). Before it is embedded and covered by an archive timestamp.
 */
export function sortedToken(token: Uint8Array): Uint8Array {
  const sd = parseSignedData(token);
  return encodeSignedData(
    sd,
    sd.signers.map((s) => s.raw),
  );
}
