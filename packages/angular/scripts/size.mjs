#!/usr/bin/env node
/**
 * How much @itsme-sign/angular adds to an app: the built package (dist/, run `pnpm build` first), linked by
 * Angular's linker as an app build does, minified by esbuild with Angular itself left out, then gzipped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const fesm = join(here, '..', 'dist', 'fesm2022', 'itsme-sign-angular.mjs');
// @angular/build brings babel and esbuild; resolve them from there.
const fromBuild = createRequire(createRequire(import.meta.url).resolve('@angular/build/package.json'));
const babel = fromBuild('@babel/core');
const esbuild = fromBuild('esbuild');
const { default: angularLinker } = await import('@angular/compiler-cli/linker/babel');

const source = readFileSync(fesm, 'utf8');
const linked = await babel.transformAsync(source, {
  filename: fesm,
  babelrc: false,
  configFile: false,
  compact: false,
  plugins: [angularLinker],
});
if (linked.code.includes('ɵɵngDeclare')) throw new Error('the Angular linker did not run');
const result = await esbuild.build({
  stdin: { contents: linked.code, loader: 'js', resolveDir: dirname(fesm) },
  bundle: true,
  minify: true,
  format: 'esm',
  write: false,
  external: ['@angular/*', 'rxjs', 'rxjs/*', 'tslib'],
  define: { ngDevMode: 'false', ngJitMode: 'false', ngI18nClosureMode: 'false' },
});
const code = result.outputFiles[0].contents;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const gzip = (text) => gzipSync(text, { level: 9 }).byteLength;
// The four languages' texts are part of it; show them apart.
const i18n = /ITSME_SIGN_MESSAGES_BY_LANG|phases:/.test(linked.code)
  ? source.match(/const EN = \{[\s\S]*?\n\};\nconst FR[\s\S]*?\nconst DE = \{[\s\S]*?\n\};/)?.[0]
  : undefined;
console.log(
  `@itsme-sign/angular: ${kb(code.byteLength)} minified, ${kb(gzip(code))} gzipped (Angular itself excluded)`,
);
if (i18n) console.log(`  of which the EN/FR/NL/DE texts: ${kb(i18n.length)} raw, ${kb(gzip(i18n))} gzipped`);
