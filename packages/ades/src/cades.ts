/** CAdES baseline B-B to B-LTA detached signatures (EN 319 122-1) of any file, in two steps. */
import { archiveTimestampV3 } from './cades-extend.js';
import { validateChain } from './certificate-check.js';
import { type CertificateInput, keyTypeOf, type ParsedCertificate, parseChain } from './certificates.js';
import { type ContentInput, sha256Content } from './content.js';
import { fail } from './errors.js';
import type { RevocationOptions } from './revocation.js';
import { type FinalizeOptions, seal } from './seal.js';
import { buildSignedAttributes, type SignaturePolicy, signedAttributesDigest } from './signed-attributes.js';
import {
  badState,
  dateField,
  isLongTerm,
  isRecord,
  type Level,
  levelField,
  stringArray,
  stringField,
} from './state.js';

export interface SignatureOptions {
  /** The signer's certificates, leaf first (PEM strings from the identification step, or DER). */
  certificateChain: CertificateInput[];
  /** Fixed now and kept in the state. Default: now. */
  signingTime?: Date;
  /** `B-B` (default) or `B-T` (finalize then needs a TSA). */
  level?: Level;
  signaturePolicy?: SignaturePolicy;
  commitmentTypeOid?: string;
  /** Claimed role, written as signer-attributes-v2. */
  signerRole?: string;
  /**
   * When given, the chain — and its revocation — is checked already in `prepare` (fail before the user is
   * asked to sign).
   */
  trustAnchors?: CertificateInput[];
  /** Revocation checking in prepare (see `FinalizeOptions.revocation`; same defaults). */
  revocation?: RevocationOptions;
}

/** What `prepare*` returns: the digest for itsme® and a small JSON state for `finalize*`. */
export interface Prepared<S> {
  /** Standard base64 SHA-256 of the DER signed attributes: what itsme® signs. */
  digest: string;
  state: S;
}

export interface CadesState {
  [key: string]: string | string[];
  format: 'CAdES';
  level: Level;
  signingTime: string;
  certificateChain: string[];
  /** Base64 DER of the signed attributes. */
  signedAttributes: string;
  digest: string;
  /** Hex SHA-256 of the signed content (to check, when finalizing, that it is still the same file). */
  contentDigest: string;
}

export function chainToPem(chain: readonly ParsedCertificate[]): string[] {
  return chain.map((c) => c.x509.toString('pem'));
}

/**
 * Parses the chain and, when trust anchors are given, checks it at `signingTime` — revocation included, so
 * that a revoked signer is refused before being asked to sign (finalize checks again).
 */
export async function prepareChain(
  options: SignatureOptions,
  signingTime: Date,
): Promise<ParsedCertificate[]> {
  const chain = parseChain(options.certificateChain);
  keyTypeOf(chain[0]!);
  if (options.trustAnchors) {
    await validateChain(chain, options.trustAnchors, signingTime, {
      mode: isLongTerm(options.level ?? 'B-B') ? 'require' : 'prefer',
      ...options.revocation,
    });
  }
  return chain;
}

/** Step 1: hashes the content (streams are read once, in constant memory) and builds the signed attributes. */
export async function prepareCades(
  content: ContentInput,
  options: SignatureOptions,
): Promise<Prepared<CadesState>> {
  const signingTime = options.signingTime ?? new Date();
  if (Number.isNaN(signingTime.getTime()))
    fail('INVALID_REQUEST', 'The signing time is invalid.', { field: 'signingTime' });
  const chain = await prepareChain(options, signingTime);
  const contentDigest = await sha256Content(content);
  const signedAttributes = buildSignedAttributes({
    messageDigest: contentDigest,
    signer: chain[0]!,
    signingTime,
    ...(options.signaturePolicy ? { signaturePolicy: options.signaturePolicy } : {}),
    ...(options.commitmentTypeOid ? { commitmentTypeOid: options.commitmentTypeOid } : {}),
    ...(options.signerRole ? { signerRole: options.signerRole } : {}),
  });
  const digest = signedAttributesDigest(signedAttributes);
  return {
    digest,
    state: {
      format: 'CAdES',
      level: options.level ?? 'B-B',
      signingTime: signingTime.toISOString(),
      certificateChain: chainToPem(chain),
      signedAttributes: Buffer.from(signedAttributes).toString('base64'),
      digest,
      contentDigest: Buffer.from(contentDigest).toString('hex'),
    },
  };
}

/** Step 2: checks the certificate and the signature value, then returns the DER `.p7s` (detached). */
export async function finalizeCades(
  state: unknown,
  signatureValue: string | Uint8Array,
  options: FinalizeOptions,
): Promise<Uint8Array> {
  if (!isRecord(state) || state.format !== 'CAdES') badState('not a CAdES state');
  const signedAttributes = new Uint8Array(Buffer.from(stringField(state, 'signedAttributes'), 'base64'));
  if (signedAttributesDigest(signedAttributes) !== stringField(state, 'digest')) badState('digest');
  const level = levelField(state);
  const { cms } = await seal(
    {
      chain: parseChain(stringArray(state, 'certificateChain')),
      signedAttributes,
      signingTime: dateField(state, 'signingTime'),
      level,
      signatureValue,
      embedValidation: true,
    },
    options,
  );
  if (level !== 'B-LTA') return cms;
  // B-LTA: the archive-time-stamp-v3 over the B-LT signature (seal checked that a TSA is configured).
  const contentHash = new Uint8Array(Buffer.from(stringField(state, 'contentDigest'), 'hex'));
  return archiveTimestampV3(cms, contentHash, options.tsa!);
}
