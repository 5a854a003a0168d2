import { describe, expect, it } from "vitest";
import { bucketIndex, createStatsBuffer, hourStart, quantiles, RECENT_PURGES_KEPT } from "./stats";

describe("histograms", () => {
  const bounds = [10, 100, 1000];

  it("puts a value in the first bucket whose bound holds it, or past the last", () => {
    expect([0, 10, 11, 100, 1000, 1001].map((value) => bucketIndex(value, bounds))).toEqual([
      0, 0, 1, 1, 2, 3,
    ]);
  });

  it("derives quantiles as bucket bounds", () => {
    // 90 fast, 9 medium, 1 slow
    expect(quantiles([90, 9, 1, 0], bounds)).toEqual({ count: 100, p50: 10, p95: 100, p99: 100 });
    expect(quantiles([0, 0, 0, 4], bounds).p50).toBe(Number.POSITIVE_INFINITY);
    expect(quantiles([0, 0, 0, 0], bounds)).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });

  it("starts hours on the hour", () => {
    expect(hourStart(Date.UTC(2026, 10, 26, 4, 59, 59))).toBe(Date.UTC(2026, 10, 26, 4));
  });
});

describe("the statistics buffer", () => {
  it("adds events up by hour, keeping only the latest purges", () => {
    const buffer = createStatsBuffer();
    const at = hourStart(Date.now());
    for (let n = 0; n < RECENT_PURGES_KEPT + 5; n++) {
      const purge = { at: at + n, url: `https://a.test/${n}`, scope: "url" as const, purged: 1 };
      buffer.add({ at: at + n, counters: { purges: 1 }, purge });
    }
    const [delta, ...others] = buffer.take();
    expect(others).toEqual([]);
    expect(delta?.counters).toEqual({ purges: RECENT_PURGES_KEPT + 5 });
    expect(delta?.purges.map((purge) => purge.url)).toEqual(
      Array.from({ length: RECENT_PURGES_KEPT }, (_, i) => `https://a.test/${i + 5}`),
    );
    expect(buffer.take()).toEqual([]);
  });
});
