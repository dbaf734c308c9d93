/**
 * PAdES step 2. The state holds the appended section that prepare built (compressed, /Contents zero-filled)
 * and the digest of the signed byte ranges, so the document is never parsed again: it is only hashed, to
 * check that it is the one that was prepared. `finalizePades` returns the signed PDF in memory (every level);
 * ./pades-output.ts streams it or writes it to a file (memory flat in the document's size).
 */
import { createHash, type Hash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { parseChain } from './certificates.js';
import { type ContentInput, readContent } from './content.js';
import { fail } from './errors.js';
import { extendPades } from './ltv.js';
import { padesSignedAttributes } from './pades.js';
import type { RevocationData } from './revocation.js';
import { type FinalizeOptions, seal } from './seal.js';
import { type SignaturePolicy, signedAttributesDigest } from './signed-attributes.js';
import {
  badState,
  dateField,
  isLongTerm,
  isRecord,
  levelField,
  optionalString,
  stringArray,
  stringField,
} from './state.js';

/** What prepare stored of the update: the section, where its placeholder is, the original's size. */
export interface StoredUpdate {
  state: Record<string, unknown>;
  section: Buffer;
  byteRange: [number, number, number, number];
  /** Size of the original document the section was built for. */
  originalSize: number;
  contentsBytes: number;
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

export const changed = (why: string): never =>
  fail('DOCUMENT_CHANGED', `The document is not the one that was prepared (${why}).`, { field: 'document' });

export function readStoredUpdate(state: unknown): StoredUpdate {
  if (!isRecord(state) || state.format !== 'PAdES') badState('not a PAdES state');
  const contentsBytes = state.contentsBytes;
  if (
    typeof contentsBytes !== 'number' ||
    !Number.isInteger(contentsBytes) ||
    contentsBytes <= 0 ||
    contentsBytes > 1 << 24
  ) {
    return badState('contentsBytes');
  }
  let section: Buffer;
  try {
    section = inflateRawSync(Buffer.from(stringField(state, 'section'), 'base64'), {
      maxOutputLength: 4 * contentsBytes + (1 << 20),
    });
  } catch {
    return badState('section');
  }
  const byteRange = stringField(state, 'byteRange').split(' ').map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const [start, a, b, rest] = byteRange;
  const originalSize = b + rest - section.length;
  if (
    byteRange.length !== 4 ||
    !byteRange.every(Number.isSafeInteger) ||
    start !== 0 ||
    a <= originalSize ||
    originalSize <= 0 ||
    b - a !== contentsBytes * 2 + 2
  ) {
    return badState('byteRange');
  }
  const placeholder = section.subarray(a - originalSize + 1, b - originalSize - 1);
  if (
    section[a - originalSize] !== 0x3c ||
    section[b - originalSize - 1] !== 0x3e ||
    placeholder.some((c) => c !== 0x30)
  ) {
    badState('section');
  }
  return { state, section, byteRange, originalSize, contentsBytes };
}

/** The byte-range digest: the original's hash (already fed) + the section outside the placeholder. */
export function checkDigest(u: StoredUpdate, original: Hash): void {
  const base = u.originalSize;
  const digest = original
    .update(u.section.subarray(0, u.byteRange[1] - base))
    .update(u.section.subarray(u.byteRange[2] - base))
    .digest('hex');
  if (digest !== stringField(u.state, 'byteRangeDigest')) changed('byte-range digest differs');
}

/**
 * Checks the value and the certificate (revocation included), builds the CMS and returns the section with it
 * in /Contents, and what the revocation check fetched.
 */
export async function sealedSection(
  u: StoredUpdate,
  signatureValue: string | Uint8Array,
  options: FinalizeOptions,
): Promise<{ section: Buffer; revocation: RevocationData }> {
  const { state } = u;
  const chain = parseChain(stringArray(state, 'certificateChain'));
  const byteRangeDigest = Buffer.from(stringField(state, 'byteRangeDigest'), 'hex');
  if (byteRangeDigest.length !== 32) badState('byteRangeDigest');
  const signedAttributes = padesSignedAttributes(byteRangeDigest, chain[0]!, {
    signaturePolicy: policyFromState(state),
    commitmentTypeOid: optionalString(state, 'commitmentTypeOid'),
    signerRole: optionalString(state, 'signerRole'),
  });
  if (signedAttributesDigest(signedAttributes) !== stringField(state, 'digest')) badState('digest');
  const { cms, revocation } = await seal(
    {
      chain,
      signedAttributes,
      signingTime: dateField(state, 'signingTime'),
      level: levelField(state),
      signatureValue,
    },
    options,
  );
  const hex = Buffer.from(cms).toString('hex');
  if (hex.length > u.contentsBytes * 2) {
    fail(
      'SIGNATURE_TOO_LARGE',
      `The signature (${cms.length} bytes) does not fit the space reserved in prepare (${u.contentsBytes}).`,
    );
  }
  const section = Buffer.from(u.section);
  section.write(hex, u.byteRange[1] - u.originalSize + 1, 'latin1');
  return { section, revocation };
}

/**
 * Step 2: `pdf` must be the same original document given to `preparePades`. Checks the document, the
 * certificate and the signature value, then returns the signed PDF (original bytes + incremental update).
 */
export async function finalizePades(
  pdf: ContentInput,
  state: unknown,
  signatureValue: string | Uint8Array,
  options: FinalizeOptions,
): Promise<Uint8Array> {
  const update = readStoredUpdate(state);
  const bytes = await readContent(pdf);
  if (bytes.length !== update.originalSize) changed('its size differs');
  checkDigest(update, createHash('sha256').update(bytes));
  const { section, revocation } = await sealedSection(update, signatureValue, options);
  // One copy: Buffer is a Uint8Array (wrapping it again would copy 100 MB twice).
  const signed = Buffer.concat([bytes, section]);
  const level = levelField(update.state);
  if (!isLongTerm(level)) return signed;
  return extendPades(signed, {
    level: level as 'B-LT' | 'B-LTA',
    trustAnchors: options.trustAnchors,
    ...(options.tsa ? { tsa: options.tsa } : {}),
    ...(options.revocation ? { revocation: options.revocation } : {}),
    validationData: revocation,
  });
}
