import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

/**
 * End-to-end tests: the demo back ends (imported from source, as `startDemo()`), the sandbox, and Debian's Chromium
 * driven by playwright-core through the built Angular app (`pnpm build` first; turbo does it).
 */
export default defineConfig({
  // esbuild drops decorator metadata, which the Nest back end's dependency injection needs: compile with SWC.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias: sourceAliases },
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One browser and one back end at a time: the machine has two cores.
    fileParallelism: false,
  },
});
