import pino from "pino";

/**
 * Structured logs (JSON lines) with pino; what is logged never holds a key or a secret. Written
 * asynchronously and in batches: lines gather until 4 KiB or a quarter of a second has passed,
 * then go out in one write (under load, a write per request line costs the hit path a worker
 * thread's wake-up each time); pino flushes what is left when the process exits.
 */
export const logger = pino(
  { base: undefined, name: "shotcache" },
  pino.destination({ sync: false, minLength: 4096, periodicFlush: 250 }),
);

export type Logger = typeof logger;
