/**
 * The one certificate check of the package: path to a trust anchor, validity at a time, and revocation. Used by
 * `prepare*` (before the user is asked), `finalize*` (before anything is embedded) and, through
 * `createCertificateCheck`, by core's hash mode before any sign call.
 */
import {
  type CertificateInput,
  checkChain,
  type ParsedCertificate,
  parseChain,
  sharedCertificates,
} from './certificates.js';
import { fail } from './errors.js';
import { checkRevocation, type RevocationData, type RevocationOptions } from './revocation.js';

/**
 * Checks `chain` (leaf first) at `at`: validity, key usage and a path to one of `trustAnchors`
 * (`CERTIFICATE_INVALID`, `CERTIFICATE_UNTRUSTED`), then revocation (`CERTIFICATE_REVOKED`,
 * `REVOCATION_UNAVAILABLE`). Returns what the revocation check fetched (to embed at B-LT).
 */
export async function validateChain(
  chain: readonly ParsedCertificate[],
  trustAnchors: readonly CertificateInput[],
  at: Date,
  revocation: RevocationOptions,
  /** A revocation at or before this time refuses the chain. Default `at`. */
  revokedBy: Date = at,
): Promise<RevocationData> {
  await checkChain(chain, trustAnchors, at);
  return checkRevocation(chain, sharedCertificates(trustAnchors), revokedBy, revocation);
}

export interface CertificateCheckOptions {
  /** CA certificates (PEM or DER) the chain must lead to. Required: without them nothing can be checked. */
  trustAnchors: CertificateInput[];
  /**
   * Revocation checking (OCSP, then CRL). Default mode `prefer`, as `prepare*` below B-LT: a revoked
   * certificate and an unusable answer (stale, untrusted) are refused, an unreachable responder is tolerated.
   * `require` refuses that too (`REVOCATION_UNAVAILABLE`, retryable). Answers are kept until their
   * `nextUpdate` in `cache` (default: the process-wide cache shared with `prepare*`/`finalize*`).
   */
  revocation?: RevocationOptions;
}

/** `(certificateChain, at)`: resolves if the chain may sign at `at`, else throws an `ItsmeSignError`. */
export type CertificateCheck = (certificateChain: readonly CertificateInput[], at: Date) => Promise<void>;

/**
 * A reusable check of a signer's certificate chain (PEM strings, leaf first) at a time, for core's hash mode
 * before any sign call: exactly the check `prepare*` makes (`validateChain`). Throws `ItsmeSignError` with
 * `CERTIFICATE_INVALID` (unparsable, expired or not yet valid at `at`, no signing key usage),
 * `CERTIFICATE_UNTRUSTED` (no path to a trust anchor), `CERTIFICATE_REVOKED` (revoked at or before `at`),
 * `REVOCATION_UNAVAILABLE` (see `revocation.mode`).
 */
export function createCertificateCheck(options: CertificateCheckOptions): CertificateCheck {
  if (!options.trustAnchors?.length)
    fail('INVALID_CONFIG', 'A certificate check needs trust anchors.', { field: 'trustAnchors' });
  // Parsed once: a malformed anchor is a configuration error, found at start-up.
  sharedCertificates(options.trustAnchors);
  const revocation: RevocationOptions = { mode: 'prefer', ...options.revocation };
  return async (certificateChain, at) => {
    if (!(at instanceof Date) || Number.isNaN(at.getTime()))
      fail('INVALID_REQUEST', 'The time of the certificate check is invalid.', { field: 'at' });
    await validateChain(parseChain(certificateChain), options.trustAnchors, at, revocation);
  };
}
