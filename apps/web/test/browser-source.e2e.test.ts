import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { browserAvailable, logLines, type RunningApp, startApp } from "./app-under-test";

// Where the browser comes from when @sparticuz/chromium is not installed (an install that left
// the optional dependency out): a preload hides it from the app's process.

const WITHOUT_SPARTICUZ = `--import=${join(import.meta.dirname, "fixtures", "without-sparticuz.mjs")}`;

describe.skipIf(!browserAvailable).each(["production", "next"] as const)(
  "browser source without @sparticuz/chromium (%s server)",
  (server) => {
    let running: RunningApp | undefined;
    afterEach(async () => {
      await running?.stop();
      running = undefined;
    });

    it("refuses to start with SHOTCACHE_BROWSER=serverless, naming the package", async () => {
      const env = { NODE_OPTIONS: WITHOUT_SPARTICUZ, SHOTCACHE_BROWSER: "serverless" };
      await expect(startApp(env, server)).rejects.toThrow(
        /cannot start: SHOTCACHE_BROWSER=serverless needs the package @sparticuz\/chromium/,
      );
    });

    it("stays local on a serverless host, and says why", async () => {
      running = await startApp({ NODE_OPTIONS: WITHOUT_SPARTICUZ, NETLIFY: "true" }, server);
      const health = await (await fetch(`${running.app.origin}/api/health`)).json();
      expect(health.browser).toEqual({ source: "local" });
      const chosen = logLines(running.app).find((line) =>
        String(line.msg).startsWith("SHOTCACHE_BROWSER unset on a serverless host"),
      );
      expect(chosen).toMatchObject({ host: "NETLIFY", browser: "local" });
    });
  },
);
