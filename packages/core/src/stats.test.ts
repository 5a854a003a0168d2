import { describe, expect, it } from "vitest";
import { bucketIndex, hourStart, quantiles } from "./stats";

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
