#!/usr/bin/env node
// Quality gates of every publishable package: `publint --strict` and `@arethetypeswrong/cli` (ESM only).
// Run after `pnpm build`. Exits non-zero if any package fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publishablePackages, root } from './publishable.mjs';

const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const { name, dir, publishDir } of publishablePackages()) {
  if (!existsSync(join(publishDir, 'package.json'))) {
    console.error(`✗ ${name}: ${publishDir} is missing — run pnpm build first`);
    failed++;
    continue;
  }
  for (const [tool, args] of [
    // A built folder (ng-packagr's dist) carries the source manifest's publishConfig.directory: pack it with npm.
    ['publint', ['--strict', ...(publishDir === dir ? [] : ['--pack', 'npm']), publishDir]],
    ['attw', ['--pack', publishDir, '--profile', 'esm-only', '--format', 'table-flipped']],
  ]) {
    const r = spawnSync(bin(tool), args, { encoding: 'utf8' });
    if (r.status === 0) {
      console.log(`✓ ${name}: ${tool}`);
    } else {
      failed++;
      console.error(`✗ ${name}: ${tool}\n${r.stdout}${r.stderr}`);
    }
  }
}
if (failed) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
