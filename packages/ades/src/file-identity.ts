/**
 * What makes a file on disk the same file, unchanged: device, inode, size, and its modification and change
 * times to the nanosecond (as git and rsync tell an unchanged file). A change time can only move forward
 * (any write or `utimes` sets it to the clock), so once a file's stamp is older than the clock's granularity
 * around the read, any later change shows in the stamp. A file changed close to the read is "racy": no
 * stamp is kept for it, and finalize hashes it again.
 */
import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * A file whose times are this recent when it is read gets no stamp: covers coarse kernel clocks, file systems
 * that keep times to 2 s (FAT), and some clock skew with a network file system.
 */
export const RACY_MS = 2_500;

/** The stamp of these file attributes. */
export const stampOf = (s: BigIntStats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;

/** The file's stamp now. */
export async function fileStamp(handle: FileHandle): Promise<string> {
  return stampOf(await handle.stat({ bigint: true }));
}

/** The stamp of a file read between `before` and now, if it did not change meanwhile and is not racy. */
export async function settledStamp(
  handle: FileHandle,
  before: string,
  now = Date.now(),
): Promise<string | undefined> {
  const after = await fileStamp(handle);
  if (after !== before) return undefined;
  const [, , , mtimeNs, ctimeNs] = after.split(':').map(BigInt) as bigint[];
  const limit = BigInt(now - RACY_MS) * 1_000_000n;
  return mtimeNs! < limit && ctimeNs! < limit ? after : undefined;
}
