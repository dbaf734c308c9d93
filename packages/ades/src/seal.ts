/**
 * The common second step of PAdES and CAdES: check the certificate, check the signature value, fetch
 * the timestamp (B-T), and assemble the CMS. Nothing is returned unless every check passed.
 */
import { type CertificateInput, checkChain, type ParsedCertificate } from './certificates.js';
import { buildCms } from './cms.js';
import { fail } from './errors.js';
import { verifySignatureValue } from './signature-value.js';
import type { Level } from './state.js';
import { requestTimestamp, type TsaOptions } from './timestamp.js';

export interface FinalizeOptions {
  /** CA certificates (PEM or DER) the signer's chain must lead to: the sandbox CA in development, itsme®'s in production. */
  trustAnchors: CertificateInput[];
  /** Required for level B-T. */
  tsa?: TsaOptions;
}

export interface SealInput {
  chain: ParsedCertificate[];
  signedAttributes: Uint8Array;
  signingTime: Date;
  level: Level;
  signatureValue: string | Uint8Array;
}

export async function seal(input: SealInput, options: FinalizeOptions): Promise<Uint8Array> {
  if (input.level === 'B-T' && !options.tsa) {
    fail('INVALID_CONFIG', 'Level B-T needs a time-stamping authority (tsa.url).', { field: 'tsa' });
  }
  await checkChain(input.chain, options.trustAnchors, input.signingTime);
  const { signature, algorithm } = verifySignatureValue(
    input.signedAttributes,
    input.signatureValue,
    input.chain[0]!,
  );
  const timestamp =
    input.level === 'B-T' && options.tsa ? await requestTimestamp(signature, options.tsa) : undefined;
  return buildCms({
    chain: input.chain,
    signedAttributes: input.signedAttributes,
    signature,
    algorithm,
    ...(timestamp ? { timestampToken: timestamp.token } : {}),
  });
}
