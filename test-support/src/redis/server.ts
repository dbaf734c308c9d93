/**
 * Starts a real `redis-server` on a free loopback port for a test, and stops it. Every server started here
 * is also killed when the test process exits (a test that failed before its `afterAll` leaves nothing
 * behind), and its temporary directory is removed on `stop()`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /** The server's working directory (removed by `stop()`). */
  dir: string;
  /** SIGTERM, then removes its directory. */
  stop(): Promise<void>;
  /** SIGKILL (a crash: nothing is flushed, clients see the connection drop); the directory stays. */
  kill(): Promise<void>;
  /** Stops and starts it again on the same port (data is lost: no persistence). */
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  /** More arguments after the defaults (e.g. `--replicaof`, `--cluster-enabled yes`, `--sentinel`). */
  args?: readonly string[];
  /** Writes a config file into the server's directory and returns its path, passed first (a sentinel needs one). */
  configFile?: (dir: string, port: number) => string;
  /** A port already chosen (default: a free one from the OS). */
  port?: number;
}

const BIN = process.env.REDIS_SERVER ?? 'redis-server';

/** Every server process alive in this test process and every directory not removed yet: gone on exit. */
const alive = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHook = false;
function track(child: ChildProcess): void {
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of alive) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
}
const removeDir = (dir: string): void => {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
};

/** A free loopback port from the OS. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited (${child.exitCode})`);
    if (Date.now() > until) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function exited(c: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    c.once('exit', () => resolve());
    c.kill(signal);
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (spawnSync(BIN, ['--version']).error) {
    throw new Error(
      `${BIN} is not installed (apt-get install redis-server); the Redis tests need a real server.`,
    );
  }
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'itsme-redis-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    mkdirSync(dir, { recursive: true }); // again after a stop() (the express tests stop, then restart)
    dirs.add(dir);
    const config = options.configFile ? [options.configFile(dir, port)] : [];
    child = spawn(
      BIN,
      [
        ...config,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        ...(options.args ?? []),
      ],
      { stdio: 'ignore' },
    );
    track(child);
    try {
      await waitForPort(port, child);
    } catch (error) {
      await exited(child, 'SIGKILL');
      throw error;
    }
  };
  try {
    await launch();
  } catch (error) {
    removeDir(dir);
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      await exited(child, 'SIGTERM');
      removeDir(dir);
    },
    kill: () => exited(child, 'SIGKILL'),
    async restart() {
      await exited(child, 'SIGTERM');
      await launch();
    },
  };
}

/** Stops them all, even when some fail to stop. */
export async function stopAll(servers: readonly (RedisServer | undefined)[]): Promise<void> {
  await Promise.allSettled(servers.map((s) => s?.stop()));
}
