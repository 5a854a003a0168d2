import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { CaptureError, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  type NetworkNamespace,
  type RemoteBrowser,
  startFixtureSite,
  startNetworkNamespace,
  startRemoteBrowser,
} from "@shotcache/testkit";
import puppeteer from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { type HostResolver, policyFromAllowlist } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));
const namespace = executablePath
  ? await availableOrSkip("a network namespace (root and iproute2)", () => startNetworkNamespace())
  : undefined;

/**
 * A service on the remote browser's own host, on that host's loopback: TCP and UDP on one port,
 * printing a line for every connection or datagram it gets.
 */
const SERVICE = `
const { createServer } = require("node:net");
const { createSocket } = require("node:dgram");
const tcp = createServer((socket) => { console.log("reached"); socket.destroy(); });
tcp.listen(0, "127.0.0.1", () => {
  const { port } = tcp.address();
  createSocket("udp4").on("message", () => console.log("reached")).bind(port, "127.0.0.1", () => console.log("port " + port));
});`;

/**
 * The remote browser on a host of its own (a network namespace this test makes, with its own
 * loopback), as a browserless or a Chrome elsewhere is: nothing a page asks for may reach that
 * host's loopback services, since every request is performed here, by the guard, or goes to
 * the dead end. The control shows the service is reachable from that browser otherwise.
 */
describe.skipIf(!namespace)("a remote browser on its own host (network namespace)", () => {
  let site: FixtureSite;
  let remote: RemoteBrowser;
  let service: ChildProcess;
  let servicePort = 0;
  let reached = 0;
  let renderer: PuppeteerRenderer;

  const resolve: HostResolver = async (hostname) => {
    if (hostname === "page.test") return ["127.0.0.1"];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  };
  /** The page at `path`, waited on until it marks `#done` where it does. */
  const outcome = (path: string, waitForSelector?: string) =>
    renderer
      .render(
        captureOptionsSchema.parse({
          url: `http://page.test:${site.port}${path}`,
          waitForSelector,
          timeout: 15_000,
        }),
      )
      .then(
        () => "rendered",
        (error: unknown) => (CaptureError.is(error) ? error.code : String(error)),
      );

  beforeAll(async () => {
    const host = namespace as NetworkNamespace;
    site = await startFixtureSite();
    remote = await startRemoteBrowser({ namespace: host });
    service = host.spawn(process.execPath, ["-e", SERVICE], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    service.stdout?.setEncoding("utf8").on("data", (text: string) => {
      reached += text.split("\n").filter((line) => line === "reached").length;
      servicePort ||= Number(/port (\d+)/.exec(text)?.[1] ?? 0);
    });
    while (!servicePort) await once(service.stdout as NodeJS.EventEmitter, "data");
    // Loopback allowed, as a development setup would: here, that is this machine's loopback.
    renderer = createPuppeteerRenderer({
      browser: { kind: "remote", url: remote.url },
      network: policyFromAllowlist(["page.test", "127.0.0.0/8"]),
      resolveHost: resolve,
    });
  }, 30_000);
  afterAll(async () => {
    await renderer?.close();
    service?.kill();
    await Promise.all([site?.close(), remote?.close()]);
    await namespace?.close();
  });

  it("renders the page it is given, fetched from here", async () => {
    expect(await outcome("/stable")).toBe("rendered");
    expect(site.requestCount("/stable")).toBe(1);
  });

  it("lets no image, script, frame, fetch, socket, preconnect or WebRTC reach the host's loopback", async () => {
    const origin = encodeURIComponent(`http://127.0.0.1:${servicePort}`);
    expect(await outcome(`/embeds?target=${origin}`)).toBe("rendered");
    for (const path of [
      `/socket?to=${encodeURIComponent(`ws://127.0.0.1:${servicePort}/ws`)}`,
      `/preconnect?target=${origin}`,
      `/webrtc?stun=127.0.0.1:${servicePort}`,
    ]) {
      expect(await outcome(path, "#done"), path).toBe("rendered");
    }
    expect(reached).toBe(0);

    // The control: the same browser, used plainly, reaches the service on its own loopback.
    const plain = await puppeteer.connect({ browserURL: remote.url });
    try {
      const page = await plain.newPage();
      await page.goto(`http://127.0.0.1:${servicePort}/`).catch(() => {}); // the service hangs up
      await page.close();
    } finally {
      await plain.disconnect();
    }
    await new Promise((done) => setTimeout(done, 200));
    expect(reached).toBeGreaterThan(0);
  });
});
