import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

/**
 * Tests import sibling packages from their sources, so a change in `core` is seen by every package's tests
 * without a rebuild. Processes that a test spawns (the sandbox CLI, the demo) run the built `dist/`.
 */
const root = fileURLToPath(new URL('.', import.meta.url));
export const sourceAliases = [
  { find: /^@itsme-sign\/core\/contract$/, replacement: `${root}packages/core/src/contract/index.ts` },
  {
    find: /^@itsme-sign\/core\/contract\/constants$/,
    replacement: `${root}packages/core/src/contract/constants.ts`,
  },
  { find: /^@itsme-sign\/core\/browser$/, replacement: `${root}packages/core/src/browser/index.ts` },
  { find: /^@itsme-sign\/core\/node$/, replacement: `${root}packages/core/src/node.ts` },
  { find: /^@itsme-sign\/core$/, replacement: `${root}packages/core/src/index.ts` },
  { find: /^@itsme-sign\/sandbox$/, replacement: `${root}packages/sandbox/src/index.ts` },
  { find: /^@itsme-sign\/ades$/, replacement: `${root}packages/ades/src/index.ts` },
  { find: /^@itsme-sign\/redis$/, replacement: `${root}packages/redis/src/index.ts` },
  { find: /^@itsme-sign\/express$/, replacement: `${root}packages/express/src/index.ts` },
  { find: /^@itsme-sign\/fastify$/, replacement: `${root}packages/fastify/src/index.ts` },
  { find: /^@itsme-sign\/nestjs$/, replacement: `${root}packages/nestjs/src/index.ts` },
];

/**
 * The one vitest configuration of the workspace's packages: sibling packages from their sources, tests in
 * `src/**\/*.test.ts`, timeouts for tests that talk to real servers. A package passes only what differs
 * (merged with vitest's `mergeConfig`).
 */
export function packageConfig(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { alias: sourceAliases },
      test: { include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
    }),
    overrides,
  );
}
