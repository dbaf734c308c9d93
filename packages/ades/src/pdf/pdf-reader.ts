/**
 * Reads the document-level structure the signature needs, through the cross-reference chain only
 * (./pdf-file.ts): the trailer entries, the catalog, the AcroForm, its signature fields and the document's
 * certification. Every object the update will rewrite is registered with `rely()`, so that the whole-file
 * check (./shadow-check.ts) can refuse later, unlisted copies of it.
 */
import { fail } from '../errors.js';
import { certificationLevel, type SignatureFieldNode, signatureFields } from './fields.js';
import { PDF_LIMITS } from './limits.js';
import { damaged, PdfDict, type PdfObject, PdfRef, PdfString } from './objects.js';
import { PdfFile } from './pdf-file.js';
import type { ByteSource } from './source.js';

export interface PdfStructure {
  file: PdfFile;
  /** Offset of the last cross-reference section (the final `startxref`). */
  startxref: number;
  /** What that section is: a classic `xref` table or a cross-reference stream. */
  xrefKind: 'table' | 'stream';
  rootRef: PdfRef;
  catalog: PdfDict;
  info: PdfRef | undefined;
  /** The trailer /ID (two strings), if any. */
  id: [PdfString, PdfString] | undefined;
  /** The catalog's /AcroForm entry and the dictionary it names. */
  acroForm: { entry: PdfObject | undefined; dict: PdfDict | undefined };
  /** The AcroForm's /Fields entry and the array it names. */
  fields: { entry: PdfObject | undefined; array: PdfObject[] };
  /** The signature fields of the form, empty or signed. */
  signatureFields: SignatureFieldNode[];
  /** DocMDP level when the document is certified. */
  certification: 1 | 2 | 3 | undefined;
  /** The objects the update rewrites → where the chain has them. */
  relied: Map<number, { ref: PdfRef; location: number }>;
  /** Registers an object the update rewrites. */
  rely(ref: PdfRef): Promise<void>;
}

const invalid = (message: string): never => fail('INVALID_REQUEST', message, { field: 'document' });

/** An array entry (direct or one reference away), capped. */
export async function arrayOf(
  file: PdfFile,
  entry: PdfObject | undefined,
  what: string,
): Promise<PdfObject[]> {
  const value = await file.deref(entry);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalid(`The PDF's ${what} is not an array.`);
  if (value.length > PDF_LIMITS.maxArrayEntries)
    return invalid(`The PDF's ${what} has more than ${PDF_LIMITS.maxArrayEntries} entries.`);
  return value;
}

export async function readPdfStructure(source: ByteSource): Promise<PdfStructure> {
  const file = await PdfFile.open(source);
  const trailer = file.trailer;
  if (trailer.get('Encrypt') !== undefined) invalid('Encrypted PDFs cannot be signed.');
  const rootRef = trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) return invalid('The PDF has no catalog.');
  const catalog = await file.resolve(rootRef);
  if (!(catalog instanceof PdfDict)) return invalid('The PDF has no catalog.');

  const acroEntry = catalog.get('AcroForm');
  const acroValue = await file.deref(acroEntry);
  const acroDict = acroValue instanceof PdfDict ? acroValue : undefined;
  const fieldsEntry = acroDict?.get('Fields');
  const fields = await arrayOf(file, fieldsEntry, 'form field list');

  const idValue = trailer.get('ID');
  const id =
    Array.isArray(idValue) && idValue.length === 2 && idValue.every((x) => x instanceof PdfString)
      ? (idValue as [PdfString, PdfString])
      : undefined;
  const info = trailer.get('Info');
  const relied = new Map<number, { ref: PdfRef; location: number }>();
  const rely = async (ref: PdfRef) => {
    const location = await file.location(ref);
    if (location === undefined) return damaged(`object ${ref.num} is not listed`);
    relied.set(ref.num, { ref, location });
  };
  for (const ref of [rootRef, acroEntry, fieldsEntry]) if (ref instanceof PdfRef) await rely(ref);
  return {
    file,
    startxref: file.startxref,
    xrefKind: /^\s*xref/.test(Buffer.from(await source.read(file.startxref, 16)).toString('latin1'))
      ? 'table'
      : 'stream',
    rootRef,
    catalog,
    info: info instanceof PdfRef ? info : undefined,
    id,
    acroForm: { entry: acroEntry, dict: acroDict },
    fields: { entry: fieldsEntry, array: fields },
    signatureFields: await signatureFields(file, fields),
    certification: await certificationLevel(file, catalog),
    relied,
    rely,
  };
}
