import { isProductionServer, type Services, services } from "./services";

/**
 * Under `next dev` (and `next start`, and so on a serverless host): starts building the services
 * without waiting for them, and closes the browser on SIGTERM/SIGINT. Not waiting lets Next.js
 * load the route that asked meanwhile: on a cold serverless start, that overlaps the unpacking of
 * the browser. A bad configuration or a missing browser still stops the server with a message.
 * Next.js's own handler ends the process once its HTTP server has closed; if that comes first,
 * the renderer's exit hook still kills the browser and removes its folder. The production server
 * (main.ts) does all this itself, with a drain.
 */
export function startLifecycle(): void {
  if (isProductionServer()) return;
  void servicesOrExit();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void services().then((running) => running.shutdown());
    });
  }
}

/** The services, or a one-line reason on stderr and exit 1 (a bad setting, no browser). */
export async function servicesOrExit(): Promise<Services> {
  try {
    return await services();
  } catch (error) {
    console.error(`[shotcache] cannot start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
