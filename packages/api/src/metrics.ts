import type { CaptureResult } from "@shotcache/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RenderLoad } from "./render-load";

/** Seconds: from a memory hit (sub-millisecond) to a slow render. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
  registry: Registry;
  /** Counts a capture and its duration, by cache status. */
  observeCapture(result: CaptureResult, durationMs: number): void;
  /** Counts a CDN purge attempt that failed. */
  countCdnPurgeFailure(cdn: string): void;
}

/**
 * This process's metrics in the Prometheus text format, through prom-client: captures and their
 * duration by cache status, renders running and waiting, and Node's own process metrics. (The
 * shared, all-instance figures are `/api/v1/stats`.)
 */
export function createMetrics(options: { renderLoad?: () => RenderLoad } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "shotcache_" });
  const captures = new Counter({
    name: "shotcache_captures_total",
    help: "Captures answered, by cache status.",
    labelNames: ["status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "shotcache_capture_duration_seconds",
    help: "Time to answer a capture, by cache status.",
    labelNames: ["status"],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const cdnPurgeFailures = new Counter({
    name: "shotcache_cdn_purge_failures_total",
    help: "CDN purge attempts that failed (each is retried a few times), by CDN.",
    labelNames: ["cdn"],
    registers: [registry],
  });
  const { renderLoad } = options;
  if (renderLoad) {
    new Gauge({
      name: "shotcache_renders",
      help: "Renders running and waiting (in this process, or on the shared queue).",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const load = renderLoad();
        this.set({ state: "running" }, load.running);
        this.set({ state: "waiting" }, load.waiting);
      },
    });
    if (renderLoad().mode === "queue") {
      new Gauge({
        name: "shotcache_render_workers",
        help: "Render workers alive on the shared queue, and the renders they run at once.",
        labelNames: ["measure"],
        registers: [registry],
        collect() {
          const load = renderLoad();
          this.set({ measure: "alive" }, load.workers ?? 0);
          this.set({ measure: "slots" }, load.slots ?? 0);
        },
      });
    }
  }
  // One pair of labelled children per cache status, made once: every hit observes both, and
  // looking them up by a labels object hashes the labels each time.
  const byStatus = new Map<
    string,
    { count: Counter.Internal; time: Histogram.Internal<"status"> }
  >();
  const childrenOf = (status: string) => {
    let children = byStatus.get(status);
    if (!children) {
      children = { count: captures.labels(status), time: duration.labels(status) };
      byStatus.set(status, children);
    }
    return children;
  };
  return {
    registry,
    observeCapture(result, durationMs) {
      const { count, time } = childrenOf(result.status);
      count.inc();
      time.observe(durationMs / 1000);
    },
    countCdnPurgeFailure: (cdn) => cdnPurgeFailures.inc({ cdn }),
  };
}
