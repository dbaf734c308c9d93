/**
 * The signature fields of a PDF, so that an app can let the user pick one: name, page, rectangle, signed or
 * empty, and by whom; and whether the document is certified (and at which DocMDP level).
 */
import type { ContentInput } from './content.js';
import { signerOf } from './pdf/fields.js';
import { openPdf } from './pdf/open-pdf.js';
import { pageNumbers } from './pdf/pages.js';
import { readPdfStructure } from './pdf/pdf-reader.js';

export interface SignatureFieldInfo {
  /** Full name (partial names joined by dots): what `signatureField.name` takes. */
  name: string;
  /** 1-based page of its widget; undefined when the widget names no page (or beyond 10,000 pages). */
  page: number | undefined;
  /** The widget's rectangle [x1 y1 x2 y2] in the page's default user space; undefined if it has none. */
  rect: [number, number, number, number] | undefined;
  /** Whether a signature shows there (a rectangle with an area). */
  visible: boolean;
  signed: boolean;
  /** The signer's name (the CN of the signing certificate in the CMS), when signed. */
  signer?: string;
}

export interface SignatureFieldList {
  fields: SignatureFieldInfo[];
  /** DocMDP level when the document is certified: 1 no changes, 2 form filling and signing, 3 also annotations. */
  certification?: 1 | 2 | 3;
}

export async function listSignatureFields(pdf: ContentInput): Promise<SignatureFieldList> {
  const opened = await openPdf(pdf);
  try {
    const structure = await readPdfStructure(opened.source);
    const pages = await pageNumbers(structure.file, structure.catalog);
    const fields = structure.signatureFields.map((f): SignatureFieldInfo => {
      const signer = f.signature ? signerOf(f.signature) : undefined;
      return {
        name: f.name,
        page: f.pageRef ? pages.get(f.pageRef.num) : undefined,
        rect: f.rect,
        visible: f.rect !== undefined && f.rect[2] > f.rect[0] && f.rect[3] > f.rect[1],
        signed: f.signature !== undefined,
        ...(signer !== undefined ? { signer } : {}),
      };
    });
    return { fields, ...(structure.certification ? { certification: structure.certification } : {}) };
  } finally {
    await opened.close();
  }
}
