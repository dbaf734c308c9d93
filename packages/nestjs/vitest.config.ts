import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.js';

export default defineConfig({
  // esbuild drops decorator metadata, which Nest's dependency injection needs: compile with SWC instead.
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
