/** Input PDFs made by different writers, to sign in the tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { run } from './tools.js';

async function pdfLibDocument(opts: { objectStreams: boolean; withForm?: boolean }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 2; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Contract page ${i} — signed with itsme®`, { x: 50, y: 780, size: 14, font });
  }
  if (opts.withForm) {
    const form = doc.getForm();
    form.createTextField('buyer.name').addToPage(doc.getPage(0), { x: 50, y: 700, width: 200, height: 20 });
  }
  doc.setTitle('Test contract');
  doc.setCreationDate(new Date('2025-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2025-01-01T00:00:00Z'));
  return doc.save({ useObjectStreams: opts.objectStreams });
}

function qpdf(input: Uint8Array, dir: string, name: string, args: string[]): Uint8Array {
  const src = join(dir, `${name}.src.pdf`);
  const out = join(dir, `${name}.pdf`);
  writeFileSync(src, input);
  const r = run('qpdf', [...args, src, out]);
  if (r.status !== 0 && r.status !== 3) throw new Error(`qpdf failed: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

/** name → bytes of each input PDF (written to `dir` too). */
export async function buildCorpus(dir: string): Promise<Record<string, Uint8Array>> {
  const table = await pdfLibDocument({ objectStreams: false });
  const streams = await pdfLibDocument({ objectStreams: true });
  const form = await pdfLibDocument({ objectStreams: false, withForm: true });
  const corpus: Record<string, Uint8Array> = {
    'pdf-lib-xref-table': table,
    'pdf-lib-object-streams': streams,
    'pdf-lib-acroform': form,
    'qpdf-object-streams': qpdf(table, dir, 'qpdf-object-streams', ['--object-streams=generate']),
    'qpdf-linearized': qpdf(table, dir, 'qpdf-linearized', ['--linearize']),
    'qpdf-linearized-object-streams': qpdf(streams, dir, 'qpdf-linearized-object-streams', [
      '--linearize',
      '--object-streams=generate',
    ]),
  };
  for (const [name, bytes] of Object.entries(corpus)) writeFileSync(join(dir, `${name}.input.pdf`), bytes);
  return corpus;
}
