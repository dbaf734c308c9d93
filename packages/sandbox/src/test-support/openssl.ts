/** openssl, run asynchronously (the sandbox under test answers in the same process). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** stdout + stderr of a successful run; throws (with both in the message) on a non-zero exit. */
export async function openssl(...args: string[]): Promise<string> {
  try {
    const r = await run('openssl', args, { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** stdout + stderr whatever the exit status, and the status. */
export async function opensslAny(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    return { code: 0, out: await openssl(...args) };
  } catch (e) {
    return { code: 1, out: (e as Error).message };
  }
}
