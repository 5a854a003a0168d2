import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageFactsOf } from "../packages/testkit/src/dockerfile";

const ROOT = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/**
 * The image's contract, read off the Dockerfile (no container engine runs here): what a
 * container needs of Chromium and of the process (its settings are checked with compose.yaml's,
 * in deploy-manifests.test.ts).
 */
describe("the Dockerfile", () => {
  const image = imageFactsOf(read("Dockerfile"));
  const of = (keyword: string) => image.runtime.filter((each) => each.keyword === keyword);

  it("builds from the lockfile in one stage, and runs on a slim Debian Node 24 in another", () => {
    expect(image.stages).toEqual(["node:24-bookworm-slim AS build", "node:24-bookworm-slim"]);
    expect(image.build.some(({ args }) => args.includes("pnpm install --frozen-lockfile"))).toBe(
      true,
    );
  });

  it("installs the headless shell, CJK, emoji and Liberation fonts, and tini, from Debian", () => {
    const installs = of("RUN")
      .map(({ args }) => args)
      .join(" ");
    for (const name of [
      "chromium-headless-shell",
      "fonts-noto-cjk",
      "fonts-noto-color-emoji",
      "fonts-liberation",
      "tini",
    ]) {
      expect(installs).toMatch(new RegExp(`apt-get install[^&]*\\b${name}\\b`));
    }
  });

  it("runs as a user that is not root, of group 0, under tini as PID 1", () => {
    expect(image.user.uid).toBeGreaterThan(0);
    expect(image.user.gid).toBe(0);
    expect(image.entrypoint.slice(0, 2)).toEqual(["/usr/bin/tini", "--"]);
  });

  it("writes only under /tmp, listens on every interface, and checks /api/health", () => {
    const { environment } = image;
    for (const name of ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"]) {
      expect(environment.get(name), name).toMatch(/^\/tmp(\/|$)/);
    }
    expect(environment.get("SHOTCACHE_HOST")).toBe("0.0.0.0");
    expect(of("HEALTHCHECK")[0]?.args).toContain("/api/health");
    expect(of("VOLUME")).toEqual([]);
  });

  it("runs the server by default and a render worker as `worker`, from what apps/web builds", () => {
    expect(image.command).toEqual(["server"]);
    const entrypoint = read("deploy/docker/entrypoint.sh");
    expect(entrypoint).toMatch(/server\)\s+exec node dist\/server\.mjs/);
    expect(entrypoint).toMatch(/worker\)\s+exec node dist\/worker\.mjs/);
    expect(statSync(join(ROOT, "deploy/docker/entrypoint.sh")).mode & 0o111).not.toBe(0);
    const builds = read("apps/web/tsdown.config.ts");
    for (const entry of ["src/server/main.ts", "src/server/worker.ts"])
      expect(builds).toContain(entry);
  });

  it("is built from a small context: nothing installed or built here goes in", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const path of [".git", "**/node_modules", "**/.next", "**/dist"]) {
      expect(ignored).toContain(path);
    }
  });
});
