/** Generates the sandbox PKI once for the whole test run; every test file starts its sandboxes on it (fast path). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadOrCreatePki } from '../pki/authority.js';

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'itsme-sandbox-test-'));
  await loadOrCreatePki(dir);
  project.provide('sandboxDataDir', dir);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    sandboxDataDir: string;
  }
}
