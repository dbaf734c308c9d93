/**
 * Child processes a benchmark starts, tracked so that every one of them is stopped: on normal return (the
 * benchmark's `finally`), on an uncaught error, on SIGINT/SIGTERM, and — for our own child scripts, which keep
 * an IPC channel open — when this process dies, since they exit on `disconnect` (see `child-guard.mjs`).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const live = new Set();

process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of live) child.kill('SIGTERM');
    process.exit(130);
  });
}

/** Spawns and tracks a process; it is forgotten once it exits. */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, options);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Stops a tracked process (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
export async function stopProcess(child, graceMs = 5_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts one of our Node child scripts with an IPC channel and waits for the first JSON line it prints on
 * stdout (its "ready" message). Its stderr is passed through.
 */
export async function startNodeChild(
  script,
  args = [],
  { nodeArgs = [], env = {}, readyTimeoutMs = 60_000 } = {},
) {
  const child = spawnTracked(process.execPath, [...nodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: child.stdout });
  try {
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script} was not ready in ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`));
      });
      lines.on('line', (line) => {
        const text = line.trim();
        if (!text.startsWith('{')) return;
        clearTimeout(timer);
        resolve(JSON.parse(text));
      });
    });
    return { child, ready, stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort() {
  const srv = createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(() => resolve()));
  return port;
}

/** A LIFO list of clean-up steps; `run()` runs them all even if some fail. */
export class Cleanup {
  #steps = [];
  add(step) {
    this.#steps.push(step);
  }
  async run() {
    const errors = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop();
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) console.error(`clean-up: ${errors.length} step(s) failed:`, errors[0]);
  }
}
