import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startByteCountingRelay } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

// The CLI as a user gets it: the SDK and CLI packed, installed into a scratch project outside the
// workspace, and run as `shotcache` against the production server.

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..", "..");
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe.skipIf(!browserAvailable)("the shotcache CLI, packed and installed", () => {
  let env: AppUnderTest;
  let scratch = "";
  let bin = "";
  const shotcache = (args: string[], server = env.app.origin) =>
    run(bin, ["--url", server, "--cache-dir", join(scratch, "cache"), ...args], {
      cwd: scratch,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "shotcache-cli-"));
    for (const name of ["sdk", "cli"]) {
      execFileSync("pnpm", ["pack", "--pack-destination", scratch], {
        cwd: join(ROOT, "packages", name),
        stdio: "ignore",
      });
    }
    execFileSync("npm", ["init", "-y"], { cwd: scratch, stdio: "ignore" });
    const tarballs = ["shotcache-sdk-0.1.0.tgz", "shotcache-cli-0.1.0.tgz"];
    execFileSync(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballs],
      { cwd: scratch, stdio: "ignore" },
    );
    bin = join(scratch, "node_modules", ".bin", "shotcache");
    env = await startAppUnderTest();
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("writes a PNG, then says unchanged, moving under 1 KB and leaving the file as it was", async () => {
    const page = env.site.url("/stable?cli=1");
    const file = join(scratch, "a.png");
    // Both runs go through the relay, so the second is the same command as the first.
    const relay = await startByteCountingRelay(Number(new URL(env.app.origin).port));
    try {
      const first = await shotcache(
        ["capture", page, "-o", "a.png", "--width", "640"],
        relay.origin,
      );
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^saved a\.png \([\d,]+ bytes, MISS, "[^"]+"\)$/m);
      expect(readFileSync(file).subarray(0, 4)).toEqual(PNG_MAGIC);
      expect(relay.bytes()).toBeGreaterThan(statSync(file).size);
      const before = statSync(file).mtimeMs;

      const sentBefore = relay.bytes();
      const again = await shotcache(
        ["capture", page, "-o", "a.png", "--width", "640"],
        relay.origin,
      );
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^unchanged a\.png /m);
      expect(relay.bytes() - sentBefore).toBeLessThanOrEqual(1024);
      expect(statSync(file).mtimeMs).toBe(before);

      const facts = await shotcache(
        ["capture", page, "-o", "a.png", "--width", "640", "--json"],
        relay.origin,
      );
      expect(JSON.parse(facts.stdout)).toMatchObject({
        unchanged: true,
        contentType: "image/png",
        cache: { status: "HIT", fromClientCache: true },
      });
    } finally {
      relay.close();
    }
  });

  it("captures an HTML file with --html, and wants a url or --html, one of them", async () => {
    writeFileSync(join(scratch, "card.html"), '<body style="background:#0a0"><h1>Card</h1></body>');
    const first = await shotcache(["capture", "--html", "card.html", "-o", "card.png"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^saved card\.png \([\d,]+ bytes, MISS, /m);
    expect(readFileSync(join(scratch, "card.png")).subarray(0, 4)).toEqual(PNG_MAGIC);
    const again = await shotcache(["capture", "--html", "card.html", "-o", "card.png", "--json"]);
    expect(JSON.parse(again.stdout).cache.status).toBe("HIT");
    const neither = await shotcache(["capture", "-o", "none.png"]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain("a url or as --html FILE");
  });

  it("prints a page's metadata as JSON", async () => {
    const page = env.site.url("/metadata?cli=1");
    const read = await shotcache(["metadata", page]);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({
      url: page,
      title: "Open Graph title",
      image: env.site.url("/images/card.png"),
      cache: { status: "MISS" },
    });
  });

  it("lists a page's versions and saves the diff of the newest two", async () => {
    const page = env.site.url("/scene?cli=1");
    env.site.setScene({ blockColor: "#3366cc" });
    expect((await shotcache(["capture", page, "-o", "v1.png"])).code).toBe(0);
    env.site.setScene({ blockColor: "#cc3333" });
    expect((await shotcache(["capture", page, "-o", "v2.png", "--refresh"])).code).toBe(0);
    const listed = async () => JSON.parse((await shotcache(["history", page, "--json"])).stdout);
    await expect.poll(async () => (await listed()).versions.length).toBe(2);
    const { versions } = await listed();
    expect(versions[0].changeRatio).toBeGreaterThan(0.4);
    const printed = await shotcache(["history", page]);
    expect(printed.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/ changed$/),
      expect.stringMatching(/ first$/),
    ]);
    const diff = await shotcache(["diff", page, "-o", "diff.png"]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`from ${versions[1].etag}`);
    expect(readFileSync(join(scratch, "diff.png")).subarray(0, 4)).toEqual(PNG_MAGIC);
    const unknown = await shotcache(["diff", page, "-o", "none.png", "--from", '"nope"']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining("VERSION_NOT_FOUND"),
    ]);
  });

  it("prints the server's code and exits non-zero: 2 for bad input, 3 for a target that fails", async () => {
    const bad = await shotcache(["capture", "ftp://example.com/", "-o", "b.png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("INVALID_INPUT");
    expect(bad.stderr).toContain("url:");
    const missing = await shotcache(["capture", env.site.url("/status/404"), "-o", "c.png"]);
    expect([missing.code, missing.stderr]).toEqual([
      3,
      expect.stringContaining("TARGET_HTTP_ERROR"),
    ]);
    const help = await shotcache(["--help"]);
    expect(help.stdout).toContain("Exit codes:");
  });

  it("watches a changing page and reports each change, running --exec", async () => {
    const watcher = spawn(
      bin,
      [
        "--url",
        env.app.origin,
        "--cache-dir",
        join(scratch, "cache"),
        "watch",
        env.site.url("/changing?cli=watch"),
        "-o",
        "w.png",
        "--every",
        "1",
        "--refresh",
        "--exec",
        "echo ran for $SHOTCACHE_FILE",
      ],
      { cwd: scratch },
    );
    let output = "";
    watcher.stdout.on("data", (chunk) => {
      output += chunk;
    });
    try {
      await expect
        .poll(() => output, { timeout: 15_000 })
        .toMatch(/^changed w\.png [\s\S]*ran for w\.png/m);
      expect(output).toMatch(/^watching w\.png /m);
      expect(readFileSync(join(scratch, "w.png")).subarray(0, 4)).toEqual(PNG_MAGIC);
    } finally {
      watcher.kill("SIGTERM");
    }
  });

  it("purges, reads stats, and says why signing is off", async () => {
    const page = env.site.url("/stable?cli=purge");
    await shotcache(["capture", page, "-o", "p.png"]);
    expect((await shotcache(["purge", page])).stdout).toBe("purged 1 variant\n");
    expect((await shotcache(["stats"])).stdout).toMatch(/^requests \d+, hit rate [\d.]+ %/);
    const sign = await shotcache(["sign", page]);
    expect([sign.code, sign.stderr]).toEqual([2, expect.stringContaining("NOT_FOUND")]);
  });

  it("saves a batch's images, names a failure, and resumes without rendering or saving again", async () => {
    const pages = [0, 1, 2].map((i) => env.site.url(`/stable?cli-batch=${i}`));
    const list = [...pages, "# not a page", "", env.site.url("/status/500")].join("\n");
    writeFileSync(join(scratch, "urls.txt"), list);
    const batch = () => shotcache(["batch", "urls.txt", "--out", "shots", "--width", "640"]);
    const first = await batch();
    expect([first.code, first.stderr]).toEqual([3, expect.stringContaining("TARGET_HTTP_ERROR")]);
    const folder = join(scratch, "shots");
    const images = readdirSync(folder).filter((name) => name.endsWith(".png"));
    expect(images).toHaveLength(3);
    for (const name of images) {
      expect(readFileSync(join(folder, name)).subarray(0, 4)).toEqual(PNG_MAGIC);
    }
    const written = images.map((name) => statSync(join(folder, name)).mtimeMs);
    const renders = env.site.requestCount("/stable");

    // Again: the failure is tried anew, the images already saved are neither rendered nor saved.
    const again = await batch();
    expect(again.code).toBe(3);
    expect(again.stdout).toContain("0 saved, 3 already there, 1 failed");
    expect(env.site.requestCount("/stable")).toBe(renders);
    expect(images.map((name) => statSync(join(folder, name)).mtimeMs)).toEqual(written);
  });
});
