import { webhookSignature } from "@shotcache/api";
import type { WatchDelivery } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  startFixtureSite,
  startRedisServer,
  startWebhookReceiver,
  type WebhookDelivery,
  type WebhookReceiver,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

// Watches on two production servers sharing one Redis: real renders of the fixture site, and a
// webhook receiver on 127.0.0.1 that keeps what it is sent.

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));
const SECRET = "watch-webhook-secret-".repeat(2);

type Delivery = WebhookDelivery<WatchDelivery>;

describe.skipIf(!browserAvailable || !redisAvailable)("watches on two instances", () => {
  let redis: RedisServer;
  let site: FixtureSite;
  let receiver: WebhookReceiver<WatchDelivery>;
  let hooks = "";
  let apps: RunningApp[] = [];
  let deliveries: Delivery[] = [];
  const env = () => ({
    REDIS_URL: redis.url,
    SHOTCACHE_WEBHOOK_SECRET: SECRET,
    SHOTCACHE_SIGNING_SECRET: "signing-secret-of-watch-tests-0123456789",
    SHOTCACHE_WATCH_MIN_SECONDS: "1",
  });
  const startBoth = async () => {
    apps = await Promise.all([startApp(env()), startApp(env())]);
  };
  const api = (index: number, path: string, init?: RequestInit) =>
    fetch(`${apps[index]?.app.origin}${path}`, init);
  const createWatch = async (index: number, url: string, hook: string, extra = {}) => {
    const response = await api(index, "/api/v1/watches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, every: 2, webhook: `${hooks}${hook}`, ...extra }),
    });
    expect(response.status).toBe(201);
    return (await response.json()).id as string;
  };
  const deliveredTo = (path: string) => deliveries.filter((delivery) => delivery.path === path);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    [redis, site] = await Promise.all([startRedisServer(), startFixtureSite()]);
    receiver = await startWebhookReceiver();
    ({ origin: hooks, deliveries } = receiver);
    await startBoth();
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await receiver?.close();
    await site?.close();
    await redis?.stop();
  });

  it("renders each watch about once per interval across both, and signs every change", async () => {
    const changing = site.url("/changing?watch=a");
    const rendersBefore = site.requestCount("/changing");
    const started = Date.now();
    await createWatch(0, changing, "/changing");
    await createWatch(1, site.url("/stable?watch=a"), "/stable");
    await sleep(12_000);
    const elapsedIntervals = (Date.now() - started) / 2_000;

    const received = deliveredTo("/changing");
    expect(received.length).toBeGreaterThanOrEqual(2);
    for (const delivery of received) {
      expect(delivery.signature).toBe(
        webhookSignature(SECRET, Number(delivery.timestamp), delivery.body),
      );
      expect(delivery.json.url).toBe(changing);
      expect(delivery.json.etag).not.toBe(delivery.json.previousEtag);
    }
    // Each change is told against the one before it, and no image twice.
    const etags = received.map((delivery) => delivery.json.etag);
    expect(new Set(etags).size).toBe(etags.length);
    expect(received.slice(1).map((delivery) => delivery.json.previousEtag)).toEqual(
      etags.slice(0, -1),
    );
    // Two instances, one render per interval: never twice as many.
    const renders = site.requestCount("/changing") - rendersBefore;
    expect(renders).toBeLessThanOrEqual(elapsedIntervals + 1.5);
    expect(renders).toBeGreaterThanOrEqual(elapsedIntervals - 2);
    expect(deliveredTo("/stable")).toEqual([]);

    // The image URL is a signed public URL: no key needed, and the cache has the image.
    const image = await fetch(received.at(-1)?.json.imageUrl ?? "");
    expect([image.status, image.headers.get("content-type")]).toEqual([200, "image/png"]);
  }, 30_000);

  it("tells a change past the watch's threshold once, with its ratio and a diff URL, and no smaller one", async () => {
    site.setScene({ clock: "09:00:00", blockShare: 0.5, blockColor: "#3366cc" });
    const url = site.url("/scene?watch=threshold");
    const loads = () => site.requestCount("/scene");
    const before = loads();
    await createWatch(1, url, "/scene", { changeThreshold: 0.1, ignoreRegions: ["0,700,10,10"] });
    await expect.poll(loads, { timeout: 10_000 }).toBeGreaterThan(before);
    // Only the clock changes, run after run, more runs than the variant keeps versions: each
    // change is well under a tenth of the image, against the image first seen.
    for (let second = 1; second <= 6; second++) {
      site.setScene({ clock: `09:00:0${second}` });
      const now = loads();
      await expect.poll(loads, { timeout: 10_000 }).toBeGreaterThan(now);
    }
    expect(deliveredTo("/scene")).toEqual([]);
    // Half the image changes colour: told once, against the image first seen.
    site.setScene({ blockColor: "#cc3333" });
    await expect.poll(() => deliveredTo("/scene").length, { timeout: 15_000 }).toBe(1);
    const settled = loads();
    await expect.poll(loads, { timeout: 10_000 }).toBeGreaterThan(settled + 1);
    const [delivery] = deliveredTo("/scene");
    await sleep(3000);
    expect(deliveredTo("/scene")).toHaveLength(1);
    expect(delivery?.json.changeRatio).toBeGreaterThan(0.45);
    expect(delivery?.json.changeRatio).toBeLessThan(0.55);
    // The diff URL is signed: no key needed.
    const diff = await fetch(delivery?.json.diffUrl ?? "");
    expect([diff.status, diff.headers.get("content-type")]).toEqual([200, "image/png"]);
    expect(Number(diff.headers.get("x-content-change-ratio"))).toBeCloseTo(
      delivery?.json.changeRatio ?? -1,
      4,
    );
    expect(diff.headers.get("x-version-from")).toBe(delivery?.json.previousEtag);
    // Its signature opens that diff only.
    const tampered = new URL(delivery?.json.diffUrl ?? "");
    tampered.searchParams.set("from", delivery?.json.etag ?? "");
    expect((await fetch(tampered)).status).toBe(403);
  }, 90_000);

  it("stops delivering once a watch is deleted", async () => {
    const id = await createWatch(1, site.url("/changing?watch=deleted"), "/deleted");
    await expect.poll(() => deliveredTo("/deleted").length, { timeout: 10_000 }).toBeGreaterThan(0);
    const deleted = await api(0, `/api/v1/watches/${id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    const after = deliveredTo("/deleted").length;
    await sleep(5_000);
    expect(deliveredTo("/deleted").length).toBe(after);
  }, 30_000);

  it("survives a restart of both instances", async () => {
    const id = await createWatch(0, site.url("/changing?watch=restart"), "/restart");
    await expect.poll(() => deliveredTo("/restart").length, { timeout: 10_000 }).toBeGreaterThan(0);
    await Promise.all(apps.map((app) => app.stop()));
    await startBoth();
    const before = deliveredTo("/restart").length;
    const listed = await (await api(1, "/api/v1/watches")).json();
    expect(listed.watches.map((watch: { id: string }) => watch.id)).toContain(id);
    await expect
      .poll(() => deliveredTo("/restart").length, { timeout: 10_000 })
      .toBeGreaterThan(before);
  }, 60_000);
});
