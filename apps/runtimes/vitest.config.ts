import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // `next build` of the route handler takes ~25 s on 2 cores.
    hookTimeout: 240_000,
  },
});
