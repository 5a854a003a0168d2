import { execFile, execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type FixtureSite, freePort, startFixtureSite } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");

/** A container engine that answers: Docker's, else Podman's (the same commands). */
function containerEngine(): string | undefined {
  for (const engine of ["docker", "podman"]) {
    if (spawnSync(engine, ["info"], { stdio: "ignore", timeout: 10_000 }).status === 0) {
      return engine;
    }
  }
  return undefined;
}

const engine = containerEngine();
// The one test that is skipped where the machine lacks what it needs, CI included: a container
// engine is not part of what CI installs (the runtime-contract test stands in for it there).
if (!engine) {
  console.warn("Skipping the image test: no container engine (docker or podman) answers here.");
}

/**
 * The image itself, where a container engine runs: built from the Dockerfile, run as `docker run`
 * runs it (read-only, a tmpfs /tmp, its own user and init), MISS → HIT → `docker stop` with a
 * render in flight. The container shares this machine's network (`--network host`) so that it
 * reaches the fixture site on loopback, and nothing else is dialled.
 */
describe.skipIf(!engine)("the container image", () => {
  const run = (...args: string[]) =>
    execFileSync(engine as string, args, { encoding: "utf8", timeout: 900_000 }).trim();
  const tag = `shotcache-test:${process.pid}`;
  let site: FixtureSite;
  let origin: string;
  let container: string;
  const capture = (path: string) =>
    fetch(`${origin}/api/v1/screenshot?url=${encodeURIComponent(site.url(path))}`);

  beforeAll(async () => {
    site = await startFixtureSite();
    run("build", "--tag", tag, ROOT);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    container = run(
      ...["run", "--detach", "--read-only", "--tmpfs", "/tmp", "--network", "host"],
      ...["--env", `PORT=${port}`, "--env", "SHOTCACHE_HOST=127.0.0.1"],
      ...["--env", "SHOTCACHE_ALLOW_PRIVATE_NETWORKS=true", tag],
    );
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${origin}/api/health`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error(run("logs", container));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 1_000_000);

  afterAll(async () => {
    if (container) run("rm", "--force", container);
    run("image", "rm", "--force", tag);
    await site?.close();
  });

  it("answers a MISS, then a HIT with the same bytes", async () => {
    const miss = await capture("/stable");
    expect(miss.headers.get("x-cache")).toBe("MISS");
    const hit = await capture("/stable");
    expect(hit.headers.get("x-cache")).toBe("HIT");
    expect(Buffer.from(await hit.arrayBuffer())).toEqual(Buffer.from(await miss.arrayBuffer()));
  });

  it("on `docker stop` finishes the render in flight and exits 0", async () => {
    const inFlight = capture("/slow?ms=2000");
    while (site.requestCount("/slow") === 0) await new Promise((r) => setTimeout(r, 50));
    // Not run synchronously: the answer in flight must be read while the container stops.
    const stopped = promisify(execFile)(engine as string, ["stop", "--time", "35", container]);
    expect((await inFlight).status).toBe(200);
    await stopped;
    expect(run("inspect", "--format", "{{.State.ExitCode}}", container)).toBe("0");
  });
});
