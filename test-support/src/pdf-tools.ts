/** Runs the external validators (openssl, pdfsig, qpdf, certutil) the tests trust instead of our code. */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program; throws if it is not installed (tests must fail, not skip). */
export function run(cmd: string, args: string[], input?: Uint8Array): RunResult {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

/** `openssl cms -verify` of a DER signature: detached over `contentFile`, or with its content inside (`undefined`). */
export function opensslCmsVerify(
  sigFile: string,
  contentFile: string | undefined,
  rootFile: string,
): RunResult {
  return run('openssl', [
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    sigFile,
    ...(contentFile ? ['-content', contentFile] : []),
    '-CAfile',
    rootFile,
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);
}

/**
 * `openssl ts -verify` of an RFC 3161 token (DER) over `data` (a file whose hash it must hold) or a hex
 * `digest`, against `caFile`, with intermediate certificates from `untrustedFile` if given.
 */
export function opensslTsVerify(
  tokenFile: string,
  over: { data: string } | { digest: string },
  caFile: string,
  untrustedFile?: string,
): RunResult {
  return run('openssl', [
    'ts',
    '-verify',
    ...('data' in over ? ['-data', over.data] : ['-digest', over.digest]),
    '-in',
    tokenFile,
    '-token_in',
    '-CAfile',
    caFile,
    ...(untrustedFile ? ['-untrusted', untrustedFile] : []),
  ]);
}

export function opensslCmsPrint(sigFile: string): string {
  const r = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sigFile]);
  if (r.status !== 0) throw new Error(`openssl cms -print failed: ${r.stderr}`);
  return r.stdout;
}

/** An NSS database trusting `rootFile`, for pdfsig. */
export function nssDb(dir: string, rootFile: string): string {
  if (existsSync(dir)) rmSync(dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const args of [
    ['-N', '-d', `sql:${dir}`, '--empty-password'],
    ['-A', '-d', `sql:${dir}`, '-n', 'root', '-t', 'CT,C,C', '-i', rootFile],
  ]) {
    const r = run('certutil', args);
    if (r.status !== 0) throw new Error(`certutil ${args[0]} failed: ${r.stderr}`);
  }
  return `sql:${dir}`;
}

export interface PdfsigSignature {
  /** False for an empty signature field (pdfsig lists those too). */
  signed: boolean;
  subFilter: string | undefined;
  validation: string | undefined;
  certificate: string | undefined;
  signedRanges: string | undefined;
  total: boolean | undefined;
}

/** Parses `pdfsig` output: one entry per signature (pdfsig exits 0 even when a digest is wrong). */
export function pdfsig(file: string, nssdir: string): { signatures: PdfsigSignature[]; raw: RunResult } {
  return parsePdfsig(run('pdfsig', ['-nssdir', nssdir, file]));
}

/**
 * pdfsig without blocking this process: for certificates whose OCSP responder (AIA) is a sandbox running
 * in this very process (a synchronous spawn would keep it from answering pdfsig's revocation check).
 */
export async function pdfsigAsync(
  file: string,
  nssdir: string,
): Promise<{ signatures: PdfsigSignature[]; raw: RunResult }> {
  const r = await new Promise<RunResult>((resolve, reject) => {
    execFile(
      'pdfsig',
      ['-nssdir', nssdir, file],
      { encoding: 'latin1', maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(new Error(`cannot run pdfsig: ${error.message}`));
        else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
  return parsePdfsig(r);
}

function parsePdfsig(raw: RunResult): { signatures: PdfsigSignature[]; raw: RunResult } {
  const blocks = raw.stdout.split(/^Signature #\d+:$/m).slice(1);
  const field = (b: string, name: string) => b.match(new RegExp(`^\\s*- ${name}: (.*)$`, 'm'))?.[1]?.trim();
  const signatures = blocks.map((b) => ({
    signed: !/The signature form field is not signed/.test(b),
    subFilter: field(b, 'Signature Type'),
    validation: field(b, 'Signature Validation'),
    certificate: field(b, 'Certificate Validation'),
    signedRanges: field(b, 'Signed Ranges'),
    total: /Total document signed/.test(b) ? true : /Not total document signed/.test(b) ? false : undefined,
  }));
  return { signatures, raw };
}

export function qpdfCheck(file: string): RunResult {
  return run('qpdf', ['--check', file]);
}

export const outFile = (dir: string, name: string) => join(dir, name);
