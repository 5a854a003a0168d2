import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits, when needed, until at least `marginMs` are left in the current rate-limit window.
 *
 * The limiters count in sliding windows aligned to the clock: requests just before a window's end
 * weigh less a moment later, so a test that spends its quota across the edge may see one more
 * request allowed than it counted. Starting well inside a window keeps the count exact.
 */
export async function clearOfWindowEdge(windowMs = 60_000, marginMs = 15_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await sleep(left + 50);
}
