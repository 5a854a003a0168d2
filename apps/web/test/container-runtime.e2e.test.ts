import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  availableOrSkip,
  type ContainerSandbox,
  checkContainerSandbox,
  type FixtureSite,
  imageFactsOf,
  scriptGlyphsOf,
  startContainerSandbox,
  startFixtureSite,
  survivorsAfter,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable } from "./app-under-test";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const image = imageFactsOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"));

/** What standing in for a container needs: root to make namespaces, and the image's init. */
const sandboxAvailable = Boolean(
  await availableOrSkip("root, util-linux's unshare and setpriv, and tini", () => {
    checkContainerSandbox(image);
    return true;
  }),
);

/**
 * The image's runtime contract, without the image (no container engine runs here): the built
 * server run as the Dockerfile says — its ENTRYPOINT (tini) as PID 1 of a new PID namespace, its
 * CMD, ENV, WORKDIR and USER (not root, group 0, no capabilities) — with the root filesystem
 * read-only but for a tmpfs /tmp, and a 64 MB /dev/shm. The Dockerfile's own settings apply:
 * SHOTCACHE_HOST=0.0.0.0, the headless shell, Chromium without its sandbox.
 */
describe.skipIf(!browserAvailable || !sandboxAvailable)("the image's runtime contract", () => {
  let site: FixtureSite;
  let sandbox: ContainerSandbox;
  const capture = (path: string, query = "") =>
    fetch(`${sandbox.origin}/api/v1/screenshot?url=${encodeURIComponent(site.url(path))}${query}`);
  const browserProcesses = () =>
    sandbox.processes().filter((each) => /chrom/i.test(each.commandLine));

  beforeAll(async () => {
    site = await startFixtureSite();
    // The fixture site is on loopback, which the guard refuses by default.
    sandbox = await startContainerSandbox({
      image,
      appRoot: ROOT,
      env: { SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true" },
    });
  }, 90_000);

  afterAll(async () => {
    await sandbox?.kill();
    await site?.close();
  });

  it("runs tini as PID 1 and everything else as the image's user", () => {
    const processes = sandbox.processes();
    const init = processes.find(({ pid }) => pid === sandbox.initPid);
    expect(init?.commandLine).toMatch(/^\/usr\/bin\/tini -- /);
    expect(processes.filter(({ commandLine }) => /dist\/server\.mjs/.test(commandLine))).toEqual([
      expect.objectContaining({ parentPid: sandbox.initPid, uid: image.user.uid }),
    ]);
    for (const each of processes) expect(each.uid, each.commandLine).toBe(image.user.uid);
  });

  it("answers a MISS, then a HIT with the same bytes", async () => {
    const miss = await capture("/stable");
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-cache")).toBe("MISS");
    const hit = await capture("/stable");
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(Buffer.from(await hit.arrayBuffer())).toEqual(Buffer.from(await miss.arrayBuffer()));
    expect(browserProcesses().length).toBeGreaterThan(0);
  });

  it("draws CJK text and colour emoji with real glyphs", async () => {
    const response = await capture("/scripts", "&width=400&height=100");
    expect(response.status).toBe(200);
    const glyphs = await scriptGlyphsOf(new Uint8Array(await response.arrayBuffer()));
    for (const inked of glyphs.inked) expect(inked).toBeGreaterThan(200);
    expect(glyphs.cjkGlyphsDiffer).toBe(true);
    expect(glyphs.emojiColoured).toBeGreaterThan(500);
  });

  it("serves the playground from a read-only filesystem", async () => {
    const response = await fetch(`${sandbox.origin}/`);
    expect(response.status).toBe(200);
    expect(sandbox.output()).not.toMatch(/EROFS|EACCES|read-only file system/i);
  });

  it("reaps the helpers of a browser that died: no zombie, and the next capture works", async () => {
    // Chromium's main process killed alone: its helpers are orphaned to PID 1. Without an init
    // that reaps them (Node as PID 1), they would stay zombies for the container's life.
    const server = sandbox.processes().find(({ parentPid }) => parentPid === sandbox.initPid);
    const browser = browserProcesses().find(({ parentPid }) => parentPid === server?.pid);
    expect(browser).toBeDefined();
    process.kill(browser?.pid ?? 0, "SIGKILL");
    await expect
      .poll(() => sandbox.processes().filter(({ zombie }) => zombie), { timeout: 10_000 })
      .toEqual([]);
    const again = await capture("/stable", "&refresh=true");
    expect(again.status).toBe(200);
    // A process that has just exited is a zombie until tini reaps it, a moment later.
    await expect
      .poll(() => sandbox.processes().filter(({ zombie }) => zombie), { timeout: 5_000 })
      .toEqual([]);
  });

  it("on SIGTERM to PID 1 finishes the render in flight, exits 0 and leaves nothing", async () => {
    const inFlight = capture("/slow?ms=2000").then(async (response) => ({
      status: response.status,
      bytes: (await response.arrayBuffer()).byteLength,
    }));
    while (site.requestCount("/slow") === 0) await new Promise((r) => setTimeout(r, 50));
    const everyProcess = sandbox.processes().map(({ pid }) => pid);
    const exited = sandbox.stop();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.bytes).toBeGreaterThan(0);
    // tini passes on its child's exit code: the server's own, after its drain.
    expect(await exited).toBe(0);
    expect(sandbox.output().trim().split("\n").at(-1)).toContain('"msg":"stopped"');
    expect(await survivorsAfter(everyProcess)).toEqual([]);
  });
});
