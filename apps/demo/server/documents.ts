/** The demo's documents: two generated sample contracts and the user's uploads, kept in memory (bounded). */
import { randomUUID } from 'node:crypto';
import type { DocumentSource } from '@itsme-sign/core';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

export interface StoredDocument {
  id: string;
  name: string;
  bytes: Uint8Array;
}

/** The same cap as the demo UI's. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const MAX_UPLOADS = 50;

async function sampleContract(title: string, lines: string[]): Promise<Uint8Array> {
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
  doc.setTitle(title);
  doc.setProducer('itsme-sign demo');
  return doc.save();
}

export class DocumentLibrary {
  readonly #docs = new Map<string, StoredDocument>();
  readonly #uploads: string[] = [];

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
    return lib;
  }

  list(): { id: string; name: string; size: number }[] {
    return [...this.#docs.values()].map((d) => ({ id: d.id, name: d.name, size: d.bytes.byteLength }));
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
