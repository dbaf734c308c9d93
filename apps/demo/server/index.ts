/**
 * Starts the whole demo in one process: the offline itsme® sandbox, a back end (Express or NestJS) with the
 * itsme® Sign routes, and the built Angular front end.
 */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type Sandbox, startSandbox } from '@itsme-sign/sandbox';
import { DocumentLibrary } from './documents.js';
import { EvidenceLog } from './evidence.js';
import { createExpressApp } from './express-app.js';

export type Backend = 'express' | 'nest';

export interface DemoOptions {
  backend?: Backend;
  /** Port of the app. 0 = a free one. Default 0 (`pnpm demo` uses the fixed `DEFAULT_PORTS` of `cli.ts`). */
  port?: number;
  host?: string;
  /** Ports of the sandbox (B2B API and user pages). Default 0 (`pnpm demo`: 4430 and 4431). */
  sandboxB2bPort?: number;
  sandboxFrontPort?: number;
  /** Where the sandbox keeps its PKI and users. */
  sandboxDataDir?: string;
  /** Use Redis for sessions (else memory). */
  redisUrl?: string;
  /** Time the sandbox user has to act in the app (ms). */
  actionTimeoutMs?: number;
  level?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  log?: (line: string) => void;
}

export interface RunningDemo {
  url: string;
  backend: Backend;
  sandbox: Sandbox;
  close(): Promise<void>;
}

/** A free port on `host` (the redirect URL must be known before the back end starts). */
async function freePort(host: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, host, r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const backend = options.backend ?? 'express';
  const host = options.host ?? '127.0.0.1';
  const sandbox = await startSandbox({
    host,
    b2bPort: options.sandboxB2bPort ?? 0,
    frontPort: options.sandboxFrontPort ?? 0,
    ...(options.sandboxDataDir ? { dataDir: options.sandboxDataDir } : {}),
    ...(options.actionTimeoutMs ? { actionTimeoutMs: options.actionTimeoutMs } : {}),
  });
  // The demo's partner has the batch-signing contract option (itsme®'s limit: 70 documents).
  sandbox.control.setMaxHashes(70);
  try {
    const port = options.port || (await freePort(host));
    const origin = `http://${host}:${port}`;
    const library = await DocumentLibrary.create();
    const settings = {
      sandbox,
      origin,
      library,
      evidence: new EvidenceLog(),
      redisUrl: options.redisUrl,
      ...(options.level ? { level: options.level } : {}),
      ...(options.log ? { log: options.log } : {}),
    };
    let stop: () => Promise<void>;
    if (backend === 'nest') {
      const { startNestApp } = await import('./nest-app.js');
      stop = await startNestApp(settings, port, host);
    } else {
      const { app, close } = createExpressApp(settings);
      const server = app.listen(port, host);
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      stop = async () => {
        await close();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      };
    }
    return {
      url: origin,
      backend,
      sandbox,
      async close() {
        await stop();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
