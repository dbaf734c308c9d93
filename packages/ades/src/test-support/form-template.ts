/** A contract with empty signature fields (what a bank prepares for its client and itself to sign). */
import { PDFDocument, PDFName, PDFString, rgb, StandardFonts } from 'pdf-lib';

export interface TemplateField {
  name: string;
  page: number;
  rect: [number, number, number, number];
}

export const TEMPLATE_FIELDS: TemplateField[] = [
  { name: 'Client', page: 1, rect: [50, 80, 270, 150] },
  { name: 'Bank', page: 1, rect: [320, 80, 545, 150] },
];

/** A one-page contract with the given empty signature fields (widgets merged with their fields). */
export async function contractWithFields(fields: TemplateField[] = TEMPLATE_FIELDS): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  page.drawText('Loan agreement n° 2026-0042', { x: 50, y: 780, size: 18, font });
  page.drawText('The bank lends the client EUR 25,000 at 3.1 % for 60 months.', {
    x: 50,
    y: 740,
    size: 12,
    font,
  });
  for (const f of fields) {
    page.drawText(f.name, { x: f.rect[0], y: f.rect[3] + 6, size: 10, font, color: rgb(0.3, 0.3, 0.3) });
  }
  const refs = fields.map((f) =>
    doc.context.register(
      doc.context.obj({
        Type: 'Annot',
        Subtype: 'Widget',
        FT: 'Sig',
        T: PDFString.of(f.name),
        Rect: f.rect,
        F: 4,
        P: doc.getPage(f.page - 1).ref,
      }),
    ),
  );
  page.node.set(PDFName.of('Annots'), doc.context.obj(refs));
  doc.catalog.set(PDFName.of('AcroForm'), doc.context.obj({ Fields: refs }));
  return doc.save({ useObjectStreams: false });
}
