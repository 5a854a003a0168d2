import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_PAGE, configurationPage } from "../scripts/configuration-page";
import { SETTINGS_GROUPS } from "../src/server/config/groups";

describe("docs/configuration.md", () => {
  it("is what the settings' descriptions write (pnpm --filter @shotcache/web configuration-page)", () => {
    expect(readFileSync(CONFIGURATION_PAGE, "utf8")).toBe(configurationPage());
  });

  it("describes every variable the server reads", () => {
    const page = configurationPage();
    for (const group of SETTINGS_GROUPS) {
      for (const [name, schema] of Object.entries(group.variables.shape)) {
        expect(schema.meta()?.description, name).toBeTruthy();
        expect(page).toContain(`\`${name}\``);
      }
    }
  });
});
