// Packing and installing the publishable packages the way a user gets them: `pnpm pack` of every package into a
// throwaway folder outside the workspace, and a throwaway project that installs the tarballs with npm (the rest
// from the npm registry). Shared by pack-smoke.mjs and readme-compile.mjs. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishablePackages } from './publishable.mjs';

/** Runs a command, returns its stdout; its stderr goes to ours. Throws (with its stdout) on a non-zero exit. */
export function run(cmd, args, cwd, env) {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: env ? { ...process.env, ...env } : process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // Its stdout (tsc prints its errors there) with the failure, not buried in a stack trace.
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}`, {
      cause: error.status,
    });
  }
}

/** A fresh folder under the OS temp dir (outside the workspace, so nothing resolves from its node_modules). */
export const workDir = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/**
 * Packs every publishable package into `${work}/tarballs` and returns `{ '@itsme-sign/x': 'file:/…/x.tgz' }`.
 * (`pnpm pack` honours `publishConfig.directory`, so @itsme-sign/angular is packed from ng-packagr's dist.)
 */
export function packAll(work) {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  for (const { dir } of publishablePackages()) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const deps = {};
  for (const file of readdirSync(tarballs)) {
    const name = `@itsme-sign/${file.replace(/^itsme-sign-/, '').replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')}`;
    deps[name] = `file:${join(tarballs, file)}`;
  }
  return deps;
}

/**
 * Writes `${dir}/package.json` with the tarballs and `dependencies`, and runs `npm install`. The tarballs depend
 * on each other by version (0.0.0 is not on the registry): `overrides` points them at the files.
 */
export function installProject(dir, { name, tarballs, dependencies = {}, extra = {} }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name,
        private: true,
        type: 'module',
        ...extra,
        dependencies: { ...tarballs, ...dependencies },
        overrides: tarballs,
      },
      null,
      2,
    )}\n`,
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

/** Seconds since `start` (a `performance.now()`), one decimal. */
export const since = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;
