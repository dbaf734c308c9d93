/**
 * PAdES baseline B-B / B-T (EN 319 142-1), step 1. `preparePades` reads the PDF as viewers do (./pdf/),
 * builds the incremental update and returns the digest of the signed attributes; it keeps no PDF in the
 * state, only the small appended section (compressed). Step 2 is in ./pades-finalize.ts.
 */
import { deflateRawSync } from 'node:zlib';
import { chainToPem, type Prepared, prepareChain, type SignatureOptions } from './cades.js';
import type { ParsedCertificate } from './certificates.js';
import type { ContentInput } from './content.js';
import { fail } from './errors.js';

import { openPdf } from './pdf/open-pdf.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { checkAgainstFile } from './pdf/shadow-check.js';
import {
  type AppearanceOptions,
  type PlanOptions,
  planSignature,
  type SignatureFieldChoice,
} from './pdf/signature-plan.js';
import { type IncrementalUpdate, writeUpdate } from './pdf/update-writer.js';
import { buildSignedAttributes, type SignaturePolicy, signedAttributesDigest } from './signed-attributes.js';
import { hasTimestamp, LEVELS, type Level } from './state.js';

export interface PadesOptions extends SignatureOptions {
  /**
   * /Reason of the signature dictionary. Not written when `commitmentTypeOid` is given: PAdES baseline
   * (EN 319 142-1 §5.3) forbids /Reason together with a commitment-type-indication.
   */
  reason?: string;
  /** /Location of the signature dictionary. */
  location?: string;
  /** /ContactInfo of the signature dictionary. */
  contactInfo?: string;
  /** Bytes reserved for the timestamp token at level B-T. Default 16384. */
  timestampReserve?: number;
  /** Overrides the computed size (bytes) reserved for the CMS in /Contents. */
  contentsBytes?: number;
  /**
   * Where the signature goes: an existing empty signature field by name (visible in its rectangle), or a
   * new field on `page` (default 1), visible in `rect` or invisible without one. Default: a new invisible
   * field `SignatureN` on page 1. `'next-empty'`: the form's first empty signature field (documents signed
   * in turn by several people), or a new invisible field when none is left.
   */
  signatureField?: SignatureFieldChoice | 'next-empty';
  /** How a visible signature looks (language, logo, font); `false` keeps it invisible. */
  appearance?: AppearanceOptions | false;
  /** Certify the document (DocMDP, first signature only): 1 no changes, 2 forms and signing, 3 also annotations. */
  certify?: 1 | 2 | 3;
  /** Lock form fields when this signature is made (FieldMDP): `'all'` or their full names. */
  lockFields?: 'all' | string[];
}

export interface PadesState {
  [key: string]: string | number | string[] | { [key: string]: string };
  format: 'PAdES';
  level: Level;
  signingTime: string;
  certificateChain: string[];
  /** Bytes reserved for the CMS in /Contents. */
  contentsBytes: number;
  /** Hex SHA-256 of the signed byte ranges of the prepared PDF. */
  byteRangeDigest: string;
  /** Base64 SHA-256 of the signed attributes (what itsme® signs). */
  digest: string;
  fieldName: string;
  /** Optional entries: reason, location, contactInfo, signerRole, commitmentTypeOid, signaturePolicy. */
}

const DEFAULT_TIMESTAMP_RESERVE = 16_384;
/** Room for the signed attributes, the signature value (up to RSA 8192) and the CMS structure. */
const CMS_OVERHEAD = 6_144;

type UpdateParams = Omit<PlanOptions, 'signer'> & { chain: ParsedCertificate[] };

/** The signer's name as the certificate states it: its CN, else given name and surname. */
function signerName(cert: ParsedCertificate): string {
  const name = cert.x509.subjectName;
  const cn = name.getField('CN')[0];
  if (cn) return cn;
  return [
    name.getField('GN')[0] ?? name.getField('givenName')[0],
    name.getField('SN')[0] ?? name.getField('surname')[0],
  ]
    .filter(Boolean)
    .join(' ');
}

async function buildUpdate(
  pdf: ContentInput,
  params: UpdateParams,
): Promise<IncrementalUpdate & { fieldName: string; stamp: string | undefined }> {
  const opened = await openPdf(pdf);
  try {
    const structure = await readPdfStructure(opened.source);
    const { chain, ...plan } = params;
    const planned = await planSignature(structure, { ...plan, signer: signerName(chain[0]!) });
    const first = await checkAgainstFile(structure, opened.scan);
    const last = (await opened.source.read(opened.source.size - 1, 1))[0];
    const { objects, next, signature } = planned.objects(first);
    const update = writeUpdate(
      { length: opened.source.size, endsWithEol: last === 0x0a || last === 0x0d, hash: opened.scan.hash },
      structure,
      objects,
      next,
      { num: signature, contentsBytes: params.contentsBytes },
      params.signingTime.toISOString(),
    );
    return { ...update, fieldName: planned.fieldName, stamp: opened.stamp };
  } finally {
    await opened.close();
  }
}

interface AttributeParams {
  signaturePolicy?: SignaturePolicy | undefined;
  commitmentTypeOid?: string | undefined;
  signerRole?: string | undefined;
}

export function padesSignedAttributes(
  messageDigest: Uint8Array,
  signer: ParsedCertificate,
  p: AttributeParams,
): Uint8Array {
  // No signing-time attribute in PAdES: the time is the signature dictionary's /M.
  return buildSignedAttributes({
    messageDigest,
    signer,
    ...(p.signaturePolicy ? { signaturePolicy: p.signaturePolicy } : {}),
    ...(p.commitmentTypeOid ? { commitmentTypeOid: p.commitmentTypeOid } : {}),
    ...(p.signerRole ? { signerRole: p.signerRole } : {}),
  });
}

/** Largest /Contents reservation (bytes): 16 MiB, also the limit `finalizePades` accepts. */
const MAX_CONTENTS_BYTES = 1 << 24;

/** A size option must be a positive integer of at most 16 MiB. */
function checkSize(value: unknown, field: 'contentsBytes' | 'timestampReserve'): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > MAX_CONTENTS_BYTES) {
    fail('INVALID_REQUEST', `${field} must be a positive integer of at most ${MAX_CONTENTS_BYTES} bytes.`, {
      field,
    });
  }
}

/** Step 1: returns the digest itsme® signs and a small JSON state (no PDF in it). */
export async function preparePades(pdf: ContentInput, options: PadesOptions): Promise<Prepared<PadesState>> {
  const signingTime = options.signingTime ?? new Date();
  if (Number.isNaN(signingTime.getTime()))
    fail('INVALID_REQUEST', 'The signing time is invalid.', { field: 'signingTime' });
  const level = options.level ?? 'B-B';
  if (!LEVELS.includes(level))
    fail('INVALID_REQUEST', `level must be one of ${LEVELS.join(', ')}.`, { field: 'level' });
  checkSize(options.contentsBytes, 'contentsBytes');
  checkSize(options.timestampReserve, 'timestampReserve');
  const chain = await prepareChain(options, signingTime);
  const contentsBytes =
    options.contentsBytes ??
    chain.reduce((n, c) => n + c.der.length, 0) +
      CMS_OVERHEAD +
      (options.signaturePolicy?.url?.length ?? 0) +
      (options.signerRole?.length ?? 0) * 4 +
      (hasTimestamp(level) ? (options.timestampReserve ?? DEFAULT_TIMESTAMP_RESERVE) : 0);
  checkSize(contentsBytes, 'contentsBytes');
  const params: UpdateParams = {
    chain,
    signingTime,
    contentsBytes,
    reason: options.commitmentTypeOid ? undefined : options.reason,
    location: options.location,
    contactInfo: options.contactInfo,
    field: options.signatureField,
    appearance: options.appearance,
    role: options.signerRole,
    certify: options.certify,
    lockFields: options.lockFields,
  };
  const update = await buildUpdate(pdf, params);
  const signedAttributes = padesSignedAttributes(update.digest, chain[0]!, options);
  const digest = signedAttributesDigest(signedAttributes);
  const state: PadesState = {
    format: 'PAdES',
    level,
    signingTime: signingTime.toISOString(),
    certificateChain: chainToPem(chain),
    contentsBytes,
    byteRangeDigest: update.digest.toString('hex'),
    digest,
    fieldName: update.fieldName,
    // The appended section (placeholder zero-filled), compressed: finalize then only hashes the document
    // again instead of parsing it (the placeholder compresses to almost nothing: ~1–3 KiB of state).
    section: deflateRawSync(update.section, { level: 9 }).toString('base64'),
    byteRange: update.byteRange.join(' '),
    // A file unchanged since long before the read: finalize trusts the same stamp instead of hashing again.
    ...(update.stamp ? { fileStamp: update.stamp } : {}),
  };
  for (const key of ['reason', 'location', 'contactInfo', 'signerRole', 'commitmentTypeOid'] as const) {
    const v = options[key];
    if (v) state[key] = v;
  }
  if (options.signaturePolicy) {
    const { oid, digest: policyDigest, digestAlgorithm, url } = options.signaturePolicy;
    state.signaturePolicy = { oid, digest: policyDigest, digestAlgorithm, ...(url ? { url } : {}) };
  }
  return { digest, state };
}
