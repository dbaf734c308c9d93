/**
 * Child script: one AdES case in a fresh process, so that its peak RSS is its own.
 * argv[2]: JSON `{ kind: 'pades' | 'cades' | 'idle', file, signer }` where `signer` is a JSON file with
 * `{ certificateChain, keyPem, rootCaPem }`. Prints `{ prepareMs, finalizeMs, outputBytes, maxRssBytes }`.
 * The signature value is made between the two steps (as itsme® would) and not timed.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { finalizeCades, finalizePades, prepareCades, preparePades } from '@itsme-sign/ades';
import { signDigest } from '@itsme-sign/sandbox';

const { kind, file, signer } = JSON.parse(process.argv[2]);
const { certificateChain, keyPem, rootCaPem } = JSON.parse(readFileSync(signer, 'utf8'));
const source = () => createReadStream(file); // a DocumentSource-like stream factory, as an app would pass
const options = { certificateChain, signingTime: new Date() };
let prepareMs = 0;
let finalizeMs = 0;
let outputBytes = 0;
if (kind !== 'idle') {
  const t0 = performance.now();
  const prepared =
    kind === 'pades' ? await preparePades(source, options) : await prepareCades(source, options);
  prepareMs = performance.now() - t0;
  const value = signDigest(keyPem, Buffer.from(prepared.digest, 'base64')).toString('base64');
  const t1 = performance.now();
  const out =
    kind === 'pades'
      ? await finalizePades(source, prepared.state, value, { trustAnchors: [rootCaPem] })
      : await finalizeCades(prepared.state, value, { trustAnchors: [rootCaPem] });
  finalizeMs = performance.now() - t1;
  outputBytes = out.byteLength;
}
process.stdout.write(
  `${JSON.stringify({ prepareMs, finalizeMs, outputBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
