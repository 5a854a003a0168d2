import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "../packages/renderer/src/find-browser";
import { signedScreenshotUrl } from "../packages/sdk/src/sign";
import {
  availableOrSkip,
  type ContainerSandbox,
  checkContainerSandbox,
  type FixtureSite,
  findRedisServer,
  findVarnish,
  freePort,
  imageFactsOf,
  type RedisServer,
  startContainerSandbox,
  startFixtureSite,
  startRedisServer,
  startVarnish,
  survivorsAfter,
  type Varnish,
} from "../packages/testkit/src/index";
import { readYamlDocuments, serviceEnvironment } from "./deploy-schemas";

const ROOT = join(import.meta.dirname, "..");
/** Signed URLs are what the edge may keep: the one setting a user adds to compose.yaml's. */
const SIGNING_SECRET = "s".repeat(32);
const image = imageFactsOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
interface Service {
  command?: string;
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}
const [compose] = readYamlDocuments(join(ROOT, "compose.yaml")) as [
  { services: Record<string, Service> },
];

const needs = await availableOrSkip(
  "root, unshare, setpriv and tini; Chromium; redis-server; Varnish",
  () => {
    checkContainerSandbox(image);
    findBrowserExecutable(process.env);
    findRedisServer();
    findVarnish();
    return true;
  },
);

/**
 * compose.yaml without a container engine: each of its services run as its stand-in on loopback.
 * The server and the render workers run as the image runs (the runtime-contract sandbox) with the
 * environment and command compose.yaml gives them, their service names pointed at the stand-ins;
 * Redis is a redis-server; Varnish runs the repository's VCL with its origin at the server, as
 * compose's Varnish entrypoint rewrites it. What this proves: the services' settings start a
 * working service together (the server hands renders to the workers through Redis, Varnish
 * caches what it answers); not that an engine pulls, builds, networks or publishes ports.
 */
describe.skipIf(!needs)("compose.yaml's services, stood in for on loopback", () => {
  let site: FixtureSite;
  let redis: RedisServer;
  let varnish: Varnish;
  const containers: ContainerSandbox[] = [];
  let server: ContainerSandbox;

  beforeAll(async () => {
    site = await startFixtureSite();
    redis = await startRedisServer();
    const varnishPort = await freePort();
    const { shotcache, worker } = compose.services as { shotcache: Service; worker: Service };
    /** A service's environment, its service names turned into the stand-ins' addresses. */
    const environmentOf = (service: Service, varnishOrigin: string) => {
      const environment = serviceEnvironment(service);
      for (const [name, value] of Object.entries(environment)) {
        environment[name] = value
          .replace("redis://redis:6379", redis.url)
          .replace("http://varnish/", `${varnishOrigin}/`);
      }
      // The fixture site is on loopback, which the guard refuses by default.
      return { ...environment, SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true" };
    };
    const workerCount = worker.deploy?.replicas ?? 1;
    for (let index = 0; index < workerCount; index++) {
      containers.push(
        await startContainerSandbox({
          image,
          appRoot: ROOT,
          env: environmentOf(worker, ""),
          command: [worker.command ?? ""],
          readyLine: '"msg":"worker ready"',
        }),
      );
    }
    server = await startContainerSandbox({
      image,
      appRoot: ROOT,
      env: {
        ...environmentOf(shotcache, `http://127.0.0.1:${varnishPort}`),
        SHOTCACHE_SIGNING_SECRET: SIGNING_SECRET,
      },
    });
    containers.push(server);
    varnish = await startVarnish({
      vclFile: join(ROOT, "deploy/varnish/shotcache.vcl"),
      backendPort: Number(new URL(server.origin).port),
      port: varnishPort,
    });
  }, 180_000);

  afterAll(async () => {
    const pids = containers.flatMap((container) => container.processes().map(({ pid }) => pid));
    await Promise.all(containers.map((container) => container.kill()));
    // Killed, a sandbox leaves nothing behind: no browser, no server, no worker.
    expect(await survivorsAfter(pids)).toEqual([]);
    await varnish?.stop();
    await redis?.stop();
    await site?.close();
  });

  it("renders on the workers, through the queue in Redis", async () => {
    const health = () => fetch(`${server.origin}/api/health`).then((r) => r.json());
    // No browser in the server: the workers render.
    await expect.poll(health, { timeout: 10_000 }).toMatchObject({
      store: { kind: "redis" },
      browser: null,
      renders: { mode: "queue", workers: 2 },
    });
    const url = encodeURIComponent(site.url("/stable"));
    const miss = await fetch(`${server.origin}/api/v1/screenshot?url=${url}`);
    expect([miss.status, miss.headers.get("x-cache")]).toEqual([200, "MISS"]);
    const hit = await fetch(`${server.origin}/api/v1/screenshot?url=${url}`);
    expect(hit.headers.get("x-cache")).toBe("HIT");
  });

  it("answers through Varnish, which keeps public images until a purge reaches it", async () => {
    const page = site.url("/");
    const atEdge = async () => {
      const response = await fetch(
        signedScreenshotUrl(varnish.origin, { url: page }, SIGNING_SECRET),
      );
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      return response.headers.get("x-edge-cache");
    };
    expect(await atEdge()).toBe("MISS");
    expect(await atEdge()).toBe("HIT");
    const purge = await fetch(`${server.origin}/api/v1/cache?url=${encodeURIComponent(page)}`, {
      method: "DELETE",
    });
    expect(await purge.json()).toMatchObject({ cdn: [{ status: "purged" }] });
    expect(await atEdge()).toBe("MISS");
  });
});
