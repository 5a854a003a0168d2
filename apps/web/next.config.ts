import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: [
    "@shotcache/api",
    "@shotcache/cdn",
    "@shotcache/core",
    "@shotcache/queue",
    "@shotcache/renderer",
    "@shotcache/sdk",
    "@shotcache/store",
    "@shotcache/watches",
  ],
  // Type checking is `pnpm typecheck`'s job (TypeScript 7 has no JS API for Next to call).
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // Loaded by Node at run time, never bundled: @sparticuz/chromium finds its packed Chromium
  // beside its own files, and puppeteer loads its browser protocol files by path. (Next keeps
  // both external by default; named here so the deploy recipe does not hang on that default.)
  serverExternalPackages: ["@sparticuz/chromium", "puppeteer", "puppeteer-core"],
  // The packed Chromium is read by path, which file tracing cannot see: without this, a
  // serverless deploy would ship the package without its browser.
  outputFileTracingIncludes: {
    "/api/**": ["./node_modules/@sparticuz/chromium/bin/**"],
  },
};

export default config;
