/**
 * Writes an incremental update (ISO 32000 §7.5.6) after the original bytes: the given objects, then a
 * cross-reference section of the same kind as the original's last one (classic table or xref stream) with
 * /Prev, then fills the signature dictionary's fixed-width /ByteRange. /Contents stays zero-filled.
 * Pure and deterministic: the same inputs give the same bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { serialize } from './objects.js';
import type { PdfStructure } from './pdf-reader.js';

/** What the update needs to know of the original bytes (it never holds them). */
export interface OriginalFile {
  length: number;
  /** Whether the file ends with an end-of-line. */
  endsWithEol: boolean;
  /** SHA-256 over the original bytes (copied, not consumed). */
  hash: Hash;
}

export interface IncrementalUpdate {
  /** The bytes to append to the original, /Contents still zero-filled. */
  section: Buffer;
  /** Offsets in the whole file: [0, a, b, c] with the placeholder `<…>` in [a, b). */
  byteRange: [number, number, number, number];
  /** SHA-256 of the signed byte ranges (original + section outside the placeholder). */
  digest: Buffer;
}

export interface UpdateObject {
  num: number;
  gen: number;
  /** The object's body (latin1; stream data included). */
  body: string;
}

/** Width of the /ByteRange array slot, padded with spaces (offsets up to 10^12 bytes). */
export const BYTE_RANGE_WIDTH = 2 + 1 + 3 * 13;
/** The placeholders the signature dictionary carries (see `signatureDictionary`). */
const BYTE_RANGE_SLOT = `/ByteRange ${' '.repeat(BYTE_RANGE_WIDTH)}`;

/** The signature dictionary with its placeholders: a blank /ByteRange slot and a zero-filled /Contents. */
export function signatureDictionary(
  contentsBytes: number,
  entries: string[],
  kind: 'signature' | 'timestamp' = 'signature',
): string {
  const type =
    kind === 'signature'
      ? '/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached'
      : '/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161';
  return `<<${type} ${BYTE_RANGE_SLOT} /Contents <${'0'.repeat(contentsBytes * 2)}>${entries.length ? ` ${entries.join(' ')}` : ''}>>`;
}

export function writeUpdate(
  original: OriginalFile,
  structure: Pick<PdfStructure, 'startxref' | 'xrefKind' | 'rootRef' | 'info' | 'id'>,
  objects: UpdateObject[],
  next: number,
  signature: { num: number; contentsBytes: number } | undefined,
  /** Seeds the new second /ID string (the signing time: deterministic). */
  idSeed: string,
): IncrementalUpdate {
  const base = original.length;
  let text = original.endsWithEol ? '' : '\n';
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const o of objects) {
    offsets.set(o.num, { offset: base + Buffer.byteLength(text, 'latin1'), gen: o.gen });
    text += `${o.num} ${o.gen} obj\n${o.body}\nendobj\n`;
  }
  const firstId = structure.id ? serialize(structure.id[0]) : undefined;
  const seed = createHash('md5')
    .update(firstId ?? '')
    .update(`${original.length}/${structure.startxref}/${idSeed}`)
    .digest('hex')
    .toUpperCase();
  const trailerEntries = (size: number) =>
    [
      `/Size ${size}`,
      `/Root ${structure.rootRef}`,
      ...(structure.info ? [`/Info ${structure.info}`] : []),
      // The first /ID string stays; the second changes with every update (derived, so deterministic).
      `/ID [${firstId ?? `<${seed}>`} <${seed}>]`,
      `/Prev ${structure.startxref}`,
    ].join(' ');
  const xrefOffset = base + Buffer.byteLength(text, 'latin1');
  if (structure.xrefKind === 'table') {
    text += `xref\n${subsections([...offsets.keys()])
      .map(([start, count]) => {
        let s = `${start} ${count}\n`;
        for (let n = start; n < start + count; n++) {
          const e = offsets.get(n)!;
          s += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
        }
        return s;
      })
      .join('')}trailer\n<<${trailerEntries(next)}>>\n`;
  } else {
    const xrefNum = next++;
    offsets.set(xrefNum, { offset: xrefOffset, gen: 0 });
    const numbers = [...offsets.keys()];
    const w = Math.max(4, Math.ceil(Math.log2(xrefOffset + 1) / 8));
    const rows: Buffer[] = [];
    for (const [start, count] of subsections(numbers)) {
      for (let n = start; n < start + count; n++) {
        const e = offsets.get(n)!;
        const row = Buffer.alloc(1 + w + 2);
        row[0] = 1;
        row.writeUIntBE(e.offset, 1, w);
        row.writeUInt16BE(e.gen, 1 + w);
        rows.push(row);
      }
    }
    const data = Buffer.concat(rows);
    const index = subsections(numbers).flat().join(' ');
    text +=
      `${xrefNum} 0 obj\n<</Type /XRef ${trailerEntries(next)} /Index [${index}] /W [1 ${w} 2] /Length ${data.length}>>\nstream\n` +
      `${data.toString('latin1')}\nendstream\nendobj\n`;
  }
  text += `startxref\n${xrefOffset}\n%%EOF\n`;

  if (!signature) {
    // An update without a signature (validation data): nothing to fill, the whole file is "signed".
    const section = Buffer.from(text, 'latin1');
    const total = base + section.length;
    return {
      section,
      byteRange: [0, total, total, 0],
      digest: original.hash.copy().update(section).digest(),
    };
  }
  // Fill the /ByteRange slot now that every offset is known.
  const sigStart = offsets.get(signature.num)!.offset - base;
  const slot = text.indexOf(BYTE_RANGE_SLOT, sigStart) + '/ByteRange '.length;
  const a = base + text.indexOf('/Contents <', sigStart) + '/Contents '.length;
  const b = a + signature.contentsBytes * 2 + 2;
  const total = base + Buffer.byteLength(text, 'latin1');
  const byteRange: [number, number, number, number] = [0, a, b, total - b];
  const brText = `[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_WIDTH, ' ');
  text = text.slice(0, slot) + brText + text.slice(slot + BYTE_RANGE_WIDTH);
  const section = Buffer.from(text, 'latin1');
  const digest = original.hash
    .copy()
    .update(section.subarray(0, a - base))
    .update(section.subarray(b - base))
    .digest();
  return { section, byteRange, digest };
}

/** Contiguous runs of object numbers: [[start, count], …]. */
function subsections(numbers: number[]): [number, number][] {
  const sorted = [...numbers].sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}
