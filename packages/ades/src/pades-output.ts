/**
 * PAdES step 2 without the document in memory: `finalizePadesStream` yields the signed PDF (original, then
 * the signature section); `finalizePadesToFile` writes it to a file, whole or not at all. Both check on the
 * way that the original is the document prepare read — by its hash, or, for the same file unchanged since
 * long before prepare, by its stamp (./file-identity.ts) — and fail with DOCUMENT_CHANGED before the section.
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { type AtomicWriteOptions, writeAtomically, writeFully } from './atomic-file.js';
import { type ContentInput, chunksOf, type OpenedContent, openContent, release } from './content.js';
import { fail } from './errors.js';
import { fileStamp } from './file-identity.js';
import {
  changed,
  checkDigest,
  finalizePades,
  readStoredUpdate,
  type StoredUpdate,
  sealedSection,
} from './pades-finalize.js';
import type { FinalizeOptions } from './seal.js';
import { isLongTerm, levelField, optionalString } from './state.js';

/** How finalize makes sure the original is the prepared document. */
export interface OriginalCheckOptions {
  /**
   * `'stamp'` (default): a file unchanged since before prepare read it — same device, inode, size, and
   * modification and change times to the nanosecond, not modified within the racy window of that read — is
   * trusted without being hashed again (as git and rsync tell an unchanged file); anything else is hashed.
   * A write through a shared memory mapping to a page that is already dirty does not move a file's times on
   * Linux: if the documents may be written that way while they are signed, use `'hash'`, which always hashes.
   */
  originalCheck?: 'stamp' | 'hash';
}

/**
 * Follows the original as it goes by and tells, at its end, whether it is the prepared one: by its hash, or
 * for the unchanged file by its stamp, taken again at the end.
 */
class OriginalCheck {
  private size = 0;

  private constructor(
    private readonly update: StoredUpdate,
    private readonly hash: Hash | undefined,
    private readonly unchanged: { handle: FileHandle; stamp: string } | undefined,
  ) {}

  static start(update: StoredUpdate, opened: OpenedContent, options: OriginalCheckOptions): OriginalCheck {
    const stamp = optionalString(update.state, 'fileStamp');
    const trusted = (options.originalCheck ?? 'stamp') === 'stamp' && stamp !== undefined;
    if (trusted && opened.kind === 'random' && opened.handle && opened.stamp === stamp)
      return new OriginalCheck(update, undefined, { handle: opened.handle, stamp });
    return new OriginalCheck(update, createHash('sha256'), undefined);
  }

  feed(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.update.originalSize) changed('it is longer');
    this.hash?.update(chunk);
  }

  async finish(): Promise<void> {
    if (this.size !== this.update.originalSize) changed('it is shorter');
    if (this.hash) checkDigest(this.update, this.hash);
    else if ((await fileStamp(this.unchanged!.handle)) !== this.unchanged!.stamp)
      changed('the file was modified while it was read');
  }
}

function streamedLevel(update: StoredUpdate): void {
  if (isLongTerm(levelField(update.state)))
    fail('INVALID_CONFIG', 'B-LT and B-LTA are written by finalizePades (or extendPades), not streamed.', {
      field: 'level',
    });
}

/**
 * Step 2, streamed: checks the certificate and the signature value and builds the CMS first, then yields
 * the original document as it reads it and the signature section last. If the document is not the one that
 * was prepared, the stream fails with DOCUMENT_CHANGED before the section: what was written so far is not a
 * signed PDF and must be discarded (`finalizePadesToFile` does that for you). Every chunk is a fresh buffer.
 * A file is closed when the stream ends, fails or is returned (`break` in `for await`); a stream dropped
 * half-read without that keeps its file open until it is garbage-collected.
 */
export async function finalizePadesStream(
  pdf: ContentInput,
  state: unknown,
  signatureValue: string | Uint8Array,
  options: FinalizeOptions & OriginalCheckOptions,
): Promise<AsyncIterable<Uint8Array>> {
  const update = readStoredUpdate(state);
  streamedLevel(update);
  const { section } = await sealedSection(update, signatureValue, options);
  return (async function* () {
    const opened = await openContent(pdf);
    try {
      const check = OriginalCheck.start(update, opened, options);
      for await (const chunk of chunksOf(opened)) {
        check.feed(chunk);
        yield chunk;
      }
      await check.finish();
      yield section;
    } finally {
      await release(opened);
    }
  })();
}

/**
 * Step 2, to a file: writes the signed PDF to `path` through a private temporary file renamed at the end, so
 * that `path` holds a whole signed PDF or is left as it was (DOCUMENT_CHANGED, a full disk…). Memory stays
 * flat in the size (a file or a random-access source is read into two buffers in turn); B-LT and B-LTA
 * are built in memory by `finalizePades`, then written the same way. Returns the signed file's size.
 */
export async function finalizePadesToFile(
  pdf: ContentInput,
  state: unknown,
  signatureValue: string | Uint8Array,
  path: string,
  options: FinalizeOptions & AtomicWriteOptions & OriginalCheckOptions,
): Promise<{ size: number }> {
  const update = readStoredUpdate(state);
  if (isLongTerm(levelField(update.state))) {
    const signed = await finalizePades(pdf, state, signatureValue, options);
    return { size: await writeAtomically(path, (out) => writeFully(out, signed), options) };
  }
  const { section } = await sealedSection(update, signatureValue, options);
  const size = await writeAtomically(
    path,
    async (out) => {
      // Opened once the temporary file exists: nothing to close if that fails.
      const opened = await openContent(pdf);
      try {
        const check = OriginalCheck.start(update, opened, options);
        // Each run is written before the next is asked for: the runs may share their buffers. (Not a
        // system copy by path or through /proc: one that runs while the file shrinks never ends.)
        for await (const run of chunksOf(opened, true)) {
          check.feed(run);
          await writeFully(out, run);
        }
        await check.finish();
        await writeFully(out, section);
      } finally {
        await release(opened);
      }
    },
    options,
  );
  return { size };
}
