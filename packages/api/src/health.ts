import type { ApiContext } from "./context";

/**
 * What `/api/health` and the `health` procedure report: `degraded` while the store is being left
 * alone after failures (captures still work, without the cache), `draining` while the server
 * finishes its last requests before it stops (a balancer should send no more).
 */
export function healthOf(context: ApiContext) {
  const circuit = context.captureService.storeCircuit();
  const status = context.draining?.() ? "draining" : circuit === "closed" ? "ok" : "degraded";
  const load = context.renderLoad?.();
  return {
    status,
    store: { kind: context.storeKind, circuit },
    /** Where this process's browser comes from; null when renders run on render workers. */
    browser: context.browserSource ? { source: context.browserSource } : null,
    /** Fonts of this machine's browser for CJK text and colour emoji; null when it is elsewhere. */
    fonts: context.fonts ?? null,
    /** Renders running and waiting, and with the queue, the workers alive and their slots. */
    renders: load ? { mode: "local", ...load } : null,
  };
}
