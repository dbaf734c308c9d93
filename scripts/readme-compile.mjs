#!/usr/bin/env node
// Compiles every ```ts / ```typescript block of README.md and packages/*/README.md against the PACKED packages:
// the tarballs and the frameworks the blocks import are installed into a throwaway project outside the
// workspace, each block becomes a file there, and `tsc --noEmit` checks them with `strict: true`.
//
// - Server blocks: `module`/`moduleResolution` `nodenext` (ESM, `"type": "module"`), as a Node app would.
// - NestJS blocks (they import `@nestjs/…`): the same, plus `experimentalDecorators` and `emitDecoratorMetadata`,
//   which Nest's dependency injection needs.
// - Angular blocks (they import `@angular/…` or `@itsme-sign/angular`): the settings of an `ng new` app
//   (`moduleResolution: bundler`, standard decorators — no `experimentalDecorators`).
// - A block whose first line is a file-name comment (`// app.module.ts`) is written under that name, next to the
//   other blocks of the same README, so blocks may import each other (`./app.module.js`); a later block of the
//   same name is a variant (`app.module.2.ts`).
// - A fragment that uses names defined elsewhere (`pdfBytes`, `app`) compiles with the declarations of a
//   `<!-- compile-with: declare const pdfBytes: Uint8Array; -->` comment just before its fence (invisible on
//   GitHub; appended to the block's file, so errors keep the README's line numbers).
// - A block that is deliberately not code to compile is skipped only when the line before its fence is
//   `<!-- not-compiled: the reason -->`. Keep those rare.
//
// Run after `pnpm build`. Exits non-zero if a block does not compile; errors point at the README line.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { installProject, packAll, since, workDir } from './pack.mjs';
import { root } from './publishable.mjs';
import { readmeBlocks, readmeFiles } from './readme-blocks.mjs';

const started = performance.now();
const keep = process.argv.includes('--keep');

// 1. The blocks.
const readmes = readmeFiles();
const blocks = [];
const skipped = [];
for (const readme of readmes) {
  const found = readmeBlocks(readme);
  blocks.push(...found.blocks);
  skipped.push(...found.skipped);
}

const groupOf = (block) =>
  /from '@nestjs\//.test(block.code) || block.readme.startsWith('packages/nestjs/')
    ? 'nest'
    : /from '@angular\/|from '@itsme-sign\/angular'/.test(block.code) ||
        block.readme.startsWith('packages/angular/')
      ? 'angular'
      : 'node';

// 1b. The install lines: every package a README's blocks import must be in one of its `npm install` / `pnpm add`
// lines (a ```sh block or an inline code span), so that a newcomer who copies both gets code that resolves.
// A type-only package counts through its @types/ package; @angular/* comes with the Angular app (`ng new`).
// A README with no install line at all is reported, not failed.
const packageOf = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
let installProblems = 0;
for (const readme of readmes) {
  const text = readFileSync(join(root, readme), 'utf8');
  const candidates = [
    ...[...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n')),
    ...[...text.matchAll(/`([^`\n]*(?:\n[^`\n]*)?)`/g)].map((m) => m[1]),
  ];
  const installed = new Set();
  for (const line of candidates) {
    const m = /(?:npm (?:install|i)|pnpm add|yarn add)\s+([^#]*)/.exec(line);
    for (const token of m ? m[1].split(/\s+/) : []) {
      if (token && !token.startsWith('-')) installed.add(packageOf(token.replace(/(?<=.)@[^/]*$/, '')));
    }
  }
  const imported = new Set();
  for (const block of blocks.filter((b) => b.readme === readme)) {
    for (const m of `${block.code}\n${block.prelude}`.matchAll(/(?:from|import)\s+'([^'.][^']*)'/g)) {
      if (!m[1].startsWith('node:') && !m[1].startsWith('@angular/')) imported.add(packageOf(m[1]));
    }
  }
  const missing = [...imported].filter((name) => !installed.has(name) && !installed.has(`@types/${name}`));
  if (!missing.length) continue;
  if (installed.size) {
    installProblems++;
    console.error(`✗ ${readme}: the examples import ${missing.join(', ')}, which no install line lists`);
  } else {
    console.warn(`⚠ ${readme}: no install line; its examples import ${missing.join(', ')}`);
  }
}

if (!installProblems)
  console.log(`✓ install lines: every package the examples import is in their README's install line`);

// 2. The throwaway project: the tarballs, and the frameworks at the versions the workspace uses.
const workspaceVersions = {};
for (const dir of [
  '.',
  ...['packages', 'apps'].flatMap((d) => readdirSync(join(root, d)).map((n) => `${d}/${n}`)),
]) {
  const file = join(root, dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  for (const [name, range] of Object.entries({ ...pkg.devDependencies, ...pkg.dependencies })) {
    if (!range.startsWith('workspace:') && !workspaceVersions[name]) workspaceVersions[name] = range;
  }
}
const frameworks = [
  'typescript',
  '@types/node',
  'express',
  '@types/express',
  'fastify',
  'ioredis',
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/config',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  'reflect-metadata',
  'rxjs',
  '@angular/common',
  '@angular/core',
  '@angular/platform-browser',
  '@angular/router',
];
const dependencies = Object.fromEntries(
  frameworks.map((name) => {
    if (!workspaceVersions[name])
      throw new Error(`no version of ${name} in the workspace's package.json files`);
    return [name, workspaceVersions[name]];
  }),
);

const work = workDir('itsme-sign-readme-');
const app = join(work, 'app');
let t = performance.now();
const tarballs = packAll(work);
console.log(`readme-compile: packed ${Object.keys(tarballs).length} packages in ${since(t)}`);
t = performance.now();
installProject(app, { name: 'itsme-sign-readme-blocks', tarballs, dependencies });
console.log(`readme-compile: installed them with ${frameworks.length} frameworks in ${since(t)}`);

// 3. One file per block; one tsconfig per group.
const files = new Map(); // path relative to app → block
for (const [n, block] of blocks.entries()) {
  const group = groupOf(block);
  const slug = block.readme === 'README.md' ? 'root' : block.readme.split('/')[1];
  let path = join('blocks', group, slug, block.name ?? `block-${n}-line-${block.line}.ts`);
  // A second block of the same name (e.g. app.module.ts in document mode) is a variant: compiled next to the first.
  for (let v = 2; files.has(path); v++)
    path = join('blocks', group, slug, block.name.replace(/\.ts$/, `.${v}.ts`));
  files.set(path, block);
  mkdirSync(dirname(join(app, path)), { recursive: true });
  // The prelude goes on the block's last line, so that line numbers stay the README's.
  writeFileSync(join(app, path), `${block.code}\n${block.prelude.replace(/\s*\n\s*/g, ' ')}\n`);
}
const strict = {
  strict: true,
  noEmit: true,
  skipLibCheck: true, // as tsc --init, nest new and ng new set it (pkijs's types need the DOM lib otherwise)
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  moduleDetection: 'force',
  isolatedModules: true,
  verbatimModuleSyntax: false,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
};
const tsconfigs = {
  node: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' },
  nest: {
    ...strict,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
  },
  angular: {
    ...strict,
    module: 'preserve',
    moduleResolution: 'bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
    noPropertyAccessFromIndexSignature: true,
    noImplicitReturns: true,
  },
};
const groups = [...new Set([...files.keys()].map((path) => path.split('/')[1]))];
for (const group of groups) {
  writeFileSync(
    join(app, `tsconfig.${group}.json`),
    JSON.stringify({ compilerOptions: tsconfigs[group], include: [`blocks/${group}/**/*.ts`] }, null, 2),
  );
}

// 4. tsc per group (two at a time), errors mapped back to the README lines.
t = performance.now();
const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
const results = await Promise.all(
  groups.map(
    (group) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [tsc, '-p', `tsconfig.${group}.json`, '--pretty', 'false'], {
          cwd: app,
        });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        child.on('close', (code) => resolve({ group, code, out }));
      }),
  ),
);
let failed = 0;
for (const { group, code, out } of results) {
  const count = [...files.keys()].filter((path) => path.split('/')[1] === group).length;
  if (code === 0) {
    console.log(`✓ ${group}: ${count} block(s) compile`);
    continue;
  }
  failed++;
  console.error(`✗ ${group}: tsc failed`);
  for (const line of out.split('\n').filter(Boolean)) {
    const m = /^(blocks\/[^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
    const block = m && files.get(m[1]);
    console.error(block ? `  ${block.readme}:${block.line + Number(m[2])}:${m[3]} ${m[4]}` : `  ${line}`);
  }
}
console.log(
  `readme-compile: ${blocks.length} block(s) from ${readmes.length} READMEs type-checked in ${since(t)}` +
    ` (${skipped.length} not compiled${skipped.map((s) => `; ${s.readme}:${s.line} ${s.reason}`).join('')}); total ${since(started)}`,
);
if (keep) console.log(`kept: ${relative(process.cwd(), app) || app}`);
else rmSync(work, { recursive: true, force: true });
if (failed || installProblems) process.exit(1);
