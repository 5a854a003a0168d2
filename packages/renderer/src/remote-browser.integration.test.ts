import { createServer, type IncomingMessage, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { CaptureError, type CaptureInput, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  type RemoteBrowser,
  startByteCountingRelay,
  startFixtureSite,
  startRemoteBrowser,
} from "@shotcache/testkit";
import { imageSize } from "image-size";
import puppeteer from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserSource } from "./browser-source";
import { findBrowserExecutable } from "./find-browser";
import { ALLOW_ALL } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

/** The browser's own endpoint, as its `/json/version` names it. */
async function webSocketEndpoint(remote: RemoteBrowser): Promise<URL> {
  const version = (await (await fetch(`${remote.url}/json/version`)).json()) as {
    webSocketDebuggerUrl: string;
  };
  return new URL(version.webSocketDebuggerUrl);
}

/**
 * A gate in front of the remote browser that lets only `Authorization: Bearer secret` through,
 * as browserless or Cloudflare do: for `/json/version` (naming itself as the endpoint) and for
 * the WebSocket upgrade.
 */
async function startAuthorizingGate(
  remote: RemoteBrowser,
): Promise<{ url: string; server: Server }> {
  const target = await webSocketEndpoint(remote);
  const allowed = (request: IncomingMessage) => request.headers.authorization === "Bearer secret";
  const server = createServer((request, response) => {
    if (!allowed(request)) return void response.writeHead(401).end();
    const own = new URL(target);
    own.host = request.headers.host ?? "";
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ webSocketDebuggerUrl: own.href }));
  });
  server.on("upgrade", (request: IncomingMessage, client: Socket, head: Buffer) => {
    if (!allowed(request)) return void client.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`GET ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) socket.on("error", () => client.destroy());
    client.once("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A remote browser (a Chromium with a DevTools port, as an operator runs one): captures on it are
 * the same as on a browser we launch, each in a context of its own, and every way of losing it
 * is a coded, bounded failure. The guard's verdicts with a remote browser are tested with the
 * local ones (network-guard*.integration.test.ts).
 */
describe.skipIf(!executablePath)("a remote browser (real Chromium over DevTools)", () => {
  let site: FixtureSite;
  let remote: RemoteBrowser;
  let renderer: PuppeteerRenderer;
  const opened: PuppeteerRenderer[] = [];
  const open = (browser: BrowserSource) => {
    const created = createPuppeteerRenderer({ browser, network: ALLOW_ALL });
    opened.push(created);
    return created;
  };
  const render = (input: Omit<CaptureInput, "url"> & { path: string }, using = renderer) => {
    const { path, ...options } = input;
    return using.render(captureOptionsSchema.parse({ url: site.url(path), ...options }));
  };
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => "rendered",
      (error: unknown) => (CaptureError.is(error) ? error.code : String(error)),
    );

  beforeAll(async () => {
    [site, remote] = await Promise.all([startFixtureSite(), startRemoteBrowser()]);
    renderer = open({ kind: "remote", url: remote.url });
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await Promise.all([site?.close(), remote?.close()]);
  });

  it.each([
    ["png", 1280, 720, 1],
    ["jpeg", 800, 600, 2],
  ] as const)("renders %s at %i×%i, scale %i", async (format, width, height, scale) => {
    const image = await render({ path: "/stable", format, width, height, scale });
    expect(image.contentType).toBe(`image/${format}`);
    expect(imageSize(image.bytes)).toMatchObject({ width: width * scale, height: height * scale });
  });

  it("relays the caller's headers with the page only, and its user agent with everything", async () => {
    await render({ path: "/extras?headers=1", headers: ["X-Tenant: acme"], userAgent: "shot/1" });
    expect(site.lastHeaders("/extras")?.["x-tenant"]).toBe("acme");
    expect(site.lastHeaders("/extras")?.["user-agent"]).toBe("shot/1");
    expect(site.lastHeaders("/pixel.png")?.["x-tenant"]).toBeUndefined();
  });

  it("blocks the resource types asked, and loads lazy images of a full page", async () => {
    const before = site.requestCount("/pixel.png");
    await render({ path: "/extras", blockResources: ["image"] });
    expect(site.requestCount("/pixel.png")).toBe(before);
    const tall = await render({ path: "/tall?height=3000", fullPage: true });
    expect(imageSize(tall.bytes).height).toBe(3000);
  });

  it("keeps the page's own cookies within its capture, and each capture to itself", async () => {
    for (const pass of [1, 2]) {
      await render({ path: `/remember?pass=${pass}` });
      // The answer's cookie went with the page's next request, in the same capture…
      expect(site.lastHeaders("/cached.png")?.cookie).toContain("answered=1");
      // …and never into the next capture.
      expect(site.lastHeaders("/remember")?.cookie).toBeUndefined();
    }
  });

  it("leaves the remote browser as it found it: no context of ours, still running", async () => {
    const browser = await puppeteer.connect({ browserURL: remote.url });
    try {
      const session = await browser.target().createCDPSession();
      const contexts = async () =>
        (await session.send("Target.getBrowserContexts")).browserContextIds.length;
      await renderer.settled(); // the other renderer's contexts kept ready are all made
      const before = await contexts();
      const own = open({ kind: "remote", url: remote.url });
      await render({ path: "/stable" }, own);
      await own.settled();
      expect(await contexts()).toBeGreaterThan(before);
      await own.close();
      expect(await contexts()).toBe(before);
      expect(browser.connected).toBe(true);
    } finally {
      await browser.disconnect();
    }
  });

  it("sends the configured Authorization, and is refused without it", async () => {
    const gate = await startAuthorizingGate(remote);
    try {
      const refused = open({ kind: "remote", url: gate.url });
      const error = await render({ path: "/stable" }, refused).catch((caught: unknown) => caught);
      expect(CaptureError.is(error) && error.code).toBe("BROWSER_UNAVAILABLE");
      expect(CaptureError.is(error) && error.retryAfterSeconds).toBeGreaterThan(0);
      const authorized = open({ kind: "remote", url: gate.url, authorization: "Bearer secret" });
      expect(await outcome(render({ path: "/stable" }, authorized))).toBe("rendered");
    } finally {
      gate.server.closeAllConnections();
      gate.server.close();
    }
  });

  it("answers BROWSER_UNAVAILABLE, never hangs, when the endpoint is closed or silent", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    // Accepts connections and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      for (const url of [`http://127.0.0.1:${closedPort}`, `ws://127.0.0.1:${silentPort}/`]) {
        const started = Date.now();
        expect(await outcome(render({ path: "/stable" }, open({ kind: "remote", url })))).toBe(
          "BROWSER_UNAVAILABLE",
        );
        expect(Date.now() - started).toBeLessThan(15_000);
      }
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  }, 30_000);

  it("takes a lost connection for a crash: connects again and renders within the deadline", async () => {
    const endpoint = await webSocketEndpoint(remote);
    const relay = await startByteCountingRelay(Number(endpoint.port));
    try {
      const viaRelay = new URL(endpoint);
      viaRelay.host = new URL(relay.origin).host;
      const own = open({ kind: "remote", url: viaRelay.href });
      await render({ path: "/stable" }, own); // connected
      const slow = render({ path: "/slow?ms=1500", timeout: 20_000 }, own);
      setTimeout(() => relay.cut(), 500);
      expect(await outcome(slow)).toBe("rendered");
      expect(site.requestCount("/slow")).toBe(2); // the first try was lost with the connection
    } finally {
      relay.close();
    }
  });
});
