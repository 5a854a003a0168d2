/**
 * XFetch (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic Cache Stampede Prevention",
 * VLDB 2015): refresh early when `now − δ·β·ln(rand) ≥ expiry`, where δ is how long the value
 * takes to recompute. The closer to expiry and the slower the render, the likelier an early
 * refresh; β > 1 favours earlier refreshes. `random` returns a number in [0, 1).
 */
export function shouldRefreshEarly(input: {
  now: number;
  expiresAt: number;
  /** Duration of the last render, in the same unit as the times. */
  delta: number;
  beta: number;
  random: () => number;
}): boolean {
  // 1 − random() lies in (0, 1], so the logarithm is finite and ≤ 0.
  const headStart = -input.delta * input.beta * Math.log(1 - input.random());
  return input.now + headStart >= input.expiresAt;
}
