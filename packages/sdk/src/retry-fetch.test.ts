import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ShotcacheError } from "./errors";
import { createRetryFetch } from "./retry-fetch";

/** A real HTTP server on loopback that answers each request as the test scripts it. */
describe("retries", () => {
  let server: Server;
  let origin: string;
  let script: ("ok" | "drop" | { status: number; retryAfter: string })[] = [];
  let requests = 0;
  let arrivals: number[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests++;
      arrivals.push(Date.now());
      const step = script.shift() ?? "ok";
      if (step === "drop") return request.socket.destroy();
      if (step === "ok") return response.writeHead(200).end("done");
      response.writeHead(step.status, { "retry-after": step.retryAfter }).end("busy");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    requests = 0;
    arrivals = [];
  });

  const retrying = createRetryFetch(fetch, { backoffMs: 10 });

  it("tries a 503 again after its Retry-After", async () => {
    script = [{ status: 503, retryAfter: "0" }, "ok"];
    const response = await retrying(`${origin}/`);
    expect([response.status, requests]).toEqual([200, 2]);
  });

  it("waits the Retry-After of a 429 before trying again", async () => {
    script = [{ status: 429, retryAfter: "1" }, "ok"];
    const response = await retrying(`${origin}/`);
    expect([response.status, requests]).toEqual([200, 2]);
    const [first = 0, second = 0] = arrivals;
    expect(second - first).toBeGreaterThanOrEqual(950);
  });

  it("gives up after its retries and hands back the last answer", async () => {
    script = Array(3).fill({ status: 429, retryAfter: "0" });
    const response = await retrying(`${origin}/`);
    expect([response.status, requests]).toEqual([429, 3]);
  });

  it("does not wait for a Retry-After longer than it allows", async () => {
    script = [{ status: 503, retryAfter: "120" }];
    const started = Date.now();
    const response = await retrying(`${origin}/`);
    expect([response.status, requests]).toEqual([503, 1]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("backs off and tries again after a dropped connection", async () => {
    script = ["drop", "ok"];
    const response = await retrying(`${origin}/`);
    expect([response.status, requests]).toEqual([200, 2]);
  });

  it("never retries an aborted request", async () => {
    script = ["drop", "ok"];
    const controller = new AbortController();
    controller.abort();
    const error = await retrying(`${origin}/`, { signal: controller.signal }).catch((e) => e);
    expect(ShotcacheError.from(error).code).toBe("ABORTED");
    expect(requests).toBe(0);
  });
});

describe("ShotcacheError.from", () => {
  it("keeps the server's code, status and field errors", () => {
    const error = ShotcacheError.from(
      Object.assign(new Error("The capture options are invalid."), {
        data: {
          errorCode: "INVALID_INPUT",
          httpStatus: 400,
          fieldErrors: [{ field: "width", message: "Too small" }],
        },
      }),
    );
    expect([error.code, error.status, error.fieldErrors]).toEqual([
      "INVALID_INPUT",
      400,
      [{ field: "width", message: "Too small" }],
    ]);
  });

  it("names transport failures", () => {
    const timeout = Object.assign(new Error("timed out"), { name: "TimeoutError" });
    expect(ShotcacheError.from(timeout).code).toBe("TIMEOUT");
    expect(ShotcacheError.from(new TypeError("fetch failed")).code).toBe("NETWORK_ERROR");
  });
});
