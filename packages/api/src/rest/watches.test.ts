import { createWebhookSender, PUBLIC_ONLY } from "@shotcache/renderer";
import { createWatchService } from "@shotcache/watches";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { parseApiKey } from "../access";
import { handleTrpcRequest } from "../trpc-handler";
import { restRequestFrom } from "./fetch-adapter";
import type { RestHandler, RestResponse } from "./types";
import { handleWatch, handleWatches } from "./watches";

const KEY = "k".repeat(24);
const PAGE = "https://a.test/page";

/** A context with watches (never started: these tests are about the endpoints). */
function watchContext(keys: string[] = []) {
  const test = createTestContext({}, { keys: keys.map(parseApiKey), captureRequiresKey: false });
  // A stubbed resolver: the policy decides, and nothing is ever dialled.
  const resolve = async (host: string) => [host === "hooks.example" ? "93.184.216.34" : "10.0.0.7"];
  test.context.watches = createWatchService({
    store: test.store,
    captureService: test.context.captureService,
    sender: createWebhookSender({ policy: PUBLIC_ONLY, resolve }),
    webhookSecret: "w".repeat(40),
    maxWatches: 2,
  });
  test.context.watchMinSeconds = 60;
  return test;
}

type Context = ReturnType<typeof watchContext>["context"];
const call = (handler: RestHandler<Context>, context: Context, path: string, init?: RequestInit) =>
  handler(restRequestFrom(new Request(`http://shots.test${path}`, init)), context);
const bodyOf = (response: RestResponse) => JSON.parse(String(response.body));
const post = (watch: object, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(watch),
});

describe("/api/v1/watches", () => {
  it("makes a watch (201, with its location), lists it, and deletes it once", async () => {
    const { context } = watchContext();
    const created = await call(
      handleWatches,
      context,
      "/api/v1/watches",
      post({ url: PAGE, every: 120, webhook: "https://hooks.example/in", width: 800 }),
    );
    expect(created.status).toBe(201);
    const watch = bodyOf(created);
    expect(watch).toMatchObject({ url: PAGE, every: 120, webhook: "https://hooks.example/in" });
    expect(watch.options).toMatchObject({ url: PAGE, width: 800 });
    expect(created.headers.location).toBe(`/api/v1/watches/${watch.id}`);

    const listed = await call(handleWatches, context, "/api/v1/watches");
    expect(bodyOf(listed).watches.map((each: { id: string }) => each.id)).toEqual([watch.id]);

    const remove = () =>
      call(handleWatch, context, `/api/v1/watches/${watch.id}`, { method: "DELETE" });
    const deleted = await remove();
    expect([deleted.status, bodyOf(deleted)]).toEqual([200, { deleted: watch.id }]);
    expect([(await remove()).status, bodyOf(await remove()).code]).toEqual([404, "NOT_FOUND"]);
  });

  it.each([
    [{ every: 30 }, "every"],
    [{ every: 60, webhook: "ftp://hooks.example/" }, "webhook"],
    [{ every: 60, refresh: true }, "refresh"],
    [{ every: 60, url: "javascript:alert(1)" }, "url"],
  ])("names the field of an invalid watch: %o", async (change, field) => {
    const { context } = watchContext();
    const watch = { url: PAGE, webhook: "https://hooks.example/in", ...change };
    const response = await call(handleWatches, context, "/api/v1/watches", post(watch));
    expect([response.status, bodyOf(response).code]).toEqual([400, "INVALID_INPUT"]);
    expect(bodyOf(response).errors.map((error: { field: string }) => error.field)).toEqual([field]);
  });

  it("refuses a webhook on a private address by default", async () => {
    const { context } = watchContext();
    const watch = { url: PAGE, every: 60, webhook: "http://intranet.example/hook" };
    const response = await call(handleWatches, context, "/api/v1/watches", post(watch));
    expect([response.status, bodyOf(response).code, bodyOf(response).errors]).toEqual([
      400,
      "TARGET_NOT_ALLOWED",
      [{ field: "webhook", message: "The host intranet.example is refused as webhook." }],
    ]);
    expect(bodyOf(await call(handleWatches, context, "/api/v1/watches")).watches).toEqual([]);
  });

  it("keeps at most its limit of watches", async () => {
    const { context } = watchContext();
    const make = () =>
      call(
        handleWatches,
        context,
        "/api/v1/watches",
        post({ url: PAGE, every: 60, webhook: "https://hooks.example/in" }),
      );
    expect([(await make()).status, (await make()).status]).toEqual([201, 201]);
    const third = await make();
    expect([third.status, bodyOf(third).code]).toEqual([409, "WATCH_LIMIT_REACHED"]);
  });

  it("needs an admin key when keys are set, and is off without a webhook secret", async () => {
    const { context } = watchContext([KEY]);
    const watch = { url: PAGE, every: 60, webhook: "https://hooks.example/in" };
    expect((await call(handleWatches, context, "/api/v1/watches", post(watch))).status).toBe(401);
    const keyed = post(watch, { authorization: `Bearer ${KEY}` });
    expect((await call(handleWatches, context, "/api/v1/watches", keyed)).status).toBe(201);

    const { context: off } = createTestContext();
    const response = await call(handleWatches, off, "/api/v1/watches");
    expect([response.status, bodyOf(response).code]).toEqual([404, "NOT_FOUND"]);
  });
});

describe("tRPC watch.create, watch.list, watch.delete", () => {
  const trpc = async (context: Context, path: string, input?: unknown) => {
    const request =
      input === undefined
        ? new Request(`http://shots.test/api/trpc/${path}`)
        : new Request(`http://shots.test/api/trpc/${path}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(input),
          });
    const response = await handleTrpcRequest(request, context);
    return { status: response.status, body: await response.json() };
  };

  it("does what REST does, with the same field errors and codes", async () => {
    const { context } = watchContext();
    const webhook = "https://hooks.example/in";
    const tooOften = await trpc(context, "watch.create", { url: PAGE, every: 5, webhook });
    expect([tooOften.status, tooOften.body.error.data.errorCode]).toEqual([400, "INVALID_INPUT"]);
    expect(tooOften.body.error.data.fieldErrors).toEqual([
      { field: "every", message: "must be at least 60 seconds on this server" },
    ]);
    const created = await trpc(context, "watch.create", { url: PAGE, every: 60, webhook });
    const id = created.body.result.data.id;
    expect(created.body.result.data).toMatchObject({ url: PAGE, every: 60, webhook });
    const listed = await trpc(context, "watch.list");
    expect(listed.body.result.data.map((watch: { id: string }) => watch.id)).toEqual([id]);
    expect((await trpc(context, "watch.delete", { id })).body.result.data).toEqual({ deleted: id });
    const again = await trpc(context, "watch.delete", { id });
    expect([again.status, again.body.error.data.errorCode]).toEqual([404, "NOT_FOUND"]);
  });
});
