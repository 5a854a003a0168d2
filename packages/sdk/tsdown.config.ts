import { defineConfig } from "tsdown";

export default defineConfig({
  entry: { index: "src/index.ts", node: "src/node.ts", sign: "src/sign.ts" },
  format: "esm",
  platform: "neutral",
  // tRPC and lru-cache stay dependencies of the package; our workspace code and its types are
  // bundled in, so a consumer needs none of our server packages. tldts is the server's alone (the
  // options check cookie domains with it): no type or code of the SDK reaches it.
  deps: {
    neverBundle: ["@trpc/client", "@trpc/server", "lru-cache", "tldts", /^node:/],
    alwaysBundle: [/^@shotcache\//],
  },
  dts: { tsconfig: "tsconfig.build.json" },
  clean: true,
});
