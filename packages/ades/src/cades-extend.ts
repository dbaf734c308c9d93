/**
 * CAdES augmentation (EN 319 122-1): raises an existing CMS signature — ours or another tool's — to B-LT
 * (certificates and revocation values in the SignedData) and B-LTA (an archive-time-stamp-v3 with its
 * ats-hash-index-v3, §5.5.2–5.5.3). Every element already in the signature is kept byte for byte; only the
 * `certificates`, `crls`, `digestAlgorithms`, version and the signer's unsigned attributes grow.
 */
import { createHash } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';
import { validateChain } from './certificate-check.js';
import { type CertificateInput, type ParsedCertificate, parseCertificates } from './certificates.js';
import {
  attribute,
  attributeOf,
  bad,
  encodeSignedData,
  encodeSigner,
  parseSignedData,
  parseSigner,
  type SignedDataParts,
  type SignerParts,
} from './cms-raw.js';
import { chainOf, tokenCertificates } from './cms-read.js';
import { type ContentInput, readContent, sha256Content } from './content.js';
import { childrenOf, derSetOf, equalBytes, oid, oidString, readTlv, type Tlv, tlv } from './der.js';
import { fail } from './errors.js';
import { OID } from './oids.js';
import { checkRevocation, type RevocationData, type RevocationOptions } from './revocation.js';
import { verifySignatureValue } from './signature-value.js';
import { requestTimestamp, type TsaOptions } from './timestamp.js';

const ARCHIVE_TIMESTAMP_V3 = OID.archiveTimestampV3;

export interface ExtendCadesOptions {
  level: 'B-LT' | 'B-LTA';
  /** CA certificates the signer's chain and the timestamps' TSA chains lead to (they are embedded too). */
  trustAnchors: CertificateInput[];
  /** Required for B-LTA, and for B-LT when the signature has no signature timestamp yet (B-B). */
  tsa?: TsaOptions;
  /** Default mode `require`. */
  revocation?: RevocationOptions;
}

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const sha256AlgorithmId = () => tlv(0x30, oid(OID.sha256));

/** The octets of an OCTET STRING element, primitive or constructed (BER). */
function octets(t: Tlv): Uint8Array {
  if (!t.constructed) return t.value;
  return Buffer.concat(childrenOf(t).map(octets));
}

/** EN 319 122-1 §5.5.2: ATSHashIndexV3 over what the SignedData and the signer hold now. */
function atsHashIndexV3(sd: SignedDataParts, signer: SignerParts): Uint8Array {
  const index = (items: Uint8Array[]) => tlv(0x30, ...items.map((i) => tlv(0x04, sha256(i))));
  const values = signer.unsigned.flatMap((raw) => {
    const a = attribute(raw);
    return a.values.map((v) => Buffer.concat([a.typeRaw, v.raw]));
  });
  return tlv(0x30, sha256AlgorithmId(), index(sd.certs), index(sd.crls), index(values));
}

/** Adds `attr` to the unsigned attributes of the (only) signer of a timestamp token. */
function withTokenAttribute(token: Uint8Array, attr: Uint8Array): Uint8Array {
  const sd = parseSignedData(token);
  const signer = parseSigner(sd.signers[0] ?? bad('the timestamp token has no signer'));
  signer.unsigned.push(attr);
  return encodeSignedData(sd, [encodeSigner(signer)]);
}

/**
 * EN 319 122-1 §5.5.3: the archive-time-stamp-v3 of `signer`. The message imprint is SHA-256 over
 * eContentType ‖ SHA-256(content) ‖ version ‖ sid ‖ digestAlgorithm ‖ signedAttrs ‖ signatureAlgorithm ‖
 * signature (as encoded in the signature) ‖ the ATSHashIndexV3, which goes into the token's unsigned
 * attributes (ats-hash-index-v3).
 */
async function addArchiveTimestamp(
  sd: SignedDataParts,
  signer: SignerParts,
  contentHash: Uint8Array,
  tsa: TsaOptions,
): Promise<void> {
  const eContentType = childrenOf(sd.encap)[0] ?? bad('no eContentType');
  if (!childrenOf(sd.digestAlgorithms).some((a) => oidString(childrenOf(a)[0]!) === OID.sha256))
    sd.digestAlgorithms = readTlv(
      derSetOf(0x31, [...childrenOf(sd.digestAlgorithms).map((a) => a.raw), sha256AlgorithmId()]),
    );
  const hashIndex = atsHashIndexV3(sd, signer);
  const imprinted = Buffer.concat([
    eContentType.raw,
    contentHash,
    signer.version.raw,
    signer.sid.raw,
    signer.digestAlgorithm.raw,
    signer.signedAttrs.raw,
    signer.signatureAlgorithm.raw,
    signer.signature.raw,
    hashIndex,
  ]);
  const { token } = await requestTimestamp(imprinted, tsa);
  signer.unsigned.push(
    attributeOf(ARCHIVE_TIMESTAMP_V3, withTokenAttribute(token, attributeOf(OID.atsHashIndexV3, hashIndex))),
  );
}

/** B-LTA from a B-LT CMS we just built (finalize): `contentHash` is the SHA-256 of the signed content. */
export async function archiveTimestampV3(
  cms: Uint8Array,
  contentHash: Uint8Array,
  tsa: TsaOptions,
): Promise<Uint8Array> {
  const sd = parseSignedData(cms);
  const signer = parseSigner(sd.signers[0]!);
  await addArchiveTimestamp(sd, signer, contentHash, tsa);
  return encodeSignedData(sd, [encodeSigner(signer)]);
}

/** The issuer and serial number of a certificate, as encoded in it. */
function issuerAndSerial(cert: ParsedCertificate): Uint8Array {
  const tbs = childrenOf(childrenOf(readTlv(cert.der))[0]!);
  const rest = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs;
  return tlv(0x30, rest[2]!.raw, rest[0]!.raw);
}

function signerCertificate(sid: Tlv, certs: ParsedCertificate[]): ParsedCertificate {
  const found = certs.find((c) => {
    if (sid.tag === 0x30)
      return equalBytes(issuerAndSerial(c), tlv(0x30, ...childrenOf(sid).map((x) => x.raw)));
    const ski = c.x509.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    return sid.tag === 0x80 && ski === Buffer.from(sid.value).toString('hex');
  });
  return found ?? bad("the signer's certificate is not in the signature");
}

/** `leaf` and its issuers up to a self-signed certificate, from `pool`. */
function chainFrom(leaf: ParsedCertificate, pool: ParsedCertificate[]): ParsedCertificate[] {
  const chain = [leaf];
  for (let c = leaf; c.x509.subject !== c.x509.issuer; ) {
    const issuer = pool.find((p) => p.x509.subject === c.x509.issuer && !chain.includes(p));
    if (!issuer) break;
    chain.push(issuer);
    c = issuer;
  }
  return chain;
}

function signedAttribute(signer: SignerParts, type: string): Tlv | undefined {
  for (const a of childrenOf(signer.signedAttrs)) {
    const parsed = attribute(a.raw);
    if (parsed.type === type) return parsed.values[0];
  }
  return undefined;
}

function genTime(token: Uint8Array): Date {
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(Uint8Array.from(token)).content });
  return pkijs.TSTInfo.fromBER(sd.encapContentInfo.eContent!.getValue()).genTime;
}

/**
 * Raises a CAdES signature (DER `.p7s`, detached or not; one signer, SHA-256) to B-LT or B-LTA. `content` is
 * needed for a detached signature at B-LTA only if you want it checked: without it, the message-digest
 * attribute (covered by the verified signature) stands for it. Run it again at B-LTA on a B-LTA signature
 * to renew the archive timestamp (the validation data of the earlier timestamps is added first).
 */
export async function extendCades(
  p7s: ContentInput,
  content: ContentInput | undefined,
  options: ExtendCadesOptions,
): Promise<Uint8Array> {
  if (options.level !== 'B-LT' && options.level !== 'B-LTA')
    fail('INVALID_REQUEST', 'extendCades raises a signature to B-LT or B-LTA.', { field: 'level' });
  const sd = parseSignedData(await readContent(p7s));
  if (sd.signers.length !== 1) bad('only signatures with exactly one signer are extended');
  const signer = parseSigner(sd.signers[0]!);
  if (oidString(childrenOf(signer.digestAlgorithm)[0]!) !== OID.sha256)
    bad('the digest algorithm is not SHA-256');

  // The content: encapsulated, given, or stood for by the signed message-digest.
  const messageDigest = signedAttribute(signer, OID.messageDigest);
  if (!messageDigest) bad('no message-digest attribute');
  const eContent = childrenOf(sd.encap)[1];
  const contentHash = eContent
    ? sha256(octets(childrenOf(eContent)[0]!))
    : content
      ? await sha256Content(content)
      : messageDigest!.value;
  if (!equalBytes(contentHash, messageDigest!.value))
    fail('DOCUMENT_CHANGED', 'The content is not the one that was signed (its digest differs).', {
      field: 'content',
    });

  // The signature itself must be valid, by a certificate that chains to a trust anchor and was not revoked.
  const inside = parseCertificates(sd.certs.filter((c) => c[0] === 0x30));
  const anchors = parseCertificates([...options.trustAnchors, ...(options.tsa?.trustAnchors ?? [])]);
  const leaf = signerCertificate(signer.sid, inside);
  const signedAttrs = Uint8Array.from(signer.signedAttrs.raw);
  signedAttrs[0] = 0x31;
  verifySignatureValue(signedAttrs, signer.signature.value, leaf);
  const attrs = signer.unsigned.map(attribute);
  let sigTimestamp = attrs.find((a) => a.type === OID.signatureTimeStampToken)?.values[0]?.raw;
  if (!sigTimestamp) {
    if (!options.tsa)
      fail('INVALID_CONFIG', 'The signature has no timestamp: give a time-stamping authority (tsa).', {
        field: 'tsa',
      });
    sigTimestamp = (await requestTimestamp(signer.signature.value, options.tsa!)).token;
    signer.unsigned.push(attributeOf(OID.signatureTimeStampToken, sigTimestamp));
  }
  const signingTime = genTime(sigTimestamp);
  const mode = { mode: 'require' as const, ...options.revocation };
  const tokens = signer.unsigned
    .map(attribute)
    .flatMap((a) =>
      a.type === OID.signatureTimeStampToken || a.type === ARCHIVE_TIMESTAMP_V3
        ? a.values.map((v) => ({ archive: a.type === ARCHIVE_TIMESTAMP_V3, raw: v.raw }))
        : [],
    );
  // Renewal (there is an archive timestamp already): the signer's status and the earlier timestamps' were
  // proven then and are covered by it; only the last archive timestamp's TSA needs validation data now.
  const renewal = tokens.some((t) => t.archive);
  const chain = chainFrom(leaf, [...inside, ...anchors]);
  const fetched: RevocationData[] = [
    await validateChain(chain, options.trustAnchors, signingTime, renewal ? { mode: 'off' } : mode),
  ];
  const tsaCerts: ParsedCertificate[] = [];
  for (const token of renewal ? tokens.filter((t) => t.archive).slice(-1) : tokens) {
    const certs = tokenCertificates(token.raw);
    tsaCerts.push(...certs);
    fetched.push(await checkRevocation(chainOf(certs), anchors, new Date(), mode));
  }

  // B-LT: certificates and revocation values, added after what is there (nothing there is changed).
  const add = (list: Uint8Array[], items: Uint8Array[]) => {
    for (const item of items) if (!list.some((x) => equalBytes(x, item))) list.push(item);
  };
  add(
    sd.certs,
    [...chain, ...tsaCerts, ...anchors].map((c) => c.der),
  );
  add(
    sd.certs,
    fetched.flatMap((f) => f.certs),
  );
  add(
    sd.crls,
    fetched.flatMap((f) => f.crls),
  );
  add(
    sd.crls,
    fetched.flatMap((f) => f.ocsps).map((o) => tlv(0xa1, oid(OID.riOcspResponse), o)),
  );
  if (options.level === 'B-LTA') {
    if (!options.tsa)
      fail('INVALID_CONFIG', 'Level B-LTA needs a time-stamping authority (tsa.url).', { field: 'tsa' });
    await addArchiveTimestamp(sd, signer, contentHash, options.tsa!);
  }
  return encodeSignedData(sd, [encodeSigner(signer)]);
}
