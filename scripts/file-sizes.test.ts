import { glob, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const MAX_LINES = 350;

/** Tests, test folders, Playwright specs and generated modules may be longer. */
const EXEMPT = /\.test\.tsx?$|\/(test|e2e)\/|\.generated\.ts$/;

it(`keeps every source file under ${MAX_LINES} lines: one purpose a file`, async () => {
  const tooLong: string[] = [];
  for await (const path of glob("{apps,packages}/*/{src,scripts}/**/*.{ts,tsx}", { cwd: ROOT })) {
    if (EXEMPT.test(path)) continue;
    const lines = (await readFile(join(ROOT, path), "utf8")).split("\n").length - 1;
    if (lines > MAX_LINES) tooLong.push(`${path}: ${lines} lines`);
  }
  expect(tooLong).toEqual([]);
});
