/**
 * Child script: one AdES case in a fresh process, so that its peak RSS is its own.
 * argv[2]: JSON `{ kind: 'pades' | 'cades' | 'idle' | 'pades-warm' | 'pades-levels', file, signer, out,
 * input? }` where `signer` is a JSON file with `{ certificateChain, keyPem, rootCaPem }` and `input` is 'path'
 * (default: the SDK gets `{ path }`) or 'stream' (a stream factory). Prints `{ prepareMs, finalizeMs` (the
 * process's first signature, cold)`, warmPrepareMs, warmFinalizeMs` (the median of three more of the same
 * file)`, outputBytes,
 * maxRssBytes }` (for 'pades-warm': signatures per second in one warm process against hashing the same file
 * with `crypto`).
 * The signature value is made between the two steps (as itsme® would) and not timed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  finalizeCades,
  finalizePades,
  finalizePadesStream,
  finalizePadesToFile,
  prepareCades,
  preparePades,
} from '@itsme-sign/ades';
import { signDigest } from '@itsme-sign/sandbox';

const { kind, file, signer, out: outFile, tsaUrl, input = 'path' } = JSON.parse(process.argv[2]);
const { certificateChain, keyPem, rootCaPem } = JSON.parse(readFileSync(signer, 'utf8'));
const source = () => createReadStream(file); // a DocumentSource-like stream factory, as an app would pass
const options = { certificateChain, signingTime: new Date() };
const sign = (digest) => signDigest(keyPem, Buffer.from(digest, 'base64')).toString('base64');

/**
 * prepare + finalize of a PDF, the signed PDF written to a file as an app stores it: `finalizePadesToFile`
 * (through a temporary file, flushed to the disk, renamed) for a `{ path }` input; a stream piped to a file for
 * bytes and stream factories.
 */
async function pades(input, target) {
  const t0 = performance.now();
  const prepared = await preparePades(input, options);
  const prepareMs = performance.now() - t0;
  const value = sign(prepared.digest);
  const t1 = performance.now();
  if (input.path) {
    await finalizePadesToFile(input, prepared.state, value, target, { trustAnchors: [rootCaPem] });
  } else {
    const signed = await finalizePadesStream(input, prepared.state, value, { trustAnchors: [rootCaPem] });
    await pipeline(signed, createWriteStream(target));
  }
  return { prepareMs, finalizeMs: performance.now() - t1 };
}

let result;
if (kind === 'pades-levels') {
  // Warm process, 100 KiB PDF: what B-LT and B-LTA cost over B-T, against the sandbox's TSA and OCSP responders.
  const bytes = readFileSync(file);
  const tsa = { url: tsaUrl, trustAnchors: [rootCaPem] };
  const levels = {};
  for (const level of ['B-T', 'B-LT', 'B-LTA']) {
    const once = async () => {
      const t0 = performance.now();
      const prepared = await preparePades(bytes, { ...options, level, trustAnchors: [rootCaPem] });
      const value = sign(prepared.digest);
      const t1 = performance.now();
      await finalizePades(bytes, prepared.state, value, { trustAnchors: [rootCaPem], tsa });
      return t1 - t0 + (performance.now() - t1);
    };
    await once(); // warm-up
    const runs = [];
    for (let i = 0; i < 10; i++) runs.push(await once());
    levels[level] = runs.sort((a, b) => a - b)[5];
  }
  result = { levels, signatures: 33 };
} else if (kind === 'pades-warm') {
  // Warm process: a 100 KiB PDF in memory signed again and again, against hashing it with crypto (the floor).
  const bytes = readFileSync(file);
  const first = await pades(bytes, outFile);
  const coldMs = first.prepareMs + first.finalizeMs;
  let n = 0;
  let busy = 0;
  const until = performance.now() + 3000;
  while (performance.now() < until) {
    const r = await pades(bytes, outFile);
    busy += r.prepareMs + r.finalizeMs;
    n++;
  }
  let hashes = 0;
  const h0 = performance.now();
  while (performance.now() - h0 < 1000) {
    createHash('sha256').update(bytes).digest();
    hashes++;
  }
  const hashMs = (performance.now() - h0) / hashes;
  result = {
    coldMs,
    warmMs: busy / n,
    signaturesPerSecond: (1000 * n) / busy,
    hashMs,
    fileBytes: bytes.length,
  };
} else {
  // `input`: 'path' (a file on disk, read by position) or 'stream' (a stream factory). The first signature of
  // the process is the cold one; the same document is then signed again, warm (modules loaded, code compiled).
  const given = input === 'stream' ? source : { path: file };
  const once = async () => {
    if (kind === 'pades') return pades(given, outFile);
    const t0 = performance.now();
    const prepared = await prepareCades(given, options);
    const prepareMs = performance.now() - t0;
    const value = sign(prepared.digest);
    const t1 = performance.now();
    const out = await finalizeCades(prepared.state, value, { trustAnchors: [rootCaPem] });
    writeFileSync(outFile, out);
    return { prepareMs, finalizeMs: performance.now() - t1 };
  };
  if (kind === 'idle') result = {};
  else {
    const cold = await once();
    // Warm: the median of three more signatures of the same file (the code on its path compiled by then).
    const warmRuns = [];
    for (let i = 0; i < 3; i++) warmRuns.push(await once());
    const mid = (key) => warmRuns.map((r) => r[key]).sort((a, b) => a - b)[1];
    result = {
      ...cold,
      warmPrepareMs: mid('prepareMs'),
      warmFinalizeMs: mid('finalizeMs'),
      outputBytes: statSync(outFile).size,
    };
  }
}
process.stdout.write(
  `${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
