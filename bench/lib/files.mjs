/** Test files, generated once and cached in bench/tmp/ (gitignored). */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from 'pdf-lib';

export const MiB = 1024 * 1024;
export const TMP = fileURLToPath(new URL('../tmp/', import.meta.url));

/**
 * A PDF of about `mb` MiB: `mb` pages, each with a 1024×341 RGB image XObject of random (incompressible)
 * bytes — 1 MiB each, like the scans of a signed contract — and a line of text. `mb = 0`: one page of text.
 */
export async function pdfFile(mb, { kib = false } = {}) {
  const path = kib ? `${TMP}pdf-${mb}kib.pdf` : `${TMP}pdf-${mb}mb.pdf`;
  if (existsSync(path)) return path;
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  // `kib`: one page whose image is `mb` KiB (e.g. 100 KiB for the warm-process figure).
  const [w, h] = kib ? [256, Math.round((mb * 1024) / (256 * 3))] : [1024, 341];
  if (kib) mb = 1;
  if (mb === 0) doc.addPage([595, 842]).drawText('A one-page contract', { x: 50, y: 800, size: 14, font });
  for (let i = 0; i < mb; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Contract annex ${i + 1} of ${mb}`, { x: 50, y: 800, size: 14, font });
    const image = doc.context.register(
      doc.context.stream(randomBytes(w * h * 3), {
        Type: 'XObject',
        Subtype: 'Image',
        Width: w,
        Height: h,
        ColorSpace: 'DeviceRGB',
        BitsPerComponent: 8,
      }),
    );
    page.node.setXObject(PDFName.of('Scan'), image);
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(495, 0, 0, 165, 50, 600),
      drawObject('Scan'),
      popGraphicsState(),
    );
  }
  writeFileSync(`${path}.part`, await doc.save());
  renameSync(`${path}.part`, path);
  return path;
}

/** A file of `mb` MiB of random bytes (`0`: empty), written by streaming (never held in memory). */
export async function binaryFile(mb) {
  const path = `${TMP}data-${mb}mb.bin`;
  if (existsSync(path) && statSync(path).size === mb * MiB) return path;
  const out = createWriteStream(`${path}.part`);
  for (let i = 0; i < mb; i++) {
    if (!out.write(randomBytes(MiB))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  renameSync(`${path}.part`, path);
  return path;
}
