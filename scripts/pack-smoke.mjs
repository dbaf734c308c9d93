#!/usr/bin/env node
// Packs every publishable package with `pnpm pack`, installs the tarballs into a throwaway project outside
// the workspace (dependencies from the npm registry), and runs the documented examples there: the sandbox,
// the B2B client, the Express middleware and a document-mode flow signed with @itsme-sign/ades.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishablePackages } from './publishable.mjs';

const work = mkdtempSync(join(tmpdir(), 'itsme-sign-smoke-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const deps = {};
for (const { name, dir } of publishablePackages()) {
  if (name === '@itsme-sign/angular') continue; // needs an Angular app to consume; checked by publint/attw and the demo build
  run('pnpm', ['pack', '--pack-destination', tarballs], dir);
}
for (const file of readdirSync(tarballs)) {
  const name = `@itsme-sign/${file.replace(/^itsme-sign-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`;
  deps[name] = `file:${join(tarballs, file)}`;
}
console.log(`packed: ${Object.keys(deps).join(', ')}`);

const app = join(work, 'app');
mkdirSync(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'itsme-sign-smoke',
      private: true,
      type: 'module',
      dependencies: { ...deps, express: '^5.3.0', 'pdf-lib': '^1.17.1' },
      // The tarballs depend on each other by version (0.0.0 is not on the registry): point them at the files.
      overrides: deps,
    },
    null,
    2,
  ),
);
writeFileSync(
  join(app, 'smoke.mjs'),
  `
import { createHash, verify, X509Certificate } from 'node:crypto';
import express from 'express';
import { PDFDocument } from 'pdf-lib';
import { createB2BClient, ERROR_CODES } from '@itsme-sign/core';
import { itsmeSign } from '@itsme-sign/express';
import { RedisSessionStore } from '@itsme-sign/redis';
import { createAdesSigner } from '@itsme-sign/ades';
import { ItsmeSignModule } from '@itsme-sign/nestjs';
import { startSandbox } from '@itsme-sign/sandbox';

const sandbox = await startSandbox({ dataDir: process.argv[2] });
const client = createB2BClient(sandbox.clientOptions());
const discovery = await client.getDiscovery();
if (!discovery.sign_languages_supported.length) throw new Error('no discovery');

const pdf = await (async () => { const d = await PDFDocument.create(); d.addPage(); return d.save(); })();
const app = express();
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const origin = 'http://127.0.0.1:' + server.address().port;
sandbox.addRedirectUrl(origin + '/api/itsme/callback');
const mw = itsmeSign({
  basePath: '/api/itsme', redirectUrl: origin + '/api/itsme/callback', statusPageUrl: '/status',
  client: sandbox.clientOptions(),
  cookie: { secrets: ['smoke-test-secret-0123456789-abcdefgh'] },
  documents: {
    documentSigner: createAdesSigner({ trustAnchors: [sandbox.credentials.rootCaPem] }),
    resolveDocument: async () => ({ name: 'contract.pdf', contentType: 'application/pdf', data: pdf }),
  },
});
app.use('/api/itsme', mw);
let cookie = '';
const call = async (path, init = {}) => {
  const res = await fetch(origin + path, { ...init, redirect: 'manual', headers: { ...init.headers, cookie, origin } });
  const set = res.headers.getSetCookie()[0];
  if (set) cookie = set.split(';')[0];
  return res;
};
const started = await (await call('/api/itsme/sessions', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ documentId: 'contract', lang: 'EN' }) })).json();
await sandbox.control.identify({ url: started.next.url });
await call('/api/itsme/callback');
const signing = await (await call('/api/itsme/session')).json();
await sandbox.control.sign({ url: signing.next.url });
await call('/api/itsme/callback');
const done = await (await call('/api/itsme/session')).json();
if (done.status !== 'signed') throw new Error('not signed: ' + JSON.stringify(done));
const signed = new Uint8Array(await (await call('/api/itsme/session/result')).arrayBuffer());
if (!Buffer.from(signed).includes('ETSI.CAdES.detached')) throw new Error('not a PAdES signature');
new RedisSessionStore({ redis: { lazyConnect: true } }).close();
if (typeof ItsmeSignModule.forRoot !== 'function' || !ERROR_CODES.SIGNATURE_INVALID) throw new Error('exports');
await mw.close(); await client.close(); server.close(); await sandbox.close();
console.log('smoke: installed tarballs signed a PDF through express + ades + sandbox (' + signed.length + ' bytes)');
`,
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
const out = run('node', ['smoke.mjs', join(work, 'sandbox-data')], app);
process.stdout.write(out);
rmSync(work, { recursive: true, force: true });
