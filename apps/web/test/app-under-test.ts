import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBrowserExecutable } from "@shotcache/renderer";
import {
  availableOrSkip,
  type FixtureSite,
  startFixtureSite,
  startWebApp,
  type WebApp,
} from "@shotcache/testkit";

const APP_DIR = join(import.meta.dirname, "..");

/** Whether this machine has what the end-to-end tests need (fails instead under CI=true). */
export const browserAvailable = Boolean(
  await availableOrSkip("Chromium", () => findBrowserExecutable()),
);

export interface AppUnderTest {
  app: WebApp;
  site: FixtureSite;
  /** The server's own TMPDIR, where its browser keeps its folders. */
  tempDir: string;
  close(): Promise<void>;
}

/**
 * The built web app under `next start`, with the default embedded configuration (memory store,
 * local Chromium), allowed to capture the local fixture site.
 */
export async function startAppUnderTest(): Promise<AppUnderTest> {
  const site = await startFixtureSite();
  const tempDir = mkdtempSync(join(tmpdir(), "shotcache-e2e-"));
  const app = await startWebApp({
    appDir: APP_DIR,
    env: { SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true", TMPDIR: tempDir },
  });
  return {
    app,
    site,
    tempDir,
    async close() {
      await app.stop();
      await site.close();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
