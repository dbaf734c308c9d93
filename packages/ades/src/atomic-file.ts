/**
 * Writing a file so that it is either whole or absent: into a private temporary file next to it, flushed to
 * the disk, then renamed over the destination. A failure removes the temporary file and leaves whatever was
 * at the destination untouched.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail } from './errors.js';

export interface AtomicWriteOptions {
  /** Flush the file to the disk before it takes the destination's name (default true: survives a crash). */
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

/**
 * Runs `fill` on a fresh private file (mode 0600; `fill` gets its handle and its temporary name), then gives
 * it the name `path`. Returns its size.
 */
export async function writeAtomically(
  path: string,
  fill: (handle: FileHandle, temporary: string) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx', 0o600);
  } catch (e) {
    // The path is the app's: named by the error code only (no path in answers or logs).
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    return fail('INVALID_CONFIG', `The signed file cannot be created (${code}).`, { field: 'path' });
  }
  try {
    await fill(handle, temporary);
    if (options.sync ?? true) await handle.datasync();
    const { size } = await handle.stat();
    await handle.close();
    await rename(temporary, path);
    return size;
  } catch (e) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw e;
  }
}
