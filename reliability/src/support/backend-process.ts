/** Runs `backend.mjs` in a child process: start, SIGKILL, restart on the same port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./backend.mjs', import.meta.url));

export interface BackendConfig {
  b2bUrl: string;
  partnerCode: string;
  serviceCode: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  redisUrl: string;
  cookieSecret: string;
}

export class BackendProcess {
  #child: ChildProcess | undefined;
  port = 0;
  starts = 0;
  kills = 0;

  constructor(readonly config: BackendConfig) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the back end (on the port of the previous run, if any) and waits until it listens. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { ...process.env, ITSME_BACKEND_CONFIG: JSON.stringify({ ...this.config, port: this.port }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ready (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) =>
        reject(new Error(`the back end exited (${code}) before it was ready:\n${stderr.slice(0, 2000)}`)),
      );
    });
    this.starts++;
  }

  /** SIGKILL: no shutdown hook runs, in-flight requests are lost. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.kills++;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }
}
