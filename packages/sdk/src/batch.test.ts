import { type ApiServer, createApiServer, parseApiKey } from "@shotcache/api";
import { createBatchService } from "@shotcache/batches";
import {
  type BatchService,
  CAPTURE_ERROR_CODES,
  CaptureError,
  type CaptureErrorCode,
  type CaptureOptions,
  contentTypeOf,
  createCaptureService,
  type Renderer,
  type WebhookSender,
} from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BatchCaptureReport } from "./batch";
import { createShotcacheClient, type ShotcacheClient } from "./client";
import { isShotcacheError } from "./errors";

// The SDK against the real API server (REST and tRPC handlers, access checks, validation) and the
// real batch and capture services over one memory store, on loopback. Only the renderer is a
// stand-in (no Chromium here): its pages wait until the test lets them go, so that captures end in
// the order the test chooses. The batch service runs end to end, with Chromium and Redis, in
// apps/web.

const KEY = "sdk-batch-test-key-0123456789";
/** Captures the batch service runs at once: more than the small batches here have. */
const CONCURRENCY = 4;

/**
 * Pages that wait, once under way, until `release` lets them go; then they "draw" their options as
 * text, or, when their path ends in `/fail/<CODE>`, fail with that code.
 */
function gatedRenderer() {
  const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
  const underWay = new Set<string>();
  const begun: string[] = [];
  let allOpen = false;
  const pathOf = (url: string) => new URL(url).pathname;
  const gateOf = (path: string) => {
    let gate = gates.get(path);
    if (!gate) {
      let open = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { opened, open };
      gates.set(path, gate);
      if (allOpen) open();
    }
    return gate;
  };
  const renderer: Renderer = {
    async render(options: CaptureOptions) {
      const path = pathOf(options.url ?? "");
      begun.push(path);
      underWay.add(path);
      try {
        await gateOf(path).opened;
      } finally {
        underWay.delete(path);
      }
      const code = /\/fail\/([A-Z_]+)$/.exec(path)?.[1];
      if (code) {
        if (!(CAPTURE_ERROR_CODES as readonly string[]).includes(code))
          throw new Error(`no capture error code ${code}`);
        throw new CaptureError(code as CaptureErrorCode, `${code} here`);
      }
      return {
        bytes: new TextEncoder().encode(JSON.stringify(options)),
        contentType: contentTypeOf(options.format),
      };
    },
    async close() {},
  };
  return {
    renderer,
    /** Lets the pages of these URLs end, now or as soon as they are rendered. */
    release(...urls: string[]) {
      for (const url of urls) gateOf(pathOf(url)).open();
    },
    /** Lets every page end, and those to come render at once until `holdAgain`. */
    releaseAll() {
      allOpen = true;
      for (const gate of gates.values()) gate.open();
    },
    /** Pages to come wait again. */
    holdAgain() {
      allOpen = false;
    },
    /** Whether the page of `url` is being rendered, waiting to be let go. */
    isUnderWay: (url: string) => underWay.has(pathOf(url)),
    /** Whether the page of `url` ever began rendering. */
    hasBegun: (url: string) => begun.includes(pathOf(url)),
  };
}

/** No webhooks in these tests: the batch service must never use its sender. */
const noSender: WebhookSender = {
  async check(url) {
    throw new Error(`no webhook expected here (checked ${url})`);
  },
  async post(url) {
    throw new Error(`no webhook expected here (posted to ${url})`);
  },
};

describe("client.batch", () => {
  const pages = gatedRenderer();
  /** Failures of the batch service beside its answers (a run, a delivery): none expected. */
  const serviceErrors: unknown[] = [];
  /** How many times the API read each batch: each is one poll of a following iteration. */
  const reads = new Map<string, number>();
  const readsOf = (id: string) => reads.get(id) ?? 0;
  /** The batches the test made, all over once it ended. */
  const made: string[] = [];
  /** The iterations a test follows, stopped after it whatever happened. */
  const following: AbortController[] = [];
  let service: BatchService;
  let api: ApiServer;
  let origin: string;
  let client: ShotcacheClient;

  beforeAll(async () => {
    const store = createMemoryStore();
    const captureService = createCaptureService({ store, renderer: pages.renderer });
    service = createBatchService({
      store,
      captureService,
      concurrency: CONCURRENCY,
      sender: noSender,
      tickMs: 20,
      leaseMs: 300,
      onError: (error) => serviceErrors.push(error),
    });
    service.start();
    const counted: BatchService = {
      ...service,
      async create(...args) {
        const id = await service.create(...args);
        made.push(id);
        return id;
      },
      async get(id) {
        reads.set(id, readsOf(id) + 1);
        return service.get(id);
      },
    };
    api = createApiServer({
      context: {
        captureService,
        storeKind: "memory",
        access: { keys: [parseApiKey(KEY)], captureRequiresKey: true },
        batches: counted,
      },
      fallback: (_request, response) => response.writeHead(404).end(),
      limits: {
        maxHeaderBytes: 16 * 1024,
        headersTimeoutMs: 5_000,
        requestTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5_000,
      },
    });
    origin = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
    client = createShotcacheClient({ baseUrl: origin, apiKey: KEY, retry: false });
  });
  afterEach(async () => {
    for (const controller of following.splice(0)) controller.abort();
    // A test that failed may leave pages waiting: let them go, so the next finds the service idle.
    pages.releaseAll();
    const ids = made.splice(0);
    const running = async () =>
      (await Promise.all(ids.map((id) => service.get(id)))).filter((r) => r?.status === "running");
    await expect.poll(running).toEqual([]);
    pages.holdAgain();
    expect(serviceErrors).toEqual([]);
  });
  afterAll(async () => {
    pages.releaseAll();
    await service?.stop();
    await api?.drain(1_000);
  });

  /** `count` pages tagged `tag`; those named in `fail` fail with their code. */
  const pagesOf = (count: number, tag: string, fail: Record<number, CaptureErrorCode> = {}) =>
    Array.from({ length: count }, (_, i) => ({
      url: `https://example.com/${tag}/${i}${fail[i] ? `/fail/${fail[i]}` : ""}`,
    }));
  const urlsOf = (captures: { url: string }[]) => captures.map((capture) => capture.url);

  /** Collects a batch's results in the background; `ended` once the iteration ended. */
  function collect(follow: (signal: AbortSignal) => AsyncIterable<BatchCaptureReport>) {
    const controller = new AbortController();
    following.push(controller);
    const seen: BatchCaptureReport[] = [];
    const state = { ended: false };
    const finished = (async () => {
      for await (const result of follow(controller.signal)) seen.push(result);
      state.ended = true;
    })();
    finished.catch(() => {}); // awaited by the test; stopped by afterEach when it was not
    return { seen, state, finished };
  }
  const statusesOf = (seen: BatchCaptureReport[]) =>
    seen.map((r): [number, string] => [r.index, r.status]);
  /** The same, by index: for captures that end together and so may be seen in either order. */
  const setOf = (seen: BatchCaptureReport[]) => statusesOf(seen).sort(([a], [b]) => a - b);
  /** Waits until a following iteration polled the batch `count` more times. */
  async function pollsLater(id: string, count = 3) {
    const from = readsOf(id);
    await expect.poll(() => readsOf(id)).toBeGreaterThanOrEqual(from + count);
  }

  it("gives each capture once, as it finishes, and ends when the batch does", async () => {
    const captures = pagesOf(4, "order", { 3: "TARGET_HTTP_ERROR" });
    const urls = urlsOf(captures);
    const batch = await client.batch({ captures, webhook: undefined });
    // All four under way at once, each waiting to be let go.
    await expect.poll(() => urls.filter(pages.isUnderWay)).toEqual(urls);
    const report = await batch.status();
    expect(report.captures.map((c) => c.url)).toEqual(urls);
    expect(report.progress).toEqual({ total: 4, queued: 4, done: 0, failed: 0, cancelled: 0 });
    const { seen, state, finished } = collect((signal) => batch.results({ pollMs: 10, signal }));

    pages.release(urls[2] ?? "");
    await expect.poll(() => seen.length).toBe(1);
    // Let go together: seen at one poll (then in batch order) or at two, in either order.
    pages.release(urls[3] ?? "", urls[0] ?? "");
    await expect.poll(() => seen.length).toBe(3);
    // Several polls later, nothing is given twice and the iteration waits for the last capture.
    await pollsLater(batch.id);
    expect([seen.length, state.ended]).toEqual([3, false]);

    pages.release(urls[1] ?? "");
    await finished;
    expect(statusesOf(seen)).toHaveLength(4);
    expect(statusesOf(seen)[0]).toEqual([2, "done"]);
    expect(setOf(seen.slice(1, 3))).toEqual([
      [0, "done"],
      [3, "failed"],
    ]);
    expect(statusesOf(seen)[3]).toEqual([1, "done"]);
    expect(seen.find((r) => r.index === 3)?.error).toEqual({
      code: "TARGET_HTTP_ERROR",
      message: "TARGET_HTTP_ERROR here",
    });
    expect(seen[0]).toMatchObject({ url: urls[2], cache: "MISS" });
    expect((await batch.status()).status).toBe("completed");
  });

  it("is async-iterable itself, and batchImage fetches a result's image with the client's key", async () => {
    const captures = pagesOf(2, "image", { 1: "RENDER_TIMEOUT" }).map((p) => ({
      ...p,
      width: 640,
    }));
    const batch = await client.batch({ captures });
    pages.release(...urlsOf(captures));
    await expect.poll(async () => (await batch.status()).status).toBe("completed");
    // A batch over gives everything at the first poll, in batch order.
    const seen: BatchCaptureReport[] = [];
    for await (const result of batch) seen.push(result);
    expect(statusesOf(seen)).toEqual([
      [0, "done"],
      [1, "failed"],
    ]);
    expect(seen[1]?.error).toEqual({ code: "RENDER_TIMEOUT", message: "RENDER_TIMEOUT here" });

    const [done, failed] = seen as [BatchCaptureReport, BatchCaptureReport];
    const image = await client.batchImage(done);
    const drawn = JSON.parse(new TextDecoder().decode(image.bytes));
    expect(drawn).toMatchObject({ url: "https://example.com/image/0", width: 640 });
    expect([image.etag, image.contentType, image.cache.status]).toEqual([
      done.etag,
      "image/png",
      "HIT",
    ]);
    // The image's origin is the server's as the batch's maker reached it: this client goes to its
    // own server for the same path.
    const elsewhere = { ...done, image: done.image?.replace(origin, "https://shots.example") };
    expect((await client.batchImage(elsewhere)).etag).toBe(done.etag);

    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => "resolved",
        (error) => (isShotcacheError(error) ? error.code : `not a ShotcacheError: ${error}`),
      );
    expect(await codeOf(client.batchImage(failed))).toBe("NOT_FOUND");
    const keyless = createShotcacheClient({ baseUrl: origin, retry: false });
    expect(await codeOf(keyless.batchImage(done))).toBe("UNAUTHORIZED");
    expect(await codeOf(keyless.batch({ captures: pagesOf(1, "keyless") }))).toBe("UNAUTHORIZED");
  });

  it("on cancel, gives the captures under way once they ended and the rest cancelled, then ends", async () => {
    // Two more captures than run at once: the last two wait in the queue.
    const captures = pagesOf(CONCURRENCY + 2, "cancel");
    const urls = urlsOf(captures);
    const batch = await client.batch({ captures });
    await expect.poll(() => urls.filter(pages.isUnderWay)).toEqual(urls.slice(0, CONCURRENCY));
    const { seen, state, finished } = collect((signal) => batch.results({ pollMs: 10, signal }));
    // Capture 1 ends, and the first of the queued ones takes its place.
    pages.release(urls[1] ?? "");
    await expect.poll(() => statusesOf(seen)).toEqual([[1, "done"]]);
    await expect.poll(() => pages.isUnderWay(urls[4] ?? "")).toBe(true);

    const cancelled = await batch.cancel();
    // Captures 0, 2, 3 and 4 are still under way: reported cancelled, but not over until they end.
    expect(cancelled.status).toBe("running");
    expect(cancelled.captures.map((c) => c.status)).toEqual([
      "cancelled",
      "done",
      "cancelled",
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
    await pollsLater(batch.id);
    expect([seen.length, state.ended]).toEqual([1, false]);

    pages.release(urls[4] ?? "");
    await expect.poll(() => seen.length).toBe(2);
    expect(statusesOf(seen)[1]).toEqual([4, "done"]);
    expect((await batch.status()).status).toBe("running");
    expect(state.ended).toBe(false);

    pages.release(urls[0] ?? "", urls[2] ?? "", urls[3] ?? "");
    await finished;
    expect(statusesOf(seen)).toHaveLength(6);
    expect(setOf(seen.slice(2, 5))).toEqual([
      [0, "done"],
      [2, "done"],
      [3, "done"],
    ]);
    expect(statusesOf(seen)[5]).toEqual([5, "cancelled"]);
    // The queued capture never started.
    expect(pages.hasBegun(urls[5] ?? "")).toBe(false);
    const over = await batch.status();
    expect([over.status, over.progress]).toEqual([
      "cancelled",
      { total: 6, queued: 0, done: 5, failed: 0, cancelled: 1 },
    ]);
    // A batch over gives everything at the first poll, to a new iteration as well.
    const again = collect((signal) => client.openBatch(batch.id).results({ signal }));
    await again.finished;
    expect(statusesOf(again.seen)).toEqual([
      [0, "done"],
      [1, "done"],
      [2, "done"],
      [3, "done"],
      [4, "done"],
      [5, "cancelled"],
    ]);
  });

  it("stops following a batch on abort, and names refused input and unknown batches", async () => {
    const captures = pagesOf(1, "abort");
    const batch = await client.batch({ captures });
    const controller = new AbortController();
    const follow = collect(() => batch.results({ pollMs: 10_000, signal: controller.signal }));
    // Aborted once it polled (and found the capture under way): its next poll is 10 s away.
    await expect.poll(() => readsOf(batch.id)).toBe(1);
    controller.abort();
    const outcome = await follow.finished.then(
      () => "ended",
      (error) => (isShotcacheError(error) ? error.code : String(error)),
    );
    expect([outcome, follow.seen.length]).toEqual(["ABORTED", 0]);
    pages.release(...urlsOf(captures));
    await expect.poll(async () => (await batch.status()).status).toBe("completed");

    const refused = await client
      .batch({ captures: [{ url: "https://example.com/", width: -1 }] })
      .catch((error) => error);
    expect(isShotcacheError(refused) && refused.code).toBe("INVALID_INPUT");
    expect(refused.fieldErrors).toEqual([expect.objectContaining({ field: "captures.0.width" })]);

    const unknown = await client
      .openBatch("4b1c55c4-0000-4000-8000-000000000000")
      .status()
      .catch((error) => error);
    expect(isShotcacheError(unknown) && unknown.code).toBe("NOT_FOUND");
  });
});
