/**
 * `pnpm demo` (scripts/start.mjs): the same ports on every start unless told otherwise, and a clear message
 * when one of them is taken. Runs the built server (`dist-server`, built with the demo).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS, parseCliOptions } from '../server/cli.js';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = join(demoDir, 'scripts', 'start.mjs');

describe('pnpm demo options', () => {
  it('fixed default ports (app 3000, sandbox 4430 and 4431), overridden by env, flags winning', () => {
    expect(parseCliOptions([], {})).toMatchObject({
      backend: 'express',
      port: 3000,
      sandboxB2bPort: 4430,
      sandboxFrontPort: 4431,
    });
    expect(DEFAULT_PORTS).toEqual({ app: 3000, sandboxB2b: 4430, sandboxFront: 4431 });
    const env = { PORT: '3100', SANDBOX_B2B_PORT: '5430', SANDBOX_FRONT_PORT: '5431' };
    expect(parseCliOptions([], env)).toMatchObject({
      port: 3100,
      sandboxB2bPort: 5430,
      sandboxFrontPort: 5431,
    });
    expect(parseCliOptions(['--', '--port', '3200', '--backend', 'nest'], env)).toMatchObject({
      port: 3200,
      backend: 'nest',
    });
    expect(() => parseCliOptions(['--port', 'x'], {})).toThrow(/--port \/ PORT must be a port number/);
  });

  it('a port that is taken ends the start with a message naming it and how to pick another', async () => {
    if (!existsSync(join(demoDir, 'dist-server', 'cli.js'))) {
      throw new Error('apps/demo/dist-server is missing: build the demo first (pnpm build)');
    }
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [START, '--quiet', '--port', String(taken), '--sandbox-b2b-port', '0', '--sandbox-front-port', '0'],
        {
          cwd: demoDir,
          env: { ...process.env, SANDBOX_DATA_DIR: join(demoDir, 'test-output', 'cli-sandbox') },
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(stderr).toContain(`Port ${taken} (the demo app) is already in use`);
      expect(stderr).toContain(`PORT=${taken + 1} pnpm demo`);
      expect(stderr).toContain(`--port ${taken + 1}`);
      expect(code).toBe(1);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
