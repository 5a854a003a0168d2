import { webhookSignature } from "@shotcache/api";
import type { BatchDelivery, BatchReport } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  findRedisServer,
  type RedisServer,
  startFixtureSite,
  startRedisServer,
  startWebhookReceiver,
  type WebhookReceiver,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, type RunningApp, startApp } from "./app-under-test";

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

const WEBHOOK_SECRET = "b".repeat(40);

describe.skipIf(!browserAvailable || !redisAvailable)("batches, end to end", () => {
  let redis: RedisServer;
  let site: FixtureSite;
  let receiver: WebhookReceiver<BatchDelivery>;
  let app: RunningApp;
  const env = () => ({
    REDIS_URL: redis.url,
    SHOTCACHE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SHOTCACHE_BATCH_CONCURRENCY: "2",
  });
  const api = (path: string, init?: RequestInit) => fetch(`${app.app.origin}${path}`, init);
  const create = (body: unknown) =>
    api("/api/v1/batches", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const batchOf = async (id: string): Promise<BatchReport> =>
    (await api(`/api/v1/batches/${id}`)).json();
  const ended = async (id: string) => {
    await expect
      .poll(async () => (await batchOf(id)).status, { timeout: 60_000, interval: 200 })
      .not.toBe("running");
    return batchOf(id);
  };

  beforeAll(async () => {
    [redis, site, receiver] = await Promise.all([
      startRedisServer(),
      startFixtureSite(),
      startWebhookReceiver<BatchDelivery>(),
    ]);
    app = await startApp(env());
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await site?.close();
    await redis?.stop();
  });

  it("answers 50 captures, 10 from the cache and 2 coded failures, and tells its webhook once, signed", async () => {
    const pages = Array.from({ length: 48 }, (_, i) => site.url(`/stable?batch=${i}`));
    for (const url of pages.slice(0, 10)) {
      await api(`/api/v1/screenshot?url=${encodeURIComponent(url)}`).then((r) => r.arrayBuffer());
    }
    const failing = [site.url("/status/500"), "http://127.0.0.1:1/closed"];
    const captures = [...pages, ...failing].map((url) => ({ url }));
    const made = await create({ captures, webhook: `${receiver.origin}/hook` });
    expect(made.status).toBe(202);
    const { id } = await made.json();
    expect(made.headers.get("location")).toBe(`/api/v1/batches/${id}`);

    const batch = await ended(id);
    expect(batch.status).toBe("completed");
    expect(batch.progress).toEqual({ total: 50, queued: 0, done: 48, failed: 2, cancelled: 0 });
    expect(batch.captures.slice(0, 10).map((capture) => capture.cache)).toEqual(
      Array(10).fill("HIT"),
    );
    expect(batch.captures.slice(48).map((capture) => capture.error?.code)).toEqual([
      "TARGET_HTTP_ERROR",
      "TARGET_UNREACHABLE",
    ]);
    const sample = batch.captures[20];
    const image = await fetch(new URL(sample?.image ?? "", app.app.origin));
    expect([image.status, image.headers.get("etag")]).toEqual([200, sample?.etag]);

    await expect.poll(() => receiver.deliveries.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.deliveries).toHaveLength(1);
    const { body, timestamp, signature, json: delivery } = receiver.deliveries[0] ?? {};
    expect(signature).toBe(webhookSignature(WEBHOOK_SECRET, Number(timestamp), body ?? ""));
    expect(delivery).toMatchObject({
      event: "batch.completed",
      batch: { id, status: "completed", progress: { done: 48, failed: 2 } },
    });
    expect(new URL(delivery?.url ?? "").pathname).toBe(`/api/v1/batches/${id}`);
  }, 120_000);

  it("goes on after the server is restarted mid-way, rendering each page once", async () => {
    const before = site.requestCount("/slow");
    const captures = Array.from({ length: 16 }, (_, i) => ({
      url: site.url(`/slow?ms=500&restart=${i}`),
    }));
    const { id } = await (await create({ captures })).json();
    await expect
      .poll(async () => (await batchOf(id)).progress.done, { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    // Stopped as a deployment stops it: the captures under way finish, and are noted.
    await app.stop();
    app = await startApp(env());
    expect((await batchOf(id)).progress.done).toBeLessThan(16);

    const batch = await ended(id);
    expect(batch.progress).toMatchObject({ done: 16, queued: 0 });
    expect(site.requestCount("/slow") - before).toBe(16);
  }, 120_000);

  it("cancels the captures not started", async () => {
    const captures = Array.from({ length: 20 }, (_, i) => ({
      url: site.url(`/slow?ms=300&cancel=${i}`),
    }));
    const { id } = await (await create({ captures })).json();
    await expect
      .poll(async () => (await batchOf(id)).progress.done, { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(1);
    const cancelled = await api(`/api/v1/batches/${id}`, { method: "DELETE" });
    expect(cancelled.status).toBe(200);
    const batch = await ended(id);
    expect(batch.status).toBe("cancelled");
    expect(batch.progress.cancelled).toBeGreaterThan(10);
    expect(batch.progress.done + batch.progress.cancelled).toBe(20);
  }, 60_000);

  it("is made, read and cancelled over tRPC too", async () => {
    const made = await api("/api/trpc/batch.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ captures: [{ url: site.url("/stable?trpc=1") }] }),
    });
    const { id } = (await made.json()).result.data;
    const get = async () => {
      const input = encodeURIComponent(JSON.stringify({ id }));
      return (await (await api(`/api/trpc/batch.get?input=${input}`)).json()).result.data;
    };
    await expect.poll(async () => (await get()).status, { timeout: 30_000 }).toBe("completed");
    expect((await get()).captures[0]).toMatchObject({
      status: "done",
      url: site.url("/stable?trpc=1"),
    });
    const cancelled = await api("/api/trpc/batch.cancel", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id }),
    });
    expect((await cancelled.json()).result.data.status).toBe("completed");
  });

  it("refuses 1,001 captures, and names a bad capture's field", async () => {
    const tooMany = await create({
      captures: Array.from({ length: 1001 }, () => ({ url: site.url("/stable") })),
    });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).errors).toEqual([expect.objectContaining({ field: "captures" })]);
    const bad = await create({ captures: [{ url: site.url("/stable") }, { url: "x", width: 0 }] });
    const fields = (await bad.json()).errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(["captures.1.url", "captures.1.width"]));
    expect((await api("/api/v1/batches/4b1c55c4-0000-4000-8000-000000000000")).status).toBe(404);
  });
});
