import { services } from "./services";

/**
 * Builds the services at start-up, so a bad configuration or a missing browser stops the server
 * with a message instead of failing the first request, and closes the browser on SIGTERM/SIGINT so
 * no Chromium process or profile folder outlives the server.
 */
export async function startLifecycle(): Promise<void> {
  try {
    await services();
  } catch (error) {
    console.error(`[shotcache] cannot start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void services()
        .then((running) => running.shutdown())
        .finally(() => process.exit(0));
    });
  }
}
