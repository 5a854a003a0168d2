import { isBuiltin } from "node:module";
import { join, relative } from "node:path";
import { defineConfig, type UserConfig } from "tsdown";

const OUT_DIR = "dist";

type Plugin = NonNullable<UserConfig["plugins"]>;

/**
 * Leaves every npm package out of the bundle, imported by its resolved path. Our workspace
 * packages ship TypeScript and are bundled; what they import (ioredis, puppeteer, prom-client…)
 * is a dependency of theirs, not of this app, so under pnpm it resolves only from their own
 * folders: the path found at build time is the import that works at run time. It is written
 * relative to the bundle, so the checkout may move (rolldown's own `external: "relative"` left it
 * absolute).
 */
const externalByResolvedPath: Plugin = {
  name: "shotcache:external-by-resolved-path",
  async resolveId(source, importer, options) {
    const bare =
      !/^[./]/.test(source) && !source.startsWith("@/") && !source.startsWith("@shotcache/");
    if (!importer || !bare || isBuiltin(source)) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (!resolved) return null;
    const fromBundle = relative(join(import.meta.dirname, OUT_DIR), resolved.id);
    return { id: fromBundle.startsWith(".") ? fromBundle : `./${fromBundle}`, external: true };
  },
};

/**
 * The production server (`pnpm start`): one node:http server for the API and the pages; the
 * render worker (`pnpm worker`); and the change measure's worker thread, which the server starts
 * from its own folder (services.ts).
 */
export default defineConfig({
  entry: {
    server: "src/server/main.ts",
    worker: "src/server/worker.ts",
    "change-worker": "../../packages/visual-change/src/measure-worker.ts",
  },
  format: "esm",
  platform: "node",
  outDir: OUT_DIR,
  alias: { "@": "./src" },
  plugins: [externalByResolvedPath],
  deps: { alwaysBundle: [/^@shotcache\//] },
  dts: false,
  clean: true,
});
