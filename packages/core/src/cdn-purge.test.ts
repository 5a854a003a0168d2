import { describe, expect, it } from "vitest";
import { createCdnPurge, mergePurgeOutcomes } from "./cdn-purge";
import type { CdnPurger } from "./ports";

/** A CDN that answers as `behaviour` says for each attempt, and records what it was told. */
function cdn(name: string, behaviour: (attempt: number) => "ok" | "fail" | "silent") {
  const calls: { tags: string[]; at: number }[] = [];
  const purger: CdnPurger = {
    name,
    purge({ tags }, signal) {
      calls.push({ tags, at: performance.now() });
      const outcome = behaviour(calls.length);
      if (outcome === "ok") return Promise.resolve();
      if (outcome === "fail") return Promise.reject(new Error(`${name} answered 503`));
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason)),
      );
    },
  };
  return { purger, calls };
}

describe("CDN purges", () => {
  it("tell every CDN the tags, and report what each said", async () => {
    const good = cdn("good", () => "ok");
    const down = cdn("down", () => "fail");
    const failures: string[] = [];
    const purge = createCdnPurge([good.purger, down.purger], {
      attempts: 1,
      repeatAfterMs: 0,
      onFailure: (name) => failures.push(name),
    });
    expect(await purge.purge({ tags: ["shotcache-url-a"], urls: [] })).toEqual([
      { cdn: "good", status: "purged" },
      { cdn: "down", status: "failed", error: "down answered 503" },
    ]);
    expect(good.calls.map((call) => call.tags)).toEqual([["shotcache-url-a"]]);
    expect(failures).toEqual(["down"]);
  });

  it("wait for a silent CDN no longer than the deadline, then retry it with back-off", async () => {
    const flaky = cdn("flaky", (attempt) =>
      attempt === 1 ? "silent" : attempt === 2 ? "fail" : "ok",
    );
    const attempts: number[] = [];
    const purge = createCdnPurge([flaky.purger], {
      deadlineMs: 100,
      repeatAfterMs: 0,
      backoffMs: 50,
      onFailure: (_name, _error, attempt) => attempts.push(attempt),
    });
    const started = performance.now();
    const [report] = await purge.purge({ tags: ["t"], urls: [] });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(report).toMatchObject({ cdn: "flaky", status: "failed" });
    await purge.idle();
    expect(flaky.calls).toHaveLength(3);
    expect(attempts).toEqual([1, 2]);
    // Back-off: 50 ms before the second attempt, 100 ms before the third.
    const [first, second, third] = flaky.calls.map((call) => call.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(100 + 50 - 5);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(100 - 5);
  });

  it("give up after the last attempt", async () => {
    const down = cdn("down", () => "fail");
    const purge = createCdnPurge([down.purger], { attempts: 3, backoffMs: 1 });
    await purge.purge({ tags: ["t"], urls: [] });
    await purge.idle();
    expect(down.calls).toHaveLength(3);
  });

  it("tell a CDN that purged once more a little later, for a copy still on its way", async () => {
    const good = cdn("good", () => "ok");
    const purge = createCdnPurge([good.purger], { repeatAfterMs: 50 });
    await purge.purge({ tags: ["t"], urls: [] });
    expect(good.calls).toHaveLength(1);
    await purge.idle();
    expect(good.calls.map((call) => call.tags)).toEqual([["t"], ["t"]]);
    const [first = 0, second = 0] = good.calls.map((call) => call.at);
    expect(second - first).toBeGreaterThanOrEqual(45);
  });

  it("answer several purges as one: the entries they dropped, and each CDN's first failure", () => {
    expect(
      mergePurgeOutcomes([
        {
          purged: 2,
          cdn: [
            { cdn: "a", status: "purged" },
            { cdn: "b", status: "purged" },
          ],
        },
        {
          purged: 1,
          cdn: [
            { cdn: "a", status: "failed", error: "503" },
            { cdn: "b", status: "purged" },
          ],
        },
      ]),
    ).toEqual({
      purged: 3,
      cdn: [
        { cdn: "a", status: "failed", error: "503" },
        { cdn: "b", status: "purged" },
      ],
    });
  });
});
