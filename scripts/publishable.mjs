// The publishable packages of the workspace (packages/* that are not private), with the folder npm publishes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export function publishablePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => existsSync(join(p, 'package.json')))
    .map((p) => ({ dir: p, pkg: JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({
      name: pkg.name,
      dir,
      /** ng-packagr publishes its dist folder (publishConfig.directory). */
      publishDir: pkg.publishConfig?.directory ? join(dir, pkg.publishConfig.directory) : dir,
    }));
}
