import type { ApiContext } from "@shotcache/api";
import { createCaptureService } from "@shotcache/core";
import { createPuppeteerRenderer, findBrowserExecutable } from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import { parseServerEnv } from "./env";

export interface Services {
  context: ApiContext;
  /** Closes the browser and the store; safe to call more than once. */
  shutdown(): Promise<void>;
}

async function createServices(): Promise<Services> {
  const env = parseServerEnv(process.env);
  const executablePath = await findBrowserExecutable({
    CHROME_PATH: env.CHROME_PATH,
    PUPPETEER_EXECUTABLE_PATH: env.PUPPETEER_EXECUTABLE_PATH,
  });
  const store = createMemoryStore({ maxBytes: env.SHOTCACHE_MEMORY_MAX_BYTES });
  const renderer = createPuppeteerRenderer({
    executablePath,
    allowPrivateNetworks: env.SHOTCACHE_ALLOW_PRIVATE_NETWORKS,
    navigationTimeoutMs: env.SHOTCACHE_NAVIGATION_TIMEOUT_MS,
  });
  const captureService = createCaptureService({
    store,
    renderer,
    onStoreError: (error, operation) =>
      console.warn(`[shotcache] store ${operation} failed:`, error),
  });

  console.info(
    `[shotcache] store: ${store.kind}; browser: ${executablePath}` +
      (env.SHOTCACHE_ALLOW_PRIVATE_NETWORKS ? "; private networks ALLOWED (development only)" : ""),
  );

  let closing: Promise<void> | undefined;
  return {
    context: {
      captureService,
      storeKind: store.kind,
      onUnexpectedError: (error) => console.error("[shotcache] unexpected error:", error),
    },
    shutdown() {
      closing ??= Promise.allSettled([renderer.close(), store.close()]).then(() => {});
      return closing;
    },
  };
}

/**
 * The process's services, built on first use. Kept on `globalThis` because Next.js evaluates
 * instrumentation and each route in module graphs of their own: one browser per process.
 */
export function services(): Promise<Services> {
  const holder = globalThis as { __shotcacheServices?: Promise<Services> };
  holder.__shotcacheServices ??= createServices();
  return holder.__shotcacheServices;
}
