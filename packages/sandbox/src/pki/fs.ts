/** Atomic file replacement for a data directory several sandbox processes may share. */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** Writes to a temp file next to `file`, then renames it over `file` (readers see the old or the new content). */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
