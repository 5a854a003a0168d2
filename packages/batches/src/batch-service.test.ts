import {
  BATCH_KEEP_SECONDS,
  type BatchDelivery,
  BatchLimitError,
  batchInputSchema,
  type CacheStore,
  CaptureError,
  captureOptionsSchema,
  checkSignature,
  createCaptureService,
  type Renderer,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type WebhookSender,
  webhookSignature,
} from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { afterEach, describe, expect, it } from "vitest";
import { createBatchService } from "./batch-service";

// The batch service over a real memory store and capture service, with a renderer whose pages
// render at once, fail, or wait to be let go, and a webhook sender that records what it is given.
// How each store keeps batches is in packages/store's suite; end to end, with Chromium, Redis and
// a restart, in apps/web/test/batches.e2e.test.ts.

const SECRET = "w".repeat(40);
const SIGNING = "s".repeat(40);

/**
 * Pages render their URL as their bytes; `/broken` fails, `/busy` is refused as saturated the
 * first `saturated` times, and `/slow` waits until `release()`. It notes how many render at once.
 */
function pagesRenderer(saturated = 0) {
  let waiting: (() => void)[] = [];
  const state = { renders: [] as string[], atOnce: 0, mostAtOnce: 0, saturated };
  const renderer: Renderer = {
    async render(options) {
      const url = options.url ?? "";
      if (url.includes("/busy") && state.saturated-- > 0) {
        throw new CaptureError("SATURATED", "busy", { retryAfterSeconds: 0.01 });
      }
      state.atOnce++;
      state.mostAtOnce = Math.max(state.mostAtOnce, state.atOnce);
      try {
        if (url.includes("/slow")) await new Promise<void>((resolve) => waiting.push(resolve));
        if (url.includes("/busy")) await new Promise((resolve) => setTimeout(resolve, 20));
        state.renders.push(url);
        if (url.includes("/broken")) {
          throw new CaptureError("TARGET_HTTP_ERROR", "The page answered 500.");
        }
        return { bytes: new TextEncoder().encode(url), contentType: "image/png" };
      } finally {
        state.atOnce--;
      }
    },
    async close() {},
  };
  const release = () => {
    const released = waiting;
    waiting = [];
    for (const resolve of released) resolve();
  };
  return { renderer, state, release, waiting: () => waiting.length };
}

function recordingSender(): WebhookSender & {
  sent: { body: string; headers: Record<string, string> }[];
} {
  const sender = {
    sent: [] as { body: string; headers: Record<string, string> }[],
    async check() {},
    async post(_url: string, body: string, headers: Record<string, string>) {
      sender.sent.push({ body, headers });
    },
  };
  return sender;
}

const stops: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((service) => service.stop()));
});

function serviceOn(
  store: CacheStore,
  renderer: Renderer,
  sender = recordingSender(),
  concurrency = 2,
) {
  const captureService = createCaptureService({ store, renderer });
  const quotaAskedFor: string[] = [];
  const service = createBatchService({
    store,
    captureService,
    concurrency,
    waitForQuota: async (who) => {
      quotaAskedFor.push(who.limitedAs);
    },
    sender,
    webhookSecret: SECRET,
    signingSecret: SIGNING,
    tickMs: 20,
    leaseMs: 300,
  });
  stops.push(service);
  return { service, captureService, sender, quotaAskedFor };
}

const requestOf = (urls: string[], webhook?: string) =>
  batchInputSchema.parse({
    captures: urls.map((url) => ({ url })),
    ...(webhook ? { webhook } : {}),
  });
const caller = { limitedAs: "ip:127.0.0.1" };
const ORIGIN = "https://shots.test";
const page = (path: string) => `https://site.test${path}`;

async function untilDone(service: ReturnType<typeof createBatchService>, id: string) {
  for (let i = 0; i < 500; i++) {
    const report = await service.get(id);
    if (report && report.status !== "running") return report;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the batch did not end");
}

describe("batches", () => {
  it("answers cached captures from the cache, renders the rest, codes failures, and tells its webhook once", async () => {
    const store = createMemoryStore();
    const { renderer, state } = pagesRenderer();
    const { service, captureService, sender, quotaAskedFor } = serviceOn(store, renderer);
    await captureService.capture(captureOptionsSchema.parse({ url: page("/a") }));
    const urls = [page("/a"), page("/b"), page("/broken"), page("/c")];
    const id = await service.create(requestOf(urls, "https://hooks.test/done"), caller, ORIGIN);

    const report = await untilDone(service, id);
    expect(report.status).toBe("completed");
    expect(report.progress).toEqual({ total: 4, queued: 0, done: 3, failed: 1, cancelled: 0 });
    expect(report.captures.map(({ status, cache }) => [status, cache])).toEqual([
      ["done", "HIT"],
      ["done", "MISS"],
      ["failed", undefined],
      ["done", "MISS"],
    ]);
    expect(report.captures[2]?.error).toEqual({
      code: "TARGET_HTTP_ERROR",
      message: "The page answered 500.",
    });
    // Each capture counted against its caller's rate limit, cached or not.
    expect(quotaAskedFor).toEqual(Array(4).fill(caller.limitedAs));
    // The cached page rendered once, before the batch; an image link is a signed public URL.
    expect(state.renders.filter((url) => url === page("/a"))).toHaveLength(1);
    const image = new URL(report.captures[1]?.image ?? "");
    expect(image.origin + image.pathname).toBe(`${ORIGIN}/api/v1/screenshot`);
    // Signed with the server's secret, and valid until the batch is no longer kept (a day).
    const query = new URLSearchParams(image.search);
    const signature = query.get("signature") ?? "";
    const expires = Number(query.get("expires"));
    query.delete("signature");
    query.delete("expires");
    expect(checkSignature([...query], SIGNING, signature, expires)).toBe("valid");
    expect(checkSignature([...query], "another secret", signature, expires)).toBe("invalid");
    expect(expires * 1000 - Date.now()).toBeGreaterThan(BATCH_KEEP_SECONDS * 1000 - 60_000);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sender.sent).toHaveLength(1);
    const [{ body, headers }] = sender.sent as [{ body: string; headers: Record<string, string> }];
    const timestamp = Number(headers[TIMESTAMP_HEADER]);
    expect(headers[SIGNATURE_HEADER]).toBe(webhookSignature(SECRET, timestamp, body));
    const delivery = JSON.parse(body) as BatchDelivery;
    expect(delivery).toMatchObject({
      event: "batch.completed",
      batch: { id, status: "completed", progress: { done: 3, failed: 1 } },
      url: `${ORIGIN}/api/v1/batches/${id}`,
    });
    expect(delivery.batch).not.toHaveProperty("captures");
  });

  it("links to cached images only: never one that renders again, none that was not kept", async () => {
    const { renderer } = pagesRenderer();
    const { service } = serviceOn(createMemoryStore(), renderer);
    const request = batchInputSchema.parse({
      captures: [
        { url: page("/again"), refresh: true },
        { url: page("/unkept"), noCache: true },
      ],
    });
    const report = await untilDone(service, await service.create(request, caller, ORIGIN));
    const [again, unkept] = report.captures;
    const link = new URL(again?.image ?? "");
    expect([link.searchParams.get("url"), link.searchParams.has("refresh")]).toEqual([
      page("/again"),
      false,
    ]);
    expect(unkept).toMatchObject({ status: "done", cache: "BYPASS" });
    expect(unkept).not.toHaveProperty("image");
    // Request headers (credentials, often) are not taken: a batch is kept, listed and linked.
    const withHeaders = batchInputSchema.safeParse({
      captures: [{ url: page("/a"), headers: { authorization: "Bearer x" } }],
    });
    expect(withHeaders.error?.issues[0]?.path).toEqual(["captures", 0]);
  });

  it("cancels the captures not started, and ends as cancelled", async () => {
    const { renderer, release, waiting } = pagesRenderer();
    const { service } = serviceOn(createMemoryStore(), renderer, recordingSender(), 1);
    const urls = Array.from({ length: 5 }, (_, i) => page(`/slow/${i}`));
    const id = await service.create(requestOf(urls), caller, ORIGIN);
    while (waiting() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const cancelling = await service.cancel(id);
    expect(cancelling?.progress.cancelled).toBe(5);
    release();
    const report = await untilDone(service, id);
    expect(report.status).toBe("cancelled");
    // The capture under way when it was cancelled finished; none started after.
    expect(report.progress).toMatchObject({ done: 1, cancelled: 4, queued: 0 });
    expect(await service.cancel("no-such-batch")).toBeUndefined();
  });

  it("is taken up by another instance when its runner stops, and renders each page once", async () => {
    const store = createMemoryStore();
    const pages = pagesRenderer();
    const first = serviceOn(store, pages.renderer, recordingSender(), 1);
    const urls = Array.from({ length: 4 }, (_, i) => page(`/slow/${i}`));
    const id = await first.service.create(requestOf(urls), caller, ORIGIN);
    while (pages.waiting() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = first.service.stop();
    pages.release();
    await stopping;
    expect((await first.service.get(id))?.progress).toMatchObject({ done: 1, queued: 3 });

    const second = serviceOn(store, pages.renderer, recordingSender(), 1);
    second.service.start();
    const releasing = setInterval(pages.release, 5);
    const report = await untilDone(second.service, id).finally(() => clearInterval(releasing));
    expect(report.progress).toMatchObject({ done: 4, queued: 0 });
    expect([...pages.state.renders].sort()).toEqual([...urls].sort());
  });

  it("runs no more captures at once than its share, across batches, and waits out a saturated renderer", async () => {
    const { renderer, state } = pagesRenderer(3);
    const { service } = serviceOn(createMemoryStore(), renderer, recordingSender(), 2);
    const ids = await Promise.all(
      [0, 1].map((batch) =>
        service.create(
          requestOf(Array.from({ length: 6 }, (_, i) => page(`/busy/${batch}/${i}`))),
          caller,
          ORIGIN,
        ),
      ),
    );
    for (const id of ids) expect((await untilDone(service, id)).progress.done).toBe(6);
    expect(state.mostAtOnce).toBe(2);
    expect(state.saturated).toBeLessThan(0);
  });

  it("lets a caller out of quota hold up no one else's batch", async () => {
    const store = createMemoryStore();
    const { renderer } = pagesRenderer();
    let letThrough: () => void = () => {};
    const quotaBack = new Promise<void>((resolve) => {
      letThrough = resolve;
    });
    const service = createBatchService({
      store,
      captureService: createCaptureService({ store, renderer }),
      concurrency: 1,
      sender: recordingSender(),
      waitForQuota: (who) => (who.limitedAs === "ip:spent" ? quotaBack : Promise.resolve()),
    });
    stops.push(service);
    const spent = await service.create(
      requestOf([page("/s/1")]),
      { limitedAs: "ip:spent" },
      ORIGIN,
    );
    const other = await service.create(requestOf([page("/o/1"), page("/o/2")]), caller, ORIGIN);
    expect((await untilDone(service, other)).progress.done).toBe(2);
    expect((await service.get(spent))?.progress.queued).toBe(1);
    letThrough();
    expect((await untilDone(service, spent)).progress.done).toBe(1);
  });

  it("refuses a webhook it cannot sign, and more batches than it may run", async () => {
    const store = createMemoryStore();
    const { renderer, release, waiting } = pagesRenderer();
    const unsigned = createBatchService({
      store,
      captureService: createCaptureService({ store, renderer }),
      concurrency: 1,
      sender: recordingSender(),
      maxRunning: 1,
    });
    stops.push(unsigned);
    await expect(
      unsigned.create(requestOf([page("/a")], "https://hooks.test/x"), caller, ORIGIN),
    ).rejects.toThrow(/SHOTCACHE_WEBHOOK_SECRET/);
    await unsigned.create(requestOf([page("/slow/x")]), caller, ORIGIN);
    await expect(unsigned.create(requestOf([page("/b")]), caller, ORIGIN)).rejects.toBeInstanceOf(
      BatchLimitError,
    );
    while (waiting() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
  });
});
