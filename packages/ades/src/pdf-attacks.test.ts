/**
 * GitHub issue 12: crafted PDFs. Each one is either refused (INVALID_REQUEST on `document`, with a message)
 * or signed so that the result has a valid signature (pdfsig) and looks exactly like the input with poppler
 * and MuPDF. Object-number collisions run in-process; bombs run in a child process each, where the wall
 * time and the peak memory of the signing are measured (≤ 2 s, ≤ 64 MiB above the warmed-up child).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nssDb, pdfsig, run } from '@itsme-sign/test-support/pdf-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalizePades, preparePades } from './index.js';
import {
  BOMBS,
  type Bomb,
  COLLISION_VARIANTS,
  coveredReference,
  naiveUpdate,
  uncoveredReference,
} from './test-support/attacks.js';
import type { BombJob, BombResult } from './test-support/bomb-child.js';
import { createTestPki, OUTPUT_DIR, signDigest, type TestPki } from './test-support/pki.js';
import {
  expectSameRendering,
  RENDERERS,
  type RenderedPage,
  type Renderer,
  renderingDifference,
  renderPages,
} from './test-support/render.js';

const DIR = join(OUTPUT_DIR, 'pdf-attacks');
let pki: TestPki;
let nss: string;
const references: Record<'cover' | 'no cover', Partial<Record<Renderer, RenderedPage[]>>> = {
  cover: {},
  'no cover': {},
};

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  pki = await createTestPki('pdf-attacks');
  nss = nssDb(join(DIR, 'nssdb'), pki.rootFile);
  for (const r of RENDERERS) {
    references.cover[r] = renderPages(coveredReference(), DIR, 'reference-cover', r);
    references['no cover'][r] = renderPages(uncoveredReference(), DIR, 'reference-no-cover', r);
  }
  expect(renderingDifference(references.cover.pdftoppm!, references['no cover'].pdftoppm!)).toBeDefined();
});

/** What each renderer shows: the cover, the hidden amount, or something else. */
function picture(pdf: Uint8Array, name: string): Record<Renderer, string> {
  const out = {} as Record<Renderer, string>;
  for (const r of RENDERERS) {
    const pages = renderPages(pdf, DIR, name, r);
    out[r] = !renderingDifference(pages, references.cover[r]!)
      ? 'cover'
      : !renderingDifference(pages, references['no cover'][r]!)
        ? 'no cover'
        : 'other';
  }
  return out;
}

type Outcome = { refused: { code: string; field?: string; message: string } } | { signed: Uint8Array };

/** prepare → RSA signature of the digest → finalize, in-process; a refusal is returned, not thrown. */
async function signOrRefuse(pdf: Uint8Array): Promise<Outcome> {
  try {
    const { digest, state } = await preparePades(pdf, { certificateChain: pki.rsa.chain });
    const stored = JSON.parse(JSON.stringify(state));
    return {
      signed: await finalizePades(pdf, stored, signDigest(pki.rsa, digest), { trustAnchors: [pki.rootPem] }),
    };
  } catch (e) {
    const err = e as { name?: string; code?: string; field?: string; message?: string };
    if (err?.name !== 'ItsmeSignError') throw e;
    return {
      refused: { code: err.code!, ...(err.field ? { field: err.field } : {}), message: err.message! },
    };
  }
}

function expectProperRefusal(refused: { code: string; field?: string; message: string }): void {
  expect(refused).toMatchObject({ code: 'INVALID_REQUEST', field: 'document' });
  expect(refused.message.length).toBeGreaterThan(10);
}

/**
 * pdfsig: one signature, valid, trusted, covering the whole file. (Not qpdf --check: the crafted inputs
 * are malformed on purpose and qpdf warns about them.)
 */
function expectSignatureValid(file: string, signed: Uint8Array): void {
  writeFileSync(file, signed);
  const { signatures, raw } = pdfsig(file, nss);
  expect(signatures, raw.stdout + raw.stderr).toHaveLength(1);
  expect(signatures[0]).toMatchObject({
    subFilter: 'ETSI.CAdES.detached',
    validation: 'Signature is Valid.',
    certificate: 'Certificate is Trusted.',
    total: true,
  });
}

/** Object 7 as qpdf resolves it (stdout only: qpdf warns on stderr about the crafted xref). */
function qpdfObject7(pdf: Uint8Array, name: string): string {
  const file = join(DIR, `${name}.qpdf.pdf`);
  writeFileSync(file, pdf);
  return run('qpdf', ['--show-object=7', file]).stdout;
}

describe('object-number collisions: a new object must not take a number viewers already resolve', () => {
  COLLISION_VARIANTS.forEach((variant, i) => {
    it(variant.name, async () => {
      const name = `collision-${i}`;
      const input = variant.build();
      writeFileSync(join(DIR, `${name}.input.pdf`), input);
      // The crafted file shows what the variant says (the cover wherever a viewer resolves 7).
      const before = picture(input, `${name}.input`);
      expect(before).toEqual(variant.shows);
      // The attack is real: a signer numbering its signature dictionary 7 changes the picture.
      if (Object.values(before).includes('cover') && !variant.naiveKeepsPicture) {
        const naive = picture(naiveUpdate(input), `${name}.naive`);
        expect(naive, 'a naive update should reveal the hidden amount').not.toEqual(before);
      }
      const outcome = await signOrRefuse(input);
      if ('refused' in outcome) {
        expectProperRefusal(outcome.refused);
        return;
      }
      const { signed } = outcome;
      expect(Buffer.compare(Buffer.from(signed.subarray(0, input.length)), Buffer.from(input))).toBe(0);
      expectSignatureValid(join(DIR, `${name}.signed.pdf`), signed);
      expectSameRendering(input, signed, DIR, name);
      // Object 7 resolves to the same thing as before (the dangling reference stays dangling).
      expect(qpdfObject7(signed, `${name}.signed`)).toBe(qpdfObject7(input, `${name}.input`));
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Bombs, each in its own child process
// ---------------------------------------------------------------------------------------------------------

const CHILD = fileURLToPath(new URL('./test-support/bomb-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The limits of the issue: memory of the signing above the warmed-up child. */
const MAX_EXTRA_RSS = 64 * 1024 * 1024;
/** Safety for the (shared) machine: a child above this RSS or running longer is killed. */
const KILL_RSS = 1536 * 1024 * 1024;
const KILL_MS = 30_000;
/** Children run two at a time (two cores). */
const PARALLEL = 2;

type ChildOutcome = BombResult | { outcome: 'aborted'; reason: string; stderr: string };

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs bomb-child.ts on `job` under tsx with a watchdog (RSS and wall time). */
function runChild(jobFile: string): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, jobFile], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed: string | undefined;
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const started = Date.now();
    const watchdog = setInterval(() => {
      const rss = rssOf(child.pid!);
      if (rss > KILL_RSS) killed = `killed at RSS ${Math.round(rss / 1048576)} MiB`;
      else if (Date.now() - started > KILL_MS) killed = `killed, still running after ${KILL_MS / 1000} s`;
      if (killed) child.kill('SIGKILL');
    }, 25);
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      const line = stdout.trim().split('\n').pop();
      if (killed || !line?.startsWith('{')) {
        resolve({
          outcome: 'aborted',
          reason: killed ?? `exited with ${code ?? signal} without a result`,
          stderr,
        });
      } else {
        resolve(JSON.parse(line) as BombResult);
      }
    });
  });
}

let active = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

const MiBof = (kib: number) => (kib / 1024).toFixed(1);
const describeOutcome = (r: ChildOutcome) =>
  r.outcome === 'aborted'
    ? `aborted: ${r.reason} ${r.stderr.slice(-500)}`
    : `${r.outcome}${r.message ? ` (${r.code ?? ''} ${r.message})` : ''} in ${r.ms.toFixed(0)} ms, ` +
      `+${MiBof(r.peakRssKiB - r.baselineRssKiB)} MiB RSS (idle ${MiBof(r.baselineRssKiB)} MiB)`;

describe('bombs end within their bounds (child process per file)', () => {
  const results = new Map<string, Promise<ChildOutcome>>();
  const files = new Map<string, string>();

  beforeAll(async () => {
    const warmup = join(DIR, 'bomb-warmup.pdf');
    writeFileSync(warmup, coveredReference());
    const jobs: { bomb: Bomb; jobFile: string }[] = BOMBS.map((bomb, i) => {
      const input = join(DIR, `bomb-${i}.input.pdf`);
      writeFileSync(input, bomb.build());
      files.set(bomb.name, input);
      const job: BombJob = {
        input,
        output: join(DIR, `bomb-${i}.signed.pdf`),
        warmup,
        chain: pki.rsa.chain,
        rootPem: pki.rootPem,
        keyPem: pki.rsa.key.export({ format: 'pem', type: 'pkcs8' }).toString(),
      };
      const jobFile = join(DIR, `bomb-${i}.job.json`);
      writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
      return { bomb, jobFile };
    });
    // All started now, at most PARALLEL at a time; each test awaits its own.
    for (const { bomb, jobFile } of jobs)
      results.set(
        bomb.name,
        limited(() => runChild(jobFile)),
      );
  }, 120_000);

  BOMBS.forEach((bomb, i) => {
    it(`${bomb.name}`, async () => {
      const r = await results.get(bomb.name)!;
      console.info(`[bomb] ${bomb.name}: ${describeOutcome(r)}`);
      expect(r.outcome, describeOutcome(r)).not.toBe('aborted');
      expect(r.outcome, describeOutcome(r)).not.toBe('crashed');
      if (r.outcome === 'aborted') return;
      expect(r.ms, `wall time: ${describeOutcome(r)}`).toBeLessThanOrEqual(bomb.maxMs);
      expect((r.peakRssKiB - r.baselineRssKiB) * 1024, `memory: ${describeOutcome(r)}`).toBeLessThanOrEqual(
        MAX_EXTRA_RSS,
      );
      if (r.outcome === 'refused') {
        expectProperRefusal({
          code: r.code!,
          ...(r.field ? { field: r.field } : {}),
          message: r.message ?? '',
        });
        return;
      }
      const input = new Uint8Array(readFileSync(files.get(bomb.name)!));
      const signed = new Uint8Array(readFileSync(join(DIR, `bomb-${i}.signed.pdf`)));
      expect(Buffer.compare(Buffer.from(signed.subarray(0, input.length)), Buffer.from(input))).toBe(0);
      expectSignatureValid(join(DIR, `bomb-${i}.check.pdf`), signed);
      expectSameRendering(input, signed, DIR, `bomb-${i}`);
    }, 120_000);
  });
});
