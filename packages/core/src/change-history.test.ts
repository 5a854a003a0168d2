import { describe, expect, it } from "vitest";
import {
  adaptiveTtlSeconds,
  changeFactsOf,
  expectedChangeIntervalSeconds,
  intervalsOf,
  type ObservedInterval,
  observe,
  type RenderObservation,
} from "./change-history";

const DEFAULTS = { defaultTtlSeconds: 900, minSeconds: 60, maxSeconds: 86_400 };

/** A variant's history after renders at `clock` times (seconds) with these ETags, newest first. */
function historyOf(renders: [seconds: number, etag: string][]): RenderObservation[] {
  let history: RenderObservation[] = [];
  for (const [seconds, etag] of renders) {
    history = [observe(history[0], { at: seconds * 1000, etag }), ...history];
  }
  return history;
}

const every = (seconds: number, count: number, changed: boolean): ObservedInterval[] =>
  Array.from({ length: count }, () => ({ seconds, changed }));

describe("change facts", () => {
  it("knows nothing of a first render, then compares each render with the one before", () => {
    expect(changeFactsOf(historyOf([[0, "a"]]))).toEqual({ changed: undefined, changedAt: 0 });
    expect(
      changeFactsOf(
        historyOf([
          [0, "a"],
          [10, "b"],
        ]),
      ),
    ).toEqual({
      changed: true,
      changedAt: 10_000,
    });
  });

  it("keeps the time of the last change across unchanged renders", () => {
    const history = historyOf([
      [0, "a"],
      [10, "b"],
      [20, "b"],
      [30, "b"],
    ]);
    expect(changeFactsOf(history)).toEqual({ changed: false, changedAt: 10_000 });
  });

  it("turns a history into intervals, newest first", () => {
    const history = historyOf([
      [0, "a"],
      [10, "b"],
      [25, "b"],
    ]);
    expect(intervalsOf(history)).toEqual([
      { seconds: 15, changed: false },
      { seconds: 10, changed: true },
    ]);
  });
});

describe("the change-interval estimate", () => {
  it("is the prior with no evidence", () => {
    expect(expectedChangeIntervalSeconds([], 1_800)).toBe(1_800);
  });

  it("falls towards the time between renders when every render changed", () => {
    const estimates = [1, 4, 16, 64].map((count) =>
      expectedChangeIntervalSeconds(every(60, count, true), 1_800),
    );
    expect(estimates).toEqual([...estimates].sort((a, b) => b - a));
    expect(estimates.at(-1)).toBeLessThan(100);
    expect(estimates.at(-1)).toBeGreaterThanOrEqual(60);
  });

  it("grows with every unchanged stretch", () => {
    expect(expectedChangeIntervalSeconds(every(3_600, 10, false), 1_800)).toBe(1_800 + 36_000);
  });

  it("counts changes and time: (prior + seconds seen) / (1 + changes)", () => {
    const intervals = [...every(100, 3, true), ...every(200, 2, false)];
    expect(expectedChangeIntervalSeconds(intervals, 1_800)).toBe((1_800 + 700) / 4);
  });
});

describe("the adaptive TTL", () => {
  it("is the default TTL with no evidence", () => {
    expect(adaptiveTtlSeconds([], DEFAULTS)).toBe(900);
  });

  it("is below the default for a page that changed at every render, within seconds", () => {
    // Four renders a second apart, each one different (the end-to-end acceptance case).
    expect(adaptiveTtlSeconds(every(1, 3, true), DEFAULTS)).toBe(225);
  });

  it("is at least the default for a page seen unchanged, and more the longer it stays so", () => {
    const short = adaptiveTtlSeconds(every(1, 3, false), DEFAULTS);
    const long = adaptiveTtlSeconds(every(3_600, 12, false), DEFAULTS);
    expect(short).toBeGreaterThanOrEqual(900);
    expect(long).toBeGreaterThan(short);
  });

  it("is clamped to its bounds", () => {
    expect(adaptiveTtlSeconds(every(5, 16, true), DEFAULTS)).toBe(60);
    expect(adaptiveTtlSeconds(every(86_400, 16, false), DEFAULTS)).toBe(86_400);
  });

  it("follows a page whose rhythm is known: renders every 10 minutes, changes at each", () => {
    const ttl = adaptiveTtlSeconds(every(600, 16, true), DEFAULTS);
    expect(ttl).toBeLessThan(600);
    expect(ttl).toBeGreaterThan(300);
  });
});
