#!/usr/bin/env node
// Shows that releasing works: copies the workspace's manifests and changesets into a temporary folder, adds a
// sample changeset for @itsme-sign/core, runs `changeset version` there, and checks that every package of the
// fixed @itsme-sign/* group got the same new version, that internal dependencies were updated, and that each
// package has a CHANGELOG.md. Nothing in the repository is touched.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishablePackages, root } from './publishable.mjs';

const work = mkdtempSync(join(tmpdir(), 'itsme-sign-changeset-'));
for (const f of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, f), join(work, f));
cpSync(join(root, '.changeset'), join(work, '.changeset'), { recursive: true });
for (const dir of ['packages', 'apps', 'bench', 'reliability', 'test-support']) {
  const base = join(root, dir);
  if (!existsSync(base)) continue;
  const entries = dir === 'packages' || dir === 'apps' ? readdirSync(base).map((d) => join(dir, d)) : [dir];
  for (const rel of entries) {
    const manifest = join(root, rel, 'package.json');
    if (!existsSync(manifest)) continue;
    mkdirSync(join(work, rel), { recursive: true });
    cpSync(manifest, join(work, rel, 'package.json'));
  }
}
writeFileSync(
  join(work, '.changeset', 'dry-run-sample.md'),
  '---\n"@itsme-sign/core": patch\n---\n\nSample change (dry run).\n',
);
execFileSync('git', ['init', '-q'], { cwd: work });
execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: work, stdio: 'pipe' });

const read = (rel) => JSON.parse(readFileSync(join(work, rel, 'package.json'), 'utf8'));
const packages = publishablePackages().map((p) => ({
  ...p,
  rel: p.dir.slice(root.length).replace(/^\/+/, ''),
}));
const versions = new Map(packages.map((p) => [p.name, read(p.rel).version]));
const before = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).version;
const problems = [];
const expected = versions.get('@itsme-sign/core');
if (expected === before) problems.push(`@itsme-sign/core was not bumped (${before})`);
for (const p of packages) {
  if (versions.get(p.name) !== expected)
    problems.push(`${p.name} is ${versions.get(p.name)}, not ${expected} (fixed group)`);
  if (!existsSync(join(work, p.rel, 'CHANGELOG.md'))) problems.push(`${p.name} has no CHANGELOG.md`);
  const deps = read(p.rel).dependencies ?? {};
  for (const [dep, range] of Object.entries(deps)) {
    if (dep.startsWith('@itsme-sign/') && !String(range).startsWith('workspace:'))
      problems.push(`${p.name} → ${dep}@${range}`);
  }
}
const changelog = readFileSync(join(work, 'packages/core/CHANGELOG.md'), 'utf8');
if (!changelog.includes('Sample change (dry run).')) problems.push('core CHANGELOG lacks the sample change');
rmSync(work, { recursive: true, force: true });
if (problems.length) {
  console.error(`changeset dry run failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`changeset dry run: ${packages.length} packages ${before} → ${expected}, changelogs written`);
