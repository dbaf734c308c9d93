import { packageConfig } from '../../vitest.shared.js';

export default packageConfig({ test: { globalSetup: ['src/test-support/global-setup.ts'] } });
