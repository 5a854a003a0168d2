/** @module Statistics added up in memory and written to the store in batches. */
import { createStatsBuffer, type StatsDelta, type StatsEvent } from "./stats";

export interface StatsRecorder {
  /** Adds an event; written within `flushMs`, never delaying the caller. */
  record(event: Omit<StatsEvent, "at">): void;
  /** Writes what was added so far; resolves once it is written (or failed, and was reported). */
  flush(): Promise<void>;
}

export interface StatsRecorderOptions {
  /** One store call with every delta added up since the last. */
  write: (deltas: StatsDelta[]) => Promise<void>;
  now: () => number;
  /** How long statistics are added up before one write. */
  flushMs: number;
  /** Told about a write that failed; the statistics it held are lost. */
  onError: (error: unknown) => void;
}

/**
 * Statistics must never slow down or fail a capture: they are added up here and written in one
 * store call per `flushMs`, and before this process reads them. Writes follow one another.
 */
export function createStatsRecorder(options: StatsRecorderOptions): StatsRecorder {
  const buffer = createStatsBuffer();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const deltas = buffer.take();
    if (deltas.length === 0) return writing;
    writing = writing.then(() => options.write(deltas)).catch(options.onError);
    return writing;
  }

  return {
    record(event) {
      buffer.add({ at: options.now(), ...event });
      if (!timer) {
        timer = setTimeout(flush, options.flushMs);
        timer.unref(); // pending statistics never keep the process alive
      }
    },
    flush,
  };
}
