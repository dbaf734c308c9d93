/**
 * Child process for the bomb tests: signs one PDF (prepare → RSA signature of the digest → finalize) from
 * the sources, and prints one JSON line with the outcome, the wall time of the work and its memory.
 * Run as `node --import tsx bomb-child.ts job.json` (see `runBomb` in attacks.ts). The time and the memory
 * are measured here, around the signing only: the baseline is the peak RSS of this process once warmed up
 * (modules loaded, a small PDF signed, the input read), so that the figure is what the bomb itself costs.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';

/** The job file the parent writes. */
export interface BombJob {
  input: string;
  /** Where to write the signed PDF when signing succeeds. */
  output: string;
  /** A small valid PDF signed first, to warm up (JIT, modules, crypto). */
  warmup: string;
  chain: string[];
  rootPem: string;
  /** PKCS#8 PEM of the RSA key of `chain[0]`. */
  keyPem: string;
}

/** The JSON line the child prints. */
export interface BombResult {
  outcome: 'signed' | 'refused' | 'crashed';
  code?: string;
  field?: string;
  message?: string;
  /** Wall time of prepare + finalize, ms. */
  ms: number;
  /** Peak RSS (KiB) before the work and after it. */
  baselineRssKiB: number;
  peakRssKiB: number;
}

// Workspace packages are imported from their sources (as vitest does), so the child tests the code under
// test and needs no build: `@itsme-sign/core[/sub/path]` → packages/core/src/[sub/path/]index.ts or .ts.
const coreSrc = new URL('../../../core/src/', import.meta.url).href;
const hook = `
import { existsSync } from 'node:fs';
const root = ${JSON.stringify(coreSrc)};
export async function resolve(specifier, context, next) {
  const m = /^@itsme-sign\\/core(?:\\/(.+))?$/.exec(specifier);
  if (!m) return next(specifier, context);
  const candidates = m[1] ? [root + m[1] + '/index.ts', root + m[1] + '.ts'] : [root + 'index.ts'];
  return next(candidates.find((c) => existsSync(new URL(c))) ?? candidates[0], context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);

// The public API (index.ts also loads reflect-metadata, which pki.ts's x509 needs).
const { finalizePades, preparePades } = await import('../index.js');
const { signDigest } = await import('./pki.js');

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BombJob;
const id = { kind: 'rsa' as const, key: createPrivateKey(job.keyPem) };

async function sign(pdf: Uint8Array): Promise<Uint8Array> {
  const { digest, state } = await preparePades(pdf, { certificateChain: job.chain });
  const signature = signDigest(id as Parameters<typeof signDigest>[0], digest);
  return finalizePades(pdf, JSON.parse(JSON.stringify(state)), signature, { trustAnchors: [job.rootPem] });
}

const peak = () => process.resourceUsage().maxRSS;

await sign(new Uint8Array(readFileSync(job.warmup)));
const input = new Uint8Array(readFileSync(job.input));
const baselineRssKiB = peak();
const start = performance.now();
let result: Omit<BombResult, 'ms' | 'baselineRssKiB' | 'peakRssKiB'>;
try {
  const signed = await sign(input);
  result = { outcome: 'signed' };
  const ms = performance.now() - start;
  const peakRssKiB = peak();
  writeFileSync(job.output, signed);
  process.stdout.write(`${JSON.stringify({ ...result, ms, baselineRssKiB, peakRssKiB })}\n`);
} catch (e) {
  const ms = performance.now() - start;
  const peakRssKiB = peak();
  const err = e as { name?: string; code?: string; field?: string; message?: string };
  result =
    err?.name === 'ItsmeSignError'
      ? { outcome: 'refused', code: err.code, field: err.field, message: err.message }
      : { outcome: 'crashed', message: `${err?.name}: ${err?.message}`.slice(0, 500) };
  process.stdout.write(`${JSON.stringify({ ...result, ms, baselineRssKiB, peakRssKiB })}\n`);
}
