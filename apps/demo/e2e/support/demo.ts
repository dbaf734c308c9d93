/** The demo back end as the tests see it: `startDemo()` from `apps/demo/server/index.ts`. */
import type { Sandbox } from '@itsme-sign/sandbox';
import { type Backend, startDemo as startDemoServer } from '../../server/index.js';

export type { Backend };

export interface DemoHandle {
  /** Where the demo app is served, e.g. `http://127.0.0.1:41234`. */
  url: string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export async function startDemo(backend: Backend): Promise<DemoHandle> {
  // E2E_LOG=1 prints the back end's log lines (off by default: the output stays readable).
  const log = process.env.E2E_LOG ? (line: string) => console.log(`[${backend}] ${line}`) : undefined;
  return startDemoServer({ backend, port: 0, ...(log ? { log } : {}) });
}
