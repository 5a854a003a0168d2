import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestContext } from "../test/test-support";
import { type ApiServer, createApiServer } from "./api-server";

const LIMITS = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
};

describe("the production HTTP server", () => {
  let api: ApiServer | undefined;
  afterEach(async () => {
    await api?.drain(1_000);
    api = undefined;
  });

  /** A server over the test context whose renders wait until `release()` is called. */
  async function start() {
    const setup = createTestContext();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const render = setup.renderer.render;
    setup.renderer.render = async (options) => {
      await gate;
      return render(options);
    };
    api = createApiServer({
      context: setup.context,
      fallback: (_request, response) => response.writeHead(200).end("a page"),
      limits: LIMITS,
    });
    const origin = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
    return { api, origin, release };
  }
  const capturePath = `/api/v1/screenshot?url=${encodeURIComponent("https://a.test/")}`;

  it("sends the API to its handlers, unknown API paths to a 404 problem, the rest to the pages", async () => {
    const { origin, release } = await start();
    release();
    const capture = await fetch(`${origin}${capturePath}`);
    expect([capture.status, capture.headers.get("x-cache")]).toEqual([200, "MISS"]);
    const trpc = await fetch(`${origin}/api/trpc/health`);
    expect(await trpc.json()).toMatchObject({ result: { data: { status: "ok" } } });
    const unknown = await fetch(`${origin}/api/v2/screenshot`);
    expect([unknown.status, unknown.headers.get("content-type")]).toEqual([
      404,
      "application/problem+json",
    ]);
    const page = await fetch(`${origin}/dashboard`);
    expect(await page.text()).toBe("a page");
  });

  it("answers request heads past the limit with a 431 problem", async () => {
    const { origin } = await start();
    const response = await fetch(`${origin}/api/health?${"a".repeat(LIMITS.maxHeaderBytes)}`);
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ code: "HEADERS_TOO_LARGE", status: 431 });
  });

  it("drains: health says draining, new work is refused, the request in flight is answered", async () => {
    const { api, origin, release } = await start();
    const inFlight = fetch(`${origin}${capturePath}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drained = api.drain(5_000);
    const health = await fetch(`${origin}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "draining" });
    const refused = await fetch(`${origin}${capturePath}&width=800`);
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([503, "1"]);
    expect(await refused.json()).toMatchObject({ code: "SHUTTING_DOWN" });
    release();
    expect((await inFlight).status).toBe(200);
    expect(await drained).toBe(true);
  });

  it("cuts what is still in flight when the grace period runs out", async () => {
    const { api, origin } = await start();
    const cut = new Promise<string>((resolve) => {
      httpRequest(`${origin}${capturePath}`, (response) => resolve(String(response.statusCode)))
        .on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"))
        .end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await api.drain(100)).toBe(false);
    expect(await cut).toBe("ECONNRESET");
  });
});
