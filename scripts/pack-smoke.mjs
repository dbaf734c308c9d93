#!/usr/bin/env node
// Packs every publishable package with `pnpm pack`, installs the tarballs into ONE throwaway project outside the
// workspace (dependencies from the npm registry), and runs the documented examples there:
//  1. ESM: the sandbox, the B2B client, the Express middleware and a document-mode flow signed with
//     @itsme-sign/ades (smoke.mjs);
//  2. CommonJS: a NestJS 11 app compiled by tsc to `require()` calls (`"type": "commonjs"`, `module: nodenext`)
//     imports @itsme-sign/nestjs and signs one hash against the sandbox end to end (nest-cjs/);
//  3. The Express recipes of the READMEs (root quick start, @itsme-sign/express hash and document mode), compiled
//     with tsc and run: they sign hashes and PDFs over HTTP against the sandbox (recipe-*/);
//  4. The NestJS README's document-mode app (ConfigService, ContractsService, the controller that starts a session
//     from the server and follows it with advance()), compiled with tsc and run to a signed PDF (nest-readme/);
//  5. Angular: the Angular README's recipe (`provideItsmeSign`, `injectSigningSession`, `<itsme-sign-status>`)
//     as an Angular 21 app, built with `ng build` (@angular/build's application builder, strict templates) (ng/).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { installProject, packAll, run, since, workDir } from './pack.mjs';
import { readmeBlocks } from './readme-blocks.mjs';

const started = performance.now();
const work = workDir('itsme-sign-smoke-');
let t = performance.now();
const deps = packAll(work);
console.log(`packed: ${Object.keys(deps).join(', ')} (${since(t)})`);

const app = join(work, 'app');
t = performance.now();
installProject(app, {
  name: 'itsme-sign-smoke',
  tarballs: deps,
  dependencies: {
    express: '^5.3.0',
    'pdf-lib': '^1.17.1',
    // The CommonJS NestJS app (Nest 12 is ESM-only: the CommonJS case is Nest 11).
    '@nestjs/common': '^11.1.0',
    '@nestjs/core': '^11.1.0',
    '@nestjs/platform-express': '^11.1.0',
    '@nestjs/config': '^12.0.1',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.2',
    typescript: '~5.9.3',
    '@types/node': '^20.19.0',
    '@types/express': '^5.0.6',
    // The Angular app.
    '@angular/build': '~21.2.0',
    '@angular/cli': '~21.2.0',
    '@angular/common': '~21.2.0',
    '@angular/compiler': '~21.2.0',
    '@angular/compiler-cli': '~21.2.0',
    '@angular/core': '~21.2.0',
    '@angular/platform-browser': '~21.2.0',
    '@angular/router': '~21.2.0',
    tslib: '^2.8.1',
  },
});
console.log(`installed the tarballs, Express, NestJS 11 and Angular 21 (${since(t)})`);
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
t = performance.now();
process.stdout.write(run('node', ['smoke.mjs', join(work, 'sandbox-data')], app));
console.log(`  (${since(t)})`);

// 2. CommonJS: NestJS 11, compiled to require() calls.
const cjs = join(app, 'nest-cjs');
mkdirSync(join(cjs, 'src'), { recursive: true });
writeFileSync(
  join(cjs, 'package.json'),
  `${JSON.stringify({ name: 'nest-cjs', private: true, type: 'commonjs' })}\n`,
);
writeFileSync(
  join(cjs, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      // nodenext with "type": "commonjs" emits require(); TypeScript ≥ 5.8 allows require() of the ESM-only packages.
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'ES2022',
      strict: true,
      skipLibCheck: true, // as `nest new` sets it
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      outDir: 'dist',
      rootDir: 'src',
      types: ['node'],
    },
    include: ['src'],
  }),
);
writeFileSync(
  join(cjs, 'src', 'main.ts'),
  `import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { verifySignatureValue } from '@itsme-sign/core';
import { ItsmeSignModule, ItsmeSignService } from '@itsme-sign/nestjs';
import { startSandbox } from '@itsme-sign/sandbox';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function main() {
  if (typeof require !== 'function' || typeof module !== 'object') throw new Error('not CommonJS');
  const sandbox = await startSandbox({ dataDir: process.argv[2] });
  const port = await freePort();
  const origin = 'http://127.0.0.1:' + port;
  sandbox.addRedirectUrl(origin + '/api/itsme/callback');

  @Module({
    imports: [
      ItsmeSignModule.forRootAsync({
        useFactory: () => ({
          basePath: '/api/itsme',
          redirectUrl: origin + '/api/itsme/callback',
          statusPageUrl: '/sign/status',
          client: sandbox.clientOptions(),
          cookie: { secrets: ['smoke-test-secret-0123456789-abcdefgh'] },
          allowBrowserDigests: true, // hash mode from the browser is opt-in
        }),
      }),
    ],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  if (!(app.get(ItsmeSignService) instanceof ItsmeSignService)) throw new Error('no ItsmeSignService');

  let cookie = '';
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(origin + path, { ...init, redirect: 'manual', headers: { ...init.headers, cookie, origin } });
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0];
    return res;
  };
  const hash = createHash('sha256').update('signed from CommonJS').digest();
  const digest = hash.toString('base64');
  const started = await (
    await call('/api/itsme/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ digest, lang: 'EN' }),
    })
  ).json();
  await sandbox.control.identify({ url: started.next.url });
  await call('/api/itsme/callback');
  const signing = await (await call('/api/itsme/session')).json();
  await sandbox.control.sign({ url: signing.next.url });
  await call('/api/itsme/callback');
  const result = await (await call('/api/itsme/session/result')).json();
  verifySignatureValue({ digest: hash }, result.signatureValue, result.certificate);
  await app.close();
  await sandbox.close();
  console.log('smoke (CommonJS): a NestJS 11 app loaded the packages with require() and signed a hash (' + result.signatureValue.length + ' base64 characters)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
);
t = performance.now();
const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
run('node', [tsc, '-p', 'tsconfig.json'], cjs);
const emitted = readFileSync(join(cjs, 'dist', 'main.js'), 'utf8');
if (!emitted.includes('require("@itsme-sign/nestjs")')) throw new Error('tsc did not emit require() calls');
process.stdout.write(run('node', ['dist/main.js', join(work, 'sandbox-data-cjs')], cjs));
console.log(`  (${since(t)})`);

// 3. The Express recipes of the READMEs (the root README's quick start; @itsme-sign/express's hash mode and
// document mode), each compiled by tsc as it is (but for the port) and run: hashes and PDFs signed over HTTP.
const port = await new Promise((resolve) => {
  const probe = createNetServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const pdfDir = join(app, 'pdf');
mkdirSync(pdfDir);
run(
  'node',
  [
    '--input-type=module',
    '-e',
    "import { PDFDocument } from 'pdf-lib'; import { writeFileSync } from 'node:fs'; const d = await PDFDocument.create(); d.addPage(); writeFileSync('contract-42.pdf', await d.save());",
  ],
  pdfDir,
);

/** Compiles and starts a README's Express server.ts, signs each body through it, stops it. */
async function runExpressRecipe(label, readme, index, bodies) {
  const block = readmeBlocks(readme).blocks.filter((b) => b.name === 'server.ts')[index];
  if (!block?.code.includes('app.listen(3000,') || !block.code.includes('sandbox at ')) {
    throw new Error(
      `${readme}: server.ts block ${index + 1} must listen on 3000 and print the sandbox's frontUrl`,
    );
  }
  const dir = join(app, `recipe-${label.replace(/\W+/g, '-')}`);
  mkdirSync(join(dir, 'contracts'), { recursive: true });
  writeFileSync(join(dir, 'server.ts'), block.code.replace('app.listen(3000,', `app.listen(${port},`));
  for (const to of ['contract-42.pdf', 'contracts/contract-42.pdf']) {
    writeFileSync(join(dir, to), readFileSync(join(pdfDir, 'contract-42.pdf')));
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'ES2022',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: 'dist',
      },
      files: ['server.ts'],
    }),
  );
  const started = performance.now();
  run('node', [tsc, '-p', 'tsconfig.json'], dir);
  const server = spawn('node', ['dist/server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const front = await new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /sandbox at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) => reject(new Error(`${label}: server.ts exited (${code}): ${out}`)));
    });
    const origin = `http://localhost:${port}`;
    const results = [];
    for (const body of bodies) {
      let cookie = '';
      const call = async (path, init = {}) => {
        const res = await fetch(origin + path, {
          ...init,
          redirect: 'manual',
          headers: { ...init.headers, cookie, origin },
        });
        const set = res.headers.getSetCookie()[0];
        if (set) cookie = set.split(';')[0];
        return res;
      };
      const control = (action, url) =>
        fetch(`${front}/control/${action}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        });
      const view = await (
        await call('/api/itsme/sessions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, lang: 'EN' }),
        })
      ).json();
      if (!view.next?.url) throw new Error(`${label}: no session started: ${JSON.stringify(view)}`);
      await control('identify', view.next.url);
      await call('/api/itsme/callback');
      await control('sign', (await (await call('/api/itsme/session')).json()).next.url);
      await call('/api/itsme/callback');
      const done = await (await call('/api/itsme/session')).json();
      if (done.status !== 'signed') throw new Error(`${label}: not signed: ${JSON.stringify(done)}`);
      const result = await call('/api/itsme/session/result');
      const type = result.headers.get('content-type')?.split(';')[0];
      results.push(
        `${body.digest ? 'a hash' : 'a PDF'} → ${type} (${(await result.arrayBuffer()).byteLength} bytes)`,
      );
    }
    console.log(`smoke (${label}): signed ${results.join(' and ')} (${since(started)})`);
  } finally {
    server.kill();
    await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve()));
  }
}

const digest = createHash('sha256').update('README recipe').digest('base64');
await runExpressRecipe('README.md quick start', 'README.md', 0, [{ digest }, { documentId: 'contract-42' }]);
await runExpressRecipe('express README, hash mode', 'packages/express/README.md', 0, [{ digest }]);
await runExpressRecipe('express README, document mode', 'packages/express/README.md', 1, [
  { documentId: 'contract-42' },
]);

// 4. The NestJS README's document-mode app (ESM, the README's files as they are but for the port: ConfigService
// settings filled by main.sandbox.ts, ContractsService, the controller that starts a session from the server and
// follows it with advance()), compiled by tsc and run: the controller's session ends with a signed PDF.
const nest = join(app, 'nest-readme');
mkdirSync(join(nest, 'src'), { recursive: true });
mkdirSync(join(nest, 'contracts'));
const nestBlocks = readmeBlocks('packages/nestjs/README.md').blocks;
for (const [file, header] of [
  ['itsme.config.ts', '// itsme.config.ts'],
  ['contracts.service.ts', '// contracts.service.ts'],
  ['app.module.ts', '// app.module.ts — document mode'],
  ['contract-signing.controller.ts', '// contract-signing.controller.ts'],
  ['main.ts', '// main.ts'],
  ['main.sandbox.ts', '// main.sandbox.ts — development only'],
]) {
  const block = nestBlocks.find((b) => b.code.split('\n')[0] === header);
  if (!block) throw new Error(`packages/nestjs/README.md has no block starting with ${header}`);
  const code =
    file === 'main.ts'
      ? block.code.replace('await app.listen(3000);', `await app.listen(${port});`)
      : block.code;
  if (file === 'main.ts' && code === block.code)
    throw new Error("the NestJS README's main.ts no longer listens on 3000");
  writeFileSync(join(nest, 'src', file), `${code}\n`);
}
writeFileSync(
  join(nest, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      module: 'nodenext',
      target: 'ES2022',
      strict: true,
      skipLibCheck: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      types: ['node'],
      outDir: 'dist',
      rootDir: 'src',
    },
    include: ['src'],
  }),
);
t = performance.now();
run('node', [tsc, '-p', 'tsconfig.json'], nest);
writeFileSync(join(nest, 'contracts', 'contract-42.pdf'), readFileSync(join(pdfDir, 'contract-42.pdf')));
const nestServer = spawn('node', ['dist/main.sandbox.js'], {
  cwd: nest,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NO_COLOR: '1' },
});
try {
  const front = await new Promise((resolve, reject) => {
    let out = '';
    nestServer.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /itsme® pages and phone: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    nestServer.once('exit', (code) => reject(new Error(`the NestJS README's app exited (${code}): ${out}`)));
  });
  const origin = `http://localhost:${port}`;
  let started;
  for (let i = 0; !started; i++) {
    started = await fetch(`${origin}/contracts/contract-42/signature`, { method: 'POST' }).catch((error) => {
      if (i > 100) throw error;
      return new Promise((r) => setTimeout(r, 100));
    });
  }
  if (started.status !== 201)
    throw new Error(`POST /contracts/contract-42/signature: ${started.status} ${await started.text()}`);
  if (!started.headers.getSetCookie().some((c) => c.includes('/api/itsme')))
    throw new Error('no session cookie for the browser');
  const { sessionId, next, version } = await started.json();
  const control = (action, url) =>
    fetch(`${front}/control/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
  await control('identify', next.url);
  // The browser never comes back to the callback here: the controller's advance() follows the session alone.
  const progress = async (seen) =>
    (await fetch(`${origin}/contracts/signature/${sessionId}?version=${seen}`)).json();
  let signing = await progress(version);
  while (signing.status === 'identifying') signing = await progress(signing.version);
  await control('sign', signing.next.url);
  let done = await progress(signing.version);
  while (done.status === 'signing') done = await progress(done.version);
  if (done.status !== 'signed')
    throw new Error(`the NestJS README's controller did not sign: ${JSON.stringify(done)}`);
  const result = await fetch(`${origin}/contracts/signature/${sessionId}/result`);
  const bytes = Buffer.from(await result.arrayBuffer());
  if (result.headers.get('content-type') !== 'application/pdf' || !bytes.includes('ETSI.CAdES.detached')) {
    throw new Error(`the NestJS README's result is not a signed PDF (${result.status})`);
  }
  console.log(
    `smoke (NestJS README): its app started a session from the server, followed it with advance() and returned a signed PDF (${bytes.length} bytes) (${since(t)})`,
  );
} finally {
  nestServer.kill();
}

// 5. Angular: ng build of the README's standalone, zoneless app on @itsme-sign/angular.
const ng = join(app, 'ng');
mkdirSync(join(ng, 'src'), { recursive: true });
const ngFiles = {
  'angular.json': {
    $schema: '../node_modules/@angular/cli/lib/config/schema.json',
    version: 1,
    cli: { analytics: false, packageManager: 'npm' },
    projects: {
      app: {
        projectType: 'application',
        root: '',
        sourceRoot: 'src',
        architect: {
          build: {
            builder: '@angular/build:application',
            options: {
              browser: 'src/main.ts',
              index: 'src/index.html',
              tsConfig: 'tsconfig.json',
              outputPath: 'dist',
              outputHashing: 'none',
            },
          },
        },
      },
    },
  },
  'tsconfig.json': {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      module: 'preserve',
      moduleResolution: 'bundler',
      lib: ['ES2023', 'DOM'],
      types: [],
      isolatedModules: true,
    },
    angularCompilerOptions: { strictTemplates: true, strictInjectionParameters: true },
    files: ['src/main.ts'],
  },
};
for (const [file, json] of Object.entries(ngFiles))
  writeFileSync(join(ng, file), JSON.stringify(json, null, 2));
writeFileSync(
  join(ng, 'src', 'index.html'),
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>smoke</title><base href="/"></head><body><app-root></app-root></body></html>\n',
);
// The app is the Angular README's recipe, block by block (app.config.ts, app.routes.ts, the sign button, the
// status page), under a root component with a router outlet: ng build type-checks its templates too.
const recipe = readmeBlocks('packages/angular/README.md').blocks.filter((block) => block.name);
const written = new Set();
mkdirSync(join(ng, 'src', 'app'), { recursive: true });
for (const block of recipe) {
  if (written.has(block.name)) continue;
  written.add(block.name);
  writeFileSync(join(ng, 'src', 'app', block.name), `${block.code}\n`);
}
for (const needed of ['app.config.ts', 'app.routes.ts']) {
  if (!written.has(needed)) throw new Error(`packages/angular/README.md has no ${needed} block`);
}
writeFileSync(
  join(ng, 'src', 'main.ts'),
  `import { Component } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { RouterOutlet } from '@angular/router';
import { appConfig } from './app/app.config';

@Component({ selector: 'app-root', imports: [RouterOutlet], template: '<router-outlet />' })
class App {}

bootstrapApplication(App, appConfig).catch((error: unknown) => console.error(error));
`,
);
t = performance.now();
run('node', [join(app, 'node_modules', '@angular', 'cli', 'bin', 'ng.js'), 'build'], ng, {
  NG_CLI_ANALYTICS: 'false',
});
const browser = join(ng, 'dist', 'browser');
const bundle = readdirSync(browser)
  .filter((f) => f.endsWith('.js'))
  .map((f) => readFileSync(join(browser, f), 'utf8'))
  .join('\n');
if (!bundle.includes('itsme-sign-status'))
  throw new Error('the Angular build does not contain <itsme-sign-status>');
console.log(
  `smoke (Angular): ng build of the Angular README's app (${written.size} files) on @itsme-sign/angular (${Math.round(bundle.length / 1024)} kB of JS) (${since(t)})`,
);

rmSync(work, { recursive: true, force: true });
console.log(`pack-smoke: done in ${since(started)}`);
