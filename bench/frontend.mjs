/**
 * 5. Front-end weight: what `@itsme-sign/angular` weighs in the browser. Reads the demo's production build
 * (apps/demo/dist/browser: the JS files, gzipped with node:zlib at level 6 — what most servers and CDNs use) and
 * the package's FESM bundle, raw, gzipped, and minified by esbuild (the demo toolchain's own copy) with
 * @angular/* external, gzipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bytes } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DEMO_DIST = `${ROOT}apps/demo/dist/browser/`;
const FESM_DIR = `${ROOT}packages/angular/dist/fesm2022/`;
const gz = (buf) => gzipSync(buf, { level: 6 }).length;

/** The esbuild that the demo's Angular builder uses (not a dependency of the benchmarks). */
async function loadEsbuild() {
  try {
    const fromDemo = createRequire(`${ROOT}apps/demo/package.json`);
    const fromBuilder = createRequire(fromDemo.resolve('@angular/build/package.json'));
    return await import(fromBuilder.resolve('esbuild'));
  } catch {
    return undefined;
  }
}

export async function run() {
  const tables = [];
  const notes = [];
  if (existsSync(DEMO_DIST)) {
    const html = readFileSync(`${DEMO_DIST}index.html`, 'utf8');
    const rows = [];
    let initial = 0;
    let total = 0;
    for (const f of readdirSync(DEMO_DIST)
      .filter((n) => n.endsWith('.js'))
      .sort()) {
      const buf = readFileSync(`${DEMO_DIST}${f}`);
      const size = gz(buf);
      const isInitial = html.includes(`"${f}"`);
      total += size;
      if (isInitial) initial += size;
      rows.push([
        f,
        bytes(buf.length),
        bytes(size),
        isInitial ? 'initial' : 'lazy',
        buf.includes('itsme-sign-status') ? 'yes' : '',
      ]);
    }
    rows.push(['all JS', '', bytes(total), '', ''], ['initial JS', '', bytes(initial), '', '']);
    tables.push({
      title: 'Demo app production build (apps/demo/dist/browser)',
      columns: ['file', 'raw', 'gzip', 'loaded', 'holds the itsme-sign-status tag'],
      rows,
    });
  } else {
    notes.push(
      'apps/demo/dist/browser does not exist (the demo was not built): only the package bundle is measured.',
    );
  }

  if (!existsSync(FESM_DIR)) {
    const r = spawnSync('pnpm', ['--filter', '@itsme-sign/angular', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('could not build packages/angular');
  }
  const fesm = readdirSync(FESM_DIR).filter((f) => f.endsWith('.mjs'));
  const rows = [];
  for (const f of fesm) {
    const buf = readFileSync(`${FESM_DIR}${f}`);
    rows.push([`${f} (FESM, as published)`, bytes(buf.length), bytes(gz(buf)), `${gz(buf)} B`]);
  }
  const esbuild = await loadEsbuild();
  if (esbuild) {
    const out = await esbuild.build({
      entryPoints: fesm.map((f) => `${FESM_DIR}${f}`),
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      external: ['@angular/*', 'rxjs', 'rxjs/*', 'tslib'],
      write: false,
      logLevel: 'silent',
    });
    const min = Buffer.concat(out.outputFiles.map((o) => Buffer.from(o.contents)));
    rows.push(['minified (esbuild, @angular/* external)', bytes(min.length), bytes(gz(min)), `${gz(min)} B`]);
  } else {
    notes.push("esbuild was not found next to the demo's Angular builder: no minified figure.");
  }
  tables.push({
    title: '@itsme-sign/angular bundle',
    columns: ['bundle', 'raw', 'gzip', 'gzip bytes'],
    rows,
  });
  notes.push(
    'The demo build is Angular\'s application builder (esbuild, production): the component is merged into the chunks marked "yes"; those chunks also hold Angular itself and the demo\'s pages, so they are an upper bound.',
    'The published FESM is partially compiled (ɵɵngDeclare*) and unminified; the Angular linker and the app\'s minifier make it smaller in an app, so the "minified" line is the closer estimate of what the component adds.',
    "No empty-Angular-app baseline: building one needs the Angular CLI toolchain per run (not cheap); compare with the demo's initial JS instead.",
  );
  return {
    name: 'frontend',
    title: '5. Front-end weight: the Angular component',
    mode: 'gzip level 6 (node:zlib)',
    tables,
    targets: [],
    notes,
  };
}
