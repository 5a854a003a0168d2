import { readdirSync } from "node:fs";
import { descendantsOf, survivorsAfter } from "@shotcache/testkit";
import { describe, expect, it } from "vitest";
import { browserAvailable, startAppUnderTest } from "./app-under-test";

describe.skipIf(!browserAvailable)("server shutdown", () => {
  it("leaves no Chromium process and no browser folder after SIGTERM", async () => {
    const env = await startAppUnderTest();
    try {
      const response = await fetch(
        `${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(env.site.url("/stable"))}`,
      );
      expect(response.status).toBe(200);

      const serverPid = env.app.process.pid ?? 0;
      const browserProcesses = descendantsOf(serverPid).filter((p) => /chrom/i.test(p.commandLine));
      expect(browserProcesses.length).toBeGreaterThan(0);
      expect(readdirSync(env.tempDir).length).toBeGreaterThan(0);

      // Next.js exits with 143 (128 + SIGTERM) after its graceful shutdown.
      expect([0, 143]).toContain(await env.app.stop());
      expect(await survivorsAfter(browserProcesses.map((p) => p.pid))).toEqual([]);
      expect(readdirSync(env.tempDir)).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
