import { describe, expect, it } from "vitest";
import { shouldRefreshEarly } from "./xfetch";

describe("XFetch", () => {
  const at = (random: number, now: number, delta = 1_000, beta = 1) =>
    shouldRefreshEarly({ now, expiresAt: 10_000, delta, beta, random: () => random });

  it("never refreshes far from expiry, always at expiry", () => {
    expect(at(0.5, 0)).toBe(false);
    expect(at(0.999, 10_000)).toBe(true);
  });

  it("refreshes earlier for slower renders, a larger β, and unluckier draws", () => {
    // −ln(1 − 0.5) ≈ 0.69: a head start of 0.69 δ β
    expect(at(0.5, 9_500)).toBe(true);
    expect(at(0.5, 9_200)).toBe(false);
    expect(at(0.5, 9_200, 2_000)).toBe(true);
    expect(at(0.5, 9_200, 1_000, 2)).toBe(true);
    expect(at(0.99, 6_000)).toBe(true); // −ln(0.01) ≈ 4.6
  });
});
