/**
 * Crafted PDFs for the structure tests: "shadowed" objects (a second, unlisted definition appended after
 * `%%EOF` that pdf-lib prefers while viewers follow the cross-reference chain) and broken page trees.
 */
import { deflateSync } from 'node:zlib';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef, StandardFonts } from 'pdf-lib';

/** A two-page pdf-lib PDF (classic xref table, or object streams + xref stream). */
export async function twoPagePdf(useObjectStreams: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of ['I agree to pay 100 EUR', 'I agree to pay 100000 EUR']) {
    doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  }
  return doc.save({ useObjectStreams });
}

export interface PdfRefs {
  catalog: PDFRef;
  page1: PDFRef;
  page1Contents: PDFRef;
  page2: PDFRef;
  page2Contents: PDFRef;
  /** A free object number for appended objects. */
  unused: number;
}

export async function refsOf(pdf: Uint8Array): Promise<PdfRefs> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const [p1, p2] = doc.getPages();
  const contents = (d: PDFDict) => d.get(PDFName.of('Contents')) as PDFRef;
  return {
    catalog: doc.context.trailerInfo.Root as PDFRef,
    page1: p1!.ref,
    page1Contents: contents(p1!.node),
    page2: p2!.ref,
    page2Contents: contents(p2!.node),
    unused: doc.context.largestObjectNumber + 1,
  };
}

/** What pdf-lib holds for `ref` (it keeps the last copy in the file). */
export async function pdfLibView(pdf: Uint8Array, ref: PDFRef): Promise<string> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  return String(doc.context.lookup(ref));
}

/** `pdf` + plain objects appended after `%%EOF`, listed in no cross-reference section. */
export function appendUnlisted(pdf: Uint8Array, objects: { ref: PDFRef; body: string }[]): Uint8Array {
  const text = objects.map((o) => `${o.ref.objectNumber} ${o.ref.generationNumber} obj\n${o.body}\nendobj\n`);
  return new Uint8Array(Buffer.concat([pdf, Buffer.from(text.join(''), 'latin1')]));
}

/** `pdf` + an unlisted object stream (FlateDecode) holding one object. */
export function appendUnlistedObjectStream(
  pdf: Uint8Array,
  streamNumber: number,
  object: { ref: PDFRef; body: string },
): Uint8Array {
  const header = `${object.ref.objectNumber} 0 `;
  const data = deflateSync(Buffer.from(`${header}${object.body}`, 'latin1'));
  const head = `${streamNumber} 0 obj\n<</Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${data.length}>>\nstream\n`;
  return new Uint8Array(
    Buffer.concat([pdf, Buffer.from(head, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]),
  );
}

/** Page 1's dictionary as pdf-lib wrote it, with /Contents replaced. */
export async function pageWithContents(pdf: Uint8Array, page: PDFRef, contents: PDFRef): Promise<string> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const dict = (doc.context.lookup(page) as PDFDict).clone(doc.context);
  dict.set(PDFName.of('Contents'), contents);
  return dict.toString();
}

/** A pdf-lib PDF whose page tree root is changed by `edit` (saved with a consistent xref table). */
export async function withPageTree(edit: (pages: PDFDict, pagesRef: PDFRef, doc: PDFDocument) => void) {
  const doc = await PDFDocument.load(await twoPagePdf(false), { updateMetadata: false });
  const pagesRef = doc.catalog.get(PDFName.of('Pages')) as PDFRef;
  edit(doc.context.lookup(pagesRef) as PDFDict, pagesRef, doc);
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}

export const pageTreeEdits = {
  /** The root /Pages lists itself as its first kid. */
  selfReferencing: (pages: PDFDict, pagesRef: PDFRef) =>
    pages.set(PDFName.of('Kids'), pages.context.obj([pagesRef])),
  /** /Kids is a number. */
  kidsNotArray: (pages: PDFDict) => pages.set(PDFName.of('Kids'), PDFNumber.of(5)),
  /** The catalog has no /Pages. */
  noPages: (_p: PDFDict, _r: PDFRef, doc: PDFDocument) => doc.catalog.delete(PDFName.of('Pages')),
};
