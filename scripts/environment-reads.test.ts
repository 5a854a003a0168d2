import { glob, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "@swc/core";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** Production modules: what ships, not tests, test helpers (testkit) or measurements (bench). */
async function productionModules(): Promise<string[]> {
  const modules: string[] = [];
  for await (const path of glob("{apps,packages}/*/src/**/*.{ts,tsx}", { cwd: ROOT })) {
    if (/\.test\.tsx?$|^packages\/(testkit|bench)\//.test(path)) continue;
    modules.push(path);
  }
  return modules.sort();
}

/** Each `process.env` in a module's code (not in its strings), as `process.env.NAME` or `process.env`. */
async function environmentReads(path: string): Promise<string[]> {
  const ast = await parse(await readFile(join(ROOT, path), "utf8"), {
    syntax: "typescript",
    tsx: path.endsWith(".tsx"),
  });
  const reads: string[] = [];
  const visit = (node: unknown, parent?: Record<string, unknown>): void => {
    if (!node || typeof node !== "object") return;
    const current = node as Record<string, unknown>;
    const object = current.object as Record<string, unknown> | undefined;
    const property = current.property as Record<string, unknown> | undefined;
    if (
      current.type === "MemberExpression" &&
      object?.type === "Identifier" &&
      object.value === "process" &&
      property?.value === "env"
    ) {
      const name =
        parent?.type === "MemberExpression" && (parent.property as { value?: string }).value;
      reads.push(name ? `process.env.${name}` : "process.env");
    }
    for (const child of Object.values(current)) {
      if (Array.isArray(child)) for (const item of child) visit(item, current);
      else visit(child, current);
    }
  };
  visit(ast);
  return reads;
}

describe("the environment", () => {
  it("is read in one module per app: the server's and worker's config, and the CLI", async () => {
    const readers: Record<string, string[]> = {};
    for (const path of await productionModules()) {
      const reads = await environmentReads(path);
      if (reads.length > 0) readers[path] = [...new Set(reads)];
    }
    expect(readers).toEqual({
      "apps/web/src/server/config/environment.ts": ["process.env"],
      // A constant Next.js writes into each bundle when it builds, no setting of ours.
      "apps/web/src/instrumentation.ts": ["process.env.NEXT_RUNTIME"],
      "packages/cli/src/cli.ts": expect.arrayContaining([
        "process.env.XDG_CACHE_HOME",
        "process.env.SHOTCACHE_URL",
        "process.env.SHOTCACHE_API_KEY",
        "process.env",
      ]),
    });
    // Those four, in whatever order the CLI's code reads them.
    expect(readers["packages/cli/src/cli.ts"]).toHaveLength(4);
  });
});
