import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One file at a time: the load and fault tests measure a whole machine.
    fileParallelism: false,
  },
});
