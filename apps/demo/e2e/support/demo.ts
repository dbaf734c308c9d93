/** The demo back end as the tests see it: `startDemo()` from `apps/demo/server/index.ts`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '@itsme-sign/sandbox';
import { type Backend, startDemo as startDemoServer } from '../../server/index.js';

export type { Backend };

export interface DemoHandle {
  /** Where the demo app is served, e.g. `http://127.0.0.1:41234`. */
  url: string;
  sandbox: Sandbox;
  /** The sandbox's root CA as a PEM file (for openssl). */
  rootCaFile: string;
  close(): Promise<void>;
}

export async function startDemo(backend: Backend): Promise<DemoHandle> {
  // E2E_LOG=1 prints the back end's log lines (off by default: the output stays readable).
  const log = process.env.E2E_LOG ? (line: string) => console.log(`[${backend}] ${line}`) : undefined;
  const demo = await startDemoServer({ backend, port: 0, ...(log ? { log } : {}) });
  const rootCaFile = join(mkdtempSync(join(tmpdir(), 'itsme-demo-e2e-')), 'root-ca.pem');
  writeFileSync(rootCaFile, demo.sandbox.credentials.rootCaPem);
  return Object.assign(demo, { rootCaFile });
}
