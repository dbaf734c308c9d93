import { packageConfig } from '../../vitest.shared.js';

// `next build` of the route handler takes ~25 s on 2 cores.
export default packageConfig({ test: { hookTimeout: 240_000 } });
