import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppUnderTest, browserAvailable, startAppUnderTest } from "./app-under-test";

// Every REST endpoint and tRPC procedure, called with no key, an unknown key, and keys of each
// scope, through the production server with captures requiring a key.

type Scope = "capture" | "read" | "purge" | "sign";
const KEYS = {
  capture: "k1-capture-0123456789abcdef",
  read: "k2-read-0123456789abcdef",
  purge: "k3-purge-0123456789abcdef",
  sign: "k5-sign-0123456789abcdef",
  every: "k4-every-scope-0123456789abcdef",
} as const;
type Caller = "none" | "unknown" | keyof typeof KEYS;
const CALLERS: Caller[] = ["none", "unknown", "capture", "read", "purge", "sign", "every"];

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const API_KEYS = [
  `${KEYS.capture}:capture`,
  `${KEYS.read}:read`,
  `${KEYS.purge}:purge`,
  // Given as its digest: the plaintext need not be in the environment.
  `sha256:${sha256(KEYS.sign)}:sign`,
  KEYS.every,
].join(",");

const authorization = (caller: Caller): Record<string, string> => {
  if (caller === "none") return {};
  const key = caller === "unknown" ? "unknown-key-0123456789abcd" : KEYS[caller];
  return { authorization: `Bearer ${key}` };
};

/** The status each caller gets, for an endpoint needing `scope` that answers `granted` when let in. */
function expected(scope: Scope | "open", granted: number): Record<Caller, number> {
  const statuses = {} as Record<Caller, number>;
  for (const caller of CALLERS) {
    statuses[caller] =
      scope === "open" || caller === "every" || caller === scope
        ? granted
        : caller === "none"
          ? 401
          : 403;
  }
  return statuses;
}

const trpcQuery = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const NO_SUCH_WATCH = "00000000-0000-4000-8000-000000000000";

describe.skipIf(!browserAvailable)("scoped API keys through the production server", () => {
  let env: AppUnderTest;

  beforeAll(async () => {
    env = await startAppUnderTest({
      SHOTCACHE_API_KEYS: API_KEYS,
      SHOTCACHE_CAPTURE_REQUIRES_KEY: "true",
      SHOTCACHE_SIGNING_SECRET: "matrix-signing-secret-0123456789abcdef",
      SHOTCACHE_WEBHOOK_SECRET: "matrix-webhook-secret-0123456789abcdef",
    });
  });
  afterAll(() => env?.close());

  /** Name, path, request, and the status of each caller. */
  const endpoints = (): [string, string, RequestInit, Record<Caller, number>][] => {
    const url = env.site.url("/stable?matrix=1");
    const page = encodeURIComponent(url);
    return [
      ["GET /api/v1/screenshot", `/api/v1/screenshot?url=${page}`, {}, expected("capture", 200)],
      [
        "HEAD /api/v1/screenshot",
        `/api/v1/screenshot?url=${page}`,
        { method: "HEAD" },
        expected("capture", 200),
      ],
      ["POST /api/v1/screenshot", "/api/v1/screenshot", post({ url }), expected("capture", 200)],
      [
        "DELETE /api/v1/cache",
        `/api/v1/cache?url=${page}`,
        { method: "DELETE" },
        expected("purge", 200),
      ],
      ["GET /api/v1/stats", "/api/v1/stats", {}, expected("read", 200)],
      ["GET /api/metrics", "/api/metrics", {}, expected("read", 200)],
      ["GET /api/v1/watches", "/api/v1/watches", {}, expected("purge", 200)],
      // Let in, an empty watch is refused for what it is: 400.
      ["POST /api/v1/watches", "/api/v1/watches", post({}), expected("purge", 400)],
      [
        "DELETE /api/v1/watches/{id}",
        `/api/v1/watches/${NO_SUCH_WATCH}`,
        { method: "DELETE" },
        expected("purge", 404),
      ],
      // Let in, an empty batch is refused for what it is: 400; an unknown one is not found.
      ["POST /api/v1/batches", "/api/v1/batches", post({}), expected("capture", 400)],
      [
        "GET /api/v1/batches/{id}",
        `/api/v1/batches/${NO_SUCH_WATCH}`,
        {},
        expected("capture", 404),
      ],
      [
        "DELETE /api/v1/batches/{id}",
        `/api/v1/batches/${NO_SUCH_WATCH}`,
        { method: "DELETE" },
        expected("capture", 404),
      ],
      ["GET /api/health", "/api/health", {}, expected("open", 200)],
      ["GET /api/openapi.json", "/api/openapi.json", {}, expected("open", 200)],
      // The webhook is authenticated by its HMAC signature, never by API keys: unsigned, 401.
      [
        "POST /api/v1/invalidate",
        "/api/v1/invalidate",
        post({ url }),
        { none: 401, unknown: 401, capture: 401, read: 401, purge: 401, sign: 401, every: 401 },
      ],
      [
        "tRPC screenshot.capture",
        trpcQuery("screenshot.capture", { url }),
        {},
        expected("capture", 200),
      ],
      ["tRPC cache.inspect", trpcQuery("cache.inspect", { url }), {}, expected("read", 200)],
      ["tRPC stats.get", trpcQuery("stats.get"), {}, expected("read", 200)],
      ["tRPC cache.purge", "/api/trpc/cache.purge", post({ url }), expected("purge", 200)],
      [
        "tRPC screenshot.sign",
        "/api/trpc/screenshot.sign",
        post({ options: { url } }),
        expected("sign", 200),
      ],
      ["tRPC watch.list", trpcQuery("watch.list"), {}, expected("purge", 200)],
      ["tRPC watch.create", "/api/trpc/watch.create", post({}), expected("purge", 400)],
      [
        "tRPC watch.delete",
        "/api/trpc/watch.delete",
        post({ id: NO_SUCH_WATCH }),
        expected("purge", 404),
      ],
      ["tRPC batch.create", "/api/trpc/batch.create", post({}), expected("capture", 400)],
      [
        "tRPC batch.get",
        trpcQuery("batch.get", { id: NO_SUCH_WATCH }),
        {},
        expected("capture", 404),
      ],
      ["tRPC health", trpcQuery("health"), {}, expected("open", 200)],
    ];
  };

  it("lets each key do what its scopes allow, over REST and tRPC, and nothing else", async () => {
    const results: string[] = [];
    const wanted: string[] = [];
    for (const [name, path, init, statuses] of endpoints()) {
      for (const caller of CALLERS) {
        const response = await fetch(`${env.app.origin}${path}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), ...authorization(caller) },
        });
        await response.arrayBuffer();
        results.push(`${name} [${caller}] ${response.status}`);
        wanted.push(`${name} [${caller}] ${statuses[caller]}`);
      }
    }
    expect(results).toEqual(wanted);
  });

  it("names the scope a key lacks, over REST and tRPC", async () => {
    const rest = await fetch(`${env.app.origin}/api/v1/stats`, {
      headers: authorization("capture"),
    });
    expect(rest.status).toBe(403);
    expect(rest.headers.get("content-type")).toBe("application/problem+json");
    expect(await rest.json()).toMatchObject({
      code: "FORBIDDEN",
      scope: "read",
      detail: "The API key does not have the `read` scope.",
    });

    const trpc = await fetch(`${env.app.origin}${trpcQuery("stats.get")}`, {
      headers: authorization("purge"),
    });
    expect(trpc.status).toBe(403);
    expect((await trpc.json()).error.message).toBe("The API key does not have the `read` scope.");
  });

  it("counts captures and renders per key in stats, naming keys by digest only", async () => {
    const url = env.site.url("/stable?usage=1");
    const capture = (caller: Caller) =>
      fetch(`${env.app.origin}/api/v1/screenshot?url=${encodeURIComponent(url)}`, {
        headers: authorization(caller),
      }).then((response) => response.arrayBuffer());
    const usage = async () => {
      const response = await fetch(`${env.app.origin}/api/v1/stats`, {
        headers: authorization("read"),
      });
      const stats = await response.json();
      for (const key of Object.values(KEYS)) expect(JSON.stringify(stats)).not.toContain(key);
      const of = (caller: keyof typeof KEYS) =>
        stats.keys.find(
          (used: { key: string }) => used.key === sha256(KEYS[caller]).slice(0, 12),
        ) ?? { captures: 0, renders: 0 };
      return { capture: of("capture"), every: of("every"), read: of("read") };
    };

    const before = await usage();
    await capture("capture"); // rendered
    await capture("capture"); // from the cache
    await capture("every"); // from the cache
    const after = await usage();
    expect(after.capture).toMatchObject({
      captures: before.capture.captures + 2,
      renders: before.capture.renders + 1,
    });
    expect(after.every).toMatchObject({
      captures: before.every.captures + 1,
      renders: before.every.renders,
    });
    expect(after.read).toEqual({ captures: 0, renders: 0 });
  });
});
