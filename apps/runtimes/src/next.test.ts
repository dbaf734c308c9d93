/**
 * The Next.js route handler for real: `next build` of `next-app/` (App Router, `app/api/itsme/[...path]/route.ts`),
 * then `next start` on a free port with the configuration in environment variables, driven over HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { reservePort, sandboxEnv, signThroughApp } from '@itsme-sign/test-support/web-flow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BASE = '/api/itsme';
const appDir = fileURLToPath(new URL('../next-app/', import.meta.url));
const nextBin = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
let sandbox: Sandbox;
let next: ChildProcess | undefined;
let origin: string;
let output = '';

/** Runs `next <args>` in the app folder; resolves once `until` is printed (or the process exits 0). */
function runNext(args: string[], env: NodeJS.ProcessEnv, until?: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve(child);
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', (code) =>
      code === 0 && !until ? resolve(child) : reject(new Error(`next ${args[0]} exited ${code}:\n${output}`)),
    );
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'itsme-next-')) });
  await runNext(['build'], { NODE_ENV: 'production' });
  const port = await reservePort();
  origin = `http://127.0.0.1:${port}`;
  sandbox.addRedirectUrl(`${origin}${BASE}/callback`);
  output = '';
  next = await runNext(
    ['start', '--port', String(port), '--hostname', '127.0.0.1'],
    { NODE_ENV: 'production', ...sandboxEnv(sandbox, `${origin}${BASE}/callback`) },
    /Ready in/,
  );
});
afterAll(async () => {
  if (next && next.exitCode === null) {
    const exited = new Promise((resolve) => next?.once('exit', resolve));
    next.kill('SIGTERM');
    await exited;
  }
  await sandbox?.close();
});

describe('Next.js App Router route handler (next build + next start) against the sandbox', () => {
  it('signs a digest end to end through app/api/itsme/[...path]/route.ts', async () => {
    const browser = await signThroughApp({ origin, base: BASE, statusPage: '/sign/status', sandbox });
    expect((await browser.json(`${BASE}/sessions`, { method: 'DELETE' })).status).toBe(405);
    const unknown = await browser.json(`${BASE}/nope`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });
});
