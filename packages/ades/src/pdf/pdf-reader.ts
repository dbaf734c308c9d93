/**
 * Reads what the incremental update needs from an existing PDF: the last cross-reference section (its
 * offset and kind), the next free object number, the trailer entries, the catalog, AcroForm and page 1.
 * pdf-lib parses the objects (classic tables, xref streams, object streams); nothing is written with it.
 * pdf-lib keeps the last copy of each object in the file while viewers follow the cross-reference chain,
 * so every object the update rewrites or relies on is checked against that chain (./xref.ts).
 */

import { ItsmeSignError } from '@itsme-sign/core';
import {
  ParseSpeeds,
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRef,
  PDFString,
} from 'pdf-lib';
import { fail } from '../errors.js';
import { verifyAgainstXref } from './xref.js';

export interface PdfStructure {
  context: PDFContext;
  /** Offset of the last cross-reference section (the final `startxref`). */
  startxref: number;
  /** What that section is: a classic `xref` table or a cross-reference stream. */
  xrefKind: 'table' | 'stream';
  /** First object number the update may use. */
  nextObjectNumber: number;
  rootRef: PDFRef;
  catalog: PDFDict;
  info: PDFRef | undefined;
  /** The trailer /ID as written (two strings), if any. */
  id: [string, string] | undefined;
  page: { ref: PDFRef; dict: PDFDict };
  /** Names of the existing top-level form fields. */
  fieldNames: Set<string>;
}

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function findStartxref(bytes: Buffer): number {
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048));
  const text = tail.toString('latin1');
  const at = text.lastIndexOf('startxref');
  const m = at === -1 ? null : /^startxref\s+(\d+)/.exec(text.slice(at));
  if (!m)
    fail('INVALID_REQUEST', 'The document is not a PDF (no startxref at its end).', { field: 'document' });
  return Number(m[1]);
}

function xrefKindAt(bytes: Buffer, offset: number): 'table' | 'stream' {
  const head = latin1(bytes.subarray(offset, offset + 64));
  if (/^\s*xref/.test(head)) return 'table';
  if (/^\s*\d+\s+\d+\s+obj/.test(head)) return 'stream';
  return fail(
    'INVALID_REQUEST',
    'The PDF cross-reference offset is wrong; repair the file first (e.g. qpdf).',
    {
      field: 'document',
    },
  );
}

function trailerSize(bytes: Buffer, offset: number, kind: 'table' | 'stream'): number {
  const start = kind === 'table' ? bytes.indexOf('trailer', offset, 'latin1') : offset;
  const m = start === -1 ? null : /\/Size\s+(\d+)/.exec(latin1(bytes.subarray(start, start + 4096)));
  if (!m) return fail('INVALID_REQUEST', 'The PDF trailer has no /Size.', { field: 'document' });
  return Number(m[1]);
}

/** More nested page-tree levels than any real file has. */
const MAX_PAGE_TREE_DEPTH = 256;

/**
 * Page 1 (the first leaf, depth first) and every page-tree node visited to reach it, checking for
 * cycles; pdf-lib's `getPages()` recurses without limit on a page tree that contains itself.
 */
function firstPage(context: PDFContext, catalog: PDFDict): { first: PdfStructure['page']; nodes: PDFRef[] } {
  const invalid = () => fail('INVALID_REQUEST', 'The PDF page tree is invalid.', { field: 'document' });
  const rootPages = catalog.get(PDFName.of('Pages'));
  if (!(rootPages instanceof PDFRef)) return invalid();
  const nodes: PDFRef[] = [];
  const visit = (ref: PDFRef, depth: number): PdfStructure['page'] | undefined => {
    if (depth > MAX_PAGE_TREE_DEPTH || nodes.includes(ref)) return invalid();
    nodes.push(ref);
    const node = context.lookup(ref);
    if (!(node instanceof PDFDict)) return invalid();
    const type = node.get(PDFName.of('Type'));
    if (type === PDFName.of('Page')) return { ref, dict: node };
    if (type !== PDFName.of('Pages')) return invalid();
    const kids = node.lookup(PDFName.of('Kids'));
    if (!(kids instanceof PDFArray)) return invalid();
    for (let i = 0; i < kids.size(); i++) {
      const kid = kids.get(i);
      if (!(kid instanceof PDFRef)) return invalid();
      const found = visit(kid, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const first = visit(rootPages, 0);
  if (!first) return fail('INVALID_REQUEST', 'The PDF has no page.', { field: 'document' });
  return { first, nodes };
}

function textOf(obj: unknown): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

export async function readPdfStructure(pdf: Uint8Array): Promise<PdfStructure> {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  if (!latin1(bytes.subarray(0, 1024)).includes('%PDF-')) {
    fail('INVALID_REQUEST', 'The document is not a PDF.', { field: 'document' });
  }
  const startxref = findStartxref(bytes);
  if (startxref >= bytes.length)
    fail('INVALID_REQUEST', 'The PDF cross-reference offset is wrong.', { field: 'document' });
  const xrefKind = xrefKindAt(bytes, startxref);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, {
      ignoreEncryption: true,
      updateMetadata: false,
      throwOnInvalidObject: false,
      // Parse in one go: the default yields to the event loop every 100 objects, which makes large PDFs slow.
      parseSpeed: ParseSpeeds.Fastest,
    });
  } catch (cause) {
    return fail('INVALID_REQUEST', 'The PDF could not be parsed.', { field: 'document', cause });
  }
  try {
    return readStructure(doc, bytes, startxref, xrefKind);
  } catch (cause) {
    if (cause instanceof ItsmeSignError) throw cause;
    return fail('INVALID_REQUEST', 'The PDF could not be parsed.', { field: 'document', cause });
  }
}

/** Everything read after parsing; pdf-lib throws plain errors on malformed structures (caught above). */
function readStructure(
  doc: PDFDocument,
  bytes: Buffer,
  startxref: number,
  xrefKind: 'table' | 'stream',
): PdfStructure {
  const { context } = doc;
  if (doc.isEncrypted || context.trailerInfo.Encrypt) {
    fail('INVALID_REQUEST', 'Encrypted PDFs cannot be signed.', { field: 'document' });
  }
  const rootRef = context.trailerInfo.Root;
  if (!(rootRef instanceof PDFRef))
    return fail('INVALID_REQUEST', 'The PDF has no catalog.', { field: 'document' });
  const catalog = context.lookup(rootRef);
  if (!(catalog instanceof PDFDict))
    return fail('INVALID_REQUEST', 'The PDF has no catalog.', { field: 'document' });
  const { first, nodes } = firstPage(context, catalog);

  const info = context.trailerInfo.Info instanceof PDFRef ? context.trailerInfo.Info : undefined;
  let id: [string, string] | undefined;
  const idArray = context.trailerInfo.ID;
  if (idArray instanceof PDFArray && idArray.size() === 2) {
    const [a, b] = [idArray.get(0), idArray.get(1)];
    if (
      (a instanceof PDFHexString || a instanceof PDFString) &&
      (b instanceof PDFHexString || b instanceof PDFString)
    ) {
      id = [a.toString(), b.toString()];
    }
  }
  const fieldNames = new Set<string>();
  const acroForm = catalog.lookup(PDFName.of('AcroForm'));
  const fields = acroForm instanceof PDFDict ? acroForm.lookup(PDFName.of('Fields')) : undefined;
  if (fields instanceof PDFArray) {
    for (let i = 0; i < fields.size(); i++) {
      const f = fields.lookup(i);
      const name = f instanceof PDFDict ? textOf(f.get(PDFName.of('T'))) : undefined;
      if (name !== undefined) fieldNames.add(name);
    }
  }
  // What the update rewrites or relies on must be what viewers see (no shadowed copies).
  const acroEntry = catalog.get(PDFName.of('AcroForm'));
  const fieldsEntry = acroForm instanceof PDFDict ? acroForm.get(PDFName.of('Fields')) : undefined;
  const annots = first.dict.get(PDFName.of('Annots'));
  verifyAgainstXref(bytes, context, startxref, rootRef, [
    rootRef,
    ...nodes,
    ...[annots, acroEntry, fieldsEntry].filter((r): r is PDFRef => r instanceof PDFRef),
  ]);
  return {
    context,
    startxref,
    xrefKind,
    nextObjectNumber: Math.max(trailerSize(bytes, startxref, xrefKind), context.largestObjectNumber + 1),
    rootRef,
    catalog,
    info,
    id,
    page: first,
    fieldNames,
  };
}
