import type { RequestLogger } from "@shotcache/api";
import pino from "pino";
import { batchLines } from "./batched-lines";

const NAME = "shotcache";

/**
 * Lines gather until 4 KiB or a quarter of a second has passed, then go out in one write: under
 * load, a write per request line would cost the hit path a system call each time. The write is
 * synchronous, so what is gathered is still written when the process exits (not when it is
 * killed outright); a log reader that stops reading holds the server up rather than letting its
 * memory grow.
 */
const lines = batchLines(pino.destination({ sync: true }), { maxBytes: 4096, maxDelayMs: 250 });

/**
 * Writes the gathered lines now. The route handlers call it once an answer's after() work is done:
 * a serverless instance may be frozen then, and lines still gathered would come out only when
 * (if ever) it is woken again.
 */
export const flushLogs = (): void => lines.flush();

/** Structured logs (JSON lines) with pino; what is logged never holds a key or a secret. */
export const logger = pino({ base: undefined, name: NAME }, lines);

export type Logger = typeof logger;

/** pino's number for `info`, as its own lines carry it. */
const INFO = logger.levels.values.info;

/**
 * What the API logs through, a line per request above all. Its `info` lines are written as pino
 * writes them (level, time, name, the fields, msg), by one `JSON.stringify`: its fields are flat
 * strings and numbers, and pino's field-by-field serialisation was most of a cache hit's logging
 * cost. Errors go through pino, which knows how to write them.
 */
export const apiLogger: RequestLogger = {
  info(fields, message) {
    const line = { level: INFO, time: Date.now(), name: NAME, ...fields, msg: message };
    lines.write(`${JSON.stringify(line)}\n`);
  },
  error: (fields, message) => logger.error(fields, message),
};
