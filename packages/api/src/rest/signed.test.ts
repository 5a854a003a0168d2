import { captureOptionsSchema, queryPairs, signCapture, webhookSignature } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { parseApiKey } from "../access";
import type { ApiContext } from "../context";
import { handleTrpcRequest } from "../trpc-handler";
import { restRequestFrom } from "./fetch-adapter";
import { handleInvalidate } from "./invalidate";
import { handleScreenshot } from "./screenshot";
import type { RestResponse } from "./types";

const SECRET = "s".repeat(40);
const PAGE = "https://a.test/page";
const codeOf = (response: RestResponse) => JSON.parse(String(response.body)).code;

function keyedContext() {
  const setup = createTestContext(
    {},
    { keys: [parseApiKey("k".repeat(24))], captureRequiresKey: true },
  );
  setup.context.signingSecret = SECRET;
  setup.context.webhookSecret = SECRET;
  return setup;
}

/** The query of a signed URL for `input`, as an integrator would build it. */
function signedQuery(input: Record<string, string | number>, expires?: number) {
  const params = new URLSearchParams(queryPairs(input));
  params.set("signature", signCapture(input, SECRET, expires));
  if (expires !== undefined) params.set("expires", String(expires));
  return params;
}

const get = (params: URLSearchParams) =>
  restRequestFrom(new Request(`http://shotcache.test/api/v1/screenshot?${params}`));

describe("signed public URLs", () => {
  it("answer without an API key, cacheable by shared caches", async () => {
    const { context } = keyedContext();
    const response = await handleScreenshot(get(signedQuery({ url: PAGE, width: 800 })), context);
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toMatch(/^public, max-age=\d+, s-maxage=\d+$/);
  });

  it.each([
    ["a changed option", (p: URLSearchParams) => p.set("width", "801")],
    ["an added option", (p: URLSearchParams) => p.set("noCache", "true")],
    ["a changed URL", (p: URLSearchParams) => p.set("url", `${PAGE}?x=1`)],
    ["a default spelled out", (p: URLSearchParams) => p.set("height", "720")],
    ["a changed expiry", (p: URLSearchParams) => p.set("expires", "9999999999")],
    ["a tampered signature", (p: URLSearchParams) => p.set("signature", "A".repeat(43))],
  ])("refuse %s with 403", async (_name, change) => {
    const { context, renderer } = keyedContext();
    const params = signedQuery({ url: PAGE, width: 800 }, Math.floor(Date.now() / 1000) + 600);
    change(params);
    const response = await handleScreenshot(get(params), context);
    expect([response.status, codeOf(response)]).toEqual([403, "SIGNATURE_INVALID"]);
    expect(renderer.renders).toBe(0);
  });

  it("refuse an expired one with 403", async () => {
    const { context } = keyedContext();
    const params = signedQuery({ url: PAGE }, Math.floor(Date.now() / 1000) - 1);
    const response = await handleScreenshot(get(params), context);
    expect([response.status, codeOf(response)]).toEqual([403, "SIGNATURE_EXPIRED"]);
  });

  it("are checked on every request, however often their options were asked for", async () => {
    const { context } = keyedContext();
    const input = { url: PAGE, width: 640 };
    const signed = signedQuery(input);
    const unsigned = new URLSearchParams(queryPairs(input));
    const tampered = new URLSearchParams(signed);
    tampered.set("signature", "A".repeat(43));
    const withKey = restRequestFrom(
      new Request(`http://shotcache.test/api/v1/screenshot?${unsigned}`, {
        headers: { authorization: `Bearer ${"k".repeat(24)}` },
      }),
    );
    const statuses = [];
    for (const request of [withKey, get(signed), get(unsigned), get(tampered), get(signed)]) {
      statuses.push((await handleScreenshot(request, context)).status);
    }
    expect(statuses).toEqual([200, 200, 401, 403, 200]);
  });

  it("are refused when the server has no signing secret", async () => {
    const { context } = createTestContext();
    const response = await handleScreenshot(get(signedQuery({ url: PAGE })), context);
    expect([response.status, codeOf(response)]).toEqual([403, "SIGNATURE_INVALID"]);
  });
});

describe("screenshot.sign (tRPC)", () => {
  const sign = async (context: ApiContext, input: unknown) => {
    const request = new Request("http://shotcache.test/api/trpc/screenshot.sign", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${"k".repeat(24)}` },
      body: JSON.stringify(input),
    });
    const response = await handleTrpcRequest(request, context);
    return { status: response.status, body: JSON.parse(await response.text()) };
  };

  it("signs the options as given, into a URL that answers without a key until it expires", async () => {
    const { context } = keyedContext();
    const options = { url: PAGE, width: 800, darkMode: true, hideSelectors: [".ad", "#nag"] };
    const { status, body } = await sign(context, { options, expiresInSeconds: 600 });
    expect(status).toBe(200);
    const { path, expiresAt } = body.result.data;
    const signed = new URL(path, "http://shotcache.test");
    expect(signed.pathname).toBe("/api/v1/screenshot");
    // No default is added: the URL carries exactly the options given, the expiry and signature.
    expect([...new Set(signed.searchParams.keys())].sort()).toEqual(
      ["darkMode", "expires", "hideSelectors", "signature", "url", "width"].sort(),
    );
    expect(signed.searchParams.getAll("hideSelectors")).toEqual([".ad", "#nag"]);
    const expires = Number(signed.searchParams.get("expires"));
    expect(expires - Date.now() / 1000).toBeGreaterThan(590);
    expect(expiresAt).toBe(new Date(expires * 1000).toISOString());

    const response = await handleScreenshot(get(signed.searchParams), context);
    expect(response.status).toBe(200);
  });

  it("refuses options a capture would refuse, naming the field", async () => {
    const { context, renderer } = keyedContext();
    const { status, body } = await sign(context, { options: { url: PAGE, width: 5 } });
    expect([status, body.error.data.errorCode]).toEqual([400, "INVALID_INPUT"]);
    expect(body.error.data.fieldErrors.map((e: { field: string }) => e.field)).toEqual([
      "options.width",
    ]);
    expect(renderer.renders).toBe(0);
  });

  it.each(["refresh", "noCache"])(
    "refuses %s, which would render on every request",
    async (name) => {
      const { context } = keyedContext();
      const { status, body } = await sign(context, { options: { url: PAGE, [name]: true } });
      expect([status, body.error.data.errorCode]).toEqual([400, "INVALID_INPUT"]);
      expect(body.error.data.fieldErrors.map((e: { field: string }) => e.field)).toEqual([
        `options.${name}`,
      ]);
    },
  );

  it("answers NOT_FOUND when the server has no signing secret", async () => {
    const { context } = createTestContext();
    const { status, body } = await sign(context, { options: { url: PAGE } });
    expect([status, body.error.data.errorCode]).toEqual([404, "NOT_FOUND"]);
  });
});

describe("POST /api/v1/invalidate", () => {
  const deliver = (body: string, headers: Record<string, string>) =>
    restRequestFrom(
      new Request("http://shotcache.test/api/v1/invalidate", { method: "POST", headers, body }),
    );
  const signed = (body: string, timestamp = Math.floor(Date.now() / 1000)) => ({
    "x-shotcache-timestamp": String(timestamp),
    "x-shotcache-signature": webhookSignature(SECRET, timestamp, body),
  });

  it("purges every variant of the URLs it names, once per delivery", async () => {
    const { context } = keyedContext();
    for (const width of [800, 1024]) {
      await context.captureService.capture(captureOptionsSchema.parse({ url: PAGE, width }));
    }
    const body = JSON.stringify({ urls: [PAGE, "https://b.test/"] });
    const headers = signed(body);
    const first = await handleInvalidate(deliver(body, headers), context);
    expect([first.status, JSON.parse(String(first.body))]).toEqual([200, { purged: 2, cdn: [] }]);
    const replay = await handleInvalidate(deliver(body, headers), context);
    expect([replay.status, codeOf(replay)]).toEqual([409, "WEBHOOK_REPLAYED"]);
    // Each URL's purge is timed; the refused replay purged again, harmlessly, before its claim.
    const stats = await context.captureService.stats();
    expect(stats.purgeLagMs.count).toBe(4);
  });

  it.each([
    [
      "a bad signature",
      (body: string) => ({ ...signed(body), "x-shotcache-signature": "v1=00" }),
      401,
      "WEBHOOK_SIGNATURE_INVALID",
    ],
    [
      "a body changed after signing",
      (body: string) => signed(`${body} `),
      401,
      "WEBHOOK_SIGNATURE_INVALID",
    ],
    [
      "a stale timestamp",
      (body: string) => signed(body, Math.floor(Date.now() / 1000) - 301),
      401,
      "WEBHOOK_TIMESTAMP_STALE",
    ],
    ["no timestamp", () => ({}), 401, "WEBHOOK_SIGNATURE_INVALID"],
  ])("refuses %s", async (_name, headersFor, status, code) => {
    const { context } = keyedContext();
    const body = JSON.stringify({ url: PAGE });
    const response = await handleInvalidate(deliver(body, headersFor(body)), context);
    expect([response.status, codeOf(response)]).toEqual([status, code]);
  });

  it("is not there without a secret", async () => {
    const { context } = createTestContext();
    const body = JSON.stringify({ url: PAGE });
    expect((await handleInvalidate(deliver(body, signed(body)), context)).status).toBe(404);
  });
});
