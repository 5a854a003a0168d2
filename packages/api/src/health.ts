import type { ApiContext } from "./context";

/**
 * What `/api/health` and the `health` procedure report: `degraded` while the store is being left
 * alone after failures (captures still work, without the cache).
 */
export function healthOf(context: ApiContext) {
  const circuit = context.captureService.storeCircuit();
  return {
    status: circuit === "closed" ? ("ok" as const) : ("degraded" as const),
    store: { kind: context.storeKind, circuit },
    renders: context.renderLoad?.() ?? null,
  };
}
