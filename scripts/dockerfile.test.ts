import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS_GROUPS } from "../apps/web/src/server/config/groups";

const ROOT = join(import.meta.dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function instructionsOf(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** The variables `ENV key=value …` instructions set. */
function environmentOf(instructions: Instruction[]): Map<string, string> {
  const environment = new Map<string, string>();
  for (const { args } of instructions.filter(({ keyword }) => keyword === "ENV")) {
    for (const [, name = "", value = ""] of args.matchAll(/(\w+)=(\S+)/g)) {
      environment.set(name, value);
    }
  }
  return environment;
}

const SETTINGS = new Set(SETTINGS_GROUPS.flatMap((group) => Object.keys(group.variables.shape)));

/**
 * The image's contract, read off the Dockerfile (no container engine runs here): what a
 * container needs of Chromium and of the process, and only settings the server knows.
 */
describe("the Dockerfile", () => {
  const instructions = instructionsOf(read("Dockerfile"));
  const stages = instructions.filter(({ keyword }) => keyword === "FROM");
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1) as Instruction));
  const of = (keyword: string) => runtime.filter((each) => each.keyword === keyword);

  it("builds from the lockfile in one stage, and runs on a slim Debian Node 24 in another", () => {
    expect(stages.map(({ args }) => args)).toEqual([
      "node:24-bookworm-slim AS build",
      "node:24-bookworm-slim",
    ]);
    const build = instructions.slice(0, instructions.indexOf(stages[1] as Instruction));
    expect(build.some(({ args }) => args.includes("pnpm install --frozen-lockfile"))).toBe(true);
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
    const [user] = of("USER").map(({ args }) => args);
    const [uid, gid] = (user ?? "").split(":");
    expect(Number(uid)).toBeGreaterThan(0);
    expect(gid).toBe("0");
    expect(JSON.parse(of("ENTRYPOINT")[0]?.args ?? "[]").slice(0, 2)).toEqual([
      "/usr/bin/tini",
      "--",
    ]);
  });

  it("writes only under /tmp, listens on every interface, and checks /api/health", () => {
    const environment = environmentOf(of("ENV"));
    for (const name of ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"]) {
      expect(environment.get(name), name).toMatch(/^\/tmp(\/|$)/);
    }
    expect(environment.get("SHOTCACHE_HOST")).toBe("0.0.0.0");
    expect(of("HEALTHCHECK")[0]?.args).toContain("/api/health");
    expect(of("VOLUME")).toEqual([]);
  });

  it("sets only settings the server knows", () => {
    const environment = environmentOf(of("ENV"));
    const ours = [...environment.keys()].filter(
      (name) => name.startsWith("SHOTCACHE_") || ["PORT", "CHROME_PATH"].includes(name),
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const name of ours) expect(SETTINGS.has(name), name).toBe(true);
  });

  it("runs the server by default and a render worker as `worker`, from what apps/web builds", () => {
    expect(JSON.parse(of("CMD")[0]?.args ?? "[]")).toEqual(["server"]);
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
