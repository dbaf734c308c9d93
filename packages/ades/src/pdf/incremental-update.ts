/**
 * Writes the signature as an incremental update appended to the original bytes (ISO 32000 §7.5.6):
 * the signature dictionary with a zero-filled /Contents placeholder and a fixed-width /ByteRange, an
 * invisible signature widget on page 1, the updated AcroForm (/SigFlags 3), and a cross-reference
 * section of the same kind as the original's (classic table or xref stream) with /Prev.
 * Pure and deterministic: the same inputs give the same bytes. Only objects read through the
 * cross-reference chain are rewritten, and new objects get numbers no part of the file uses.
 */
import { createHash, type Hash } from 'node:crypto';
import { PdfDict, PdfNumber, PdfRef, serialize } from './objects.js';
import type { PdfStructure } from './pdf-reader.js';
import { pdfDate, pdfTextString } from './pdf-text.js';

export interface SignatureFieldOptions {
  signingTime: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Bytes reserved for the DER CMS (the hex placeholder is twice as long). */
  contentsBytes: number;
}

/** What the update needs to know of the original bytes (it never holds them). */
export interface OriginalFile {
  length: number;
  /** Whether the file ends with an end-of-line. */
  endsWithEol: boolean;
  /** SHA-256 over the original bytes (copied, not consumed). */
  hash: Hash;
  /** The first object number no part of the file uses. */
  nextObjectNumber: number;
}

export interface IncrementalUpdate {
  /** The bytes to append to the original, /Contents still zero-filled. */
  section: Buffer;
  /** Offsets in the whole file: [0, a, b, c] with the placeholder `<…>` in [a, b). */
  byteRange: [number, number, number, number];
  /** SHA-256 of the signed byte ranges (original + section outside the placeholder). */
  digest: Buffer;
  fieldName: string;
}

/** Width of the /ByteRange array slot, padded with spaces (offsets up to 10^12 bytes). */
const BYTE_RANGE_WIDTH = 2 + 1 + 3 * 13;

function uniqueFieldName(existing: Set<string>): string {
  for (let i = 1; ; i++) if (!existing.has(`Signature${i}`)) return `Signature${i}`;
}

export function buildIncrementalUpdate(
  original: OriginalFile,
  structure: PdfStructure,
  options: SignatureFieldOptions,
): IncrementalUpdate {
  const objects: { ref: PdfRef; body: string }[] = [];
  let next = original.nextObjectNumber;
  const newRef = () => new PdfRef(next++, 0);

  const sigRef = newRef();
  const widgetRef = newRef();
  const fieldName = uniqueFieldName(structure.fieldNames);

  // The signature dictionary: the /ByteRange slot and /Contents are filled in below / at finalize.
  const sigEntries = [
    `/M ${pdfTextString(pdfDate(options.signingTime))}`,
    ...(options.reason ? [`/Reason ${pdfTextString(options.reason)}`] : []),
    ...(options.location ? [`/Location ${pdfTextString(options.location)}`] : []),
    ...(options.contactInfo ? [`/ContactInfo ${pdfTextString(options.contactInfo)}`] : []),
  ];
  // Placeholders of their final width, so that no offset moves when they are filled.
  const contentsHexLength = options.contentsBytes * 2;
  const sigBody = `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ${' '.repeat(BYTE_RANGE_WIDTH)} /Contents <${'0'.repeat(contentsHexLength)}> ${sigEntries.join(' ')}>>`;
  const brRel = sigBody.indexOf('/ByteRange ') + '/ByteRange '.length;
  const ctRel = sigBody.indexOf('/Contents <') + '/Contents '.length;
  objects.push({ ref: sigRef, body: sigBody });

  // The invisible widget, merged with its field.
  objects.push({
    ref: widgetRef,
    body: `<</Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [0 0 0 0] /T ${pdfTextString(fieldName)} /V ${sigRef} /P ${structure.page.ref}>>`,
  });

  // Page 1 gets the widget in /Annots (rewrite the array object when /Annots is indirect).
  const annots = [...structure.annots.array, widgetRef];
  if (structure.annots.entry instanceof PdfRef) {
    objects.push({ ref: structure.annots.entry, body: serialize(annots) });
  } else {
    objects.push({ ref: structure.page.ref, body: serialize(structure.page.dict.with('Annots', annots)) });
  }

  // The AcroForm: add the field, /SigFlags 3 (signatures exist, append only).
  const fields = [...structure.fields.array, widgetRef];
  let acroForm = structure.acroForm.dict ?? new PdfDict();
  if (structure.fields.entry instanceof PdfRef) {
    objects.push({ ref: structure.fields.entry, body: serialize(fields) });
  } else {
    acroForm = acroForm.with('Fields', fields);
  }
  acroForm = acroForm.with('SigFlags', PdfNumber.of(3));
  const acroEntry = structure.acroForm.entry;
  if (acroEntry instanceof PdfRef && structure.acroForm.dict) {
    objects.push({ ref: acroEntry, body: serialize(acroForm) });
  } else {
    const acroRef = newRef();
    objects.push({ ref: acroRef, body: serialize(acroForm) });
    objects.push({ ref: structure.rootRef, body: serialize(structure.catalog.with('AcroForm', acroRef)) });
  }

  // Serialise the objects, then the cross-reference section.
  const base = original.length;
  let text = original.endsWithEol ? '' : '\n';
  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const o of objects) {
    offsets.set(o.ref.num, { offset: base + Buffer.byteLength(text, 'latin1'), gen: o.ref.gen });
    text += `${o.ref.num} ${o.ref.gen} obj\n${o.body}\nendobj\n`;
  }
  const trailerEntries = (size: number) =>
    [
      `/Size ${size}`,
      `/Root ${structure.rootRef}`,
      ...(structure.info ? [`/Info ${structure.info}`] : []),
      `/ID [${newId(original, structure, options.signingTime)}]`,
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
    const xrefRef = newRef();
    offsets.set(xrefRef.num, { offset: xrefOffset, gen: 0 });
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
      `${xrefRef.num} 0 obj\n<</Type /XRef ${trailerEntries(next)} /Index [${index}] /W [1 ${w} 2] /Length ${data.length}>>\nstream\n` +
      `${data.toString('latin1')}\nendstream\nendobj\n`;
  }
  text += `startxref\n${xrefOffset}\n%%EOF\n`;

  // Fill the /ByteRange slot now that every offset is known.
  const sigHeader = `${sigRef.num} ${sigRef.gen} obj\n`;
  const sigAt = offsets.get(sigRef.num)!.offset - base + sigHeader.length;
  const total = base + Buffer.byteLength(text, 'latin1');
  const a = base + sigAt + ctRel;
  const b = a + contentsHexLength + 2;
  const byteRange: [number, number, number, number] = [0, a, b, total - b];
  const brText = `[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_WIDTH, ' ');
  const brAt = sigAt + brRel;
  text = text.slice(0, brAt) + brText + text.slice(brAt + BYTE_RANGE_WIDTH);
  const section = Buffer.from(text, 'latin1');
  const digest = original.hash
    .copy()
    .update(section.subarray(0, a - base))
    .update(section.subarray(b - base))
    .digest();
  return { section, byteRange, digest, fieldName };
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

/** Keeps the first /ID string; the second one changes with every update (derived, so deterministic). */
function newId(original: OriginalFile, structure: PdfStructure, signingTime: Date): string {
  const first = structure.id ? serialize(structure.id[0]) : undefined;
  const seed = createHash('md5')
    .update(first ?? '')
    .update(`${original.length}/${structure.startxref}/${signingTime.toISOString()}`)
    .digest('hex')
    .toUpperCase();
  return `${first ?? `<${seed}>`} <${seed}>`;
}
