/**
 * The options of `pnpm demo` (scripts/start.mjs): fixed default ports, so the URL to open and the sandbox's
 * addresses stay the same from one start to the next; each one overridable by a flag or an environment variable.
 */
import { parseArgs } from 'node:util';
import type { Backend } from './index.js';

/** The demo app, the sandbox's B2B API (mutual TLS) and the sandbox's user pages and phone. */
export const DEFAULT_PORTS = Object.freeze({ app: 3000, sandboxB2b: 4430, sandboxFront: 4431 });

export interface CliOptions {
  backend: Backend;
  port: number;
  host: string;
  sandboxB2bPort: number;
  sandboxFrontPort: number;
  quiet: boolean;
}

/** Where each port comes from, to say how to change it. */
const PORT_SETTINGS = [
  { key: 'port', flag: '--port', env: 'PORT', what: 'the demo app' },
  {
    key: 'sandboxB2bPort',
    flag: '--sandbox-b2b-port',
    env: 'SANDBOX_B2B_PORT',
    what: "the sandbox's B2B API",
  },
  {
    key: 'sandboxFrontPort',
    flag: '--sandbox-front-port',
    env: 'SANDBOX_FRONT_PORT',
    what: "the sandbox's pages",
  },
] as const;

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new Error(`${name} must be a port number (0–65535, 0 = any free port), not "${value}".`);
  }
  return n;
}

/** Reads the flags (`pnpm demo -- --port 3001`) and the environment (`PORT=3001 pnpm demo`); flags win. */
export function parseCliOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): CliOptions {
  const args = [...argv];
  // `pnpm demo -- --backend nest` hands the script a literal `--` first: drop it.
  if (args[0] === '--') args.shift();
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string', default: env.DEMO_BACKEND ?? 'express' },
      port: { type: 'string', default: env.PORT || String(DEFAULT_PORTS.app) },
      host: { type: 'string', default: env.HOST ?? '127.0.0.1' },
      'sandbox-b2b-port': {
        type: 'string',
        default: env.SANDBOX_B2B_PORT || String(DEFAULT_PORTS.sandboxB2b),
      },
      'sandbox-front-port': {
        type: 'string',
        default: env.SANDBOX_FRONT_PORT || String(DEFAULT_PORTS.sandboxFront),
      },
      quiet: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.backend !== 'express' && values.backend !== 'nest') {
    throw new Error(`--backend must be express or nest, not ${values.backend}`);
  }
  return {
    backend: values.backend,
    port: port(values.port, '--port / PORT'),
    host: values.host,
    sandboxB2bPort: port(values['sandbox-b2b-port'], '--sandbox-b2b-port / SANDBOX_B2B_PORT'),
    sandboxFrontPort: port(values['sandbox-front-port'], '--sandbox-front-port / SANDBOX_FRONT_PORT'),
    quiet: values.quiet,
  };
}

/** For a start that failed because a port is taken: which one, and how to pick another. */
export function portInUseMessage(error: unknown, options: CliOptions): string | undefined {
  const e = error as { code?: string; port?: number } | undefined;
  if (e?.code !== 'EADDRINUSE') return undefined;
  const setting = PORT_SETTINGS.find((s) => options[s.key] === e.port) ?? PORT_SETTINGS[0];
  const taken = e.port ?? options[setting.key];
  return [
    `Port ${taken} (${setting.what}) is already in use: is another demo still running?`,
    `Stop it, or start on another port: ${setting.env}=${taken + 1} pnpm demo   (or: pnpm demo -- ${setting.flag} ${taken + 1})`,
  ].join('\n');
}
