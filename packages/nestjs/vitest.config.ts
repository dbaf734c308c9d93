import swc from 'unplugin-swc';
import { packageConfig } from '../../vitest.shared.js';

// esbuild drops decorator metadata, which Nest's dependency injection needs: compile with SWC instead.
export default packageConfig({ plugins: [swc.vite({ module: { type: 'es6' } })] });
