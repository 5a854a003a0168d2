import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: [
    "@shotcache/api",
    "@shotcache/core",
    "@shotcache/renderer",
    "@shotcache/sdk",
    "@shotcache/store",
  ],
  // Type checking is `pnpm typecheck`'s job (TypeScript 7 has no JS API for Next to call).
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};

export default config;
