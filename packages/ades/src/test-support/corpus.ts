/**
 * Input PDFs made by different writers, to sign in the tests: pdf-lib, qpdf, Ghostscript (pdfwrite, from a
 * PDF and from PostScript), cairo (pdftocairo) and MuPDF (mutool clean). Every document has two pages
 * with text, coloured rectangles and an image, so that a rendering difference after signing shows.
 * External writers run with SOURCE_DATE_EPOCH set and qpdf with --deterministic-id, so the inputs are the
 * same from run to run (except pdftocairo's /CreationDate, which is the current time).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

/** 2025-01-01T00:00:00Z. */
const SOURCE_DATE_EPOCH = '1735689600';

/** A small RGB PNG (a colour gradient with a diagonal), deterministic. */
export function gradientPng(width: number, height: number): Uint8Array {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const diagonal = Math.abs(x - y) < 2;
      raw[row + 1 + x * 3] = diagonal ? 0 : Math.round((255 * x) / (width - 1));
      raw[row + 2 + x * 3] = diagonal ? 0 : Math.round((255 * y) / (height - 1));
      raw[row + 3 + x * 3] = diagonal ? 0 : 160;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

async function pdfLibDocument(opts: { objectStreams: boolean; withForm?: boolean }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const image = await doc.embedPng(gradientPng(48, 32));
  for (let i = 1; i <= 2; i++) {
    const page = doc.addPage([595, 842]);
    page.drawRectangle({ x: 40, y: 740, width: 515, height: 70, color: rgb(0.85, 0.92, 1) });
    page.drawText(`Contract page ${i} — signed with itsme®`, { x: 50, y: 780, size: 14, font });
    page.drawRectangle({
      x: 50,
      y: 420,
      width: 220,
      height: 140,
      color: i === 1 ? rgb(0.9, 0.2, 0.2) : rgb(0.2, 0.6, 0.3),
      borderColor: rgb(0, 0, 0),
      borderWidth: 2,
    });
    if (i === 1) page.drawImage(image, { x: 320, y: 420, width: 216, height: 144 });
    page.drawText(`Amount: EUR ${i * 1250},00`, { x: 50, y: 380, size: 18, font, color: rgb(0.1, 0.1, 0.5) });
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

/** A two-page PostScript program (text, filled rectangles, an RGB image) for Ghostscript. */
function postScript(): string {
  let hex = '';
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const v = [x * 17, y * 17, (x + y) % 2 ? 40 : 220];
      hex += v.map((c) => c.toString(16).padStart(2, '0')).join('');
    }
    hex += '\n';
  }
  const page = (n: number, color: string) => `%%Page: ${n} ${n}
/Helvetica findfont 18 scalefont setfont
0.85 0.92 1 setrgbcolor 40 740 515 70 rectfill
0 0 0 setrgbcolor 50 780 moveto (PostScript contract, page ${n}) show
${color} setrgbcolor 50 420 220 140 rectfill
0 0 0 setrgbcolor 2 setlinewidth 50 420 220 140 rectstroke
gsave 320 420 translate 216 144 scale
16 16 8 [16 0 0 -16 0 16] {imagedata} false 3 colorimage
grestore
0.1 0.1 0.5 setrgbcolor 50 380 moveto (Amount: EUR ${n * 1250},00) show
showpage
`;
  return `%!PS-Adobe-3.0
%%BoundingBox: 0 0 595 842
%%Pages: 2
%%EndComments
<< /PageSize [595 842] >> setpagedevice
/imagedata <
${hex}> def
${page(1, '0.9 0.2 0.2')}${page(2, '0.2 0.6 0.3')}%%EOF
`;
}

/** Runs a writer (throws if it is missing or fails: tests never skip); returns the file it wrote. */
function write(
  dir: string,
  name: string,
  cmd: string,
  args: (src: string, out: string) => string[],
  input: string | Uint8Array,
  ext = 'pdf',
): Uint8Array {
  const src = join(dir, `${name}.src.${ext}`);
  const out = join(dir, `${name}.pdf`);
  writeFileSync(src, input);
  const r = spawnSync(cmd, args(src, out), { env: { ...process.env, SOURCE_DATE_EPOCH } });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  // qpdf exits 3 for warnings.
  if (r.status !== 0 && !(cmd === 'qpdf' && r.status === 3)) {
    throw new Error(`${cmd} failed (${r.status}) for ${name}: ${r.stderr.toString('latin1')}`);
  }
  return new Uint8Array(readFileSync(out));
}

const qpdf = (input: Uint8Array, dir: string, name: string, args: string[]) =>
  write(dir, name, 'qpdf', (src, out) => ['--deterministic-id', ...args, src, out], input);
const mutoolClean = (input: Uint8Array, dir: string, name: string, args: string[]) =>
  write(dir, name, 'mutool', (src, out) => ['clean', ...args, src, out], input);
const ghostscript = (input: string | Uint8Array, dir: string, name: string, ext: string) =>
  write(
    dir,
    name,
    'gs',
    (src, out) => ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pdfwrite', `-sOutputFile=${out}`, src],
    input,
    ext,
  );

/** The names of every corpus entry, in order. */
export const CORPUS_NAMES = [
  'pdf-lib-xref-table',
  'pdf-lib-object-streams',
  'pdf-lib-acroform',
  'qpdf-object-streams',
  'qpdf-linearized',
  'qpdf-linearized-object-streams',
  'qpdf-pdf-2.0-object-streams',
  'ghostscript-from-pdf',
  'ghostscript-from-postscript',
  'cairo',
  'mutool-clean',
  'mutool-clean-decompressed',
  'mutool-clean-compressed',
  'mutool-clean-linearized',
] as const;

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
    // PDF 2.0 header, object streams and an xref stream.
    'qpdf-pdf-2.0-object-streams': qpdf(table, dir, 'qpdf-pdf-2.0-object-streams', [
      '--object-streams=generate',
      '--force-version=2.0',
    ]),
    'ghostscript-from-pdf': ghostscript(table, dir, 'ghostscript-from-pdf', 'pdf'),
    'ghostscript-from-postscript': ghostscript(postScript(), dir, 'ghostscript-from-postscript', 'ps'),
    cairo: write(dir, 'cairo', 'pdftocairo', (src, out) => ['-pdf', src, out], table),
    // mutool 1.21 cannot write object streams (`mutool clean` has no such option).
    'mutool-clean': mutoolClean(table, dir, 'mutool-clean', []),
    'mutool-clean-decompressed': mutoolClean(table, dir, 'mutool-clean-decompressed', ['-d']),
    'mutool-clean-compressed': mutoolClean(form, dir, 'mutool-clean-compressed', ['-gggg', '-z', '-f', '-i']),
    'mutool-clean-linearized': mutoolClean(table, dir, 'mutool-clean-linearized', ['-gg', '-l']),
  };
  for (const [name, bytes] of Object.entries(corpus)) writeFileSync(join(dir, `${name}.input.pdf`), bytes);
  return corpus;
}
