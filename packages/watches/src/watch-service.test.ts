import {
  CaptureError,
  checkSignature,
  createCaptureService,
  type Renderer,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type WatchDelivery,
  WatchLimitError,
  type WebhookSender,
  watchRequestSchema,
  webhookSignature,
} from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWatchService, type WatchServiceOptions } from "./watch-service";

// The watch service over a real memory store and capture service, with a renderer whose
// pages change or not on demand, a fake clock, and a webhook sender that records what it is
// given. How the stores keep and claim watches, across instances, is in packages/store's suite.

const SECRET = "w".repeat(40);
const SIGNING = "s".repeat(40);

/**
 * Pages whose path has `changing` render differently every time; others the same. Renderers
 * given one `renders` count together, as one site would change for several instances.
 */
function pagesRenderer(
  renders = new Map<string, number>(),
): Renderer & { renders: Map<string, number> } {
  return {
    renders,
    async render(options) {
      const count = (renders.get(options.url) ?? 0) + 1;
      renders.set(options.url, count);
      const text = options.url.includes("changing") ? `${options.url} ${count}` : options.url;
      return { bytes: new TextEncoder().encode(text), contentType: "image/png" };
    },
    async close() {},
  };
}

interface Sent {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Records deliveries; fails the first `failures` attempts. */
function recordingSender(failures = 0): WebhookSender & { sent: Sent[]; attempts: number } {
  const sender = {
    sent: [] as Sent[],
    attempts: 0,
    async check(url: string) {
      if (url.includes("10.0.0.1")) {
        throw new CaptureError("TARGET_NOT_ALLOWED", "refused", { field: "webhook" });
      }
    },
    async post(url: string, body: string, headers: Record<string, string>) {
      sender.attempts++;
      if (sender.attempts <= failures) throw new Error("the webhook answered 500");
      sender.sent.push({ url, body, headers });
    },
  };
  return sender;
}

let clock = Date.parse("2026-06-01T12:00:00Z");
const services: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.stop()));
});

function setUp(extra: Partial<WatchServiceOptions> = {}, renders?: Map<string, number>) {
  const store = extra.store ?? createMemoryStore();
  const renderer = pagesRenderer(renders);
  const captureService = createCaptureService({ store, renderer, now: () => clock });
  const sender = (extra.sender as ReturnType<typeof recordingSender>) ?? recordingSender();
  const watches = createWatchService({
    store,
    captureService,
    sender,
    webhookSecret: SECRET,
    now: () => clock,
    tickMs: 10,
    retryBackoffMs: 5,
    ...extra,
  });
  watches.start();
  services.push(watches);
  return { store, renderer, captureService, sender, watches };
}

const request = (url: string, every = 60, webhook = "https://hooks.test/in") =>
  watchRequestSchema(1).parse({ url, every, webhook });

/** Gives the scheduler time to look at the clock as it is (for what must not happen). */
const ticks = () => new Promise((resolve) => setTimeout(resolve, 60));

/** Waits until `url` has been rendered `count` times in all, and that run has ended. */
async function rendered(renders: Map<string, number>, url: string, count: number) {
  await vi.waitUntil(() => renders.get(url) === count, { timeout: 5_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("watches", () => {
  it("renders a watch at once and every interval, and delivers a signed change", async () => {
    const { watches, sender, renderer } = setUp({ signingSecret: SIGNING });
    const url = "https://site.test/changing";
    const watch = await watches.create(request(url, 60), "https://shots.test");
    await rendered(renderer.renders, url, 1); // the first run sees the image to compare with
    expect(sender.sent).toEqual([]);
    await ticks();
    expect(renderer.renders.get(url)).toBe(1); // not due again yet
    clock += 60_000;
    await vi.waitUntil(() => sender.sent.length === 1);
    expect(renderer.renders.get(url)).toBe(2);

    const [delivery] = sender.sent;
    const body = JSON.parse(delivery?.body ?? "") as WatchDelivery;
    expect(body).toMatchObject({ watchId: watch.id, url });
    expect(body.etag).not.toBe(body.previousEtag);
    expect(Date.parse(body.changedAt)).toBe(clock);
    const timestamp = Number(delivery?.headers[TIMESTAMP_HEADER]);
    expect(delivery?.headers[SIGNATURE_HEADER]).toBe(
      webhookSignature(SECRET, timestamp, delivery?.body ?? ""),
    );
    // The image URL is a signed public URL of the same capture, at the creator's origin.
    const image = new URL(body.imageUrl);
    expect(image.origin + image.pathname).toBe("https://shots.test/api/v1/screenshot");
    const pairs = [...image.searchParams].filter(
      ([name]) => !["signature", "expires"].includes(name),
    );
    const expires = Number(image.searchParams.get("expires"));
    const signature = image.searchParams.get("signature") ?? "";
    expect(checkSignature(pairs, SIGNING, signature, expires, clock / 1000)).toBe("valid");
  });

  it("delivers nothing for a page that does not change", async () => {
    const { watches, sender, renderer } = setUp();
    const url = "https://site.test/stable";
    await watches.create(request(url, 60), "https://shots.test");
    for (let run = 1; run <= 4; run++) {
      await rendered(renderer.renders, url, run);
      clock += 60_000;
    }
    expect(sender.sent).toEqual([]);
  });

  it("retries a failing receiver with back-off and counts every failed attempt", async () => {
    const sender = recordingSender(2);
    const { watches, captureService, renderer } = setUp({ sender });
    const url = "https://site.test/changing-retried";
    await watches.create(request(url, 60), "https://shots.test");
    await rendered(renderer.renders, url, 1);
    clock += 60_000;
    await vi.waitUntil(() => sender.sent.length === 1);
    expect(sender.attempts).toBe(3);
    expect(await captureService.stats()).toMatchObject({
      webhookFailures: 2,
      webhookDeliveries: 1,
    });
  });

  it("gives up after its retries, counting the failures", async () => {
    const sender = recordingSender(Number.POSITIVE_INFINITY);
    const { watches, captureService, renderer } = setUp({ sender, deliveryRetries: 3 });
    const url = "https://site.test/changing-down";
    await watches.create(request(url, 60), "https://shots.test");
    await rendered(renderer.renders, url, 1);
    clock += 60_000;
    await vi.waitUntil(() => sender.attempts === 4);
    await ticks();
    expect(sender.attempts).toBe(4);
    expect(await captureService.stats()).toMatchObject({
      webhookFailures: 4,
      webhookDeliveries: 0,
    });
  });

  it("refuses a webhook the network policy refuses, and keeps at most its limit", async () => {
    const { watches } = setUp({ maxWatches: 1 });
    const refused = await watches
      .create(request("https://site.test/a", 60, "http://10.0.0.1/hook"), "https://shots.test")
      .catch((error: unknown) => error);
    expect(CaptureError.is(refused) && [refused.code, refused.field]).toEqual([
      "TARGET_NOT_ALLOWED",
      "webhook",
    ]);
    await watches.create(request("https://site.test/a"), "https://shots.test");
    await expect(watches.create(request("https://site.test/b"), "x")).rejects.toBeInstanceOf(
      WatchLimitError,
    );
  });

  it("lists watches with their next run, and stops one that is deleted", async () => {
    const { watches, renderer } = setUp();
    const url = "https://site.test/changing-deleted";
    const watch = await watches.create(request(url, 60), "https://shots.test");
    await rendered(renderer.renders, url, 1);
    const [listed] = await watches.list();
    expect(listed).toMatchObject({
      id: watch.id,
      url,
      every: 60,
      webhook: "https://hooks.test/in",
    });
    expect(Date.parse(listed?.nextRunAt ?? "")).toBe(clock + 60_000);
    expect(await watches.delete(watch.id)).toBe(true);
    expect(await watches.delete(watch.id)).toBe(false);
    clock += 60_000;
    await ticks();
    expect(renderer.renders.get(url)).toBe(1);
    expect(await watches.list()).toEqual([]);
  });

  it("runs each due watch once, whichever of the instances sharing the store claims it", async () => {
    const store = createMemoryStore();
    const renders = new Map<string, number>();
    const a = setUp({ store }, renders);
    const b = setUp({ store }, renders);
    const url = "https://site.test/changing-shared";
    await a.watches.create(request(url, 60), "https://shots.test");
    for (let run = 1; run <= 5; run++) {
      await rendered(renders, url, run);
      if (run < 5) clock += 60_000;
    }
    await ticks();
    expect(renders.get(url)).toBe(5);
    expect(a.sender.sent.length + b.sender.sent.length).toBe(4);
  });
});
