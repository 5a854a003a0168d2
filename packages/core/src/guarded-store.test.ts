import { describe, expect, it } from "vitest";
import { guardStore, StoreUnavailableError } from "./guarded-store";
import type { CacheStore } from "./store-ports";

/** A store whose `get` does whatever the test says, counting the calls that reach it. */
function scriptedStore() {
  const state = { calls: 0, behaviour: "ok" as "ok" | "fail" | "hang" };
  const store = {
    kind: "scripted",
    get: () => {
      state.calls++;
      if (state.behaviour === "fail") return Promise.reject(new Error("down"));
      if (state.behaviour === "hang") return new Promise(() => {});
      return Promise.resolve(undefined);
    },
  } as unknown as CacheStore;
  return { store, state };
}

describe("guarded store", () => {
  it("fails a call that takes longer than its deadline", async () => {
    const { store, state } = scriptedStore();
    state.behaviour = "hang";
    const guarded = guardStore(store, { timeoutMs: 20 });
    await expect(guarded.get("k", "u")).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("opens after repeated failures, refuses without calling, then probes once and closes", async () => {
    let clock = 0;
    const { store, state } = scriptedStore();
    const guarded = guardStore(store, { failureThreshold: 3, openMs: 1_000, now: () => clock });
    state.behaviour = "fail";
    for (let i = 0; i < 3; i++) await expect(guarded.get("k", "u")).rejects.toThrow("down");
    expect(guarded.circuit()).toBe("open");

    await expect(guarded.get("k", "u")).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(state.calls).toBe(3);

    clock = 1_000;
    await expect(guarded.get("k", "u")).rejects.toThrow("down"); // the probe fails: open again
    expect(guarded.circuit()).toBe("open");
    clock = 2_000;
    state.behaviour = "ok";
    await guarded.get("k", "u"); // the probe succeeds
    expect(guarded.circuit()).toBe("closed");
    expect(state.calls).toBe(5);
  });
});
