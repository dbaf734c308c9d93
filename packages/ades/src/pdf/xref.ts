/**
 * The cross-reference chain, read the way viewers read it: the last `startxref` → a classic `xref` table or
 * a cross-reference stream → `/Prev` …, with `/XRefStm` honoured in hybrid files. Every section is loaded
 * when the chain is opened (at most `PDF_LIMITS.maxXrefSections`), so the chain also knows every object
 * number any section lists: new objects are numbered above all of them.
 */
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { damaged, intOf, nameOf, PdfDict, PdfStream } from './objects.js';
import { type ByteSource, parseWindow, readIndirectAt } from './source.js';
import { type DecodeBudget, decodeStream } from './stream-data.js';

export type XrefEntry =
  | { kind: 'free' }
  | { kind: 'offset'; offset: number; gen: number }
  | { kind: 'compressed'; stream: number; index: number };

interface Section {
  trailer: PdfDict;
  /** Highest object number the section lists (-1 if none). */
  maxListed: number;
  lookup(objectNumber: number): Promise<XrefEntry | undefined>;
  /** Object numbers of the object streams this section's entries point into. */
  objectStreams(): Set<number>;
}

const refuse = (message: string): never => fail('INVALID_REQUEST', message, { field: 'document' });
const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function checkNumbers(first: number, count: number): void {
  if (first + count - 1 > PDF_LIMITS.maxObjectNumber)
    refuse(`The PDF's cross-reference lists object numbers above ${PDF_LIMITS.maxObjectNumber}.`);
}

const STRICT_ENTRY = /^(\d{10}) (\d{5}) ([nf])(?:\r\n| \r| \n)/;
const entryOf = (offset: string, gen: string, type: string): XrefEntry =>
  type === 'n' ? { kind: 'offset', offset: Number(offset), gen: Number(gen) } : { kind: 'free' };

/** A classic `xref` table and its trailer; standard 20-byte entries are read on demand. */
async function readTable(source: ByteSource, offset: number): Promise<Section & { xrefStm?: number }> {
  type Sub = { first: number; count: number; at: number; loose?: XrefEntry[] };
  const subs: Sub[] = [];
  let pos = offset + /^\s*xref\s*/.exec(text(await source.read(offset, 64)))![0].length;
  for (;;) {
    const head = text(await source.read(pos, 64));
    if (head.startsWith('trailer')) break;
    const sub = /^(\d{1,10})\s+(\d{1,10})\s*/.exec(head);
    if (!sub) return damaged('cross-reference table');
    const [first, count] = [Number(sub[1]), Number(sub[2])];
    checkNumbers(first, count);
    pos += sub[0].length;
    if (count * 20 <= source.size - pos && STRICT_ENTRY.test(text(await source.read(pos, 20)))) {
      subs.push({ first, count, at: pos });
      pos += 20 * count;
    } else {
      // Entries not of the standard 20 bytes (each still takes at least 6): read them one by one.
      if (count * 6 > source.size - pos) return damaged('cross-reference table');
      const window = text(await source.read(pos, count * 40 + 64));
      const re = /\s*(\d{1,10})\s+(\d{1,5})\s+([nf])[ \t]*/y;
      const loose: XrefEntry[] = [];
      for (let i = 0; i < count; i++) {
        const m = re.exec(window);
        if (!m) return damaged('cross-reference table');
        loose.push(entryOf(m[1]!, m[2]!, m[3]!));
      }
      subs.push({ first, count, at: pos, loose });
      pos += re.lastIndex;
    }
    pos += /^\s*/.exec(text(await source.read(pos, 64)))![0].length;
  }
  const trailer = await parseWindow(source, pos + 'trailer'.length, (p) => p.object());
  if (!(trailer instanceof PdfDict)) return damaged('trailer');
  const xrefStm = intOf(trailer.get('XRefStm'));
  return {
    trailer,
    ...(xrefStm !== undefined ? { xrefStm } : {}),
    maxListed: Math.max(-1, ...subs.map((s) => s.first + s.count - 1)),
    objectStreams: () => new Set(),
    async lookup(n) {
      for (let i = subs.length - 1; i >= 0; i--) {
        // The last subsection listing a number wins, as in the viewers.
        const s = subs[i]!;
        if (n < s.first || n >= s.first + s.count) continue;
        if (s.loose) return s.loose[n - s.first];
        const m = STRICT_ENTRY.exec(text(await source.read(s.at + 20 * (n - s.first), 20)));
        return m ? entryOf(m[1]!, m[2]!, m[3]!) : damaged('cross-reference entry');
      }
      return undefined;
    },
  };
}

/** A cross-reference stream (`/Type /XRef`); its dictionary is the trailer. */
async function readXrefStream(source: ByteSource, offset: number, budget: DecodeBudget): Promise<Section> {
  const { object } = await readIndirectAt(source, offset);
  if (!(object instanceof PdfStream) || nameOf(object.dict.get('Type')) !== 'XRef')
    return damaged('cross-reference stream');
  const dict = object.dict;
  const w = dict.get('W');
  const widths = Array.isArray(w) ? w.map((x) => intOf(x) ?? -1) : [];
  if (widths.length !== 3 || widths.some((x) => x < 0 || x > 8) || widths[1]! > 6)
    return damaged('cross-reference stream /W');
  const [w0, w1, w2] = widths as [number, number, number];
  const index = dict.get('Index');
  const ranges = Array.isArray(index) ? index.map((x) => intOf(x) ?? -1) : [0, intOf(dict.get('Size')) ?? -1];
  if (ranges.length % 2 !== 0 || ranges.some((x) => x < 0)) return damaged('cross-reference stream /Index');
  const data = await decodeStream(
    source,
    object,
    intOf(dict.get('Length')),
    budget,
    'a cross-reference stream',
  );
  const rowLength = w0 + w1 + w2;
  let rows = 0;
  let maxListed = -1;
  for (let i = 0; i < ranges.length; i += 2) {
    checkNumbers(ranges[i]!, ranges[i + 1]!);
    rows += ranges[i + 1]!;
    if (ranges[i + 1]! > 0) maxListed = Math.max(maxListed, ranges[i]! + ranges[i + 1]! - 1);
  }
  if (rowLength === 0 || rows * rowLength > data.length)
    refuse('The PDF has a cross-reference stream shorter than its /Index says.');
  const field = (at: number, width: number) => {
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  const entryAt = (row: number): XrefEntry => {
    const at = row * rowLength;
    const type = w0 === 0 ? 1 : field(at, w0);
    const b = field(at + w0, w1);
    const c = field(at + w0 + w1, w2);
    if (type === 1) return { kind: 'offset', offset: b, gen: c };
    if (type === 2) return { kind: 'compressed', stream: b, index: c };
    return { kind: 'free' };
  };
  return {
    trailer: dict,
    maxListed,
    objectStreams() {
      const out = new Set<number>();
      for (let r = 0; r < rows; r++) {
        const e = entryAt(r);
        if (e.kind === 'compressed') out.add(e.stream);
      }
      return out;
    },
    async lookup(n) {
      let row = 0;
      let found: XrefEntry | undefined;
      for (let i = 0; i < ranges.length; i += 2) {
        const [first, count] = [ranges[i]!, ranges[i + 1]!];
        if (n >= first && n < first + count) found = entryAt(row + n - first);
        row += count;
      }
      return found;
    },
  };
}

export class XrefChain {
  private constructor(
    /** Newest first. */
    private readonly sections: Section[],
  ) {}

  /** Reads every section of the chain that starts at `startxref`. */
  static async open(source: ByteSource, startxref: number, budget: DecodeBudget): Promise<XrefChain> {
    const sections: Section[] = [];
    const seen = new Set<number>();
    for (let next: number | undefined = startxref; next !== undefined; ) {
      if (!Number.isSafeInteger(next) || next < 0 || next >= source.size)
        return damaged('cross-reference offset');
      if (seen.has(next)) return refuse('The PDF cross-reference chain loops (/Prev).');
      if (seen.size >= PDF_LIMITS.maxXrefSections)
        return refuse(`The PDF has more than ${PDF_LIMITS.maxXrefSections} cross-reference sections.`);
      seen.add(next);
      let section: Section;
      if (/^\s*xref/.test(text(await source.read(next, 16)))) {
        const table = await readTable(source, next);
        section = table;
        if (table.xrefStm !== undefined && !seen.has(table.xrefStm)) {
          // Hybrid file: the stream lists the objects the table hides (those in object streams).
          if (table.xrefStm < 0 || table.xrefStm >= source.size) return damaged('/XRefStm');
          seen.add(table.xrefStm);
          const stream = await readXrefStream(source, table.xrefStm, budget);
          section = {
            trailer: table.trailer,
            maxListed: Math.max(table.maxListed, stream.maxListed),
            objectStreams: () => stream.objectStreams(),
            async lookup(n) {
              const a = await table.lookup(n);
              if (a && a.kind !== 'free') return a;
              return (await stream.lookup(n)) ?? a;
            },
          };
        }
      } else if (/^\s*\d+\s+\d+\s+obj/.test(text(await source.read(next, 64)))) {
        section = await readXrefStream(source, next, budget);
      } else {
        return damaged('cross-reference offset');
      }
      sections.push(section);
      // Reads from memory resolve at once: give other requests their turn now and then.
      if (sections.length % 32 === 0) await new Promise((r) => setImmediate(r));
      const prev = section.trailer.get('Prev');
      next = prev === undefined ? undefined : (intOf(prev) ?? damaged('/Prev'));
    }
    return new XrefChain(sections);
  }

  /** The newest trailer (the one viewers use). */
  get trailer(): PdfDict {
    return this.sections[0]!.trailer;
  }

  /** The highest object number any section lists or any trailer's /Size implies. */
  get maxListedNumber(): number {
    let max = -1;
    for (const s of this.sections) {
      const size = s.trailer.get('Size');
      const n = size === undefined ? 0 : intOf(size);
      if (n === undefined || n > PDF_LIMITS.maxObjectNumber + 1)
        return refuse(`The PDF's trailer /Size is not a number of objects a reader accepts.`);
      max = Math.max(max, s.maxListed, n - 1);
    }
    return max;
  }

  /** Object streams any section points into. */
  objectStreams(): Set<number> {
    const out = new Set<number>();
    for (const s of this.sections) for (const n of s.objectStreams()) out.add(n);
    return out;
  }

  /** Where the newest section listing `objectNumber` says it is. */
  async entry(objectNumber: number): Promise<XrefEntry | undefined> {
    for (const s of this.sections) {
      const e = await s.lookup(objectNumber);
      if (e) return e;
    }
    return undefined;
  }
}
