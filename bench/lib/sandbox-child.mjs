/**
 * Child script: the itsme® sandbox in its own process (so its work does not share the benchmark's event loop).
 * argv[2]: JSON `{ dataDir, redirectUrls }`. Prints one JSON line with its URLs and the partner credentials.
 */
import { startSandbox } from '@itsme-sign/sandbox';
import { announce, guardChild } from './child-guard.mjs';

const { dataDir, redirectUrls = [] } = JSON.parse(process.argv[2] ?? '{}');
const sandbox = await startSandbox({ dataDir });
guardChild(() => sandbox.close());
for (const url of redirectUrls) sandbox.addRedirectUrl(url);
announce({
  b2bUrl: sandbox.b2bUrl,
  frontUrl: sandbox.frontUrl,
  tsaUrl: sandbox.tsaUrl,
  controlUrl: sandbox.controlUrl,
  dataDir: sandbox.dataDir,
  partner: sandbox.partner,
  files: sandbox.credentials.files, // PEM files (no key material on the pipe)
});
