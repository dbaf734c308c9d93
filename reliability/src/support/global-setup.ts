/**
 * Creates the sandbox PKI (root CA, partner certificate, TSA, one user) once for the whole run: every test
 * file copies this data directory and starts its sandbox on it without generating keys again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '@itsme-sign/sandbox';
import type { TestProject } from 'vitest/node';

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'itsme-reliability-pki-'));
  const sandbox = await startSandbox({ dataDir: dir });
  await sandbox.close();
  project.provide('reliabilityDataDir', dir);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityDataDir: string;
  }
}
