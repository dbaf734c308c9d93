/**
 * Starts a real `redis-server` on a free loopback port (no persistence) and stops it.
 * The logic of test-support/src/redis/server.ts (@itsme-sign/test-support/redis), in plain JavaScript.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTracked, stopProcess } from './processes.mjs';

const BIN = process.env.REDIS_SERVER ?? 'redis-server';

async function waitForPort(port, deadlineMs = 10_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedisServer() {
  if (spawnSync(BIN, ['--version']).error) {
    throw new Error(
      `${BIN} is not installed (apt-get install redis-server); this benchmark needs a real server.`,
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'itsme-bench-redis-'));
  const child = spawnTracked(
    BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  try {
    await waitForPort(port);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
