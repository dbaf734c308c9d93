/**
 * One pass over the whole file, in chunks that yield to the event loop: it hashes the bytes (the signed
 * byte range starts with them) and finds what the cross-reference chain does not say:
 * - the highest object number the file's own `N G obj` headers and `N G R` references use, also inside
 *   every object stream, listed or not: a new object numbered at or below it could be resolved by a
 *   viewer in place of what the signer saw (a repairing viewer, or a dangling reference that would start
 *   to resolve);
 * - later copies of the objects the update rewrites (a "shadowed" object: viewers that rebuild the
 *   cross-reference take the last copy in the file), which must be identical to the listed one;
 * - a trailer after the last cross-reference section (a repairing viewer may take its /Root).
 */
import { createHash, type Hash } from 'node:crypto';
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { type PdfObject, PdfParser, PdfRef, PdfStream, serialize } from './objects.js';
import type { PdfStructure } from './pdf-reader.js';
import { readIndirectAt } from './source.js';

export interface ScanResult {
  /** SHA-256 over the whole file so far (copy it before adding more). */
  hash: Hash;
  /** The first object number no part of the file uses. */
  nextObjectNumber: number;
}

const SHADOWED =
  'The PDF has object definitions that its cross-reference table does not point to (a shadowed object). Normalise it first, e.g. with qpdf.';
const shadowed = (): never => fail('INVALID_REQUEST', SHADOWED, { field: 'document' });

const CHUNK = 1 << 20;
/** Enough to hold a token (`8388607 65535 obj`) cut by a chunk boundary. */
const OVERLAP = 64;
const isSpace = (c: number | undefined) => c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** Regular characters (not whitespace, not a delimiter) continue a token. */
const isRegular = (c: number | undefined) =>
  c !== undefined && !isSpace(c) && !'()<>[]{}/%'.includes(String.fromCharCode(c));

/** Whether the text after `obj` starts an object stream: `/Type /ObjStm` in its own dictionary. */
function startsObjectStream(head: string): boolean {
  const dictEnd = /stream|endobj/.exec(head)?.index ?? head.length;
  return /\/Type\s*\/ObjStm\b/.test(head.slice(0, dictEnd));
}

/** Whether two definitions say the same (a stream never stands in for a rewritten object). */
const same = (a: PdfObject, b: PdfObject) =>
  !(a instanceof PdfStream) && !(b instanceof PdfStream) && serialize(a) === serialize(b);

/** `N G` right before `end` (exclusive, at the keyword), or undefined. */
function numbersBefore(b: Uint8Array, end: number): { num: number; gen: number; start: number } | undefined {
  let i = end - 1;
  if (!isSpace(b[i])) return undefined;
  while (isSpace(b[i])) i--;
  const genEnd = i + 1;
  while (isDigit(b[i])) i--;
  if (genEnd - (i + 1) < 1 || genEnd - (i + 1) > 5 || !isSpace(b[i])) return undefined;
  const gen = Number(Buffer.from(b.subarray(i + 1, genEnd)).toString('latin1'));
  while (isSpace(b[i])) i--;
  const numEnd = i + 1;
  while (isDigit(b[i])) i--;
  const len = numEnd - (i + 1);
  // Whatever precedes the number (even a comment such as `%%EOF5 0 obj`): repairing readers take it.
  if (len < 1 || len > 10) return undefined;
  return { num: Number(Buffer.from(b.subarray(i + 1, numEnd)).toString('latin1')), gen, start: i + 1 };
}

/** Collects the numbers of one buffer (a chunk of the file, or a decoded object stream). */
class NumberCollector {
  max = -1;
  /** Offsets (in the file) of `N G obj` headers that start an object stream. */
  readonly objectStreams = new Set<number>();
  /** Headers too close to the end of their chunk to see their dictionary (looked at afterwards). */
  readonly cut: number[] = [];
  /** Offsets of later headers of the relied-on objects. */
  readonly copies = new Set<number>();

  constructor(private readonly relied: PdfStructure['relied']) {}

  private note(num: number): void {
    if (num <= PDF_LIMITS.maxObjectNumber && num > this.max) this.max = num;
  }

  /** References `N G R` and headers `N G obj` in `b`, whose first byte is at `base` in the file. */
  scan(b: Uint8Array, base: number, headers: boolean): void {
    for (let at = b.indexOf(0x52 /* R */); at !== -1; at = b.indexOf(0x52, at + 1)) {
      if (isRegular(b[at + 1]) && at + 1 < b.length) continue;
      const n = numbersBefore(b, at);
      if (n) this.note(n.num);
    }
    if (!headers) return;
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    for (let at = buf.indexOf('obj'); at !== -1; at = buf.indexOf('obj', at + 3)) {
      if (isRegular(b[at + 3]) && at + 3 < b.length) continue;
      const n = numbersBefore(b, at);
      if (!n) continue;
      this.note(n.num);
      const offset = base + n.start;
      const relied = this.relied.get(n.num);
      if (relied && offset > relied.location) this.copies.add(offset);
      if (at + 515 > buf.length) this.cut.push(offset);
      else if (startsObjectStream(buf.toString('latin1', at + 3, at + 515))) this.objectStreams.add(offset);
    }
  }
}

/** Hashes and scans the file; refuses shadowed copies of what `structure` relies on. */
export async function scanPdf(structure: PdfStructure): Promise<ScanResult> {
  const { file } = structure;
  const source = file.source;
  const hash = createHash('sha256');
  const collector = new NumberCollector(structure.relied);
  let trailerAfterEnd = false;
  // The last `startxref` keyword: a trailer after it belongs to no cross-reference section.
  const tailStart = Math.max(0, source.size - 2048);
  const lastStartxref = tailStart + Buffer.from(await source.read(tailStart, 2048)).lastIndexOf('startxref');
  for (let offset = 0; offset < source.size; offset += CHUNK) {
    const chunk = await source.read(offset, CHUNK);
    hash.update(chunk);
    const from = Math.max(0, offset - OVERLAP);
    const window = offset === 0 ? chunk : Buffer.concat([await source.read(from, offset - from), chunk]);
    collector.scan(window, from, true);
    const trailer = Buffer.from(window.buffer, window.byteOffset, window.byteLength).lastIndexOf('trailer');
    if (trailer !== -1 && from + trailer > lastStartxref) trailerAfterEnd = true;
    // Other requests get their turn between chunks.
    await new Promise((r) => setImmediate(r));
  }
  if (trailerAfterEnd) shadowed();
  for (const offset of collector.cut) {
    const head = Buffer.from(await source.read(offset, 530)).toString('latin1');
    const at = head.indexOf('obj');
    if (at !== -1 && startsObjectStream(head.slice(at + 3))) collector.objectStreams.add(offset);
  }

  // Inside every object stream, listed in the chain or merely present in the file.
  const budget = { decoded: 0, limit: Math.max(PDF_LIMITS.maxDecodedTotal, 4 * source.size) };
  const streams = new Set(collector.objectStreams);
  for (const num of file.chain.objectStreams()) {
    const location = await file.location(new PdfRef(num, 0));
    if (location !== undefined) streams.add(location);
  }
  for (const offset of streams) {
    const { object } = await readIndirectAt(source, offset);
    const contents = await file.readObjectStream(object, budget);
    collector.scan(contents.data.subarray(contents.first), offset, false);
    for (const pair of contents.pairs) {
      if (pair.num <= PDF_LIMITS.maxObjectNumber) collector.max = Math.max(collector.max, pair.num);
      const relied = structure.relied.get(pair.num);
      if (!relied || offset <= relied.location) continue;
      const copy = new PdfParser(contents.data.subarray(contents.first + pair.offset)).object();
      if (!same(copy, await file.resolve(relied.ref))) shadowed();
    }
  }

  // Later copies of the relied-on objects must say what the listed one says.
  if (collector.copies.size > PDF_LIMITS.maxShadowCandidates) shadowed();
  for (const offset of collector.copies) {
    const copy = await readIndirectAt(source, offset);
    const relied = structure.relied.get(copy.num)!;
    if (copy.gen !== relied.ref.gen) continue;
    if (!same(copy.object, await file.resolve(relied.ref))) shadowed();
  }

  const next = Math.max(collector.max, file.chain.maxListedNumber) + 1;
  if (next > PDF_LIMITS.maxObjectNumber)
    fail('INVALID_REQUEST', `The PDF uses object numbers up to the limit (${PDF_LIMITS.maxObjectNumber}).`, {
      field: 'document',
    });
  return { hash, nextObjectNumber: next };
}
