/** @type {import('next').NextConfig} */
export default {
  // Load core with Node's own resolver at run time instead of bundling it (it uses undici and node:crypto).
  serverExternalPackages: ['@itsme-sign/core'],
  // The monorepo's root, where pnpm keeps the packages.
  turbopack: { root: new URL('../../..', import.meta.url).pathname },
};
