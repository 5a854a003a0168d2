/** @module The change measure, off the thread that answers requests. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ChangeMeter as ChangeMeterPort } from "@shotcache/core";
import { Piscina } from "piscina";
import { type ChangeInput, type ChangeMeasure, measureChange } from "./measure";

/** Measures that may wait for a thread. */
const MAX_WAITING = 32;

/** This package's worker, loaded as it is; a bundled app passes its bundled copy instead. */
export const MEASURE_WORKER_FILE = new URL("./measure-worker.ts", import.meta.url);

export interface ChangeMeterOptions {
  /**
   * The worker module: MEASURE_WORKER_FILE, or the app's bundle of it. Where the file is not
   * there (a host that bundled this module but not the worker), measures run on this thread.
   */
  workerFile?: URL;
  /** Threads measuring at once. @default 1: a measure is short, and renders need the cores. */
  threads?: number;
}

export interface ChangeMeter extends ChangeMeterPort {
  /** The whole measure: the ratio, the pixels counted, and the diff image if asked for. */
  compare(input: ChangeInput): Promise<ChangeMeasure>;
  /** Whether measures run in a worker thread (false: on this one). */
  readonly threaded: boolean;
  close(): Promise<void>;
}

/**
 * A pool of worker threads (piscina: the kept pool for Node, with queueing and idle shutdown),
 * started when first needed and stopped when idle for a while.
 */
export function createChangeMeter(options: ChangeMeterOptions = {}): ChangeMeter {
  const workerFile = options.workerFile ?? MEASURE_WORKER_FILE;
  const pool = existsSync(fileURLToPath(workerFile))
    ? new Piscina<ChangeInput, ChangeMeasure>({
        filename: workerFile.href,
        minThreads: 0,
        maxThreads: options.threads ?? 1,
        idleTimeout: 30_000,
        // Each waiting measure holds two images: past this many, a measure is refused (and the
        // version kept without a ratio) rather than memory growing with a backlog.
        maxQueue: MAX_WAITING,
      })
    : undefined;
  const compare = (input: ChangeInput) => (pool ? pool.run(input) : measureChange(input));
  return {
    compare,
    measure: async (input) => (await compare(input)).ratio,
    async diff(input) {
      const { ratio, diffPng } = await compare({ ...input, diff: true });
      return { ratio, png: diffPng ?? new Uint8Array() };
    },
    threaded: pool !== undefined,
    close: async () => pool?.close({ force: true }),
  };
}
