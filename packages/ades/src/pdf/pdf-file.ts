/**
 * A PDF opened for reading as viewers read it: objects are resolved only through the cross-reference
 * chain, one at a time, with a cap on how many are resolved and on what decompressing object streams costs.
 */
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { damaged, intOf, nameOf, type PdfObject, PdfParser, PdfRef, PdfStream } from './objects.js';
import { type ByteSource, readIndirectAt } from './source.js';
import { type DecodeBudget, decodeStream } from './stream-data.js';
import { XrefChain } from './xref.js';

/** An object stream's contents: the (number, offset) pairs and the decoded data. */
export interface ObjectStreamContents {
  pairs: { num: number; offset: number }[];
  data: Uint8Array;
  first: number;
}

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** The offset the last `startxref` names. */
async function findStartxref(source: ByteSource): Promise<number> {
  const tailStart = Math.max(0, source.size - 2048);
  const tail = text(await source.read(tailStart, 2048));
  const at = tail.lastIndexOf('startxref');
  const m = at === -1 ? null : /^startxref\s+(\d{1,15})/.exec(tail.slice(at));
  if (!m)
    return fail('INVALID_REQUEST', 'The document is not a PDF (no startxref at its end).', {
      field: 'document',
    });
  return Number(m[1]);
}

export class PdfFile {
  private readonly cache = new Map<number, PdfObject>();
  private resolved = 0;
  private constructor(
    readonly source: ByteSource,
    readonly startxref: number,
    readonly chain: XrefChain,
    readonly budget: DecodeBudget,
  ) {}

  static async open(source: ByteSource): Promise<PdfFile> {
    if (!text(await source.read(0, 1024)).includes('%PDF-'))
      fail('INVALID_REQUEST', 'The document is not a PDF.', { field: 'document' });
    const startxref = await findStartxref(source);
    const budget = { decoded: 0, limit: PDF_LIMITS.maxDecodedTotal };
    const chain = await XrefChain.open(source, startxref, budget);
    return new PdfFile(source, startxref, chain, budget);
  }

  get trailer() {
    return this.chain.trailer;
  }

  /** Follows `value` if it is a reference (one level); a missing object is null, as for viewers. */
  async deref(value: PdfObject | undefined): Promise<PdfObject | undefined> {
    return value instanceof PdfRef ? this.resolve(value) : value;
  }

  /** The object `ref` names, as viewers see it; null when the chain does not list it. */
  async resolve(ref: PdfRef): Promise<PdfObject> {
    const key = ref.num * 65536 + ref.gen;
    if (this.cache.has(key)) return this.cache.get(key)!;
    if (++this.resolved > PDF_LIMITS.maxResolvedObjects)
      fail('INVALID_REQUEST', `Reading the PDF needs more than ${PDF_LIMITS.maxResolvedObjects} objects.`, {
        field: 'document',
      });
    const object = await this.load(ref);
    this.cache.set(key, object);
    return object;
  }

  /** Where `ref` is defined: the offset of its `N G obj`, or of the object stream holding it. */
  async location(ref: PdfRef): Promise<number | undefined> {
    const e = await this.chain.entry(ref.num);
    if (e?.kind === 'offset') return e.gen === ref.gen ? e.offset : undefined;
    if (e?.kind === 'compressed' && ref.gen === 0) {
      const container = await this.chain.entry(e.stream);
      return container?.kind === 'offset' ? container.offset : undefined;
    }
    return undefined;
  }

  private async load(ref: PdfRef): Promise<PdfObject> {
    const e = await this.chain.entry(ref.num);
    if (!e || e.kind === 'free') return null;
    if (e.kind === 'offset') {
      if (e.gen !== ref.gen) return null;
      if (e.offset >= this.source.size) return damaged(`object ${ref.num} lies outside the file`);
      const found = await readIndirectAt(this.source, e.offset);
      if (found.num !== ref.num || found.gen !== ref.gen)
        return damaged(`the cross-reference entry of object ${ref.num} points elsewhere`);
      return found.object;
    }
    if (ref.gen !== 0) return null;
    const contents = await this.objectStream(e.stream);
    const pair = contents.pairs[e.index];
    if (pair?.num !== ref.num) return damaged(`object ${ref.num} is not where its object stream says`);
    const at = contents.first + pair.offset;
    if (at >= contents.data.length) return damaged(`object ${ref.num} lies outside its object stream`);
    return new PdfParser(contents.data.subarray(at)).object();
  }

  private readonly streams = new Map<number, ObjectStreamContents>();

  /** The decoded object stream `num` (listed in the chain), kept for later objects of the same stream. */
  async objectStream(num: number): Promise<ObjectStreamContents> {
    const cached = this.streams.get(num);
    if (cached) return cached;
    // An object stream whose /Length lies in itself (or in a stream that needs it) would recurse forever.
    if (this.loading.has(num)) return damaged(`object stream ${num} depends on itself`);
    this.loading.add(num);
    try {
      return await this.loadObjectStream(num);
    } finally {
      this.loading.delete(num);
    }
  }

  private readonly loading = new Set<number>();

  private async loadObjectStream(num: number): Promise<ObjectStreamContents> {
    const container = await this.chain.entry(num);
    if (container?.kind !== 'offset') return damaged(`object stream ${num} is not listed`);
    const found = await readIndirectAt(this.source, container.offset);
    if (found.num !== num) return damaged(`object stream ${num} is not where the cross-reference says`);
    const contents = await this.readObjectStream(found.object);
    if (this.streams.size < 16) this.streams.set(num, contents);
    return contents;
  }

  /** Decodes an object stream (`/Type /ObjStm`) given its object. */
  async readObjectStream(object: PdfObject, budget = this.budget): Promise<ObjectStreamContents> {
    if (!(object instanceof PdfStream) || nameOf(object.dict.get('Type')) !== 'ObjStm')
      return damaged('object stream expected');
    const first = intOf(object.dict.get('First'));
    const n = intOf(object.dict.get('N'));
    const length = await this.deref(object.dict.get('Length'));
    const data = await decodeStream(
      this.source,
      object,
      intOf(length ?? undefined),
      budget,
      'an object stream',
    );
    if (first === undefined || n === undefined || first > data.length || n * 4 > first + 4)
      return damaged('object stream header');
    const numbers = text(data.subarray(0, first)).trim().split(/\s+/).filter(Boolean).map(Number);
    if (numbers.length < 2 * n || numbers.some((x) => !Number.isSafeInteger(x) || x < 0))
      return damaged('object stream header');
    const pairs = [];
    for (let i = 0; i < n; i++) pairs.push({ num: numbers[2 * i]!, offset: numbers[2 * i + 1]! });
    return { pairs, data, first };
  }
}
