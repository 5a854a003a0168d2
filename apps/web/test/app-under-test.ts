import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webhookSignature } from "@shotcache/api";
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
  await availableOrSkip("Chromium", () => findBrowserExecutable(process.env)),
);

export interface RunningApp {
  app: WebApp;
  /** The server's own TMPDIR, where its browser keeps its folders. */
  tempDir: string;
  /** Stops the server and removes its TMPDIR. */
  stop(): Promise<void>;
}

/**
 * The built web app's production server (as `pnpm start` runs it), or with `server: "next"` its
 * route handlers under `next start` (as a serverless host runs them), allowed to capture the
 * local fixture site, with the embedded defaults (memory store, local Chromium) unless `env` says
 * otherwise.
 */
export async function startApp(
  env: Record<string, string> = {},
  server: "production" | "next" = "production",
): Promise<RunningApp> {
  const tempDir = mkdtempSync(join(tmpdir(), "shotcache-e2e-"));
  const app = await startWebApp({
    appDir: APP_DIR,
    server,
    env: {
      SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
      // The tests make many captures from one address; the rate-limit test sets its own limit.
      SHOTCACHE_RATE_LIMIT_PER_MINUTE: "0",
      TMPDIR: tempDir,
      ...env,
    },
  }).catch((error: unknown) => {
    // A server that would not start (some tests mean it not to) leaves no folder behind.
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  });
  return {
    app,
    tempDir,
    async stop() {
      await app.stop();
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

export interface AppUnderTest extends RunningApp {
  site: FixtureSite;
  close(): Promise<void>;
}

/** One app, started with `env` on top of the defaults, and its own fixture site. */
export async function startAppUnderTest(env: Record<string, string> = {}): Promise<AppUnderTest> {
  const site = await startFixtureSite();
  const running = await startApp(env);
  return {
    ...running,
    site,
    async close() {
      await running.stop();
      await site.close();
    },
  };
}

/** The JSON lines a server has logged so far (its output reaches the test through a pipe). */
export function logLines(app: WebApp): Record<string, unknown>[] {
  return app
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

/** A delivery of the invalidation webhook for `payload`, signed with `secret` now. */
export function signedWebhook(
  secret: string,
  payload: unknown,
): { method: string; headers: Record<string, string>; body: string } {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shotcache-timestamp": String(timestamp),
      "x-shotcache-signature": webhookSignature(secret, timestamp, body),
    },
    body,
  };
}
