/**
 * PAdES baseline B-B / B-T (EN 319 142-1) in two steps. `preparePades` computes the incremental update
 * in memory and returns the digest of the signed attributes; it keeps no PDF in the state, only the small
 * appended section (compressed). `finalizePades` gets the same original PDF again, checks that the
 * byte-range digest over it and that section is unchanged (no second parse), checks the signature value and
 * embeds the CMS.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { chainToPem, type Prepared, prepareChain, type SignatureOptions } from './cades.js';
import { type ParsedCertificate, parseChain } from './certificates.js';
import { type ContentInput, readContent } from './content.js';
import { fail } from './errors.js';
import { buildIncrementalUpdate, type IncrementalUpdate } from './pdf/incremental-update.js';
import { scanPdf } from './pdf/object-scan.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { bufferSource } from './pdf/source.js';
import { type FinalizeOptions, seal } from './seal.js';
import { buildSignedAttributes, type SignaturePolicy, signedAttributesDigest } from './signed-attributes.js';
import {
  badState,
  dateField,
  isRecord,
  type Level,
  levelField,
  optionalString,
  stringArray,
  stringField,
} from './state.js';

export interface PadesOptions extends SignatureOptions {
  /** /Reason of the signature dictionary. */
  reason?: string;
  /** /Location of the signature dictionary. */
  location?: string;
  /** /ContactInfo of the signature dictionary. */
  contactInfo?: string;
  /** Bytes reserved for the timestamp token at level B-T. Default 16384. */
  timestampReserve?: number;
  /** Overrides the computed size (bytes) reserved for the CMS in /Contents. */
  contentsBytes?: number;
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

interface UpdateParams {
  signingTime: Date;
  contentsBytes: number;
  reason?: string | undefined;
  location?: string | undefined;
  contactInfo?: string | undefined;
}

async function buildUpdate(pdf: Uint8Array, params: UpdateParams): Promise<IncrementalUpdate> {
  const structure = await readPdfStructure(bufferSource(pdf));
  const scan = await scanPdf(structure);
  const original = {
    length: pdf.length,
    endsWithEol: pdf[pdf.length - 1] === 0x0a || pdf[pdf.length - 1] === 0x0d,
    hash: scan.hash,
    nextObjectNumber: scan.nextObjectNumber,
  };
  return buildIncrementalUpdate(original, structure, {
    signingTime: params.signingTime,
    contentsBytes: params.contentsBytes,
    ...(params.reason ? { reason: params.reason } : {}),
    ...(params.location ? { location: params.location } : {}),
    ...(params.contactInfo ? { contactInfo: params.contactInfo } : {}),
  });
}

interface AttributeParams {
  signaturePolicy?: SignaturePolicy | undefined;
  commitmentTypeOid?: string | undefined;
  signerRole?: string | undefined;
}

function padesSignedAttributes(
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
  const bytes = await readContent(pdf);
  const signingTime = options.signingTime ?? new Date();
  if (Number.isNaN(signingTime.getTime()))
    fail('INVALID_REQUEST', 'The signing time is invalid.', { field: 'signingTime' });
  const level = options.level ?? 'B-B';
  checkSize(options.contentsBytes, 'contentsBytes');
  checkSize(options.timestampReserve, 'timestampReserve');
  const chain = await prepareChain(options, signingTime);
  const contentsBytes =
    options.contentsBytes ??
    chain.reduce((n, c) => n + c.der.length, 0) +
      CMS_OVERHEAD +
      (options.signaturePolicy?.url?.length ?? 0) +
      (options.signerRole?.length ?? 0) * 4 +
      (level === 'B-T' ? (options.timestampReserve ?? DEFAULT_TIMESTAMP_RESERVE) : 0);
  checkSize(contentsBytes, 'contentsBytes');
  const params: UpdateParams = {
    signingTime,
    contentsBytes,
    reason: options.reason,
    location: options.location,
    contactInfo: options.contactInfo,
  };
  const update = await buildUpdate(bytes, params);
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

function policyFromState(s: Record<string, unknown>): SignaturePolicy | undefined {
  const p = s.signaturePolicy;
  if (p === undefined) return undefined;
  if (!isRecord(p)) badState('signaturePolicy');
  const url = optionalString(p, 'url');
  return {
    oid: stringField(p, 'oid'),
    digest: stringField(p, 'digest'),
    digestAlgorithm: stringField(p, 'digestAlgorithm'),
    ...(url ? { url } : {}),
  };
}

/**
 * The update prepare built, from the state: the section, its byte range, and the digest of the signed ranges
 * over `bytes` + the section (checked against the state by the caller).
 */
function storedUpdate(
  state: Record<string, unknown>,
  bytes: Buffer | Uint8Array,
  contentsBytes: number,
): Pick<IncrementalUpdate, 'section' | 'byteRange' | 'digest'> {
  const packed = stringField(state, 'section');
  const ranges = stringField(state, 'byteRange');
  const byteRange = ranges.split(' ').map(Number) as [number, number, number, number];
  let section: Buffer;
  try {
    section = inflateRawSync(Buffer.from(packed, 'base64'), {
      maxOutputLength: 4 * contentsBytes + (1 << 20),
    });
  } catch {
    return badState('section');
  }
  const base = bytes.length;
  const [start, a, b, rest] = byteRange;
  if (
    byteRange.length !== 4 ||
    !byteRange.every(Number.isSafeInteger) ||
    start !== 0 ||
    a <= base ||
    b - a !== contentsBytes * 2 + 2 ||
    b + rest !== base + section.length
  ) {
    // Not the layout of this document plus this section: the document changed (or the state did).
    fail('DOCUMENT_CHANGED', 'The document is not the one that was prepared (its size differs).', {
      field: 'document',
    });
  }
  const placeholder = section.subarray(a - base + 1, b - base - 1);
  if (section[a - base] !== 0x3c || section[b - base - 1] !== 0x3e || placeholder.some((c) => c !== 0x30)) {
    badState('section');
  }
  const digest = createHash('sha256')
    .update(bytes)
    .update(section.subarray(0, a - base))
    .update(section.subarray(b - base))
    .digest();
  return { section, byteRange, digest };
}

/**
 * Step 2: `pdf` must be the same original document given to `preparePades`. Checks the certificate and
 * the signature value, then returns the signed PDF (original bytes + incremental update).
 */
export async function finalizePades(
  pdf: ContentInput,
  state: unknown,
  signatureValue: string | Uint8Array,
  options: FinalizeOptions,
): Promise<Uint8Array> {
  if (!isRecord(state) || state.format !== 'PAdES') badState('not a PAdES state');
  const contentsBytes = state.contentsBytes;
  if (
    typeof contentsBytes !== 'number' ||
    !Number.isInteger(contentsBytes) ||
    contentsBytes <= 0 ||
    contentsBytes > 1 << 24
  ) {
    badState('contentsBytes');
  }
  const signingTime = dateField(state, 'signingTime');
  const chain = parseChain(stringArray(state, 'certificateChain'));
  const bytes = await readContent(pdf);
  const update = storedUpdate(state, bytes, contentsBytes);
  if (update.digest.toString('hex') !== stringField(state, 'byteRangeDigest')) {
    fail('DOCUMENT_CHANGED', 'The document is not the one that was prepared (byte-range digest differs).', {
      field: 'document',
    });
  }
  const signedAttributes = padesSignedAttributes(update.digest, chain[0]!, {
    signaturePolicy: policyFromState(state),
    commitmentTypeOid: optionalString(state, 'commitmentTypeOid'),
    signerRole: optionalString(state, 'signerRole'),
  });
  if (signedAttributesDigest(signedAttributes) !== stringField(state, 'digest')) badState('digest');
  const cms = await seal(
    { chain, signedAttributes, signingTime, level: levelField(state), signatureValue },
    options,
  );
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > contentsBytes * 2) {
    fail(
      'SIGNATURE_TOO_LARGE',
      `The signature (${cms.length} bytes) does not fit the space reserved in prepare (${contentsBytes}).`,
    );
  }
  const section = Buffer.from(update.section);
  section.write(hex, update.byteRange[1] - bytes.length + 1, 'latin1');
  // One copy: Buffer is a Uint8Array (wrapping it again would copy 100 MB twice).
  return Buffer.concat([bytes, section]);
}
