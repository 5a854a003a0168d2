/**
 * The production server, what `pnpm start` runs: one `node:http` server and one set of services
 * (browser, store, rate limiter). The API is answered on the fast path (packages/api's
 * `createApiServer`); the pages and Next's assets go to Next.js's own request handler. Drains on
 * SIGTERM/SIGINT: requests in flight finish, then the browser and the store close.
 */
import { join } from "node:path";
import { createApiServer } from "@shotcache/api";
import { declareProduction } from "./config";
import { servicesOrExit } from "./lifecycle";
import { markProductionServer } from "./services";

declareProduction(); // before Next.js loads
markProductionServer();

const running = await servicesOrExit();
const { config, logger } = running;
const { http } = config;

const { default: next } = await import("next");
const pages = next({ dev: false, dir: join(import.meta.dirname, ".."), quiet: true });
await pages.prepare();
const handlePage = pages.getRequestHandler();

const api = createApiServer({
  context: running.context,
  fallback: (request, response) =>
    handlePage(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url?.split("?")[0] }, "page failed");
      if (!response.headersSent) response.writeHead(500).end();
    }),
  limits: http.limits,
});

try {
  const port = await api.listen(http.port, http.host);
  logger.info({ url: `http://${http.host}:${port}` }, "listening");
} catch (error) {
  console.error(`[shotcache] cannot listen: ${(error as Error).message}`);
  await running.shutdown();
  process.exit(1);
}

/** Drains, closes everything, exits: 0 when every request in flight was answered. */
async function stop(signal: NodeJS.Signals): Promise<never> {
  const graceMs = http.shutdownGraceMs;
  logger.info({ signal, graceMs }, "draining");
  // A backstop in case closing the browser or the store hangs too.
  setTimeout(() => process.exit(1), graceMs + 10_000).unref();
  const finished = await api.drain(graceMs);
  if (!finished) logger.warn({ graceMs }, "grace period over: requests still in flight were cut");
  await Promise.allSettled([pages.close(), running.shutdown()]);
  logger.info("stopped");
  process.exit(finished ? 0 : 1);
}

/**
 * A signal repeated within this time is the same request passed on: Ctrl-C reaches every process
 * of the terminal's group, and `pnpm start` then forwards it to the server once more.
 */
const REPEATED_SIGNAL_MS = 1_000;
let firstSignalAt: number | undefined;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = performance.now();
      void stop(signal);
      return;
    }
    // A second signal means "now": the renderer's exit hook still kills the browser.
    if (performance.now() - firstSignalAt >= REPEATED_SIGNAL_MS) process.exit(1);
  });
}
