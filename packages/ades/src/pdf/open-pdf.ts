/**
 * Takes the document as the caller gives it and makes it readable by position while the one whole-file pass
 * (./file-scan.ts) runs over it. Bytes stay where they are; a file or a random-access source is read by
 * position, in runs; a stream is kept in memory up to `SPOOL_THRESHOLD` and beyond that written to a
 * private temporary file, so that reading a large PDF costs the same memory as a small one.
 */
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContentInput, chunksOf, handleSource, type OpenedContent, openContent } from '../content.js';
import { settledStamp } from '../file-identity.js';
import { type FileScan, FileScanner } from './file-scan.js';
import { type ByteSource, bufferSource } from './source.js';

/** Streams up to this size stay in memory. */
export const SPOOL_THRESHOLD = 4 << 20;
/** Bytes in memory are scanned in slices of this size, with a turn for other requests between them. */
const CHUNK = 256 << 10;
const WRITE_RUN = 1 << 20;

export interface OpenedPdf {
  source: ByteSource;
  scan: FileScan;
  /** The whole bytes when they are in memory (small documents, or bytes given as such). */
  bytes: Uint8Array | undefined;
  /** For a file unchanged during the pass (and not racy): its stamp (./file-identity.ts). */
  stamp?: string | undefined;
  /** Removes the temporary file, if any, or closes the file. */
  close(): Promise<void>;
}

const yieldToEventLoop = () => new Promise((r) => setImmediate(r));

export async function openPdf(input: ContentInput): Promise<OpenedPdf> {
  const opened = await openContent(input);
  if (opened.kind === 'bytes') return openBytes(opened.bytes);
  if (opened.kind === 'random') {
    try {
      return await openRandom(opened);
    } catch (e) {
      await opened.close();
      throw e;
    }
  }
  return openStream(opened.stream);
}

async function openBytes(given: Uint8Array): Promise<OpenedPdf> {
  const scanner = new FileScanner();
  for (let at = 0; at < given.length; at += CHUNK) {
    scanner.push(given.subarray(at, at + CHUNK));
    await yieldToEventLoop();
  }
  return { source: bufferSource(given), scan: scanner.finish(), bytes: given, close: async () => {} };
}

/** One sequential pass by position (each run is a turn of the event loop), then reads by position. */
async function openRandom(opened: Extract<OpenedContent, { kind: 'random' }>): Promise<OpenedPdf> {
  const { handle, source, close, stamp: before } = opened;
  const scanner = new FileScanner();
  for await (const run of chunksOf(opened, true)) scanner.push(run);
  const stamp = handle && before ? await settledStamp(handle, before) : undefined;
  return { source, scan: scanner.finish(), bytes: undefined, stamp, close };
}

async function openStream(given: AsyncIterable<Uint8Array>): Promise<OpenedPdf> {
  const scanner = new FileScanner();
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let size = 0;
  let spool: Spool | undefined;
  try {
    for await (const chunk of given) {
      scanner.push(chunk);
      size += chunk.length;
      held.push(chunk);
      heldBytes += chunk.length;
      if (!spool && size > SPOOL_THRESHOLD) spool = await openSpool();
      // Written in runs of a few MiB (one system call per stream chunk would cost more).
      if (spool && heldBytes >= WRITE_RUN) {
        await writeAll(spool.handle, held, heldBytes);
        held.length = 0;
        heldBytes = 0;
      }
    }
    if (spool && heldBytes > 0) await writeAll(spool.handle, held, heldBytes);
  } catch (e) {
    if (spool) await closeSpool(spool);
    throw e;
  }
  const scan = scanner.finish();
  if (!spool) {
    const bytes = Buffer.concat(held);
    return { source: bufferSource(bytes), scan, bytes, close: async () => {} };
  }
  const s = spool;
  return {
    source: handleSource(spool.handle, size),
    scan,
    bytes: undefined,
    close: () => closeSpool(s),
  };
}

/** One `writev`, and the rest (if the system wrote less) with plain writes. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], total: number): Promise<void> {
  const { bytesWritten } = await handle.writev(buffers);
  if (bytesWritten < total) await handle.write(Buffer.concat(buffers).subarray(bytesWritten));
}

interface Spool {
  dir: string;
  handle: FileHandle;
}

async function openSpool(): Promise<Spool> {
  const dir = await mkdtemp(join(tmpdir(), 'itsme-sign-pdf-'));
  return { dir, handle: await open(join(dir, 'document.pdf'), 'w+', 0o600) };
}

async function closeSpool(spool: Spool) {
  await spool.handle.close().catch(() => {});
  await rm(spool.dir, { recursive: true, force: true });
}
