import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext } from "../../test/test-support";
import { nodeHandler } from "./node-adapter";
import { handleScreenshot } from "./screenshot";

describe("node:http mount", () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer(nodeHandler(handleScreenshot, createTestContext().context));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("serves the same contract as the Fetch mount: headers, bytes, 304, problems", async () => {
    const url = `${origin}/api/v1/screenshot?url=${encodeURIComponent("https://a.test/")}`;
    const miss = await fetch(url);
    const bytes = new Uint8Array(await miss.arrayBuffer());
    expect(miss.headers.get("x-cache")).toBe("MISS");
    expect(miss.headers.get("content-length")).toBe(String(bytes.byteLength));
    const etag = miss.headers.get("etag") ?? "";
    const notModified = await fetch(url, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
    const bad = await fetch(`${origin}/api/v1/screenshot?width=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
  });

  it("sets X-Request-Id, logs one line, and answers an escaping failure with a problem", async () => {
    const lines: Record<string, unknown>[] = [];
    const failures: unknown[] = [];
    const context = {
      logger: { info: (fields: object) => lines.push(fields as never), error: () => {} },
      onUnexpectedError: (error: unknown) => failures.push(error),
    };
    const failing = createServer(
      nodeHandler(async () => {
        throw new Error("a bug with a secret detail");
      }, context),
    );
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    try {
      const port = (failing.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/x?token=t`, {
        headers: { "x-request-id": "req-42" },
      });
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("x-request-id")).toBe("req-42");
      expect(await response.text()).not.toContain("secret");
      expect(failures).toHaveLength(1);
      expect(lines).toEqual([
        {
          reqId: "req-42",
          method: "GET",
          path: "/x",
          status: 500,
          ms: expect.any(Number),
          client: "127.0.0.1",
        },
      ]);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  it("keeps an odd request line a path, whatever the Host header says", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const port = Number(new URL(origin).port);
      request(
        { port, host: "127.0.0.1", path: "//evil.test/x", headers: { host: "a b%" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on("error", reject)
        .end();
    });
    expect(status).toBe(400); // no url option: a problem, and the server is still up
    expect((await fetch(`${origin}/api/v1/screenshot?width=0`)).status).toBe(400);
  });
});
