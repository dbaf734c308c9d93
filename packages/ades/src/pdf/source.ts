/**
 * Random access to the PDF's bytes, and reading one indirect object at an offset through a window that
 * grows only as far as the object needs (bounded by `PDF_LIMITS.maxObjectBytes`).
 */
import { fail } from '../errors.js';
import { PDF_LIMITS } from './limits.js';
import { NeedMoreBytes, type PdfObject, PdfParser } from './objects.js';

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A source over bytes in memory (no copy). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/**
 * Runs `parse` on a window of the file starting at `offset`, growing it from 4 KiB while the parser runs out
 * of bytes. Refuses objects longer than `PDF_LIMITS.maxObjectBytes`.
 */
export async function parseWindow<T>(
  source: ByteSource,
  offset: number,
  parse: (parser: PdfParser) => T,
): Promise<T> {
  for (let size = 4096; ; size *= 4) {
    const length = Math.min(size, PDF_LIMITS.maxObjectBytes);
    const bytes = await source.read(offset, length);
    const parser = new PdfParser(bytes, offset, offset + bytes.length >= source.size);
    try {
      return parse(parser);
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      if (length >= PDF_LIMITS.maxObjectBytes)
        fail(
          'INVALID_REQUEST',
          `The PDF has an object larger than ${PDF_LIMITS.maxObjectBytes >> 20} MiB (outside stream data).`,
          { field: 'document' },
        );
    }
  }
}

/** The indirect object `N G obj …` at `offset`. */
export function readIndirectAt(
  source: ByteSource,
  offset: number,
): Promise<{ num: number; gen: number; object: PdfObject }> {
  return parseWindow(source, offset, (p) => p.indirect());
}
