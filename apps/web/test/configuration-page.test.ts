import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_PAGE, configurationPage } from "../scripts/configuration-page";
import { SETTINGS_GROUPS } from "../src/server/config/groups";

describe("docs/configuration.md", () => {
  it("is what the settings' descriptions write (pnpm --filter @shotcache/web configuration-page)", () => {
    expect(readFileSync(CONFIGURATION_PAGE, "utf8")).toBe(configurationPage());
  });

  it("gives every variable the server reads a row of its own, with its description", () => {
    const rows = configurationPage().split("\n");
    for (const group of SETTINGS_GROUPS) {
      for (const [name, schema] of Object.entries(group.variables.shape)) {
        const description = schema.meta()?.description ?? "";
        expect(description.length, name).toBeGreaterThan(10);
        const row = rows.find((line) => line.startsWith(`| \`${name}\` `));
        expect(row, name).toContain(description.replaceAll("|", "\\|"));
      }
    }
  });
});
