/**
 * Writing a file so that it is either whole or absent: into a private directory made next to it (mode 0700,
 * so that nobody else can open or swap what is inside, whatever its mode while it is written), flushed to the
 * disk, then renamed over the destination, and the directory flushed. A failure removes the private
 * directory and leaves whatever was at the destination untouched. File-system errors are reported by their
 * code only: paths are the app's and stay out of answers and logs.
 */
import { type FileHandle, mkdtemp, open, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ItsmeSignError } from '@itsme-sign/core';
import { fail } from './errors.js';

export interface AtomicWriteOptions {
  /** Flush the file and its directory to the disk before returning (default true: survives a crash). */
  sync?: boolean;
}

/** Writes all of `buffer` at `position`, or at the handle's position. */
export async function writeFully(handle: FileHandle, buffer: Uint8Array, position?: number): Promise<void> {
  for (let done = 0; done < buffer.length; ) {
    const at = position === undefined ? null : position + done;
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, at);
    done += bytesWritten;
  }
}

/** A file-system failure as a typed error naming its code, not its paths. */
function fileError(e: unknown, what: string): never {
  if (e instanceof ItsmeSignError) throw e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  return fail('INTERNAL_ERROR', `The signed file cannot be ${what} (${code}).`, { field: 'path' });
}

/** Flushes the directory (the rename), where the platform allows it. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => {});
  await handle?.close().catch(() => {});
}

/** Creates the file `fill` is given, exclusively and private (mode 0600). */
export const createPrivate = (temporary: string): Promise<FileHandle> => open(temporary, 'wx', 0o600);

/**
 * Runs `fill` with the name of a file to create in a fresh private directory (it must create it, e.g. with
 * `createPrivate`, and return its open handle, which it closes itself if it fails), then gives that file the
 * name `path`. Returns its size.
 */
export async function writeAtomically(
  path: string,
  fill: (temporary: string) => Promise<FileHandle>,
  options: AtomicWriteOptions = {},
): Promise<number> {
  const directory = dirname(path);
  let privateDirectory: string;
  try {
    privateDirectory = await mkdtemp(join(directory, '.itsme-sign-'));
  } catch (e) {
    return fileError(e, 'created');
  }
  const temporary = join(privateDirectory, 'signed');
  const sync = options.sync ?? true;
  try {
    const handle = await fill(temporary);
    let size: number;
    try {
      if (sync) await handle.datasync();
      size = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    await rmdir(privateDirectory);
    if (sync) await syncDirectory(directory);
    return size;
  } catch (e) {
    await rm(privateDirectory, { recursive: true, force: true });
    return fileError(e, 'written');
  }
}
