import { ShotcacheError, type ShotcacheErrorCode } from "@shotcache/sdk";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeOf, exitCodeOfFailures } from "./exit-codes";

const failure = (code: ShotcacheErrorCode) => new ShotcacheError(code, code);

describe("exit codes", () => {
  it("tell refused input, a page that failed, and a server or transport failure apart", () => {
    expect(exitCodeOf(failure("INVALID_INPUT"))).toBe(EXIT.input);
    expect(exitCodeOf(failure("UNAUTHORIZED"))).toBe(EXIT.input);
    expect(exitCodeOf(failure("TARGET_HTTP_ERROR"))).toBe(EXIT.target);
    expect(exitCodeOf(failure("RENDER_TIMEOUT"))).toBe(EXIT.target);
    expect(exitCodeOf(failure("SATURATED"))).toBe(EXIT.server);
    expect(exitCodeOf(failure("NETWORK_ERROR"))).toBe(EXIT.server);
    expect(exitCodeOf(new Error("EACCES"))).toBe(EXIT.failed);
  });

  it("give a batch the highest code of its failed captures, and 0 with none", () => {
    expect(exitCodeOfFailures([])).toBe(EXIT.ok);
    expect(exitCodeOfFailures(["TARGET_HTTP_ERROR", "RENDER_TIMEOUT"])).toBe(EXIT.target);
    expect(exitCodeOfFailures(["TARGET_HTTP_ERROR", "RENDER_FAILED"])).toBe(EXIT.server);
    expect(exitCodeOfFailures(["CANCELLED"])).toBe(EXIT.server);
  });
});
