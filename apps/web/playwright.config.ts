import { defineConfig } from "@playwright/test";
import { findBrowserExecutable } from "@shotcache/renderer";

/**
 * Browser tests of the playground, in the system Chromium (no browser download). The global setup
 * starts the fixture site and the built app's production server.
 */
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  forbidOnly: Boolean(process.env.CI),
  workers: 1,
  reporter: [["list"]],
  timeout: 60_000,
  use: {
    launchOptions: { executablePath: await findBrowserExecutable(process.env) },
    trace: "retain-on-failure",
  },
});
