import { defineConfig } from "tsdown";

/** One executable module; the SDK, commander and ora stay dependencies. */
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: "esm",
  // `.js` in a `"type": "module"` package: the bin name the package points at.
  outExtensions: () => ({ js: ".js" }),
  platform: "node",
  dts: false,
  clean: true,
});
