import { createMemoryRateLimiter } from "@shotcache/store";
import { describe, expect, it } from "vitest";
import { batchQuota } from "./rate-limit";

describe("a batch's captures and the rate limit", () => {
  it("lets captures through while the caller's quota lasts, then waits for the next window", async () => {
    const windowMs = 400;
    const limiter = createMemoryRateLimiter({ limit: 2, windowMs });
    const wait = batchQuota({ anonymous: limiter });
    const caller = { limitedAs: "ip:198.51.100.7" };
    // Well inside a window, so that the two allowed ones fall in the same one.
    while (Date.now() % windowMs > windowMs / 4) await new Promise((r) => setTimeout(r, 5));
    const window = Math.floor(Date.now() / windowMs);
    await wait(caller);
    await wait(caller);
    expect(Math.floor(Date.now() / windowMs)).toBe(window);
    await wait(caller);
    expect(Math.floor(Date.now() / windowMs)).toBeGreaterThan(window);
    // Each counted: the caller's own requests now find its quota spent.
    expect((await limiter.limit(caller.limitedAs)).success).toBe(false);
    // Another caller, and a keyed one without a keyed limiter, are not held up.
    const started = Date.now();
    await wait({ limitedAs: "ip:198.51.100.8" });
    await wait({ limitedAs: "key:k1" });
    expect(Math.floor(Date.now() / windowMs) - Math.floor(started / windowMs)).toBeLessThanOrEqual(
      1,
    );
  });

  it("stops waiting when told to", async () => {
    const wait = batchQuota({ anonymous: createMemoryRateLimiter({ limit: 1, windowMs: 60_000 }) });
    const caller = { limitedAs: "ip:198.51.100.9" };
    await wait(caller);
    const controller = new AbortController();
    const waiting = wait(caller, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
