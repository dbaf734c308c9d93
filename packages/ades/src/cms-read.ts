/** Reading back the certificates of a CMS signature and of its timestamp tokens (for B-LT validation data). */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type ParsedCertificate, parseCertificates } from './certificates.js';
import { OID } from './oids.js';

const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER());

/** The certificates of a CMS SignedData (DER) and of the timestamp tokens in its unsigned attributes. */
export function cmsCertificates(cms: Uint8Array): { signer: ParsedCertificate[]; tsa: ParsedCertificate[] } {
  const signed = new pkijs.SignedData({
    schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(Uint8Array.from(cms)).result }).content,
  });
  const certs = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const tsa: ParsedCertificate[] = [];
  for (const attr of signed.signerInfos[0]?.unsignedAttrs?.attributes ?? []) {
    if (attr.type !== OID.signatureTimeStampToken) continue;
    for (const value of attr.values) tsa.push(...tokenCertificates(value));
  }
  return { signer: parseCertificates(certs.map(der)), tsa };
}

/** Orders `certs` leaf first from the certificate that issued none of the others. */
export function chainOf(certs: ParsedCertificate[]): ParsedCertificate[] {
  const leaf = certs.find((c) => !certs.some((o) => o !== c && o.x509.issuer === c.x509.subject)) ?? certs[0];
  const chain: ParsedCertificate[] = [];
  let c: ParsedCertificate | undefined = leaf;
  while (c && !chain.includes(c)) {
    chain.push(c);
    const child: ParsedCertificate = c;
    c = certs.find((o) => o !== child && o.x509.subject === child.x509.issuer);
  }
  return chain;
}

/** The certificates inside an RFC 3161 timestamp token (DER `ContentInfo`, or its parsed schema). */
export function tokenCertificates(token: Uint8Array | asn1js.AsnType): ParsedCertificate[] {
  const schema = token instanceof Uint8Array ? asn1js.fromBER(Uint8Array.from(token)).result : token;
  const signed = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema }).content });
  const certs = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  return parseCertificates(certs.map(der));
}
