/**
 * The common second step of PAdES and CAdES: check the certificate, check the signature value, fetch
 * the timestamp (B-T), and assemble the CMS. Nothing is returned unless every check passed.
 */
import { validateChain } from './certificate-check.js';
import { type CertificateInput, type ParsedCertificate, sharedCertificates } from './certificates.js';
import { buildCms } from './cms.js';
import { chainOf, tokenCertificates } from './cms-read.js';
import { fail } from './errors.js';
import { checkRevocation, type RevocationData, type RevocationOptions } from './revocation.js';
import { verifySignatureValue } from './signature-value.js';
import { hasTimestamp, isLongTerm, type Level } from './state.js';
import { requestTimestamp, type TsaOptions } from './timestamp.js';

export interface FinalizeOptions {
  /** CA certificates (PEM or DER) the signer's chain must lead to: the sandbox CA in development, itsme®'s in production. */
  trustAnchors: CertificateInput[];
  /** Required for levels B-T, B-LT and B-LTA. */
  tsa?: TsaOptions;
  /**
   * Revocation checking of the signer's chain before anything is embedded. Default mode: `require` at B-LT
   * and B-LTA, `prefer` below (checked where the certificate names an OCSP responder or a CRL; a revoked
   * certificate is always refused).
   */
  revocation?: RevocationOptions;
}

export interface SealInput {
  chain: ParsedCertificate[];
  signedAttributes: Uint8Array;
  signingTime: Date;
  level: Level;
  signatureValue: string | Uint8Array;
  /** CAdES B-LT: the validation data goes into the SignedData (PAdES puts it in the document's /DSS). */
  embedValidation?: boolean;
}

export interface Sealed {
  cms: Uint8Array;
  /** What the revocation check fetched (to embed at B-LT). */
  revocation: RevocationData;
}

export async function seal(input: SealInput, options: FinalizeOptions): Promise<Sealed> {
  if (hasTimestamp(input.level) && !options.tsa) {
    fail('INVALID_CONFIG', `Level ${input.level} needs a time-stamping authority (tsa.url).`, {
      field: 'tsa',
    });
  }
  // Valid at the signing time fixed in prepare; not revoked by now: the signature value was made after prepare
  // (while the user confirmed), so a revocation in between is one before the signature existed.
  const revocation = await validateChain(
    input.chain,
    options.trustAnchors,
    input.signingTime,
    { mode: isLongTerm(input.level) ? 'require' : 'prefer', ...options.revocation },
    new Date(),
  );
  const { signature, algorithm } = verifySignatureValue(
    input.signedAttributes,
    input.signatureValue,
    input.chain[0]!,
  );
  const timestamp =
    hasTimestamp(input.level) && options.tsa ? await requestTimestamp(signature, options.tsa) : undefined;
  let validation: RevocationData | undefined;
  if (input.embedValidation && isLongTerm(input.level) && timestamp && options.tsa) {
    // The TSA's chain needs its validation data too.
    const tsaAnchors = sharedCertificates(options.tsa.trustAnchors);
    const tsaChain = chainOf(tokenCertificates(timestamp.token));
    const tsaRevocation = await checkRevocation(tsaChain, tsaAnchors, new Date(), {
      mode: 'require',
      ...options.revocation,
    });
    const anchors = [...sharedCertificates(options.trustAnchors), ...tsaAnchors].map((c) => c.der);
    validation = {
      certs: [...anchors, ...revocation.certs, ...tsaRevocation.certs],
      ocsps: [...revocation.ocsps, ...tsaRevocation.ocsps],
      crls: [...revocation.crls, ...tsaRevocation.crls],
    };
  }
  const cms = buildCms({
    chain: input.chain,
    signedAttributes: input.signedAttributes,
    signature,
    algorithm,
    ...(timestamp ? { timestampToken: timestamp.token } : {}),
    ...(validation ? { validation } : {}),
  });
  return { cms, revocation };
}
