import { watchRequestSchema } from "@shotcache/core";
import { createWebhookSender, PUBLIC_ONLY } from "@shotcache/renderer";
import { createWatchService } from "@shotcache/watches";
import { describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { handleCronWatches } from "./cron";
import { restRequestFrom, STREAM_ABOVE_BYTES, toFetchResponse } from "./fetch-adapter";

const SECRET = "cron-secret-of-the-tests";
const PAGE = "https://a.test/page";

/** Two instances' contexts over one store, with watches never started: only the cron runs them. */
function cronContexts(cronSecret: string | undefined) {
  const first = createTestContext();
  const second = createTestContext({ store: first.store });
  for (const test of [first, second]) {
    test.context.cronSecret = cronSecret;
    test.context.watches = createWatchService({
      store: first.store,
      captureService: test.context.captureService,
      // Never dialled: no watch here has changed twice, so nothing is delivered.
      sender: createWebhookSender({ policy: PUBLIC_ONLY, resolve: async () => ["93.184.216.34"] }),
      webhookSecret: "w".repeat(40),
    });
  }
  return [first, second] as const;
}

const cron = (context: Parameters<typeof handleCronWatches>[1], authorization?: string) =>
  handleCronWatches(
    restRequestFrom(
      new Request("http://shots.test/api/cron/watches", {
        headers: authorization ? { authorization } : {},
      }),
    ),
    context,
  );

describe("GET /api/cron/watches", () => {
  it("does not exist without a cron secret", async () => {
    const [test] = cronContexts(undefined);
    expect((await cron(test.context, `Bearer ${SECRET}`)).status).toBe(404);
  });

  it("refuses a missing or wrong bearer with a coded 401", async () => {
    const [test] = cronContexts(SECRET);
    for (const authorization of [undefined, "Bearer nope", SECRET, `Bearer ${SECRET}x`]) {
      const answer = await cron(test.context, authorization);
      expect(answer.status).toBe(401);
      expect(JSON.parse(String(answer.body)).code).toBe("CRON_SECRET_INVALID");
    }
  });

  it("runs a due watch once when two instances are called at the same time", async () => {
    const [first, second] = cronContexts(SECRET);
    const request = watchRequestSchema(60).parse({
      url: PAGE,
      every: 60,
      webhook: "https://hooks.example/",
    });
    const watch = await first.context.watches?.create(request, "https://shots.test");
    const answers = await Promise.all(
      [first, second].map((test) => cron(test.context, `Bearer ${SECRET}`)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const ran = answers.flatMap((answer) => JSON.parse(String(answer.body)).ran);
    expect(ran).toEqual([{ id: watch?.id, url: PAGE, outcome: "first" }]);
    expect(first.renderer.renders + second.renderer.renders).toBe(1);
  });
});

describe("toFetchResponse", () => {
  it("streams a body over 4 MB in chunks, and answers a smaller one whole", async () => {
    const large = new Uint8Array(STREAM_ABOVE_BYTES + 10).map((_, index) => index % 251);
    const reader = toFetchResponse({ status: 200, headers: {}, body: large }).body?.getReader();
    const chunks: Uint8Array[] = [];
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      chunks.push(next.value);
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.from(large))).toBe(true);
    // The image itself is untouched (a local cache may serve it again).
    expect(large.byteLength).toBe(STREAM_ABOVE_BYTES + 10);

    const small = new Uint8Array([1, 2, 3]);
    const answer = toFetchResponse({ status: 200, headers: {}, body: small });
    expect(new Uint8Array(await answer.arrayBuffer())).toEqual(small);
  });
});
