import { services } from "./services";

/**
 * Builds the services at start-up, so a bad configuration or a missing browser stops the server
 * with a message instead of failing the first request, and closes the browser gracefully on
 * SIGTERM/SIGINT. Next.js's own handler ends the process once its HTTP server has closed; if that
 * comes first, the renderer's exit hook still kills the browser and removes its folder.
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
      void services().then((running) => running.shutdown());
    });
  }
}
