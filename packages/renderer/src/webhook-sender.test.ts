import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CaptureError } from "@shotcache/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostResolver, PUBLIC_ONLY, policyFromAllowlist } from "./network-guard";
import { createWebhookSender } from "./webhook-sender";

// Decisions are tested with a stubbed resolver (private and public addresses are never dialled);
// deliveries go to a receiver on 127.0.0.1 only.

const stubbed =
  (answers: Record<string, string>): HostResolver =>
  async (host) => {
    const address = answers[host];
    if (!address) throw new Error(`${host} does not resolve`);
    return [address];
  };

const codeOf = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return CaptureError.is(error) ? [error.code, error.field] : error;
};

describe("the webhook sender's network policy", () => {
  const resolve = stubbed({
    "metadata.test": "169.254.169.254",
    "intranet.test": "10.0.0.5",
    "hooks.example": "93.184.216.34",
  });
  const sender = createWebhookSender({ policy: PUBLIC_ONLY, resolve });

  it("refuses private, link-local and loopback receivers, naming the webhook field", async () => {
    for (const url of [
      "http://metadata.test/latest",
      "https://intranet.test/hook",
      "http://127.0.0.1:9/hook",
      "http://[::1]/hook",
    ]) {
      expect(await codeOf(sender.check(url)), url).toEqual(["TARGET_NOT_ALLOWED", "webhook"]);
    }
    expect(await codeOf(sender.check("ftp://hooks.example/"))).toEqual([
      "TARGET_NOT_ALLOWED",
      "webhook",
    ]);
  });

  it("allows a public receiver (a decision: nothing is dialled)", async () => {
    await expect(sender.check("https://hooks.example/in")).resolves.toBeUndefined();
  });

  it("refuses at delivery too, without dialling (the name may resolve elsewhere by then)", async () => {
    const signal = AbortSignal.timeout(1_000);
    expect(await codeOf(sender.post("http://intranet.test/", "{}", {}, signal))).toEqual([
      "TARGET_NOT_ALLOWED",
      "webhook",
    ]);
  });
});

describe("webhook deliveries (loopback receiver)", () => {
  let server: Server;
  let port = 0;
  const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push({ path: request.url ?? "", headers: request.headers, body });
        if (request.url === "/fails") return response.writeHead(500).end();
        if (request.url === "/moved") return response.writeHead(302, { location: "/ok" }).end();
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // A name of our own that only the stub knows: a delivery can only reach the receiver through
  // the address the policy checked.
  const sender = createWebhookSender({
    policy: policyFromAllowlist(["127.0.0.0/8"]),
    resolve: stubbed({ "hooks.test": "127.0.0.1" }),
  });
  const signal = () => AbortSignal.timeout(2_000);

  it("POSTs the body and headers to the address it checked, with the host asked for", async () => {
    const body = JSON.stringify({ etag: '"x"' });
    await sender.post(`http://hooks.test:${port}/ok?to=me`, body, { "x-test": "1" }, signal());
    expect(received.at(-1)).toMatchObject({
      path: "/ok?to=me",
      body,
      headers: { host: `hooks.test:${port}`, "x-test": "1" },
    });
  });

  it("fails on an error answer, and on a redirect, which it does not follow", async () => {
    await expect(
      sender.post(`http://hooks.test:${port}/fails`, "{}", {}, signal()),
    ).rejects.toThrow("the webhook answered 500");
    const before = received.length;
    await expect(
      sender.post(`http://hooks.test:${port}/moved`, "{}", {}, signal()),
    ).rejects.toThrow("the webhook answered 302");
    expect(received.slice(before).map((delivery) => delivery.path)).toEqual(["/moved"]);
  });
});
