import { createMemoryStore } from "@shotcache/store";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { parseApiKey } from "../access";
import { createMetrics } from "../metrics";
import { restRequestFrom } from "./fetch-adapter";
import { handleHealth } from "./health";
import { handleMetrics } from "./metrics";
import { handleScreenshot } from "./screenshot";

const get = (path: string, headers: Record<string, string> = {}) =>
  restRequestFrom(new Request(`http://shotcache.test${path}`, { headers }));

describe("GET /api/metrics", () => {
  it("counts captures and their duration by status, in Prometheus text", async () => {
    const metrics = createMetrics({ renderLoad: () => ({ running: 1, waiting: 2 }) });
    const { context } = createTestContext({ onCaptured: metrics.observeCapture });
    context.metrics = metrics;
    for (let i = 0; i < 3; i++) {
      await handleScreenshot(get("/api/v1/screenshot?url=https://a.test/"), context);
    }
    const response = await handleMetrics(get("/api/metrics"), context);
    const text = String(response.body);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('shotcache_captures_total{status="MISS"} 1');
    expect(text).toContain('shotcache_captures_total{status="HIT"} 2');
    expect(text).toContain('shotcache_capture_duration_seconds_count{status="HIT"} 2');
    expect(text).toContain('shotcache_renders{state="waiting"} 2');
    expect(text).toContain("shotcache_process_resident_memory_bytes");
  });

  it("needs a key when keys exist", async () => {
    const { context } = createTestContext(
      {},
      { keys: [parseApiKey("k".repeat(24))], captureRequiresKey: false },
    );
    context.metrics = createMetrics();
    expect((await handleMetrics(get("/api/metrics"), context)).status).toBe(401);
    const keyed = get("/api/metrics", { authorization: `Bearer ${"k".repeat(24)}` });
    expect((await handleMetrics(keyed, context)).status).toBe(200);
  });
});

describe("GET /api/health", () => {
  it("reports ok, then degraded while the store is being left alone", async () => {
    const broken = createMemoryStore();
    const { context } = createTestContext({
      store: broken,
      storeGuard: { failureThreshold: 1, openMs: 60_000 },
    });
    const healthy = JSON.parse(String((await handleHealth(get("/api/health"), context)).body));
    expect(healthy).toMatchObject({ status: "ok", store: { kind: "memory", circuit: "closed" } });
    broken.get = () => Promise.reject(new Error("store down"));
    await handleScreenshot(get("/api/v1/screenshot?url=https://a.test/"), context);
    const degraded = JSON.parse(String((await handleHealth(get("/api/health"), context)).body));
    expect(degraded).toMatchObject({ status: "degraded", store: { circuit: "open" } });
  });
});
