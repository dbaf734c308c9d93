/** Extracts the last signature of a PDF (byte ranges + CMS) for openssl, without our own PDF code. */
import { writeFileSync } from 'node:fs';
import * as asn1js from 'asn1js';

export function extractLastSignature(
  pdf: Uint8Array,
  base: string,
): { sigFile: string; contentFile: string } {
  const text = Buffer.from(pdf).toString('latin1');
  return extractAt(pdf, text, text.lastIndexOf('/ByteRange'), base);
}

/** Every signature of the PDF (in file order), each written out as by `extractLastSignature`. */
export function extractSignatures(pdf: Uint8Array, base: string): { sigFile: string; contentFile: string }[] {
  const text = Buffer.from(pdf).toString('latin1');
  const out: { sigFile: string; contentFile: string }[] = [];
  for (let at = text.indexOf('/ByteRange ['); at !== -1; at = text.indexOf('/ByteRange [', at + 1))
    out.push(extractAt(pdf, text, at, `${base}.${out.length + 1}`));
  return out;
}

function extractAt(
  pdf: Uint8Array,
  text: string,
  at: number,
  base: string,
): { sigFile: string; contentFile: string } {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text.slice(at));
  if (!m) throw new Error('no /ByteRange');
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const content = Buffer.concat([Buffer.from(pdf.subarray(a, a + b)), Buffer.from(pdf.subarray(c, c + d))]);
  const hex = text.slice(a + b + 1, c - 1);
  const padded = Buffer.from(hex, 'hex');
  const parsed = asn1js.fromBER(padded);
  if (parsed.offset === -1) throw new Error('the /Contents is not DER');
  const sigFile = `${base}.sig.der`;
  const contentFile = `${base}.signed-ranges.bin`;
  writeFileSync(sigFile, padded.subarray(0, parsed.offset));
  writeFileSync(contentFile, content);
  return { sigFile, contentFile };
}
