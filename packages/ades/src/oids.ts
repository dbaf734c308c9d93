/** Object identifiers used in the CMS structures of PAdES and CAdES baseline signatures. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  /** ESS signing-certificate-v2 (RFC 5035). */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** signature-policy-identifier (RFC 5126 / EN 319 122-1). */
  signaturePolicyId: '1.2.840.113549.1.9.16.2.15',
  /** SPUri qualifier of the signature policy. */
  spqUri: '1.2.840.113549.1.9.16.5.1',
  commitmentTypeIndication: '1.2.840.113549.1.9.16.2.16',
  /** signer-attributes-v2 (EN 319 122-1). */
  signerAttributesV2: '0.4.0.19122.1.1',
  /** id-at-role, the attribute type of a claimed role. */
  role: '2.5.4.72',
  /** id-aa-signatureTimeStampToken (RFC 3161 appendix A). */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** id-ri-ocsp-response (RFC 5940): an OCSPResponse as other revocation information. */
  riOcspResponse: '1.3.6.1.5.5.7.16.2',
  /** id-aa-ets-archiveTimestampV3 (EN 319 122-1 §5.5.3). */
  archiveTimestampV3: '0.4.0.1733.2.4',
  /** id-aa-ATSHashIndex-v3 (EN 319 122-1 §5.5.2). */
  atsHashIndexV3: '0.4.0.19122.1.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export type PolicyDigestAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';

export const POLICY_DIGEST_OIDS: Record<PolicyDigestAlgorithm, string> = {
  SHA256: OID.sha256,
  SHA384: OID.sha384,
  SHA512: OID.sha512,
};
