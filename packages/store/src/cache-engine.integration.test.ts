import {
  type CacheStore,
  CaptureError,
  type CaptureInput,
  type CaptureService,
  type CaptureServiceOptions,
  type ChangeMeter,
  cacheKeyFor,
  captureOptionsSchema,
  createCaptureService,
  DEFAULT_CACHE_POLICY,
  type Region,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import {
  availableOrSkip,
  findRedisServer,
  type RedisBackends,
  type RedisCluster,
  type RedisServer,
  scanKeys,
  startRedisBackends,
  startRedisCluster,
  type UpstashBridge,
} from "@shotcache/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store";
import { createRedisStore } from "./redis-store";
import { createUpstashStore } from "./upstash-store";

// The capture service (core) over real stores, with a scripted renderer in place of Chromium:
// what is under test is the cache engine, and a scripted renderer makes renders countable.

const redisAvailable = Boolean(await availableOrSkip("redis-server", findRedisServer));

interface ScriptedRenderer extends Renderer {
  renders: number;
  /** How the next renders behave. */
  script: { durationMs: number; fail?: Error; blank?: boolean; bytes?: number };
}

function scriptedRenderer(onRender: (ms: number) => Promise<void>): ScriptedRenderer {
  const renderer: ScriptedRenderer = {
    renders: 0,
    script: { durationMs: 20 },
    async render(options): Promise<RenderedImage> {
      renderer.renders++;
      await onRender(renderer.script.durationMs);
      if (renderer.script.fail) throw renderer.script.fail;
      const bytes = renderer.script.bytes
        ? new Uint8Array(renderer.script.bytes)
        : new TextEncoder().encode(`${options.url} ${options.width} render ${renderer.renders}`);
      return { bytes, contentType: "image/png", blank: renderer.script.blank };
    },
    async close() {},
  };
  return renderer;
}

const realRenderer = () =>
  scriptedRenderer((ms) => new Promise((resolve) => setTimeout(resolve, ms)));

const options = (input: CaptureInput) => captureOptionsSchema.parse(input);
let pages = 0;
const newPage = () => `https://site.test/page-${++pages}-${Date.now().toString(36)}`;

function service(
  store: CacheStore,
  renderer: Renderer,
  extra: Partial<CaptureServiceOptions> = {},
) {
  return createCaptureService({ store, renderer, lockPollMs: 20, ...extra });
}

/**
 * The suite every store kind runs; `open` gives a fresh client of one backend. A shared backend
 * (Redis) lets the suite run instances side by side and list the backend's keys.
 */
function itRunsTheCacheEngine(
  openStore: (namespace: string) => CacheStore,
  backend?: { keys(pattern: string): Promise<string[]> },
) {
  // Each test gets a namespace of its own (a Redis key prefix), so statistics start at zero;
  // instances opened in one test with the same namespace share everything.
  let tests = 0;
  let namespace = "";
  beforeEach(() => {
    namespace = `t${++tests}x${Date.now().toString(36)}:`;
  });
  const open = () => openStore(namespace);

  it("renders once for 50 concurrent identical cold captures", async () => {
    const renderer = realRenderer();
    const engine = service(open(), renderer);
    const url = newPage();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => engine.capture(options({ url }))),
    );
    expect(renderer.renders).toBe(1);
    expect(new Set(results.map((result) => result.etag)).size).toBe(1);
    const stats = await engine.stats();
    // One renders; the others either waited for it or, looking up after it stored, hit.
    expect([stats.requests, stats.misses, stats.coalesced + stats.hits]).toEqual([50, 1, 49]);
  });

  it("says whether each render changed the image, and keeps the time of the last change", async () => {
    let clock = 5_000_000;
    const renderer = scriptedRenderer(async () => {});
    const engine = service(open(), renderer, { now: () => clock });
    const url = newPage();
    const renders = [];
    // Two different renders, then the same image twice.
    for (const bytes of [undefined, undefined, 64, 64]) {
      renderer.script.bytes = bytes;
      clock += 10_000;
      renders.push(await engine.capture(options({ url, refresh: true })));
    }
    expect(renders.map((render) => render.changed)).toEqual([undefined, true, true, false]);
    expect(renders.map((render) => render.changedAt)).toEqual([
      5_010_000, 5_020_000, 5_030_000, 5_030_000,
    ]);
    const hit = await engine.capture(options({ url }));
    expect([hit.status, hit.changed, hit.changedAt]).toEqual(["HIT", false, 5_030_000]);
    // Each variant has its own history.
    const other = await engine.capture(options({ url, width: 640 }));
    expect([other.status, other.changed]).toEqual(["MISS", undefined]);
  });

  it("keeps versions, and tells each caller the change measured with its own masks", async () => {
    const renderer = scriptedRenderer(async () => {});
    // A scripted measure (the real one, on real images, is @shotcache/visual-change's): a third
    // of the image changed, nothing of it under masks.
    const measured: Region[][] = [];
    const measure = async ({ masks }: { masks: Region[] }) => {
      measured.push(masks);
      return masks.length > 0 ? 0 : 0.3;
    };
    const changeMeter: ChangeMeter = {
      measure,
      diff: async (input) => ({ ratio: await measure(input), png: new Uint8Array() }),
    };
    const engine = service(open(), renderer, { changeMeter, historyVersions: 2 });
    const url = newPage();
    const region = { x: 1, y: 2, width: 3, height: 4 };
    const first = await engine.capture(options({ url }));
    expect([first.changed, first.changeRatio]).toEqual([undefined, undefined]);
    const rendered = await engine.capture(options({ url, refresh: true }));
    // Its answer came before its measure: it tells only that the image differs.
    expect([rendered.changed, rendered.changeRatio]).toEqual([true, undefined]);
    await engine.idle();
    expect(measured).toEqual([[]]);
    const hit = await engine.capture(options({ url }));
    expect([hit.status, hit.changed, hit.changeRatio]).toEqual(["HIT", true, 0.3]);
    const tolerant = await engine.capture(options({ url, changeThreshold: 0.5 }));
    expect([tolerant.changed, tolerant.changeRatio]).toEqual([false, 0.3]);
    // Other masks share the image, not its measure, until the render measured with them.
    const masked = await engine.capture(options({ url, ignoreRegions: [region] }));
    expect([masked.status, masked.changed, masked.changeRatio]).toEqual(["HIT", true, undefined]);
    await engine.capture(options({ url, ignoreRegions: [region], refresh: true }));
    await engine.idle();
    expect(measured.at(-1)).toEqual([region]);
    const remasked = await engine.capture(options({ url, ignoreRegions: [region] }));
    expect([remasked.changed, remasked.changeRatio]).toEqual([false, 0]);
    // No change for the render that measured none: the content keeps its earlier time of change.
    expect(remasked.changedAt).toBe(hit.changedAt);
    // A render of the same image again changed by nothing, whatever the masks.
    renderer.script.bytes = 64;
    await engine.capture(options({ url, refresh: true }));
    const same = await engine.capture(options({ url, refresh: true }));
    expect([same.changed, same.changeRatio]).toEqual([false, 0]);
  });

  it("lets the TTL follow a page's changes where neither the caller nor a rule sets it", async () => {
    let clock = 9_000_000;
    const renderer = scriptedRenderer(async () => {});
    const engine = service(open(), renderer, { now: () => clock });
    const renderEverySecond = async (url: string, bytes: number | undefined) => {
      const results = [];
      for (let i = 0; i < 4; i++) {
        renderer.script.bytes = bytes;
        clock += 1_000;
        results.push(await engine.capture(options({ url, refresh: true })));
      }
      return results.map((result) => [result.ttlSource, result.ttlSeconds]);
    };
    // No evidence yet: the default. Then half the expected time between changes.
    expect(await renderEverySecond(newPage(), undefined)).toEqual([
      ["default", 900],
      ["adaptive", 450],
      ["adaptive", 300],
      ["adaptive", 225],
    ]);
    const unchanged = await renderEverySecond(newPage(), 64);
    expect(unchanged.at(-1)).toEqual(["adaptive", 902]);
    // The caller's TTL and the rules are never second-guessed.
    const url = newPage();
    for (let i = 0; i < 3; i++) await engine.capture(options({ url, refresh: true }));
    const own = await engine.capture(options({ url, ttl: 120, refresh: true }));
    expect([own.ttlSource, own.ttlSeconds]).toEqual(["caller", 120]);
    const ruled = await engine.capture(options({ url: `${newPage()}/`, refresh: true }));
    expect([ruled.ttlSource, ruled.ttlSeconds]).toEqual(["rule", 3_600]);
    // A hit says where its entry's TTL came from.
    const hit = await engine.capture(options({ url }));
    expect([hit.status, hit.ttlSource]).toEqual(["HIT", "caller"]);
  });

  it("keeps the default TTL when the adaptive TTL is off", async () => {
    const renderer = realRenderer();
    const engine = service(open(), renderer, {
      policy: { ...DEFAULT_CACHE_POLICY, adaptiveTtl: undefined },
    });
    const url = newPage();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await engine.capture(options({ url, refresh: true })));
    expect(results.map((result) => [result.ttlSource, result.ttlSeconds])).toEqual([
      ["default", 900],
      ["default", 900],
      ["default", 900],
    ]);
    expect(results.at(-1)?.changed).toBe(true);
  });

  it("lists the most requested URLs with their hit rate, renders and changes", async () => {
    const renderer = realRenderer();
    const engine = service(open(), renderer);
    const [popular, other] = [newPage(), newPage()];
    for (let i = 0; i < 3; i++) await engine.capture(options({ url: popular })); // miss, hit, hit
    for (let i = 0; i < 2; i++) await engine.capture(options({ url: popular, refresh: true }));
    await engine.capture(options({ url: other }));
    const { topUrls } = await engine.stats();
    expect(topUrls.map((top) => top.url)).toEqual([popular, other]);
    expect(topUrls[0]).toMatchObject({ requests: 5, hitRate: 0.4, renders: 3, changes: 2 });
    expect(topUrls[0]?.changeIntervalSeconds).toBeGreaterThan(0);
    expect(topUrls[1]).toMatchObject({ requests: 1, renders: 1, changes: 0 });
    expect(topUrls[1]?.changeIntervalSeconds).toBeNull();
  });

  if (!backend) return;

  it("keeps its lock through a render longer than the lock's TTL, so another instance waits", async () => {
    const [rendererA, rendererB] = [realRenderer(), realRenderer()];
    rendererA.script.durationMs = 1_000;
    const extra = { lockTtlMs: 300 };
    const [a, b] = [service(open(), rendererA, extra), service(open(), rendererB, extra)];
    const capture = options({ url: newPage() });
    const first = a.capture(capture);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await b.capture(capture);
    expect((await first).etag).toBe(second.etag);
    expect(rendererA.renders + rendererB.renders).toBe(1);
  });

  it("renders once for 50 concurrent captures split across two instances", async () => {
    const [rendererA, rendererB] = [realRenderer(), realRenderer()];
    rendererA.script.durationMs = rendererB.script.durationMs = 300;
    const [a, b] = [service(open(), rendererA), service(open(), rendererB)];
    const url = newPage();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).capture(options({ url }))),
    );
    expect(rendererA.renders + rendererB.renders).toBe(1);
    expect(new Set(results.map((result) => result.etag)).size).toBe(1);
    expect(results.every((result) => result.status === "MISS")).toBe(true);
  });

  it("lets a waiter render when the lock holder dies", async () => {
    const store = open();
    const url = newPage();
    const capture = options({ url });
    const engine = service(store, realRenderer(), { lockTtlMs: 300 });
    // A holder that took the lock and died: nobody releases it, it only expires.
    await store.acquireLock(`render:${cacheKeyFor(capture).key}`, 300);
    const started = Date.now();
    const result = await engine.capture(capture);
    expect(result.status).toBe("MISS");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("purges every variant of a URL, and one variant alone", async () => {
    const renderer = realRenderer();
    const engine = service(open(), renderer);
    const url = newPage();
    const variants: CaptureInput[] = [
      { url },
      { url, width: 800 },
      { url, format: "jpeg" },
      { url, format: "webp", quality: 50 },
      { url, fullPage: true, cacheKey: "tenant-a" },
    ];
    for (const variant of variants) await engine.capture(options(variant));

    const [first, ...others] = variants;
    expect(await engine.purge({ url, options: options(first ?? { url }) })).toEqual({
      purged: 1,
      cdn: [],
    });
    expect((await engine.capture(options(first ?? { url }))).status).toBe("MISS");
    for (const variant of others)
      expect((await engine.capture(options(variant))).status).toBe("HIT");

    expect(await engine.purge({ url })).toEqual({ purged: variants.length, cdn: [] });
    const { urlKey } = cacheKeyFor(options({ url }));
    // Nothing of the URL is left but the purge marker, the page's history of renders (which tells
    // the next render whether the page changed) and its versions, which a purge keeps (see
    // core's versions.ts); all expire (see the store suite).
    if (backend) {
      const left = await backend.keys(`*${urlKey}*`);
      const history = /:(renders:.*|history|intervals|versions:.*|version-[a-z]+:.*)$/;
      expect(left.filter((key) => !history.test(key))).toEqual([
        expect.stringMatching(/:purged-at$/),
      ]);
    }
    for (const variant of variants) {
      expect((await engine.capture(options(variant))).status).toBe("MISS");
    }
  });

  it("does not let a render that began before a purge store its image", async () => {
    const renderer = realRenderer();
    renderer.script.durationMs = 300;
    const engine = service(open(), renderer);
    const url = newPage();
    const before = engine.capture(options({ url }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await engine.purge({ url });
    // Asked after the purge: it must not join the render the purge made outdated.
    const after = engine.capture(options({ url }));
    expect([(await before).status, (await before).reason]).toEqual([
      "BYPASS",
      "purged-during-render",
    ]);
    expect((await after).status).toBe("MISS");
    expect(renderer.renders).toBe(2);
    expect((await engine.capture(options({ url }))).status).toBe("HIT");
  });

  it("keeps requests off the render path under steady traffic (XFetch, seeded)", async () => {
    let clock = 1_000_000;
    const renderer = scriptedRenderer(async (ms) => {
      clock += ms; // the render takes δ of the test's time
    });
    renderer.script.durationMs = 3_000;
    const engine = service(open(), renderer, {
      now: () => clock,
      random: seededRandom(42),
    });
    const capture = options({ url: newPage(), ttl: 30 });
    expect((await engine.capture(capture)).status).toBe("MISS");

    const statuses = new Set<string>();
    for (let second = 1; second <= 600; second++) {
      clock = Math.max(clock, 1_003_000 + second * 1_000);
      statuses.add((await engine.capture(capture)).status);
      await engine.idle();
    }
    expect([...statuses]).toEqual(["HIT"]);
    const stats = await engine.stats();
    expect(stats.earlyRefreshes).toBe(renderer.renders - 1);
    expect(stats.misses).toBe(1);
    // 600 s of a 30 s TTL: about 20 refreshes, all in the background.
    expect(renderer.renders).toBeGreaterThanOrEqual(20);
    expect(renderer.renders).toBeLessThan(40);
  });

  it("serves STALE inside the stale window with one background render; a failed one keeps the old image", async () => {
    let clock = 2_000_000;
    // Renders wait at the gate while it is shut: the background one is then still under way when
    // the second stale request asks (on a slow store, a failure could otherwise be over by then).
    let gate: Promise<void> | undefined;
    const renderer = scriptedRenderer(async () => {
      await gate;
    });
    const engine = service(open(), renderer, { now: () => clock });
    const capture = options({ url: newPage(), ttl: 10, staleWhileRevalidate: 60 });
    const first = await engine.capture(capture);

    clock += 11_000;
    renderer.script.fail = new CaptureError("RENDER_FAILED", "the page crashed");
    let openGate = () => {};
    gate = new Promise((resolve) => {
      openGate = resolve;
    });
    const stale = await Promise.all([engine.capture(capture), engine.capture(capture)]);
    openGate();
    gate = undefined;
    await engine.idle();
    expect(stale.map((result) => [result.status, result.reason])).toEqual([
      ["STALE", "stale-while-revalidate"],
      ["STALE", "stale-while-revalidate"],
    ]);
    expect(renderer.renders).toBe(2); // the first render, then one background attempt
    expect((await engine.stats()).revalidations).toBe(1);

    clock += 5_000;
    const still = await engine.capture(capture);
    await engine.idle();
    expect(still.status).toBe("STALE");
    expect(still.etag).toBe(first.etag);

    renderer.script.fail = undefined;
    await engine.capture(capture);
    await engine.idle();
    const fresh = await engine.capture(capture);
    expect(fresh.status).toBe("HIT");
    expect(fresh.etag).not.toBe(first.etag);
  });

  it("serves the old image when a render fails inside the stale-if-error window", async () => {
    let clock = 3_000_000;
    const renderer = scriptedRenderer(async () => {});
    const engine = service(open(), renderer, { now: () => clock });
    const capture = options({ url: newPage(), ttl: 10, staleIfError: 60 });
    const first = await engine.capture(capture);
    clock += 30_000;
    renderer.script.fail = new CaptureError("TARGET_UNREACHABLE", "down");
    const result = await engine.capture(capture);
    expect([result.status, result.reason, result.etag]).toEqual([
      "STALE",
      "stale-if-error",
      first.etag,
    ]);
    clock += 60_000;
    await expect(engine.capture(capture)).rejects.toMatchObject({ code: "TARGET_UNREACHABLE" });
  });

  it("renders again on refresh, replacing the entry", async () => {
    const renderer = realRenderer();
    const engine = service(open(), renderer);
    const url = newPage();
    const first = await engine.capture(options({ url }));
    const refreshed = await engine.capture(options({ url, refresh: true }));
    expect(refreshed.status).toBe("REFRESH");
    expect(refreshed.etag).not.toBe(first.etag);
    const next = await engine.capture(options({ url }));
    expect([next.status, next.etag]).toEqual(["HIT", refreshed.etag]);
  });

  describe("never caches, and says why", () => {
    const expectBypass = async (
      engine: CaptureService,
      input: CaptureInput,
      reason: string,
      renderer: ScriptedRenderer,
    ) => {
      const first = await engine.capture(options(input));
      const second = await engine.capture(options(input));
      expect([first.status, first.reason]).toEqual(["BYPASS", reason]);
      expect([second.status, second.reason]).toEqual(["BYPASS", reason]);
      expect(first.ttlSeconds).toBe(0);
      expect(renderer.renders).toBe(2);
    };

    it("noCache", async () => {
      const renderer = realRenderer();
      await expectBypass(
        service(open(), renderer),
        { url: newPage(), noCache: true },
        "no-cache",
        renderer,
      );
    });

    it("injected js", async () => {
      const renderer = realRenderer();
      const input = { url: newPage(), js: "document.title = 'x'" };
      await expectBypass(service(open(), renderer), input, "injected-js", renderer);
    });

    it("a TTL of 0", async () => {
      const renderer = realRenderer();
      await expectBypass(
        service(open(), renderer),
        { url: newPage(), ttl: 0 },
        "ttl-zero",
        renderer,
      );
    });

    it.each(["ts", "timestamp", "t", "v", "ver", "bust", "nocache", "_"])(
      "a cache-busting parameter: %s",
      async (param) => {
        const renderer = realRenderer();
        const url = `${newPage()}?${param}=123`;
        await expectBypass(service(open(), renderer), { url }, "cache-busting-param", renderer);
      },
    );

    it("a blank render", async () => {
      const renderer = realRenderer();
      renderer.script.blank = true;
      await expectBypass(service(open(), renderer), { url: newPage() }, "blank-render", renderer);
    });

    it("an image over the store's size cap", async () => {
      const renderer = realRenderer();
      renderer.script.bytes = 9 * 1024 * 1024;
      await expectBypass(service(open(), renderer), { url: newPage() }, "too-large", renderer);
    });

    it("a failed render, or a target that answered with an error", async () => {
      const renderer = realRenderer();
      const engine = service(open(), renderer);
      const url = newPage();
      renderer.script.fail = new CaptureError(
        "TARGET_HTTP_ERROR",
        "The page answered with HTTP 404.",
      );
      await expect(engine.capture(options({ url }))).rejects.toMatchObject({
        code: "TARGET_HTTP_ERROR",
      });
      renderer.script.fail = undefined;
      expect((await engine.capture(options({ url }))).status).toBe("MISS");
    });
  });
}

/** mulberry32: a tiny seeded PRNG, so XFetch's coin flips repeat from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("cache engine on the memory store", () => {
  itRunsTheCacheEngine(() => createMemoryStore());
});

describe.skipIf(!redisAvailable)("cache engine on Redis and Upstash", () => {
  let server: RedisServer;
  let bridge: UpstashBridge;
  let backends: RedisBackends;
  beforeAll(async () => {
    backends = await startRedisBackends();
    ({ server, bridge } = backends);
  });
  afterAll(() => backends?.close());
  const backend = { keys: (pattern: string) => scanKeys(server, pattern) };

  describe("redis", () => {
    itRunsTheCacheEngine(
      (namespace) => createRedisStore({ url: server.url, prefix: `redis:${namespace}` }),
      backend,
    );
  });

  describe("upstash", () => {
    itRunsTheCacheEngine(
      (namespace) =>
        createUpstashStore({
          url: bridge.url,
          token: bridge.token,
          prefix: `upstash:${namespace}`,
        }),
      backend,
    );
  });

  it("shares statistics between instances, matching the requests made", async () => {
    const store = () => createRedisStore({ url: server.url, prefix: "shared-stats:" });
    const [a, b] = [service(store(), realRenderer()), service(store(), realRenderer())];
    const url = newPage();
    await a.capture(options({ url })); // miss
    await b.capture(options({ url })); // hit
    await a.capture(options({ url, width: 700 })); // miss
    await b.capture(options({ url, width: 700 })); // hit
    await b.capture(options({ url, noCache: true })); // bypass
    // Each instance writes its statistics within a second; idle() writes them now.
    await Promise.all([a.idle(), b.idle()]);
    const [statsA, statsB] = [await a.stats(), await b.stats()];
    expect(statsA).toEqual(statsB);
    expect(statsA).toMatchObject({ hits: 2, misses: 2, bypasses: 1, requests: 5, hitRate: 0.5 });
  });

  it("keeps capturing with BYPASS while Redis is down, and hits again once it is back", async () => {
    const renderer = realRenderer();
    const engine = service(createRedisStore({ url: server.url, prefix: "outage:" }), renderer, {
      storeGuard: { timeoutMs: 300, failureThreshold: 2, openMs: 200 },
    });
    const url = newPage();
    expect((await engine.capture(options({ url }))).status).toBe("MISS");

    await server.stop();
    for (let i = 0; i < 4; i++) {
      const result = await engine.capture(options({ url }));
      expect([result.status, result.reason]).toEqual(["BYPASS", "store-unavailable"]);
    }

    await server.restart();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the breaker's open time
    const statuses: string[] = [];
    const started = Date.now();
    while (statuses.at(-1) !== "HIT" && Date.now() - started < 15_000) {
      statuses.push((await engine.capture(options({ url }))).status);
      if (statuses.at(-1) !== "HIT") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statuses.at(-1)).toBe("HIT");
  }, 30_000);
});

describe.skipIf(!redisAvailable)("cache engine on a 3-master Redis Cluster", () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => cluster?.stop());

  itRunsTheCacheEngine(
    (namespace) =>
      createRedisStore({ clusterNodes: cluster.nodes.split(","), prefix: `cluster:${namespace}` }),
    { keys: (pattern) => cluster.keys(pattern) },
  );
});
