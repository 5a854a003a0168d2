/** @module Calling the host's observers (logging, metrics) safely. */

/** Calls a host callback; one that throws must not become an unhandled rejection. */
export function notifyHost<A extends unknown[]>(
  callback: ((...args: A) => void) | undefined,
  ...args: A
): void {
  try {
    callback?.(...args);
  } catch {
    // the host's logging failed; nothing sensible is left to do with it
  }
}
