import { packageConfig } from '../../vitest.shared.js';

// The tests spawn the built CLI (dist/cli.js): turbo builds it before `test`.
export default packageConfig();
