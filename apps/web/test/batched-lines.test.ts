import { afterEach, describe, expect, it, vi } from "vitest";
import { batchLines } from "../src/server/batched-lines";

describe("batched log lines", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const sink = () => {
    const writes: string[] = [];
    return { writes, write: (chunk: string) => writes.push(chunk) };
  };

  it("writes lines in one write, in order, once they reach the batch size", () => {
    const target = sink();
    const lines = batchLines(target, { maxBytes: 10, maxDelayMs: 1_000 });
    lines.write("one\n");
    lines.write("two\n");
    expect(target.writes).toEqual([]);
    lines.write("three\n");
    expect(target.writes).toEqual(["one\ntwo\nthree\n"]);
  });

  it("writes what it has once the delay has passed, and only once", () => {
    vi.useFakeTimers();
    const target = sink();
    const lines = batchLines(target, { maxBytes: 4_096, maxDelayMs: 250 });
    lines.write("one\n");
    vi.advanceTimersByTime(249);
    expect(target.writes).toEqual([]);
    lines.write("two\n");
    vi.advanceTimersByTime(1);
    expect(target.writes).toEqual(["one\ntwo\n"]);
    vi.advanceTimersByTime(1_000);
    expect(target.writes).toEqual(["one\ntwo\n"]);
  });

  it("writes what it has when asked, and nothing when it has nothing", () => {
    const target = sink();
    const lines = batchLines(target, { maxBytes: 4_096, maxDelayMs: 250 });
    lines.flush();
    lines.write("one\n");
    lines.flush();
    lines.flush();
    expect(target.writes).toEqual(["one\n"]);
  });
});
