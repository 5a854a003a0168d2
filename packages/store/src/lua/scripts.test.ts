import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_FILE, generatedModule, luaScripts } from "../../scripts/lua-scripts";
import { SCRIPTS } from "./scripts.generated";

describe("the stores' Lua scripts", () => {
  it("are compiled from the .lua files (else: pnpm --filter @shotcache/store lua)", () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(generatedModule());
  });

  it("are each run by name, their includes inlined", () => {
    expect(Object.keys(SCRIPTS).sort()).toEqual(
      luaScripts()
        .map(({ name }) => name)
        .sort(),
    );
    for (const text of Object.values(SCRIPTS)) expect(text).not.toMatch(/@include/);
  });
});
