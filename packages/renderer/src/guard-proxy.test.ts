import { request } from "node:http";
import { type FixtureSite, freePort, startFixtureSite } from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GuardProxy, startGuardProxy } from "./guard-proxy";
import { policyFromAllowlist } from "./network-guard";

/** The proxy on its own, asked as Chromium asks it (absolute-form http), loopback only. */
describe("guard proxy", () => {
  let site: FixtureSite;
  let proxy: GuardProxy;

  beforeAll(async () => {
    site = await startFixtureSite();
    proxy = await startGuardProxy({
      policy: policyFromAllowlist(["site.test"]),
      resolve: async () => ["127.0.0.1"],
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await site?.close();
  });

  /** Sends a GET for `url` through `via`; the returned function abandons it. */
  function ask(url: string, via = proxy) {
    const proxyUrl = new URL(via.url);
    const sent = request({ host: proxyUrl.hostname, port: proxyUrl.port, path: url });
    const answered = new Promise<number>((resolve, reject) => {
      sent.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      sent.on("error", reject);
    });
    sent.end();
    return { answered, abandon: () => sent.destroy() };
  }

  it("records a host that refuses the connection as unreachable", async () => {
    const port = await freePort();
    expect(await ask(`http://site.test:${port}/`).answered).toBe(502);
    expect(proxy.denials).toContainEqual({ host: "site.test", code: "TARGET_UNREACHABLE" });
  });

  it("records nothing when the browser gives up on a request the host is still answering", async () => {
    const before = proxy.denials.length;
    const slowBefore = site.requestCount("/slow");
    const { answered, abandon } = ask(`http://site.test:${site.port}/slow?ms=2000`);
    answered.catch(() => {}); // abandoned below, on purpose
    await vi.waitUntil(() => site.requestCount("/slow") > slowBefore, { timeout: 5_000 });
    abandon();
    // Long enough for the proxy to see the close and end its own request upstream.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(proxy.denials.length).toBe(before);
  });

  it("never connects to the host for a request the browser gave up on during the lookup", async () => {
    let lookups = 0;
    const slow = await startGuardProxy({
      policy: policyFromAllowlist(["site.test"]),
      resolve: () => {
        lookups++;
        return new Promise((resolve) => setTimeout(() => resolve(["127.0.0.1"]), 300));
      },
    });
    try {
      const [slowBefore, connectionsBefore] = [site.requestCount("/slow"), site.connections()];
      const { answered, abandon } = ask(`http://site.test:${site.port}/slow?ms=10`, slow);
      answered.catch(() => {}); // abandoned below, on purpose
      await vi.waitUntil(() => lookups > 0, { timeout: 5_000 });
      abandon();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect([site.requestCount("/slow"), site.connections()]).toEqual([
        slowBefore,
        connectionsBefore,
      ]);
      expect(slow.denials).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
