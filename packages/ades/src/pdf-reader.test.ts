/**
 * The PDF reader on hand-written files: what it parses, the object numbers it never hands out again, and
 * the bounds it enforces (each refusal names the problem).
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PdfDict, PdfParser, PdfRef, PdfString, serialize } from './pdf/objects.js';
import { openPdf } from './pdf/open-pdf.js';
import { readPdfStructure } from './pdf/pdf-reader.js';
import { checkAgainstFile } from './pdf/shadow-check.js';
import { bufferSource } from './pdf/source.js';

/** A PDF from object bodies (numbered from 1), with a classic xref table built for `listed` of them. */
function pdfOf(bodies: string[], opts: { listed?: number; size?: number; tail?: string } = {}): Uint8Array {
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  bodies.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const listed = opts.listed ?? bodies.length;
  const xref = out.length;
  out += `xref\n0 ${listed + 1}\n0000000000 65535 f\r\n`;
  for (let i = 0; i < listed; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<</Size ${opts.size ?? listed + 1} /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n${opts.tail ?? ''}`;
  return Buffer.from(out, 'latin1');
}

const PAGE_TREE = ['<</Type /Catalog /Pages 2 0 R>>', '<</Type /Pages /Kids [3 0 R] /Count 1>>'];
const page = (extra = '') => `<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]${extra}>>`;

async function nextNumber(pdf: Uint8Array): Promise<number> {
  const opened = await openPdf(pdf);
  return checkAgainstFile(await readPdfStructure(opened.source), opened.scan);
}

describe('objects', () => {
  it('parses and writes back names, strings, numbers and references as they were', () => {
    const text =
      '<</A#20B /x /N -1.50 /S (a\\(b\\)\\101) /H <48 49> /R 12 0 R /Arr [1 2 R 3 0 R true null]>>';
    const object = new PdfParser(Buffer.from(text, 'latin1')).object() as PdfDict;
    expect((object.get('S') as PdfString).bytes.toString('latin1')).toBe('a(b)A');
    expect((object.get('H') as PdfString).bytes.toString('latin1')).toBe('HI');
    expect(object.get('R')).toEqual(new PdfRef(12, 0));
    expect(serialize(object)).toBe(
      '<</A#20B /x/N -1.50/S <612862294>/H <4849>/R 12 0 R/Arr [1 2 R 3 0 R true null]>>'.replace(
        '4>',
        '41>',
      ),
    );
  });

  it('refuses nesting deeper than the bound', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => new PdfParser(Buffer.from(deep)).object()).toThrow(/deeper than 64/);
  });
});

describe('new object numbers never meet one a viewer could resolve', () => {
  it('above the trailer /Size for a plain file', async () => {
    expect(await nextNumber(pdfOf([...PAGE_TREE, page()]))).toBe(4);
  });

  it('above an object defined in the body but missing from the table (and /Size)', async () => {
    const pdf = pdfOf([...PAGE_TREE, page(' /Resources <</XObject <</Im 4 0 R>>>>'), '<</Hidden true>>'], {
      listed: 3,
    });
    expect(await nextNumber(pdf)).toBe(5);
  });

  it('above a dangling reference (no object 9 anywhere)', async () => {
    expect(await nextNumber(pdfOf([...PAGE_TREE, page(' /Resources <</XObject <</Im 9 0 R>>>>')]))).toBe(10);
  });

  it('above a table that lists more entries than its /Size says', async () => {
    expect(await nextNumber(pdfOf([...PAGE_TREE, page(), '<<>>', '<<>>'], { size: 4 }))).toBe(6);
  });

  it('above the objects and references inside an object stream nothing lists', async () => {
    const inner = '20 0 <</Ref 30 0 R>>';
    const data = deflateSync(Buffer.from(inner));
    const objstm = `<</Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length ${data.length}>>\nstream\n${data.toString('latin1')}\nendstream`;
    expect(await nextNumber(pdfOf([...PAGE_TREE, page(), objstm], { listed: 3 }))).toBe(31);
  });

  it('refuses a trailer /Size no reader accepts', async () => {
    await expect(nextNumber(pdfOf([...PAGE_TREE, page()], { size: 10 ** 15 }))).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('/Size'),
    });
  });
});

describe('bounds', () => {
  it('refuses a /Prev loop', async () => {
    const pdf = Buffer.from(pdfOf([...PAGE_TREE, page()]));
    const text = pdf.toString('latin1');
    const xref = text.lastIndexOf('xref\n0');
    const looped = text.replace('/Root 1 0 R>>', `/Root 1 0 R /Prev ${xref}>>`);
    await expect(readPdfStructure(bufferSource(Buffer.from(looped, 'latin1')))).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('loops'),
    });
  });

  it('refuses an object stream that inflates past the bound, without inflating it all', async () => {
    const bomb = deflateSync(Buffer.alloc(64 << 20));
    const objstm = `<</Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length ${bomb.length}>>\nstream\n${bomb.toString('latin1')}\nendstream`;
    const pdf = pdfOf([...PAGE_TREE, page(), objstm]);
    await expect(nextNumber(pdf)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('decompresses to more than 16 MiB'),
    });
  });
});
