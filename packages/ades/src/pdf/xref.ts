/**
 * Resolves objects the way PDF viewers do: through the cross-reference chain (the last `startxref` →
 * classic `xref` table or xref stream → `/Prev` …, honouring `/XRefStm` in hybrid files). pdf-lib reads
 * the file top to bottom and keeps the last copy of each object instead, so a crafted PDF can show
 * viewers one object and pdf-lib another ("shadowed" objects). `verifyAgainstXref` re-parses the objects
 * the incremental update relies on at the place the cross-reference chain points to and requires pdf-lib
 * to hold the same definition. Only the handful of checked objects and the sections on the chain are
 * read: nothing else of the file is decoded.
 */
import {
  decodePDFRawStream,
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
} from 'pdf-lib';
import { fail } from '../errors.js';

type Entry =
  | { kind: 'free' }
  | { kind: 'offset'; offset: number; gen: number }
  | { kind: 'compressed'; stream: number; index: number };

interface Section {
  lookup(objectNumber: number): Entry | undefined;
  trailer: PDFDict;
}

const SHADOWED =
  'The PDF has object definitions that its cross-reference table does not point to (a shadowed object). Normalise it first, e.g. with qpdf.';
const DAMAGED = 'The PDF cross-reference table is damaged; repair it first (e.g. with qpdf).';
/** More sections than any real file has: stops /Prev loops and absurd chains. */
const MAX_SECTIONS = 10_000;

const damaged = (): never => fail('INVALID_REQUEST', DAMAGED, { field: 'document' });

const text = (bytes: Buffer, start: number, length: number) =>
  bytes.toString('latin1', start, Math.min(bytes.length, start + length));

/** Parses the indirect object `N G obj …` at `offset` (header checked against `ref` when given). */
function parseIndirectAt(
  bytes: Buffer,
  offset: number,
  context: PDFContext,
  ref?: PDFRef,
): { ref: PDFRef; object: PDFObject } {
  const head = /^\s*(\d+)\s+(\d+)\s+obj\b/.exec(text(bytes, offset, 64));
  if (!head) return damaged();
  const found = PDFRef.of(Number(head[1]), Number(head[2]));
  if (ref && found !== ref) return damaged();
  const parser = PDFObjectParser.forBytes(bytes.subarray(offset + head[0].length), context);
  return { ref: found, object: parser.parseObject() };
}

function numberIn(dict: PDFDict, key: string): number | undefined {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

function isOffset(n: number | undefined, bytes: Buffer): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 && n < bytes.length;
}

/** One classic `xref` table section and its trailer; entries are read on demand. */
function readTableSection(
  bytes: Buffer,
  offset: number,
  context: PDFContext,
): Section & { xrefStm?: number } {
  const start = /^\s*xref\s*/.exec(text(bytes, offset, 64));
  if (!start) return damaged();
  let pos = offset + start[0].length;
  const subsections: { first: number; count: number; at: number; loose?: Map<number, Entry> }[] = [];
  for (;;) {
    const head = text(bytes, pos, 64);
    if (head.startsWith('trailer')) break;
    const sub = /^(\d+)\s+(\d+)\s*/.exec(head);
    if (!sub) return damaged();
    const first = Number(sub[1]);
    const count = Number(sub[2]);
    pos += sub[0].length;
    const strict = /^\d{10} \d{5} [nf](?:\r\n| \r| \n)$/;
    const fixed =
      count === 0 ||
      (strict.test(text(bytes, pos, 20)) && strict.test(text(bytes, pos + 20 * (count - 1), 20)));
    if (fixed) {
      subsections.push({ first, count, at: pos });
      pos += 20 * count;
    } else {
      // Entries not of the standard 20 bytes: read them one by one.
      const loose = new Map<number, Entry>();
      const re = /\s*(\d+)\s+(\d+)\s+([nf])[ \t]*/y;
      const window = text(bytes, pos, count * 40 + 64);
      for (let i = 0; i < count; i++) {
        const m = re.exec(window);
        if (!m) return damaged();
        loose.set(first + i, entryOf(m[1]!, m[2]!, m[3]!));
      }
      subsections.push({ first, count, at: pos, loose });
      pos += re.lastIndex;
    }
    pos += /^\s*/.exec(text(bytes, pos, 64))![0].length;
  }
  const trailer = PDFObjectParser.forBytes(bytes.subarray(pos + 'trailer'.length), context).parseObject();
  if (!(trailer instanceof PDFDict)) return damaged();
  const xrefStm = numberIn(trailer, 'XRefStm');
  return {
    trailer,
    ...(xrefStm !== undefined ? { xrefStm } : {}),
    lookup(n) {
      for (const s of subsections) {
        if (n < s.first || n >= s.first + s.count) continue;
        if (s.loose) return s.loose.get(n);
        const m = /^(\d{10}) (\d{5}) ([nf])/.exec(text(bytes, s.at + 20 * (n - s.first), 18));
        return m ? entryOf(m[1]!, m[2]!, m[3]!) : damaged();
      }
      return undefined;
    },
  };
}

function entryOf(offset: string, gen: string, type: string): Entry {
  return type === 'n' ? { kind: 'offset', offset: Number(offset), gen: Number(gen) } : { kind: 'free' };
}

/**
 * The decoded stream data, PNG predictors (/DecodeParms /Predictor 10–15, used by most xref streams)
 * undone; pdf-lib decodes the filters but not the predictors.
 */
function decodeStream(stream: PDFRawStream): Uint8Array {
  const data = decodePDFRawStream(stream).decode();
  const params = stream.dict.lookup(PDFName.of('DecodeParms'));
  const predictor = params instanceof PDFDict ? (numberIn(params, 'Predictor') ?? 1) : 1;
  if (predictor === 1) return data;
  if (!(params instanceof PDFDict) || predictor < 10 || predictor > 15) return damaged();
  const colors = numberIn(params, 'Colors') ?? 1;
  const bits = numberIn(params, 'BitsPerComponent') ?? 8;
  const columns = numberIn(params, 'Columns') ?? 1;
  if (![colors, bits, columns].every((x) => Number.isInteger(x) && x > 0) || bits % 8 !== 0) return damaged();
  const bpp = (colors * bits) / 8;
  const rowLength = columns * bpp;
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let pred = 0;
      if (type === 1) pred = left;
      else if (type === 2) pred = up;
      else if (type === 3) pred = (left + up) >> 1;
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        pred = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (type !== 0) return damaged();
      out[dst + i] = (data[src + i]! + pred) & 0xff;
    }
  }
  return out;
}

/** One cross-reference stream (`/Type /XRef`); its dictionary is the trailer. */
function readStreamSection(bytes: Buffer, offset: number, context: PDFContext): Section {
  const { object } = parseIndirectAt(bytes, offset, context);
  if (!(object instanceof PDFRawStream) || object.dict.get(PDFName.of('Type')) !== PDFName.of('XRef'))
    return damaged();
  const dict = object.dict;
  const w = dict.lookup(PDFName.of('W'));
  const widths =
    w instanceof PDFArray ? w.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : -1)) : [];
  if (widths.length !== 3 || widths.some((x) => !Number.isInteger(x) || x < 0 || x > 8)) return damaged();
  const [w0, w1, w2] = widths as [number, number, number];
  const index = dict.lookup(PDFName.of('Index'));
  const ranges =
    index instanceof PDFArray
      ? index.asArray().map((x) => (x instanceof PDFNumber ? x.asNumber() : -1))
      : [0, numberIn(dict, 'Size') ?? -1];
  if (ranges.length % 2 !== 0 || ranges.some((x) => !Number.isInteger(x) || x < 0)) return damaged();
  const data = decodeStream(object);
  const rowLength = w0 + w1 + w2;
  const field = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  return {
    trailer: dict,
    lookup(n) {
      let row = 0;
      for (let i = 0; i < ranges.length; i += 2) {
        const [first, count] = [ranges[i]!, ranges[i + 1]!];
        if (n >= first && n < first + count) {
          const at = (row + n - first) * rowLength;
          if (at + rowLength > data.length) return damaged();
          const type = w0 === 0 ? 1 : field(at, w0);
          const b = field(at + w0, w1);
          const c = field(at + w0 + w1, w2);
          if (type === 1) return { kind: 'offset', offset: b, gen: c };
          if (type === 2) return { kind: 'compressed', stream: b, index: c };
          return { kind: 'free' };
        }
        row += count;
      }
      return undefined;
    },
  };
}

/** The sections of the chain, newest first, read lazily. */
class XrefChain {
  private readonly sections: Section[] = [];
  private next: number | undefined;
  private readonly seen = new Set<number>();

  constructor(
    private readonly bytes: Buffer,
    private readonly context: PDFContext,
    startxref: number,
  ) {
    this.next = startxref;
  }

  private load(): Section | undefined {
    const offset = this.next;
    if (offset === undefined) return undefined;
    if (!isOffset(offset, this.bytes) || this.seen.has(offset) || this.seen.size >= MAX_SECTIONS)
      return damaged();
    this.seen.add(offset);
    let section: Section;
    if (/^\s*xref/.test(text(this.bytes, offset, 16))) {
      const table = readTableSection(this.bytes, offset, this.context);
      section = table;
      if (table.xrefStm !== undefined) {
        // Hybrid file: the stream lists the objects the table hides (those in object streams).
        if (!isOffset(table.xrefStm, this.bytes)) return damaged();
        const stream = readStreamSection(this.bytes, table.xrefStm, this.context);
        section = {
          trailer: table.trailer,
          lookup(n) {
            const a = table.lookup(n);
            if (a && a.kind !== 'free') return a;
            return stream.lookup(n) ?? a;
          },
        };
      }
    } else {
      section = readStreamSection(this.bytes, offset, this.context);
    }
    const prev = section.trailer.get(PDFName.of('Prev'));
    this.next = prev instanceof PDFNumber ? prev.asNumber() : undefined;
    this.sections.push(section);
    return section;
  }

  private section(i: number): Section | undefined {
    while (this.sections.length <= i) if (!this.load()) return undefined;
    return this.sections[i];
  }

  /** The newest trailer (the one viewers use). */
  trailer(): PDFDict {
    return this.section(0)?.trailer ?? damaged();
  }

  entry(objectNumber: number): Entry | undefined {
    for (let i = 0; ; i++) {
      const s = this.section(i);
      if (!s) return undefined;
      const e = s.lookup(objectNumber);
      if (e) return e;
    }
  }

  /** The object `ref` as a viewer sees it, or undefined when the chain does not list it. */
  resolve(ref: PDFRef): PDFObject | undefined {
    const e = this.entry(ref.objectNumber);
    if (!e || e.kind === 'free') return undefined;
    if (e.kind === 'offset') {
      if (e.gen !== ref.generationNumber || !isOffset(e.offset, this.bytes)) return undefined;
      return parseIndirectAt(this.bytes, e.offset, this.context, ref).object;
    }
    if (ref.generationNumber !== 0) return undefined;
    const container = this.entry(e.stream);
    if (container?.kind !== 'offset' || !isOffset(container.offset, this.bytes)) return damaged();
    const { object: stream } = parseIndirectAt(
      this.bytes,
      container.offset,
      this.context,
      PDFRef.of(e.stream, container.gen),
    );
    if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Type')) !== PDFName.of('ObjStm'))
      return damaged();
    const first = numberIn(stream.dict, 'First');
    const count = numberIn(stream.dict, 'N');
    if (first === undefined || count === undefined || e.index >= count) return damaged();
    const data = decodeStream(stream);
    const pairs = Buffer.from(data.buffer, data.byteOffset, Math.min(first, data.byteLength))
      .toString('latin1')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (pairs[2 * e.index] !== ref.objectNumber) return damaged();
    const at = first + (pairs[2 * e.index + 1] ?? Number.NaN);
    if (!Number.isInteger(at) || at >= data.length) return damaged();
    return PDFObjectParser.forBytes(data.subarray(at), this.context).parseObject();
  }
}

/**
 * Checks that the trailer /Root pdf-lib uses is the one of the newest cross-reference section, and
 * that pdf-lib's copy of each of `refs` is the definition the cross-reference chain points to.
 * Throws INVALID_REQUEST otherwise.
 */
export function verifyAgainstXref(
  pdf: Uint8Array,
  context: PDFContext,
  startxref: number,
  rootRef: PDFRef,
  refs: PDFRef[],
): void {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const chain = new XrefChain(bytes, context, startxref);
  const trailer = chain.trailer();
  if (trailer.get(PDFName.of('Encrypt')))
    fail('INVALID_REQUEST', 'Encrypted PDFs cannot be signed.', { field: 'document' });
  if (trailer.get(PDFName.of('Root')) !== rootRef) fail('INVALID_REQUEST', SHADOWED, { field: 'document' });
  for (const ref of new Set(refs)) {
    const expected = chain.resolve(ref);
    const actual = context.lookup(ref);
    if (expected === undefined || actual === undefined || expected.toString() !== actual.toString()) {
      fail('INVALID_REQUEST', SHADOWED, { field: 'document' });
    }
  }
}
