/** The CLI (built `dist/cli.js`, as npm runs it): ready line, serving, SIGTERM → exit 0. */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { discoveryDocumentSchema, identificationResponseSchema } from '@itsme-sign/core';
import { b2bRaw } from '@itsme-sign/test-support/sandbox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { batchStartBody, identificationBody, testDocuments } from './test-support/requests.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkgDir, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds core and the sandbox when their dist is missing or older than the sources (turbo builds them first in CI). */
function ensureBuilt(): void {
  const tsc = join(pkgDir, '..', '..', 'node_modules', '.bin', 'tsc');
  const core = dirname(createRequire(import.meta.url).resolve('@itsme-sign/core/package.json'));
  if (!existsSync(join(core, 'dist', 'index.js'))) {
    execFileSync(tsc, ['-p', join(core, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestMtime(join(pkgDir, 'src'))) {
    execFileSync(tsc, ['-p', join(pkgDir, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
}

interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  /** The first line on stdout, or the rejection with stderr when the CLI exits first. */
  firstLine: Promise<string>;
  /** The first `n` lines on stdout (the same rejection). */
  lines(n: number): Promise<string[]>;
}

/** Starts the built CLI on the shared test data directory. */
function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [cli, '--data-dir', inject('sandboxDataDir'), ...args], {
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const seen: string[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    seen.push(line);
    for (const check of waiting) check();
  });
  const lines = (n: number) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => {
        if (seen.length >= n) resolve(seen.slice(0, n));
      };
      waiting.add(check);
      check();
      child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}: ${stderr}`)));
    });
  return { child, exited, lines, firstLine: lines(1).then(([line]) => line as string) };
}

let child: ChildProcessWithoutNullStreams;
let ready: Record<string, string>;
let readyEnv: Record<string, string>;
let exited: Promise<number | null>;

beforeAll(async () => {
  ensureBuilt();
  const running = startCli(['--redirect-url', 'https://app.example/itsme/callback', '--max-hashes', '3']);
  ({ child, exited } = running);
  ready = JSON.parse(await running.firstLine) as Record<string, string>;
  readyEnv = (ready as unknown as { env: Record<string, string> }).env;
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** What `b2bRaw` needs, from the ready line's URL and files. */
function cliSandbox(): Parameters<typeof b2bRaw>[0] {
  return {
    b2bUrl: ready.b2bUrl,
    credentials: {
      clientCertPem: readFileSync(ready.clientCertFile as string, 'utf8'),
      clientKeyPem: readFileSync(ready.clientKeyFile as string, 'utf8'),
      caCertPem: readFileSync(ready.caFile as string, 'utf8'),
    },
  } as Parameters<typeof b2bRaw>[0];
}

describe('itsme-sandbox CLI', () => {
  it('prints one JSON ready line with the URLs and the PEM files', () => {
    expect(Object.keys(ready).sort()).toEqual(
      [
        'b2bUrl',
        'caFile',
        'clientCertFile',
        'clientKeyFile',
        'controlUrl',
        'frontUrl',
        'partnerCode',
        'rootCaFile',
        'serviceCode',
        'tsaUrl',
        'issuingCaFile',
        'tsaCertFile',
        'issuingCaOcspUrl',
        'issuingCaCrlUrl',
        'issuingCaOcspCertFile',
        'rootCaOcspUrl',
        'rootCaCrlUrl',
        'rootCaOcspCertFile',
        'env',
      ].sort(),
    );
    expect(ready.b2bUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/qes-partners\/1\.0\.0$/);
    expect(ready.controlUrl).toBe(`${ready.frontUrl}/control`);
    expect(ready).toMatchObject({ partnerCode: 'DEMO', serviceCode: 'DEMO_SIGN' });
    expect(ready.issuingCaOcspUrl).toBe(`${ready.frontUrl}/pki/ocsp/issuing-ca`);
    expect(ready.rootCaCrlUrl).toBe(`${ready.frontUrl}/pki/crl/root-ca.crl`);
    for (const f of [
      ready.caFile,
      ready.clientCertFile,
      ready.clientKeyFile,
      ready.rootCaFile,
      ready.issuingCaFile,
      ready.tsaCertFile,
      ready.issuingCaOcspCertFile,
      ready.rootCaOcspCertFile,
    ]) {
      expect(existsSync(f as string)).toBe(true);
    }
  });

  it('serves the B2B API over mutual TLS with the announced files, and the front', async () => {
    const sbLike = cliSandbox();
    const discovery = await b2bRaw(sbLike, '/.well-known/configuration', undefined, { method: 'GET' });
    expect(discoveryDocumentSchema.safeParse(discovery.json).success).toBe(true);
    const started = await b2bRaw(sbLike, '/user_identification', identificationBody());
    expect(started.status).toBe(200);
    expect(
      identificationResponseSchema.parse(started.json).identificationUrl.startsWith(ready.frontUrl as string),
    ).toBe(true);
    expect((await fetch(`${ready.controlUrl}/stats`)).status).toBe(200);
    const crl = await fetch(ready.issuingCaCrlUrl as string);
    expect(crl.headers.get('content-type')).toBe('application/pkix-crl');
  });

  it("carries the app's environment in `env`: the doctor's names, the sandbox's values", () => {
    expect(readyEnv).toEqual({
      ITSME_B2B_URL: ready.b2bUrl,
      ITSME_PARTNER_CODE: 'DEMO',
      ITSME_SERVICE_CODE: 'DEMO_SIGN',
      ITSME_CLIENT_CERT_FILE: ready.clientCertFile,
      ITSME_CLIENT_KEY_FILE: ready.clientKeyFile,
      ITSME_CA_FILE: ready.caFile,
      ITSME_REDIRECT_URL: 'https://app.example/itsme/callback', // the first --redirect-url
      ITSME_TSA_URL: ready.tsaUrl,
    });
  });

  it('--max-hashes sets the batch-signing limit of the partner', async () => {
    const sign = async (n: number) => {
      const body = batchStartBody('u'.repeat(36), testDocuments(n).docs);
      return ((await b2bRaw(cliSandbox(), '/sign_document', body)).json as { result: { min: string } }).result
        .min;
    };
    expect(await sign(4)).toBe('BATCH_TOO_LARGE');
    expect(await sign(3)).toBe('NOT_ALLOWED_TO_SIGN'); // past the limit check: the user is unknown
  });

  it.each([
    [['--max-hashes', '71'], {}, '--max-hashes must be an integer from 1 to 70'],
    [['--max-hashes', '0'], {}, '--max-hashes must be an integer from 1 to 70'],
    [
      [],
      { ITSME_SANDBOX_MAX_HASHES: 'many' },
      '--max-hashes must be an integer from 1 to 70 (itsme®\'s batch-signing limit), got "many"',
    ],
  ])('refuses %j %j: exit 1 with a clear message', async (args, env, message) => {
    const running = startCli(args, env);
    await expect(running.firstLine).rejects.toThrow(message);
    expect(await running.exited).toBe(1);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('examples', () => {
  it("the core README's hash-signing example runs against the built packages", () => {
    const out = execFileSync(process.execPath, [join(pkgDir, 'examples', 'hash-signing.mjs')], {
      encoding: 'utf8',
      env: { ...process.env },
    });
    expect(out).toContain('signature valid: true');
  });
});
