import {
  CaptureError,
  type CaptureOptions,
  captureOptionsSchema,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import { connectRedis } from "@shotcache/store";
import {
  availableOrSkip,
  findRedisServer,
  type RedisServer,
  startRedisServer,
} from "@shotcache/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createQueueRenderer, type QueueRenderer } from "./queue-renderer";
import { type RenderWorker, startRenderWorker } from "./render-worker";

// The render queue on a real redis-server, with scripted renderers in the workers (Chromium
// behind the queue is tested end to end in apps/web).

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

/** Renders `text of the URL`, after `ms`; a URL with `refused` fails with a coded error. */
function scriptedRenderer(ms = 20): Renderer & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    async render(options: CaptureOptions): Promise<RenderedImage> {
      urls.push(options.url);
      if (options.url.includes("refused")) {
        throw new CaptureError("TARGET_NOT_ALLOWED", "refused", { field: "url" });
      }
      await new Promise((resolve) =>
        setTimeout(resolve, options.url.includes("slow") ? 1_500 : ms),
      );
      return { bytes: new TextEncoder().encode(options.url), contentType: "image/png" };
    },
    async close() {},
  };
}

const capture = (url: string) => captureOptionsSchema.parse({ url });
const codeOf = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return CaptureError.is(error) ? error.code : error;
};

describe.skipIf(!redisAvailable)("render queue", () => {
  let redis: RedisServer;
  let tests = 0;
  let prefix = "";
  const opened: { close(): Promise<void> }[] = [];
  const connect = () => connectRedis({ url: redis.url }, { maxRetriesPerRequest: null });
  const renderer = (
    extra: Parameters<typeof createQueueRenderer>[0] extends infer O ? Partial<O> : never = {},
  ) => {
    const made = createQueueRenderer({
      connect,
      prefix,
      noWorkerMs: 1_500,
      ...extra,
    });
    opened.push(made);
    return made;
  };
  const worker = async (rendering: Renderer, concurrency = 1): Promise<RenderWorker> => {
    const made = await startRenderWorker({
      connect,
      prefix,
      renderer: rendering,
      concurrency,
      leaseMs: 1_000,
    });
    opened.push(made);
    return made;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.close()));
  });
  afterAll(() => redis?.stop());
  // Each test has a queue of its own.
  const fresh = () => {
    prefix = `q${++tests}x${Date.now().toString(36)}:`;
  };

  it("renders on the workers, images back through Redis, spread over both", async () => {
    fresh();
    const [a, b] = [scriptedRenderer(100), scriptedRenderer(100)];
    await worker(a);
    await worker(b);
    const api: QueueRenderer = renderer();
    const urls = Array.from({ length: 8 }, (_, i) => `https://site.test/page-${i}`);
    const images = await Promise.all(urls.map((url) => api.render(capture(url))));
    expect(images.map((image) => new TextDecoder().decode(image.bytes))).toEqual(urls);
    expect(a.urls.length).toBeGreaterThan(0);
    expect(b.urls.length).toBeGreaterThan(0);
    expect(a.urls.length + b.urls.length).toBe(8);
    expect(api.load()).toMatchObject({ mode: "queue", workers: 2, slots: 2 });
  });

  it("answers a worker's coded failure with the same code, and does not retry it", async () => {
    fresh();
    const rendering = scriptedRenderer();
    await worker(rendering);
    const error = await renderer()
      .render(capture("https://site.test/refused"))
      .catch((failure: unknown) => failure);
    expect(CaptureError.is(error) && [error.code, error.field]).toEqual([
      "TARGET_NOT_ALLOWED",
      "url",
    ]);
    expect(rendering.urls).toHaveLength(1);
  });

  it("refuses at once with no worker alive, and within its bound when the workers leave", async () => {
    fresh();
    const api = renderer();
    expect(await codeOf(api.render(capture("https://site.test/a")))).toBe("BROWSER_UNAVAILABLE");

    const leaving = await worker(scriptedRenderer());
    await leaving.close();
    // A worker that closed says so: refused at once again.
    expect(await codeOf(api.render(capture("https://site.test/b")))).toBe("BROWSER_UNAVAILABLE");
  });

  it("refuses past the queue's room with SATURATED", async () => {
    fresh();
    await worker(scriptedRenderer());
    const api = renderer({ maxQueued: 1 });
    const first = api.render(capture("https://site.test/slow-1"));
    await new Promise((resolve) => setTimeout(resolve, 300)); // taken: running
    const second = api.render(capture("https://site.test/slow-2")); // waits
    await new Promise((resolve) => setTimeout(resolve, 300));
    const third = await api.render(capture("https://site.test/slow-3")).catch((error) => error);
    expect(CaptureError.is(third) && [third.code, third.retryAfterSeconds]).toEqual([
      "SATURATED",
      2,
    ]);
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
  });
  // A worker killed mid-render (SIGKILL) is tested end to end: apps/web/test/render-workers.e2e.test.ts.
});
