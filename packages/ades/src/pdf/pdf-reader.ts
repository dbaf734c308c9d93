/**
 * Reads what the incremental update needs from an existing PDF, through the cross-reference chain only
 * (./pdf-file.ts): the trailer entries, the catalog, the page tree down to page 1, the AcroForm and its
 * fields, page 1's annotations. Every object read here is one the update rewrites or relies on; their
 * locations are returned so that the whole-file scan (./object-scan.ts) can refuse later, unlisted copies.
 */
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { damaged, nameOf, PdfDict, type PdfObject, PdfRef, PdfString } from './objects.js';
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
  page: { ref: PdfRef; dict: PdfDict };
  /** The catalog's /AcroForm entry and the dictionary it names. */
  acroForm: { entry: PdfObject | undefined; dict: PdfDict | undefined };
  /** The AcroForm's /Fields entry and the array it names. */
  fields: { entry: PdfObject | undefined; array: PdfObject[] };
  /** Page 1's /Annots entry and the array it names. */
  annots: { entry: PdfObject | undefined; array: PdfObject[] };
  /** Names of the existing top-level form fields. */
  fieldNames: Set<string>;
  /** The objects read (catalog, page-tree nodes, AcroForm, /Fields, /Annots) → where the chain has them. */
  relied: Map<number, { ref: PdfRef; location: number }>;
}

const invalid = (message: string): never => fail('INVALID_REQUEST', message, { field: 'document' });

/** More nested page-tree levels than any real file has. */
const MAX_PAGE_TREE_DEPTH = 256;

async function firstPage(
  file: PdfFile,
  catalog: PdfDict,
): Promise<{ page: PdfStructure['page']; nodes: PdfRef[] }> {
  const bad = () => invalid('The PDF page tree is invalid.');
  const root = catalog.get('Pages');
  if (!(root instanceof PdfRef)) return bad();
  const nodes: PdfRef[] = [];
  const seen = new Set<string>();
  const visit = async (ref: PdfRef, depth: number): Promise<PdfStructure['page'] | undefined> => {
    if (depth > MAX_PAGE_TREE_DEPTH || seen.has(ref.toString())) return bad();
    seen.add(ref.toString());
    nodes.push(ref);
    const node = await file.resolve(ref);
    if (!(node instanceof PdfDict)) return bad();
    const type = nameOf(node.get('Type'));
    if (type === 'Page') return { ref, dict: node };
    if (type !== 'Pages') return bad();
    const kids = await file.deref(node.get('Kids'));
    if (!Array.isArray(kids)) return bad();
    for (const kid of kids) {
      if (!(kid instanceof PdfRef)) return bad();
      const found = await visit(kid, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const page = await visit(root, 0);
  if (!page) return invalid('The PDF has no page.');
  return { page, nodes };
}

/** An array entry (direct or one reference away), capped. */
async function arrayOf(file: PdfFile, entry: PdfObject | undefined, what: string): Promise<PdfObject[]> {
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
  const { page, nodes } = await firstPage(file, catalog);

  const acroEntry = catalog.get('AcroForm');
  const acroValue = await file.deref(acroEntry);
  const acroDict = acroValue instanceof PdfDict ? acroValue : undefined;
  const fieldsEntry = acroDict?.get('Fields');
  const fields = await arrayOf(file, fieldsEntry, 'form field list');
  const fieldNames = new Set<string>();
  for (const f of fields) {
    const field = await file.deref(f);
    const name = field instanceof PdfDict ? field.get('T') : undefined;
    if (name instanceof PdfString) fieldNames.add(decodeText(name));
  }
  const annotsEntry = page.dict.get('Annots');
  const annots = await arrayOf(file, annotsEntry, 'annotation list of page 1');

  const idValue = trailer.get('ID');
  const id =
    Array.isArray(idValue) && idValue.length === 2 && idValue.every((x) => x instanceof PdfString)
      ? (idValue as [PdfString, PdfString])
      : undefined;
  const info = trailer.get('Info');

  const relied = new Map<number, { ref: PdfRef; location: number }>();
  for (const ref of [rootRef, ...nodes, acroEntry, fieldsEntry, annotsEntry]) {
    if (!(ref instanceof PdfRef)) continue;
    const location = await file.location(ref);
    if (location === undefined) return damaged(`object ${ref.num} is not listed`);
    relied.set(ref.num, { ref, location });
  }
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
    page,
    acroForm: { entry: acroEntry, dict: acroDict },
    fields: { entry: fieldsEntry, array: fields },
    annots: { entry: annotsEntry, array: annots },
    fieldNames,
    relied,
  };
}

/** A PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ≈ latin1). */
export function decodeText(s: PdfString): string {
  const b = s.bytes;
  if (b[0] === 0xfe && b[1] === 0xff)
    return Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)))
      .swap16()
      .toString('utf16le');
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  return b.toString('latin1');
}
