/**
 * The data of the streams the reader must decode (cross-reference and object streams): located by
 * /Length (checked against `endstream`), inflated with an output limit and a per-document budget, PNG
 * predictors undone. No other filter is needed for these streams in the files writers produce.
 */
import { promisify } from 'node:util';
import { constants, inflate } from 'node:zlib';
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { damaged, intOf, nameOf, PdfDict, type PdfStream } from './objects.js';
import type { ByteSource } from './source.js';

const inflateAsync = promisify(inflate);

/** Decoded bytes spent so far for one document. */
export interface DecodeBudget {
  decoded: number;
  /** Bytes that may be decoded in all. */
  limit: number;
}

const tooBig = (what: string): never =>
  fail(
    'INVALID_REQUEST',
    `The PDF has ${what} that decompresses to more than ${PDF_LIMITS.maxDecodedStream >> 20} MiB.`,
    { field: 'document' },
  );

/** Where the stream's data ends: /Length when `endstream` follows it, else the first `endstream`. */
async function dataLength(
  source: ByteSource,
  stream: PdfStream,
  length: number | undefined,
): Promise<number> {
  const start = stream.dataOffset;
  if (length !== undefined && length >= 0 && start + length <= source.size) {
    const after = Buffer.from(await source.read(start + length, 32)).toString('latin1');
    if (/^\s*endstream/.test(after)) return length;
  }
  // A wrong /Length: viewers search for the keyword; so do we, within the bound.
  const window = Buffer.from(await source.read(start, PDF_LIMITS.maxDecodedStream + 16));
  const at = window.indexOf('endstream', 0, 'latin1');
  if (at === -1) return tooBig('a stream without end');
  let end = at;
  if (window[end - 1] === 0x0a) end--;
  if (window[end - 1] === 0x0d) end--;
  return end;
}

/** The decoded data of a cross-reference or object stream. `length` is its resolved /Length. */
export async function decodeStream(
  source: ByteSource,
  stream: PdfStream,
  length: number | undefined,
  budget: DecodeBudget,
  what: string,
): Promise<Uint8Array> {
  const raw = await source.read(stream.dataOffset, await dataLength(source, stream, length));
  const filter = stream.dict.get('Filter');
  const filters = Array.isArray(filter) ? filter : filter === undefined ? [] : [filter];
  if (filters.length > 1 || (filters.length === 1 && nameOf(filters[0]) !== 'FlateDecode'))
    fail('INVALID_REQUEST', `The PDF has ${what} with a filter other than FlateDecode.`, {
      field: 'document',
    });
  let data: Uint8Array = raw;
  if (filters.length === 1) {
    const left = budget.limit - budget.decoded;
    if (left <= 0)
      fail(
        'INVALID_REQUEST',
        `The PDF's cross-reference and object streams decompress to more than ${budget.limit >> 20} MiB.`,
        { field: 'document' },
      );
    try {
      data = await inflateAsync(raw, {
        maxOutputLength: Math.min(PDF_LIMITS.maxDecodedStream, left),
        finishFlush: constants.Z_SYNC_FLUSH,
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return tooBig(what);
      return damaged(`${what} cannot be decompressed`);
    }
  }
  budget.decoded += data.length;
  const params = stream.dict.get('DecodeParms');
  const parms = Array.isArray(params) ? params[0] : params;
  return unpredict(data, parms instanceof PdfDict ? parms : undefined);
}

/** Undoes PNG predictors (/Predictor 10–15), which most cross-reference streams use. */
function unpredict(data: Uint8Array, params: PdfDict | undefined): Uint8Array {
  const num = (k: string, d: number) => (params?.get(k) === undefined ? d : (intOf(params.get(k)) ?? -1));
  const predictor = num('Predictor', 1);
  if (predictor === 1) return data;
  if (predictor < 10 || predictor > 15) return damaged('unsupported predictor');
  const colors = num('Colors', 1);
  const bits = num('BitsPerComponent', 8);
  const columns = num('Columns', 1);
  if (![colors, bits, columns].every((x) => x > 0 && x <= 1 << 16) || bits % 8 !== 0)
    return damaged('bad predictor parameters');
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
      } else if (type !== 0) return damaged('bad predictor row');
      out[dst + i] = (data[src + i]! + pred) & 0xff;
    }
  }
  return out;
}
