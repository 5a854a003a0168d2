import type { ApiContext } from "./context";

/** What `/api/health` and the `health` procedure report. */
export function healthOf(context: ApiContext) {
  return { status: "ok" as const, store: context.storeKind };
}
