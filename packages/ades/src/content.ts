/**
 * Document content as the caller has it — bytes, a stream, a stream factory, a file on disk, or a source
 * readable by position (object storage with range requests) — hashed or read in constant memory.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { fail } from './errors.js';
import { stampOf } from './file-identity.js';

/** A document on disk, read by position in large runs (no copy in memory or on disk). */
export interface FileContent {
  readonly path: string;
}

/** A document readable by position: object storage with range requests, a database blob. */
export interface RandomAccessContent {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer only at the end). The returned bytes are not modified later. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Bytes, a stream of chunks, a function that opens a fresh stream (as core's `DocumentSource.data`), a file
 * (`{ path }`), or a source readable by position (`{ size, read }`). Files and random-access sources are the
 * fastest for large PDFs: they are read by position instead of being copied to a temporary file.
 */
export type ContentInput =
  | Uint8Array
  | AsyncIterable<Uint8Array>
  | (() => AsyncIterable<Uint8Array>)
  | FileContent
  | RandomAccessContent;

/** Sequential reads of files and random-access sources are made in runs of this size. */
export const READ_RUN = 4 << 20;

/** What an input is, once opened: bytes, a stream, or random access (with its close). */
export type OpenedContent =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; stream: AsyncIterable<Uint8Array> }
  | {
      kind: 'random';
      source: RandomAccessContent;
      /** For a file: its handle, and its stamp when it was opened (./file-identity.ts). */
      handle: FileHandle | undefined;
      stamp?: string;
      close(): Promise<void>;
    };

const isAsyncIterable = (x: object): x is AsyncIterable<Uint8Array> => Symbol.asyncIterator in x;

/** Opens the input (a file is opened read-only; the caller closes random access). */
export async function openContent(input: ContentInput): Promise<OpenedContent> {
  const given = typeof input === 'function' ? input() : input;
  if (given instanceof Uint8Array) return { kind: 'bytes', bytes: given };
  // A Node read stream has a `path` too: streams are told apart first.
  if (isAsyncIterable(given)) return { kind: 'stream', stream: given };
  if ('read' in given && typeof given.read === 'function') {
    if (!Number.isSafeInteger(given.size) || given.size < 0)
      fail('INVALID_REQUEST', 'The document source has no valid size.', { field: 'document' });
    return { kind: 'random', source: checkedSource(given), handle: undefined, close: async () => {} };
  }
  if ('path' in given && typeof given.path === 'string') return openPath(given.path);
  return fail('INVALID_REQUEST', 'The document is neither bytes, a stream, a file nor a readable source.', {
    field: 'document',
  });
}

/**
 * An app's random-access source held to its contract: bytes, exactly what was asked for (cut when it gives
 * more, refused when it gives less before the end).
 */
function checkedSource(given: RandomAccessContent): RandomAccessContent {
  const { size } = given;
  const bad = (why: string): never =>
    fail('INVALID_REQUEST', `The document source ${why}.`, { field: 'document' });
  return {
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      const got: unknown = await given.read(offset, want);
      if (!(got instanceof Uint8Array)) return bad('returned something other than bytes');
      if (got.length < want) return bad('returned fewer bytes than its size promises');
      return got.length > want ? got.subarray(0, want) : got;
    },
  };
}

async function openPath(path: string): Promise<OpenedContent> {
  let handle: FileHandle;
  // The path is the app's, not the user's: named by its error code only (no path in answers or logs).
  const refuse = (why: string): never =>
    fail('INVALID_REQUEST', `The document file cannot be read (${why}).`, { field: 'document' });
  try {
    // Non-blocking: a FIFO or a device opens at once (and is refused below) instead of waiting for a writer.
    handle = await openFile(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    return refuse((e as NodeJS.ErrnoException).code ?? 'unknown error');
  }
  const stat = await handle.stat({ bigint: true }).catch(() => undefined);
  if (!stat?.isFile()) {
    await handle.close().catch(() => {});
    return refuse(stat ? 'not a regular file' : 'no attributes');
  }
  const h = handle;
  return {
    kind: 'random',
    handle,
    stamp: stampOf(stat),
    source: handleSource(handle, Number(stat.size)),
    close: () => h.close().catch(() => {}),
  };
}

/** Reads by position from an open file of `size` bytes (fewer bytes only at its end). */
export function handleSource(handle: FileHandle, size: number): RandomAccessContent {
  return {
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buffer = Buffer.allocUnsafe(n);
      return buffer.subarray(0, await readFully(handle, buffer, n, offset));
    },
  };
}

/** Reads `length` bytes at `position` into `buffer` (fewer only at the end of the file); returns the count. */
async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

type RandomOpened = Extract<OpenedContent, { kind: 'random' }>;

/**
 * A read started ahead of need: its failure is taken when it is awaited, not reported as unhandled if it
 * fails while the caller is still busy with the previous run.
 */
function inFlight<T>(read: Promise<T>): Promise<T> {
  read.catch(() => {});
  return read;
}

/**
 * Sequential runs for a reader that does not keep them (hashing, scanning, writing and awaiting): a file is
 * read into two buffers in turn — the next run while the caller works on this one — so that reading 100 MiB
 * leaves no garbage behind. A run is valid until the next one is asked for. Other sources: `sequentialRuns`.
 */
async function* scratchRuns(opened: RandomOpened): AsyncGenerator<Uint8Array> {
  const { handle, source } = opened;
  if (!handle) {
    yield* sequentialRuns(source);
    return;
  }
  const { size } = source;
  const buffers = [0, 1].map(() => Buffer.allocUnsafe(Math.min(READ_RUN, size)));
  const fill = (i: number, at: number) =>
    at < size ? inFlight(readFully(handle, buffers[i]!, Math.min(READ_RUN, size - at), at)) : undefined;
  let next = fill(0, 0);
  try {
    for (let at = 0, i = 0; next; i ^= 1) {
      const n = await next;
      next = undefined;
      if (n === 0) fail('DOCUMENT_CHANGED', 'The document ended early.', { field: 'document' });
      at += n;
      next = fill(i ^ 1, at);
      yield buffers[i]!.subarray(0, n);
    }
  } finally {
    await next?.catch(() => {});
  }
}

/**
 * The bytes of a random-access source from start to end, in runs of `READ_RUN`, the next run read while the
 * caller works on the current one (hashing overlaps the I/O).
 */
async function* sequentialRuns(source: RandomAccessContent): AsyncGenerator<Uint8Array> {
  const { size } = source;
  const readFrom = (at: number) =>
    at < size ? inFlight(source.read(at, Math.min(READ_RUN, size - at))) : undefined;
  let next = readFrom(0);
  try {
    for (let at = 0; next; ) {
      const run = await next;
      next = undefined;
      if (run.length === 0) fail('DOCUMENT_CHANGED', 'The document ended early.', { field: 'document' });
      at += run.length;
      next = readFrom(at);
      yield run;
    }
  } finally {
    // Stopped early: the read in flight ends before the caller closes the file.
    await next?.catch(() => {});
  }
}

/**
 * Closes a file, or destroys a Node stream (one a step opened but did not read to its end, e.g. when it failed
 * before reading: its file would stay open). Other iterables are left alone: asking one for a new iterator
 * could start a new download just to stop it.
 */
export async function release(opened: OpenedContent): Promise<void> {
  if (opened.kind === 'random') await opened.close();
  else if (opened.kind === 'stream') (opened.stream as { destroy?: () => void }).destroy?.();
}

/**
 * The opened input's chunks in order; the caller releases the input afterwards (`release`). `reuse`: the
 * caller keeps no chunk once it asks for the next (hashing, scanning, writing and awaiting), so a file is read
 * into two buffers in turn; otherwise every chunk is a fresh buffer.
 */
export async function* chunksOf(opened: OpenedContent, reuse = false): AsyncGenerator<Uint8Array> {
  if (opened.kind === 'bytes') yield opened.bytes;
  else if (opened.kind === 'stream') yield* opened.stream;
  else yield* reuse ? scratchRuns(opened) : sequentialRuns(opened.source);
}

/** Every chunk of the input given to `use` (not kept after it returns), then the input released. */
async function eachChunk(
  input: ContentInput,
  reuse: boolean,
  use: (chunk: Uint8Array) => void,
): Promise<void> {
  const opened = await openContent(input);
  try {
    for await (const chunk of chunksOf(opened, reuse)) use(chunk);
  } finally {
    await release(opened);
  }
}

/** SHA-256 of the content, read chunk by chunk (constant memory). */
export async function sha256Content(input: ContentInput): Promise<Uint8Array> {
  const hash = createHash('sha256');
  await eachChunk(input, true, (chunk) => hash.update(chunk));
  return new Uint8Array(hash.digest());
}

/** The whole content in one buffer (to build a document in memory). */
export async function readContent(input: ContentInput): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  const chunks: Uint8Array[] = [];
  await eachChunk(input, false, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks); // a Buffer is a Uint8Array: no second copy
}
