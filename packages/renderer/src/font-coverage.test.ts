import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fontCoverage, missingFontPackages } from "./font-coverage";

describe("font coverage", () => {
  const saved = process.env.FONTCONFIG_FILE;
  afterEach(() => {
    if (saved === undefined) delete process.env.FONTCONFIG_FILE;
    else process.env.FONTCONFIG_FILE = saved;
  });

  it("finds no CJK or emoji font where fontconfig is pointed at an empty folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "shotcache-fonts-"));
    try {
      const config = join(dir, "fonts.conf");
      await writeFile(
        config,
        `<?xml version="1.0"?><fontconfig><dir>${dir}</dir><cachedir>${dir}/cache</cachedir></fontconfig>`,
      );
      process.env.FONTCONFIG_FILE = config;
      const coverage = await fontCoverage();
      expect(coverage).toEqual({ cjk: false, emoji: false });
      expect(missingFontPackages(coverage)).toEqual(["fonts-noto-cjk", "fonts-noto-color-emoji"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
