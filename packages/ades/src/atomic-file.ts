/**
 * Writing a file so that it is either whole or absent: into a temporary file next to it (created exclusively,
 * mode 0600), flushed to the disk, then renamed over the destination, and the directory flushed. A failure
 * removes the temporary file and leaves whatever was at the destination untouched. File-system errors are
 * reported by their code only: paths are the app's and stay out of answers and logs.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ItsmeSignError } from '@itsme-sign/core';
import { fail } from './errors.js';

export interface AtomicWriteOptions {
  /** Flush the file and its directory to the disk before returning (default true: survives a crash). */
  sync?: boolean;
}

/** Writes all of `buffer` at the handle's position. */
export async function writeFully(handle: FileHandle, buffer: Uint8Array): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done);
    done += bytesWritten;
  }
}

/** A file-system failure as a typed error naming its code, not its paths. */
function fileError(e: unknown, what: string): never {
  if (e instanceof ItsmeSignError) throw e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  return fail('INTERNAL_ERROR', `The signed file cannot be ${what} (${code}).`, { field: 'path' });
}

/** Flushes the directory (the rename), where the platform allows it; best effort. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => {});
  await handle?.close().catch(() => {});
}

/** Runs `fill` on a fresh private file, then gives it the name `path`. Returns its size. */
export async function writeAtomically(
  path: string,
  fill: (handle: FileHandle) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<number> {
  const directory = dirname(path);
  // A short name: a destination name near the file system's limit must still get a temporary sibling.
  const temporary = join(directory, `.itsme-sign-${randomBytes(6).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx', 0o600);
  } catch (e) {
    return fileError(e, 'created');
  }
  let size: number;
  try {
    await fill(handle);
    if (options.sync ?? true) await handle.datasync();
    size = (await handle.stat()).size;
    await handle.close();
    await rename(temporary, path);
  } catch (e) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    return fileError(e, 'written');
  }
  // The destination holds the signed file from here on: nothing below may report a failure.
  if (options.sync ?? true) await syncDirectory(directory);
  return size;
}
