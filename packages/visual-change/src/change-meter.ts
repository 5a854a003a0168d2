/** @module The change measure, off the thread that answers requests. */
import { Piscina } from "piscina";
import type { ChangeInput, ChangeMeasure } from "./measure";

/** This package's worker, loaded as it is; a bundled app passes its bundled copy instead. */
export const MEASURE_WORKER_FILE = new URL("./measure-worker.ts", import.meta.url);

export interface ChangeMeterOptions {
  /** The worker module: MEASURE_WORKER_FILE, or the app's bundle of it. */
  workerFile?: URL;
  /** Threads measuring at once. @default 1: a measure is short, and renders need the cores. */
  threads?: number;
}

export interface ChangeMeter {
  /** Measures in a worker thread: decoding and comparing never hold up the event loop. */
  measure(input: ChangeInput): Promise<ChangeMeasure>;
  close(): Promise<void>;
}

/**
 * A pool of worker threads (piscina: the kept pool for Node, with queueing, idle shutdown and
 * transfer of buffers). Threads start when first needed and stop when idle for a while.
 */
export function createChangeMeter(options: ChangeMeterOptions = {}): ChangeMeter {
  const threads = options.threads ?? 1;
  const pool = new Piscina<ChangeInput, ChangeMeasure>({
    filename: (options.workerFile ?? MEASURE_WORKER_FILE).href,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 30_000,
  });
  return {
    measure: (input) => pool.run(input),
    close: () => pool.close({ force: true }),
  };
}
