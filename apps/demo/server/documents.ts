/** The demo's documents: two generated sample contracts and the user's uploads, kept in memory (bounded). */
import { randomUUID } from 'node:crypto';
import type { DocumentSource } from '@itsme-sign/core';
import { PDFDocument, PDFName, PDFString, rgb, StandardFonts } from 'pdf-lib';

export interface StoredDocument {
  id: string;
  name: string;
  bytes: Uint8Array;
}

/** The same cap as the demo UI's. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_UPLOADS = 50;

/** An empty signature field of a sample contract (widget merged with its field). */
interface SampleField {
  name: string;
  rect: [number, number, number, number];
}

async function sampleContract(
  title: string,
  lines: string[],
  fields: SampleField[] = [],
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595, 842]);
  page.drawRectangle({ x: 0, y: 792, width: 595, height: 50, color: rgb(1, 0.27, 0.07) });
  page.drawText('itsme-sign demo', { x: 40, y: 810, size: 14, font: bold, color: rgb(1, 1, 1) });
  page.drawText(title, { x: 40, y: 740, size: 22, font: bold });
  let y = 700;
  for (const line of lines) {
    page.drawText(line, { x: 40, y, size: 12, font });
    y -= 22;
  }
  page.drawText('Signed electronically with itsme® (qualified electronic signature).', {
    x: 40,
    y: 120,
    size: 10,
    font,
    color: rgb(0.3, 0.3, 0.3),
  });
  // Empty signature fields, each with its caption: the parties sign them in turn.
  const widgets = fields.map((f) => {
    page.drawText(f.name, {
      x: f.rect[0],
      y: f.rect[3] + 6,
      size: 10,
      font: bold,
      color: rgb(0.3, 0.3, 0.3),
    });
    return doc.context.register(
      doc.context.obj({
        Type: 'Annot',
        Subtype: 'Widget',
        FT: 'Sig',
        T: PDFString.of(f.name),
        Rect: f.rect,
        F: 4,
        P: page.ref,
      }),
    );
  });
  if (widgets.length > 0) {
    page.node.set(PDFName.of('Annots'), doc.context.obj(widgets));
    doc.catalog.set(PDFName.of('AcroForm'), doc.context.obj({ Fields: widgets }));
  }
  doc.setTitle(title);
  doc.setProducer('itsme-sign demo');
  return doc.save();
}

/** Where a document without an empty signature field shows its signature: page 1, bottom right. */
export const DEFAULT_SIGNATURE_RECT: [number, number, number, number] = [330, 30, 565, 100];

export class DocumentLibrary {
  readonly #docs = new Map<string, StoredDocument>();
  readonly #uploads: string[] = [];
  /** Documents signed in turn: file name → the ids of their versions (each signature adds one). */
  readonly #versions = new Map<string, string[]>();

  static async create(): Promise<DocumentLibrary> {
    const lib = new DocumentLibrary();
    lib.#add(
      'car-insurance',
      'car-insurance-contract.pdf',
      await sampleContract('Car insurance contract', [
        'Policy number: BE-2026-004217',
        'Insured vehicle: Volvo XC40, plate 1-ABC-123',
        'Annual premium: EUR 642.00',
        'Start date: 1 January 2027',
      ]),
    );
    lib.#add(
      'employment',
      'employment-contract.pdf',
      await sampleContract('Employment contract', [
        'Employer: Example Bank NV, Brussels',
        'Position: Senior software engineer',
        'Start date: 1 February 2027',
        'Working time: full time, 38 hours per week',
      ]),
    );
    lib.#add(
      'general-terms',
      'general-terms-and-conditions.pdf',
      await sampleContract('General terms and conditions', [
        'Applies to: every contract with Example Bank NV',
        'Version: 2027-01',
        'Governing law: Belgian law; courts of Brussels',
        'Often signed together with a contract (batch signing: one approval).',
      ]),
    );
    lib.#add(
      'loan-agreement',
      'loan-agreement-two-parties.pdf',
      await sampleContract(
        'Loan agreement (two signatures)',
        [
          'Lender: Example Bank NV, Brussels',
          'Loan: EUR 25,000 at 3.1 % over 60 months',
          'Signed first by the client, then by the bank.',
        ],
        [
          { name: 'Client', rect: [40, 150, 280, 220] },
          { name: 'Bank', rect: [315, 150, 555, 220] },
        ],
      ),
    );
    lib.#versions.set('loan-agreement-two-parties.pdf', ['loan-agreement']);
    return lib;
  }

  /** The documents to offer: of a document signed in turn, only its latest version. */
  list(): { id: string; name: string; size: number }[] {
    const older = new Set([...this.#versions.values()].flatMap((ids) => ids.slice(0, -1)));
    return [...this.#docs.values()]
      .filter((d) => !older.has(d.id))
      .map((d) => ({ id: d.id, name: d.name, size: d.bytes.byteLength }));
  }

  /**
   * A signed PDF came out of a session: for a document signed in turn, it becomes the version the next
   * party signs (when it extends the latest version: an incremental update of it). Earlier versions stay
   * resolvable, so that a session still finalizing its own version is not disturbed.
   */
  recordSigned(name: string, bytes: Uint8Array): void {
    const ids = this.#versions.get(name);
    const latest = ids && this.#docs.get(ids[ids.length - 1]!);
    if (!ids || !latest || bytes.byteLength <= latest.bytes.byteLength) return;
    if (!Buffer.from(bytes.subarray(0, latest.bytes.byteLength)).equals(Buffer.from(latest.bytes))) return;
    const id = `${ids[0]}-v${ids.length + 1}`;
    this.#add(id, name, bytes);
    ids.push(id);
  }

  get(id: string): StoredDocument | undefined {
    return this.#docs.get(id);
  }

  /** The core `resolveDocument` hook. */
  resolve(id: string): DocumentSource | undefined {
    const d = this.#docs.get(id);
    return d ? { name: d.name, contentType: 'application/pdf', data: d.bytes } : undefined;
  }

  /** Stores an uploaded PDF; refuses what is not a PDF or too large. Oldest uploads are evicted. */
  upload(name: string, bytes: Uint8Array): { id: string; name: string; size: number } {
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_UPLOAD_BYTES) {
      throw new UploadError(413, `The file must be between 1 byte and ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
    }
    if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-')
      throw new UploadError(415, 'Only PDF files can be signed in this demo.');
    const safeName = (name.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 120) || 'document').replace(
      /(\.pdf)?$/i,
      '.pdf',
    );
    const id = randomUUID();
    this.#add(id, safeName, bytes);
    this.#uploads.push(id);
    while (this.#uploads.length > MAX_UPLOADS) this.#docs.delete(this.#uploads.shift()!);
    return { id, name: safeName, size: bytes.byteLength };
  }

  #add(id: string, name: string, bytes: Uint8Array): void {
    this.#docs.set(id, { id, name, bytes });
  }
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const MAX_UPLOAD = MAX_UPLOAD_BYTES;
