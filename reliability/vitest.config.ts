import { packageConfig } from '../vitest.shared.js';

export default packageConfig({
  test: {
    globalSetup: ['src/support/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One file at a time: the load and fault tests measure a whole machine.
    fileParallelism: false,
  },
});
