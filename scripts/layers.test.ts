import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");

/** The rules broken in `tree` (a folder laid out like this repository), by name. */
async function brokenRules(tree: string): Promise<string[]> {
  const { stdout } = await run(
    DEPCRUISE,
    ["apps", "packages", "--config", CONFIG, "--output-type", "json"],
    { cwd: tree, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const result = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(result.summary.violations.map((violation) => violation.rule.name))].sort();
}

/** The layers of design.md §2, enforced by `pnpm lint` through the rules in .dependency-cruiser.cjs. */
describe("the dependency rules", () => {
  const scratch: string[] = [];
  afterAll(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("hold in this repository", async () => {
    expect(await brokenRules(ROOT)).toEqual([]);
  });

  it("catch a cycle and every layer violation in a scratch tree", async () => {
    const tree = await mkdtemp(join(tmpdir(), "shotcache-layers-"));
    scratch.push(tree);
    const files: Record<string, string> = {
      "tsconfig.base.json": "{}",
      // A cycle inside core, and core reaching up into a store.
      "packages/core/src/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
      "packages/core/src/b.ts":
        'import { a } from "./a";\nimport { store } from "../../store/src/store";\nexport const b = () => [a, store];\n',
      // An adapter importing another adapter.
      "packages/store/src/store.ts":
        'import { render } from "../../renderer/src/render";\nexport const store = render;\n',
      "packages/renderer/src/render.ts": "export const render = 1;\n",
      // The API importing an app, and production code importing test helpers.
      "packages/api/src/route.ts":
        'import { page } from "../../../apps/web/src/page";\nimport { site } from "../../testkit/src/site";\nimport { helper } from "../test/helper";\nexport const route = [page, site, helper];\n',
      "packages/api/test/helper.ts": "export const helper = 1;\n",
      "packages/testkit/src/site.ts": "export const site = 1;\n",
      "apps/web/src/page.ts": "export const page = 1;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(tree, path)), { recursive: true });
      await writeFile(join(tree, path), text);
    }
    expect(await brokenRules(tree)).toEqual([
      "adapters-import-only-core",
      "core-is-pure",
      "no-cycles",
      "no-test-folders-in-production",
      "no-test-helpers-in-production",
      "nothing-imports-apps",
    ]);
  });
});
