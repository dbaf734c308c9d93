/**
 * Crafted attack PDFs for pdf-attacks.test.ts, written byte by byte so that their cross-reference sections
 * can lie: object-number collisions (an object viewers resolve that the trailer /Size does not announce, so
 * a signer numbering its new objects from /Size would replace it) and "bombs" (inputs that make a naive
 * reader loop, recurse, allocate or inflate without bound).
 */
import { constants, deflateRawSync, deflateSync } from 'node:zlib';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** A PDF assembled from raw pieces; records where each object starts. */
export class RawPdf {
  private readonly parts: Buffer[] = [];
  size = 0;
  readonly offsets = new Map<number, number>();

  constructor(version = '1.7') {
    this.raw(`%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`);
  }

  /** Appends bytes; returns their offset. */
  raw(data: string | Uint8Array): number {
    const at = this.size;
    const b =
      typeof data === 'string' ? latin1(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.parts.push(b);
    this.size += b.length;
    return at;
  }

  obj(num: number, body: string): number {
    const at = this.raw(`${num} 0 obj\n${body}\nendobj\n`);
    this.offsets.set(num, at);
    return at;
  }

  /** A stream object; `dict` is the dictionary's inside without /Length. */
  stream(num: number, dict: string, data: Uint8Array): number {
    const at = this.raw(`${num} 0 obj\n<<${dict} /Length ${data.length}>>\nstream\n`);
    this.raw(data);
    this.raw('\nendstream\nendobj\n');
    this.offsets.set(num, at);
    return at;
  }

  /**
   * A classic `xref` section with the given subsections ([first, count]; objects without a recorded offset
   * are written free) and `trailer` (the inside of the dictionary). Returns the section's offset; `eof`
   * adds `startxref` and `%%EOF` pointing to it.
   */
  xrefTable(subsections: [number, number][], trailer: string, eof = true): number {
    let text = 'xref\n';
    for (const [first, count] of subsections) {
      text += `${first} ${count}\n`;
      for (let n = first; n < first + count; n++) {
        const at = this.offsets.get(n);
        text +=
          at === undefined
            ? `0000000000 ${n === 0 ? '65535' : '00000'} f\r\n`
            : `${String(at).padStart(10, '0')} 00000 n\r\n`;
      }
    }
    const at = this.raw(`${text}trailer\n<<${trailer}>>\n`);
    if (eof) this.eof(at);
    return at;
  }

  /**
   * A cross-reference stream object `num` listing the numbers in `index` ([first, count] pairs): offsets
   * recorded here, `compressed` entries (object number → [object stream, index]), free otherwise.
   */
  xrefStream(
    num: number,
    index: [number, number][],
    dict: string,
    compressed: Map<number, [number, number]> = new Map(),
    eof = true,
  ): number {
    const at = this.size;
    this.offsets.set(num, at);
    const rows: Buffer[] = [];
    for (const [first, count] of index) {
      for (let n = first; n < first + count; n++) {
        const row = Buffer.alloc(7);
        const c = compressed.get(n);
        const offset = this.offsets.get(n);
        if (c) {
          row[0] = 2;
          row.writeUInt32BE(c[0], 1);
          row.writeUInt16BE(c[1], 5);
        } else if (offset !== undefined) {
          row[0] = 1;
          row.writeUInt32BE(offset, 1);
        }
        rows.push(row);
      }
    }
    const data = deflateSync(Buffer.concat(rows));
    this.stream(
      num,
      `/Type /XRef /W [1 4 2] /Index [${index.flat().join(' ')}] /Filter /FlateDecode ${dict}`,
      data,
    );
    if (eof) this.eof(at);
    return at;
  }

  eof(xrefOffset: number): void {
    this.raw(`startxref\n${xrefOffset}\n%%EOF\n`);
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

/** An object stream's data and /First for `objects` ([number, body]); `compressed` entries for the xref. */
export function objectStream(
  streamNumber: number,
  objects: [number, string][],
): { data: Buffer; first: number; entries: Map<number, [number, number]> } {
  let body = '';
  const pairs: string[] = [];
  const entries = new Map<number, [number, number]>();
  objects.forEach(([n, text], i) => {
    pairs.push(`${n} ${body.length}`);
    body += `${text}\n`;
    entries.set(n, [streamNumber, i]);
  });
  const head = `${pairs.join(' ')}\n`;
  return { data: latin1(head + body), first: head.length, entries };
}

/** Object-stream dictionary (the inside, without /Length) for `objectStream` output. */
export const objStmDict = (n: number, first: number) =>
  `/Type /ObjStm /N ${n} /First ${first} /Filter /FlateDecode`;

// ---------------------------------------------------------------------------------------------------------
// Object-number collisions
// ---------------------------------------------------------------------------------------------------------

const FONT = '<</Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding>>';
const MEDIA_BOX = '[0 0 595 842]';
/** What the page draws itself: the real amount, then the cover XObject over the whole page. */
const PAGE_CONTENT =
  '0.85 0.1 0.1 rg 40 560 515 120 re f\n' +
  'BT /F1 44 Tf 0 0 0 rg 60 600 Td (Pay EUR 1,000,000) Tj ET\n' +
  'q /Cover Do Q\n';
/** The cover: an opaque full-page XObject (light yellow, a blue band) showing another amount. */
const COVER_CONTENT =
  '1 0.96 0.7 rg 0 0 595 842 re f\n' +
  '0.1 0.3 0.8 rg 40 560 515 120 re f\n' +
  'BT /F1 44 Tf 1 1 1 rg 60 600 Td (Pay EUR 100) Tj ET\n';
const COVER_DICT = `/Type /XObject /Subtype /Form /BBox ${MEDIA_BOX} /Resources <</Font <</F1 ${FONT}>>>>`;

export interface CollisionVariant {
  name: string;
  /** What is crafted, and why a signer numbering its objects from the trailer /Size breaks it. */
  doc: string;
  /**
   * What each viewer shows for the crafted input (checked by the test against honest reference files):
   * 'cover' = the cover XObject ("Pay EUR 100"), 'no cover' = the hidden amount ("Pay EUR 1,000,000").
   */
  shows: { pdftoppm: 'cover' | 'no cover'; mutool: 'cover' | 'no cover' };
  /** Set when `naiveUpdate` leaves the picture as it is (why), so the test does not expect a change. */
  naiveKeepsPicture?: string;
  build(): Uint8Array;
}

const BOTH_COVER = { pdftoppm: 'cover', mutool: 'cover' } as const;
const NO_COVER = { pdftoppm: 'no cover', mutool: 'no cover' } as const;

const pageDict = (xobject: string, font = FONT) =>
  `<</Type /Page /Parent 2 0 R /MediaBox ${MEDIA_BOX} /Resources <</Font <</F1 ${font}>> /XObject ${xobject}>> /Contents 4 0 R>>`;
const CATALOG = '<</Type /Catalog /Pages 2 0 R>>';
const PAGES = '<</Type /Pages /Kids [3 0 R] /Count 1>>';

/**
 * Classic-table layout: 1 catalog, 2 pages, 3 page, 4 content, 5 font, 6 info, 7 the cover XObject
 * (`/XObject <</Cover 7 0 R>>`). `listSeven`: how the xref lists object 7.
 */
function tableCollision(listSeven: 'beyond-size' | 'unlisted' | 'missing' | 'honest'): Uint8Array {
  const pdf = new RawPdf();
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  pdf.obj(3, pageDict('<</Cover 7 0 R>>', '5 0 R'));
  pdf.stream(4, '', latin1(PAGE_CONTENT));
  pdf.obj(5, FONT);
  pdf.obj(6, '<</Producer (attacks.ts) /Title (Collision)>>');
  if (listSeven !== 'missing') pdf.stream(7, COVER_DICT, latin1(COVER_CONTENT));
  const subsections: [number, number][] =
    listSeven === 'beyond-size'
      ? [
          [0, 7],
          [7, 1],
        ]
      : listSeven === 'honest'
        ? [[0, 8]]
        : [[0, 7]];
  pdf.xrefTable(subsections, `/Size ${listSeven === 'honest' ? 8 : 7} /Root 1 0 R /Info 6 0 R`);
  return pdf.bytes();
}

/**
 * Stream layout: 1 catalog, 2 pages, 3 page, 4 content, 5 the cover XObject, 6 an object stream holding
 * 7 = the page's XObject resource dictionary `<</Cover 5 0 R>>` (and page 3 when `compressedPage`), 8 the
 * xref stream (/Size 7). A stream cannot live in an object stream, hence the extra indirection.
 */
function streamCollision(opts: {
  listSeven: 'beyond-size' | 'unlisted';
  compressedPage: boolean;
  brokenStartxref?: boolean;
}): Uint8Array {
  const pdf = new RawPdf();
  const page = pageDict('7 0 R');
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  if (!opts.compressedPage) pdf.obj(3, page);
  pdf.stream(4, '', latin1(PAGE_CONTENT));
  pdf.stream(5, COVER_DICT, latin1(COVER_CONTENT));
  const held: [number, string][] = [
    ...(opts.compressedPage ? ([[3, page]] as [number, string][]) : []),
    [7, '<</Cover 5 0 R>>'],
  ];
  const os = objectStream(6, held);
  pdf.stream(6, objStmDict(held.length, os.first), deflateSync(os.data));
  const compressed = new Map(os.entries);
  if (opts.listSeven === 'unlisted') compressed.delete(7);
  const index: [number, number][] =
    opts.listSeven === 'beyond-size'
      ? [
          [0, 7],
          [7, 1],
        ]
      : [[0, 7]];
  const at = pdf.xrefStream(8, index, '/Size 7 /Root 1 0 R', compressed, !opts.brokenStartxref);
  // A startxref a few bytes off: viewers rebuild the cross-reference table by scanning the file (poppler
  // needs a classic `trailer` for that, and does not look into object streams; MuPDF does).
  if (opts.brokenStartxref) {
    pdf.raw('trailer\n<</Size 7 /Root 1 0 R>>\n');
    pdf.eof(at + 3);
  }
  return pdf.bytes();
}

/**
 * Two sections: the original lists 0–7 (/Size 8); an incremental update rewrites the info dictionary and
 * says /Size 7. Object 7 stays reachable through /Prev while the newest trailer does not announce it.
 */
function prevSectionCollision(): Uint8Array {
  const pdf = new RawPdf();
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  pdf.obj(3, pageDict('<</Cover 7 0 R>>', '5 0 R'));
  pdf.stream(4, '', latin1(PAGE_CONTENT));
  pdf.obj(5, FONT);
  pdf.obj(6, '<</Producer (attacks.ts)>>');
  pdf.stream(7, COVER_DICT, latin1(COVER_CONTENT));
  const first = pdf.xrefTable([[0, 8]], '/Size 8 /Root 1 0 R /Info 6 0 R', false);
  pdf.obj(6, '<</Producer (attacks.ts) /Title (Updated)>>');
  pdf.xrefTable([[6, 1]], `/Size 7 /Root 1 0 R /Info 6 0 R /Prev ${first}`);
  return pdf.bytes();
}

/**
 * A hybrid-reference file: the classic table lists 0–6 (/Size 7) and its /XRefStm stream lists 7 inside
 * object stream 6 (PDF 1.5 readers see it, pre-1.5 readers and table-only parsers do not).
 */
function hybridCollision(): Uint8Array {
  const pdf = new RawPdf();
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  pdf.obj(3, pageDict('7 0 R'));
  pdf.stream(4, '', latin1(PAGE_CONTENT));
  pdf.stream(5, COVER_DICT, latin1(COVER_CONTENT));
  const os = objectStream(6, [[7, '<</Cover 5 0 R>>']]);
  pdf.stream(6, objStmDict(1, os.first), deflateSync(os.data));
  const xrefStm = pdf.xrefStream(8, [[7, 1]], '/Size 9', os.entries, false);
  pdf.xrefTable([[0, 7]], `/Size 7 /Root 1 0 R /XRefStm ${xrefStm}`);
  return pdf.bytes();
}

export const COLLISION_VARIANTS: CollisionVariant[] = [
  {
    name: 'xref table lists 7 in a subsection beyond /Size 7',
    doc: 'Viewers read every subsection; /Size says the next free number is 7, the cover XObject.',
    shows: BOTH_COVER,
    build: () => tableCollision('beyond-size'),
  },
  {
    name: 'object 7 in the body only (found by xref reconstruction)',
    doc: 'The xref lists 0–6; a viewer that reconstructs on a missing object finds the cover as 7.',
    shows: { pdftoppm: 'cover', mutool: 'no cover' },
    build: () => tableCollision('unlisted'),
  },
  {
    name: 'xref stream lists 7 (in an object stream) beyond /Size 7',
    doc: '7 is the XObject resource dictionary, compressed; the xref stream /Index lists it past /Size.',
    shows: BOTH_COVER,
    build: () => streamCollision({ listSeven: 'beyond-size', compressedPage: false }),
  },
  {
    name: 'xref stream lists 7 beyond /Size 7, referenced from a compressed page',
    doc: 'As above, and the page referring to 7 0 R is itself in the object stream (no plain-text `7 0 R`).',
    shows: BOTH_COVER,
    build: () => streamCollision({ listSeven: 'beyond-size', compressedPage: true }),
  },
  {
    name: 'object 7 in an object stream the xref does not list it in',
    doc: 'The object stream holds 7 and the page; no entry for 7: neither viewer resolves it, a scanning reader would.',
    shows: NO_COVER,
    build: () => streamCollision({ listSeven: 'unlisted', compressedPage: true }),
  },
  {
    name: 'object 7 in an object stream, startxref wrong (reconstruction)',
    doc: 'A damaged startxref: MuPDF rebuilds the table by scanning, object streams included, and finds 7.',
    shows: { pdftoppm: 'no cover', mutool: 'cover' },
    naiveKeepsPicture: "MuPDF repairs the whole file again and keeps the object stream's 7",
    build: () => streamCollision({ listSeven: 'unlisted', compressedPage: false, brokenStartxref: true }),
  },
  {
    name: 'older section lists 7, the newest trailer says /Size 7',
    doc: 'An incremental update lowered /Size: 7 is reached through /Prev.',
    shows: BOTH_COVER,
    build: prevSectionCollision,
  },
  {
    name: 'hybrid file: /XRefStm lists 7, the table trailer says /Size 7',
    doc: 'A hybrid-reference file whose table (and /Size) hides the object-stream objects.',
    shows: BOTH_COVER,
    build: hybridCollision,
  },
  {
    name: 'dangling 7 0 R (object 7 missing)',
    doc: 'Viewers draw nothing for the missing cover; a new object 7 would make the reference resolve.',
    shows: NO_COVER,
    build: () => tableCollision('missing'),
  },
];

/** The same page, honestly written, with the cover drawn (what the attack must look like before signing). */
export const coveredReference = () => tableCollision('honest');
/** The same page without the cover (what a naive signer turns the collision files into). */
export function uncoveredReference(): Uint8Array {
  const pdf = new RawPdf();
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  pdf.obj(3, pageDict('<<>>', '5 0 R'));
  pdf.stream(4, '', latin1(PAGE_CONTENT));
  pdf.obj(5, FONT);
  pdf.xrefTable([[0, 6]], '/Size 6 /Root 1 0 R');
  return pdf.bytes();
}

// ---------------------------------------------------------------------------------------------------------
// Bombs
// ---------------------------------------------------------------------------------------------------------

const MiB = 1 << 20;
const ADLER_MOD = 65521;

/**
 * A zlib stream inflating to `head` + `zeros` NUL bytes + `tail`, built in milliseconds: one MiB of zeros
 * compressed once after a full flush (byte aligned, no back-reference across it) and repeated, then the
 * Adler-32 computed arithmetically. ~1 KiB per MiB (deflate's limit is ~1:1032).
 */
export function deflatedZeros(head: Uint8Array, zeros: number, tail: Uint8Array = new Uint8Array()): Buffer {
  const full = { finishFlush: constants.Z_FULL_FLUSH, level: 9 };
  const parts: Buffer[] = [Buffer.from([0x78, 0xda]), deflateRawSync(head, full)];
  const block = deflateRawSync(Buffer.alloc(MiB), full);
  for (let n = Math.floor(zeros / MiB); n > 0; n--) parts.push(block);
  parts.push(deflateRawSync(Buffer.alloc(zeros % MiB), full), deflateRawSync(tail, { level: 9 }));
  let a = 1;
  let b = 0;
  const add = (bytes: Uint8Array) => {
    for (const c of bytes) {
      a = (a + c) % ADLER_MOD;
      b = (b + a) % ADLER_MOD;
    }
  };
  add(head);
  b = (b + a * (zeros % ADLER_MOD)) % ADLER_MOD;
  add(tail);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  parts.push(adler);
  return Buffer.concat(parts);
}

const SIMPLE_CONTENT = (text: string) =>
  `0.2 0.5 0.2 rg 60 650 475 80 re f\nBT /F1 28 Tf 0 0 0 rg 72 680 Td (${text}) Tj ET\n`;
const simplePage = (contents = '4 0 R') =>
  `<</Type /Page /Parent 2 0 R /MediaBox ${MEDIA_BOX} /Resources <</Font <</F1 ${FONT}>>>> /Contents ${contents}>>`;

/** 1 catalog, 2 pages, 3 page, 4 content: a plain one-page PDF to hang bombs on (xref table added by caller). */
function basicObjects(pdf: RawPdf, text: string, catalog = CATALOG, page = simplePage()): void {
  pdf.obj(1, catalog);
  pdf.obj(2, PAGES);
  pdf.obj(3, page);
  pdf.stream(4, '', latin1(SIMPLE_CONTENT(text)));
}

export interface Bomb {
  name: string;
  /** What it does and why it is dangerous. */
  doc: string;
  /** Allowed wall time of the signing work (ms). */
  maxMs: number;
  build(): Uint8Array;
}

/** An extra, unreferenced xref stream in the body declaring `count` entries (data for 6 only). */
function unusedXrefStream(count: number): Uint8Array {
  const pdf = new RawPdf();
  basicObjects(pdf, 'Unused xref stream');
  pdf.stream(
    5,
    `/Type /XRef /Size ${count} /W [1 4 2] /Index [0 ${count}] /Root 1 0 R /Filter /FlateDecode`,
    deflateSync(Buffer.alloc(42)),
  );
  pdf.xrefTable([[0, 6]], '/Size 6 /Root 1 0 R');
  return pdf.bytes();
}

/** The document's own (newest) xref stream declares `count` entries; `full`: all rows present (zeros). */
function hugeXrefStream(count: number, full: boolean): Uint8Array {
  const pdf = new RawPdf();
  basicObjects(pdf, `Xref stream of ${count} entries`);
  const at = pdf.size;
  pdf.offsets.set(5, at);
  const rows = Buffer.alloc(6 * 7);
  for (let n = 1; n <= 5; n++) {
    rows[n * 7] = 1;
    rows.writeUInt32BE(pdf.offsets.get(n)!, n * 7 + 1);
  }
  const data = full ? deflatedZeros(rows, (count - 6) * 7) : deflateSync(rows);
  pdf.stream(
    5,
    `/Type /XRef /Size ${count} /W [1 4 2] /Index [0 ${count}] /Root 1 0 R /Filter /FlateDecode`,
    data,
  );
  pdf.eof(at);
  return pdf.bytes();
}

/** `[[[[…]]]]` nested `depth` times. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function deepNesting(where: 'catalog' | 'page' | 'unrelated', depth: number): Uint8Array {
  const pdf = new RawPdf();
  const deep = nested(depth);
  basicObjects(
    pdf,
    `Nested ${where}`,
    where === 'catalog' ? `<</Type /Catalog /Pages 2 0 R /Deep ${deep}>>` : CATALOG,
    where === 'page'
      ? `<</Type /Page /Parent 2 0 R /MediaBox ${MEDIA_BOX} /Resources <</Font <</F1 ${FONT}>>>> /Contents 4 0 R /Deep ${deep}>>`
      : simplePage(),
  );
  if (where === 'unrelated') pdf.obj(5, deep);
  pdf.xrefTable([[0, where === 'unrelated' ? 6 : 5]], `/Size ${where === 'unrelated' ? 6 : 5} /Root 1 0 R`);
  return pdf.bytes();
}

/** Two xref sections whose /Prev point to each other (tables or streams); `self`: one pointing to itself. */
function prevCycle(kind: 'table' | 'stream' | 'self'): Uint8Array {
  const pdf = new RawPdf();
  basicObjects(pdf, `Prev cycle (${kind})`);
  const width = 10;
  const pad = (n: number) => String(n).padStart(width, '0');
  if (kind === 'self') {
    const at = pdf.size;
    pdf.xrefTable([[0, 5]], `/Size 5 /Root 1 0 R /Prev ${pad(at)}`);
    return pdf.bytes();
  }
  if (kind === 'table') {
    // A is written first with B's offset (known once A's length is: /Prev is fixed width).
    const aAt = pdf.size;
    const aText = (prev: number) =>
      `xref\n0 5\n0000000000 65535 f\r\n${[1, 2, 3, 4].map((n) => `${pad(pdf.offsets.get(n)!)} 00000 n\r\n`).join('')}trailer\n<</Size 5 /Root 1 0 R /Prev ${pad(prev)}>>\n`;
    const bAt = aAt + aText(0).length;
    pdf.raw(aText(bAt));
    pdf.xrefTable([[3, 1]], `/Size 5 /Root 1 0 R /Prev ${pad(aAt)}`);
    return pdf.bytes();
  }
  // Streams: A (object 5) and B (object 6) list everything, each /Prev the other.
  const aAt = pdf.size;
  const rows = (extra: number) => {
    const b = Buffer.alloc(7 * 7);
    for (let n = 1; n <= 6; n++) {
      const at = n === 5 ? aAt : n === 6 ? extra : pdf.offsets.get(n);
      if (at === undefined) continue;
      b[n * 7] = 1;
      b.writeUInt32BE(at, n * 7 + 1);
    }
    return b;
  };
  // Uncompressed rows keep both streams' lengths independent of the offsets.
  const aStream = (bAt: number) =>
    Buffer.concat([
      latin1(
        `5 0 obj\n<</Type /XRef /Size 7 /W [1 4 2] /Index [0 7] /Root 1 0 R /Prev ${pad(bAt)} /Length 49>>\nstream\n`,
      ),
      rows(bAt),
      latin1('\nendstream\nendobj\n'),
    ]);
  const bAt = aAt + aStream(0).length;
  pdf.raw(aStream(bAt));
  pdf.offsets.set(5, aAt);
  pdf.offsets.set(6, bAt);
  pdf.raw(
    `6 0 obj\n<</Type /XRef /Size 7 /W [1 4 2] /Index [0 7] /Root 1 0 R /Prev ${pad(aAt)} /Length 49>>\nstream\n`,
  );
  pdf.raw(rows(bAt));
  pdf.raw('\nendstream\nendobj\n');
  pdf.eof(bAt);
  return pdf.bytes();
}

/** `sections` tiny incremental updates (each re-lists page 3) chained by /Prev. */
function longPrevChain(sections: number): Uint8Array {
  const pdf = new RawPdf();
  basicObjects(pdf, `${sections} xref sections`);
  let prev = pdf.xrefTable([[0, 5]], '/Size 5 /Root 1 0 R', false);
  const entry = `${String(pdf.offsets.get(3)!).padStart(10, '0')} 00000 n\r\n`;
  for (let i = 0; i < sections; i++) {
    prev = pdf.raw(`xref\n3 1\n${entry}trailer\n<</Size 5 /Root 1 0 R /Prev ${prev}>>\n`);
  }
  pdf.eof(prev);
  return pdf.bytes();
}

/**
 * The catalog, page tree and page live in an object stream that inflates to `size` bytes (the objects
 * first, then NUL bytes, which are PDF white space); the xref stream lists them as compressed.
 */
function objectStreamBomb(size: number): Uint8Array {
  const pdf = new RawPdf();
  pdf.stream(4, '', latin1(SIMPLE_CONTENT(`Object stream of ${size / MiB} MiB`)));
  const os = objectStream(5, [
    [1, CATALOG],
    [2, PAGES],
    [3, simplePage()],
  ]);
  pdf.stream(5, objStmDict(3, os.first), deflatedZeros(os.data, size - os.data.length));
  pdf.xrefStream(6, [[0, 7]], '/Size 7 /Root 1 0 R', os.entries);
  return pdf.bytes();
}

/**
 * Page 1's content, /Filter [/FlateDecode /ASCIIHexDecode]: the Flate layer inflates to `size` bytes, the
 * hex text of a few operators, its end-of-data `>`, then NUL bytes. Viewers decode the chain lazily and stop
 * at `>` (rendering stays fast); a reader that inflates a stream whole before the next filter takes GBs.
 */
function contentStreamBomb(size: number): Uint8Array {
  const pdf = new RawPdf();
  pdf.obj(1, CATALOG);
  pdf.obj(2, PAGES);
  pdf.obj(3, simplePage());
  const hex = latin1(`${latin1(SIMPLE_CONTENT('Content stream bomb')).toString('hex')}>`);
  pdf.stream(4, '/Filter [/FlateDecode /ASCIIHexDecode]', deflatedZeros(hex, size - hex.length));
  pdf.xrefTable([[0, 5]], '/Size 5 /Root 1 0 R');
  return pdf.bytes();
}

/** `count` tiny unreferenced objects (`N 0 obj N endobj`) in a classic xref table. */
function manyObjects(count: number): Uint8Array {
  const pdf = new RawPdf();
  basicObjects(pdf, `${count} objects`);
  const chunk: string[] = [];
  let at = pdf.size;
  for (let n = 5; n < count + 5; n++) {
    const text = `${n} 0 obj ${n} endobj\n`;
    pdf.offsets.set(n, at);
    at += text.length;
    chunk.push(text);
    if (chunk.length === 10_000) pdf.raw(chunk.splice(0).join(''));
  }
  pdf.raw(chunk.join(''));
  const xref: string[] = [`xref\n0 ${count + 5}\n0000000000 65535 f\r\n`];
  for (let n = 1; n < count + 5; n++)
    xref.push(`${String(pdf.offsets.get(n)!).padStart(10, '0')} 00000 n\r\n`);
  const xrefAt = pdf.raw(`${xref.join('')}trailer\n<</Size ${count + 5} /Root 1 0 R>>\n`);
  pdf.eof(xrefAt);
  return pdf.bytes();
}

export const GiB = 1024 * MiB;

export const BOMBS: Bomb[] = [
  {
    name: 'unused xref stream /Index [0 5000000]',
    doc: 'An xref stream no section points to, declaring 5 M entries: a reader that parses every xref stream allocates them.',
    maxMs: 2000,
    build: () => unusedXrefStream(5_000_000),
  },
  {
    name: 'unused xref stream /Index [0 2000000000]',
    doc: 'Same with 2·10⁹ entries: an allocation or a loop of that size never ends.',
    maxMs: 2000,
    build: () => unusedXrefStream(2_000_000_000),
  },
  {
    name: 'the xref stream on the chain has /Index [0 5000000] (35 MB of rows)',
    doc: 'Consistent but huge: decoding and tabulating all 5 M rows costs ~35 MB + an array of 5 M entries.',
    maxMs: 2000,
    build: () => hugeXrefStream(5_000_000, true),
  },
  {
    name: 'the xref stream on the chain has /Index [0 2000000000] (rows for 6)',
    doc: 'A reader sizing its table from /Index or /Size allocates 2·10⁹ entries.',
    maxMs: 2000,
    build: () => hugeXrefStream(2_000_000_000, false),
  },
  {
    name: 'trailer /Size 1000000000000000',
    doc: 'A signer numbering its objects from /Size writes object 10¹⁵, which no viewer accepts (poppler stops at 2³¹).',
    maxMs: 2000,
    build: () => {
      const pdf = new RawPdf();
      basicObjects(pdf, 'Size 10^15');
      pdf.xrefTable([[0, 5]], '/Size 1000000000000000 /Root 1 0 R');
      return pdf.bytes();
    },
  },
  {
    name: '100 000 nested arrays in the catalog',
    doc: 'A recursive parser (or serialiser: the signer rewrites the catalog) overflows the stack.',
    maxMs: 2000,
    build: () => deepNesting('catalog', 100_000),
  },
  {
    name: '100 000 nested arrays in the page dictionary',
    doc: 'Same in page 1, which the signer rewrites to add its widget to /Annots.',
    maxMs: 2000,
    build: () => deepNesting('page', 100_000),
  },
  {
    name: '100 000 nested arrays in an unrelated object',
    doc: 'An object the signer never needs: a reader parsing the whole file overflows anyway.',
    maxMs: 2000,
    build: () => deepNesting('unrelated', 100_000),
  },
  {
    name: '/Prev cycle A → B → A (xref tables)',
    doc: 'Following /Prev without remembering the sections visited never ends.',
    maxMs: 2000,
    build: () => prevCycle('table'),
  },
  {
    name: '/Prev cycle A → B → A (xref streams)',
    doc: 'Same with cross-reference streams.',
    maxMs: 2000,
    build: () => prevCycle('stream'),
  },
  {
    name: '/Prev pointing to its own section',
    doc: 'The shortest cycle.',
    maxMs: 2000,
    build: () => prevCycle('self'),
  },
  {
    name: '100 000 chained xref sections',
    doc: 'A long /Prev chain (7 MB): linear work is fine, quadratic work or recursion per section is not.',
    maxMs: 2000,
    build: () => longPrevChain(100_000),
  },
  {
    name: 'object stream (catalog, page) inflating to 512 MiB',
    doc: 'The signer must look into it; inflating it whole takes 512 MiB (0.5 MB upload).',
    maxMs: 2000,
    build: () => objectStreamBomb(512 * MiB),
  },
  {
    name: 'object stream (catalog, page) inflating to 4 GiB',
    doc: 'Same at 4 GiB (4 MB upload): more than a Buffer can hold.',
    maxMs: 2000,
    build: () => objectStreamBomb(4 * GiB),
  },
  {
    name: 'page content stream inflating to 4 GiB (Flate, then ASCIIHex)',
    doc: 'The signer never needs the page content; inflating it would take 4 GiB.',
    maxMs: 2000,
    build: () => contentStreamBomb(4 * GiB),
  },
  {
    name: '500 000 tiny objects (~21 MB)',
    doc: 'Parsing every object of a large file costs far more time and memory than the few the signer needs.',
    maxMs: 5000,
    build: () => manyObjects(500_000),
  },
];

/**
 * What a naive signer appends: its signature dictionary numbered from the newest trailer's /Size (7 for
 * the collision files) in an incremental update (classic table, /Prev = the last startxref). Used to show
 * that the collision files do change picture when object 7 is replaced.
 */
export function naiveUpdate(pdf: Uint8Array, objectNumber = 7): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const body = `${objectNumber} 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached>>\nendobj\n`;
  const at = pdf.length;
  const xref = at + body.length;
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(pdf),
      latin1(
        `${body}xref\n${objectNumber} 1\n${String(at).padStart(10, '0')} 00000 n\r\n` +
          `trailer\n<</Size ${objectNumber + 1} /Root 1 0 R /Prev ${prev}>>\nstartxref\n${xref}\n%%EOF\n`,
      ),
    ]),
  );
}
