/**
 * Where each sandbox CA publishes its revocation data, and certificates that point there: the AIA (OCSP responder,
 * caIssuers) and CRL distribution points of a certificate name the running sandbox's front server. When the
 * sandbox's address changes (port 0 → another free port on the next start), the certificate is re-issued with the
 * same key, serial, subject and validity, and only these two extensions changed.
 */
import { x509 } from '../crypto-provider.js';
import { type IssuedCertificate, SIGNING_ALGORITHM } from './issue.js';
import { importSigningKey } from './keys.js';

/** The two CAs that publish revocation data: the root (issuer of the qualified CA and the TSA) and the qualified CA. */
export const CA_IDS = ['root-ca', 'issuing-ca'] as const;
export type CaId = (typeof CA_IDS)[number];

export interface CaUrls {
  /** RFC 6960 responder: POST `application/ocsp-request`, or GET `${ocsp}/<base64 request>`. */
  ocsp: string;
  /** The CRL, DER (`application/pkix-crl`). */
  crl: string;
  /** The CA's certificate, DER (`application/pkix-cert`): the AIA caIssuers URL of what it issues. */
  caIssuers: string;
}

export const OID_AIA = '1.3.6.1.5.5.7.1.1';
export const OID_CRL_DP = '2.5.29.31';

/** The paths under the front server; `caUrls(frontUrl, ca)` the absolute URLs. */
export const REVOCATION_PATHS = {
  ocsp: (ca: CaId) => `/pki/ocsp/${ca}`,
  crl: (ca: CaId) => `/pki/crl/${ca}.crl`,
  caIssuers: (ca: CaId) => `/pki/ca/${ca}.cer`,
} as const;

export function caUrls(baseUrl: string, ca: CaId): CaUrls {
  return {
    ocsp: `${baseUrl}${REVOCATION_PATHS.ocsp(ca)}`,
    crl: `${baseUrl}${REVOCATION_PATHS.crl(ca)}`,
    caIssuers: `${baseUrl}${REVOCATION_PATHS.caIssuers(ca)}`,
  };
}

/** The AIA and CRL distribution points extensions for a certificate issued by the CA at these URLs. */
export function revocationExtensions(urls: CaUrls): x509.Extension[] {
  return [
    new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caIssuers] }),
    new x509.CRLDistributionPointsExtension([urls.crl]),
  ];
}

/** Whether the certificate's AIA OCSP URL and CRL distribution point are exactly these. */
export function pointsAt(cert: x509.X509Certificate, urls: CaUrls): boolean {
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const dp = cert.getExtension(x509.CRLDistributionPointsExtension);
  const ocsp = aia?.ocsp.map((n) => n.value) ?? [];
  const issuers = aia?.caIssuers.map((n) => n.value) ?? [];
  const crls = (dp?.distributionPoints ?? []).flatMap(
    (p) => p.distributionPoint?.fullName?.map((n) => n.uniformResourceIdentifier) ?? [],
  );
  return ocsp.join() === urls.ocsp && issuers.join() === urls.caIssuers && crls.join() === urls.crl;
}

/**
 * Re-issues `cert` (same public key, serial, subject, validity and other extensions) with AIA and CRL distribution
 * points for `urls`, signed by `issuer`. Returns the certificate unchanged when it already points there.
 */
export async function pointAt(
  cert: x509.X509Certificate,
  issuer: IssuedCertificate,
  urls: CaUrls,
): Promise<x509.X509Certificate> {
  if (pointsAt(cert, urls)) return cert;
  const kept = cert.extensions.filter((e) => e.type !== OID_AIA && e.type !== OID_CRL_DP);
  return x509.X509CertificateGenerator.create({
    serialNumber: cert.serialNumber,
    subject: cert.subjectName,
    issuer: issuer.cert.subjectName,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    publicKey: cert.publicKey,
    signingKey: await importSigningKey(issuer.keyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [...kept, ...revocationExtensions(urls)],
  });
}
