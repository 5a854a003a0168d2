import type { CacheStore, WatchRunOutcome, WatchRunReport } from "@shotcache/core";
import { storeUnavailable } from "@shotcache/core/errors";
import type { RunWatch } from "./run-watch";
import { watchOf } from "./stored-definition";

/** Watches claimed per look: the render pool bounds how many render at once. */
const CLAIM_LIMIT = 20;
/**
 * Runs at once in `runDue`: a serverless instance has a core or two and a render pool that refuses
 * work past a few queued renders; a refused run would wait for its next interval.
 */
const RUN_DUE_AT_ONCE = 2;

export interface SchedulerOptions {
  store: Pick<CacheStore, "claimDueWatches">;
  run: RunWatch;
  /** How often due watches are looked for, in ms. @default 500 */
  tickMs?: number;
  now: () => number;
  /** Told of a run that failed (the watch is tried again at its next run). */
  onError?: (error: unknown, watchId: string, stage: "run") => void;
}

export interface Scheduler {
  /** Claims the watches due now and runs them, resolving when every run has ended. */
  runDue(): Promise<WatchRunReport>;
  /** Starts looking for due watches every `tickMs`. */
  start(): void;
  /** Stops looking, aborts `stopSignal()`, and waits for the runs under way. */
  stop(): Promise<void>;
  /** Aborted by `stop()`; each `start()` makes a new one. What gives up deliveries and retries. */
  stopSignal(): AbortSignal;
}

/**
 * Finds the due watches, by a timer (`start`) or when asked (`runDue`), and runs each claimed one.
 * The store's claim makes each run happen once across the instances that share it.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, run, now } = options;
  const running = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = new AbortController();

  /** A run whose failure is told, never thrown: one watch's trouble is not the others'. */
  const runReported = (id: string, definition: string) =>
    run(id, definition).catch((error): WatchRunOutcome => {
      options.onError?.(error, id, "run");
      return "failed";
    });

  async function runDue(): Promise<WatchRunReport> {
    let due: { id: string; definition: string }[];
    try {
      due = await store.claimDueWatches(now(), CLAIM_LIMIT);
    } catch (cause) {
      throw storeUnavailable(cause);
    }
    const ran: WatchRunReport["ran"] = [];
    const queue = [...due];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const outcome = await runReported(next.id, next.definition);
        ran.push({ id: next.id, url: watchOf(next.id, next.definition)?.url ?? "", outcome });
      }
    };
    const work = Promise.all(Array.from({ length: RUN_DUE_AT_ONCE }, worker)).then(() => {});
    // Tracked like the timer's runs, so that `stop()` waits for these too.
    const tracked = work.finally(() => running.delete(tracked));
    running.add(tracked);
    await tracked;
    return { ran };
  }

  async function tick(): Promise<void> {
    let due: { id: string; definition: string }[];
    try {
      due = await store.claimDueWatches(now(), CLAIM_LIMIT);
    } catch {
      return; // the store is down: the watches stay due until it is back
    }
    for (const { id, definition } of due) {
      const work: Promise<void> = runReported(id, definition)
        .then(() => {})
        .finally(() => running.delete(work));
      running.add(work);
    }
  }

  return {
    runDue,
    start() {
      if (timer) return;
      stopping = new AbortController();
      let looking = false;
      timer = setInterval(() => {
        if (looking) return; // a slow store: one look at a time
        looking = true;
        void tick().finally(() => {
          looking = false;
        });
      }, options.tickMs ?? 500);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      stopping.abort();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    stopSignal: () => stopping.signal,
  };
}
