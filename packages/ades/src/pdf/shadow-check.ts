/**
 * After the whole-file pass (./file-scan.ts) and the structure (./pdf-reader.ts): looks into every object
 * stream of the file, listed or not (more object numbers; copies of what the update rewrites), looks for
 * later, unlisted copies of the objects the update rewrites (viewers that rebuild the cross-reference take
 * the last copy in the file: it must say what the listed one says), and gives the first object number no
 * part of the file uses.
 */
import { fail } from '../errors.js';
import type { FileScan } from './file-scan.js';
import { PDF_LIMITS } from './limits.js';
import { type PdfObject, PdfParser, PdfRef, PdfStream, serialize } from './objects.js';
import type { PdfStructure } from './pdf-reader.js';
import { readIndirectAt } from './source.js';
import { eachHeader, eachReference, startsObjectStream } from './tokens.js';

const SHADOWED =
  'The PDF has object definitions that its cross-reference table does not point to (a shadowed object). Normalise it first, e.g. with qpdf.';
const shadowed = (): never => fail('INVALID_REQUEST', SHADOWED, { field: 'document' });

/** Whether two definitions say the same (a stream never stands in for a rewritten object). */
const same = (a: PdfObject, b: PdfObject) =>
  !(a instanceof PdfStream) && !(b instanceof PdfStream) && serialize(a) === serialize(b);

const CHUNK = 1 << 20;

/** Checks the file against the structure read from it; returns the first free object number. */
export async function checkAgainstFile(structure: PdfStructure, scan: FileScan): Promise<number> {
  const { file, relied } = structure;
  const source = file.source;
  // A trailer after the last `startxref` (which lies in the last 2 KiB, or the file was refused): a
  // repairing viewer may take its /Root.
  const tail = Buffer.from(await source.read(Math.max(0, source.size - 2048), 2048));
  if (tail.lastIndexOf('trailer') > tail.lastIndexOf('startxref')) shadowed();
  let max = scan.maxNumber;
  const note = (num: number) => {
    if (num <= PDF_LIMITS.maxObjectNumber && num > max) max = num;
  };

  // Later copies of the relied-on objects.
  const copies = new Set<number>();
  const later = (num: number, offset: number) => {
    const r = relied.get(num);
    if (r && offset > r.location) copies.add(offset);
    if (copies.size > PDF_LIMITS.maxShadowCandidates) shadowed();
  };
  if (scan.headers) {
    const { nums, offsets } = scan.headers;
    for (let i = 0; i < nums.length; i++) later(nums[i]!, offsets[i]!);
  } else {
    // More headers than the pass records: look for them once more.
    for (let base = 0; base < source.size; base += CHUNK - 32) {
      const chunk = await source.read(base, CHUNK);
      eachHeader(chunk, (n) => later(n.num, base + n.start));
      await new Promise((r) => setImmediate(r));
    }
  }
  const streams = new Set(scan.objectStreams);
  for (const offset of scan.cutHeaders) {
    const head = Buffer.from(await source.read(offset, 600)).toString('latin1');
    const at = head.indexOf('obj');
    if (at !== -1 && startsObjectStream(head.slice(at + 3))) streams.add(offset);
  }
  for (const offset of copies) {
    const copy = await readIndirectAt(source, offset);
    const r = relied.get(copy.num);
    if (r && copy.gen === r.ref.gen && !same(copy.object, await file.resolve(r.ref))) shadowed();
  }

  // Inside every object stream, listed in the chain or merely present in the file.
  for (const num of file.chain.objectStreams()) {
    const location = await file.location(new PdfRef(num, 0));
    if (location !== undefined) streams.add(location);
  }
  const budget = { decoded: 0, limit: Math.max(PDF_LIMITS.maxDecodedTotal, 4 * source.size) };
  for (const offset of streams) {
    const { object } = await readIndirectAt(source, offset);
    const contents = await file.readObjectStream(object, budget);
    eachReference(contents.data.subarray(contents.first), (n) => note(n.num));
    for (const pair of contents.pairs) {
      note(pair.num);
      const r = relied.get(pair.num);
      if (!r || offset <= r.location) continue;
      const copy = new PdfParser(contents.data.subarray(contents.first + pair.offset)).object();
      if (!same(copy, await file.resolve(r.ref))) shadowed();
    }
  }

  const next = Math.max(max, file.chain.maxListedNumber) + 1;
  if (next > PDF_LIMITS.maxObjectNumber)
    fail('INVALID_REQUEST', `The PDF uses object numbers up to the limit (${PDF_LIMITS.maxObjectNumber}).`, {
      field: 'document',
    });
  return next;
}
