import { createSocket, type Socket } from "node:dgram";
import { CaptureError, type CaptureOptions, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  createTestCertificate,
  type FixtureSite,
  type RemoteBrowser,
  startFixtureSite,
  startRemoteBrowser,
} from "@shotcache/testkit";
import puppeteer from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserLaunchOptions } from "./browser-process";
import { findBrowserExecutable } from "./find-browser";
import { type HostResolver, policyFromAllowlist } from "./network-guard";
import { createPuppeteerRenderer, type PuppeteerRenderer } from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

/**
 * The guard's CONNECT path, with loopback only: `page.test` (allowlisted) is an https site on
 * 127.0.0.1 whose certificate the test makes and only this renderer's browser trusts; the
 * "private" target is a second https site on 127.0.0.1, which the policy does not allow. Every
 * https and wss request reaches the guard as `CONNECT host:port`; a refused one never opens a
 * connection to the target, which counts every connection it gets. With a remote browser, every
 * https request is relayed through this process instead, which checks the certificate itself.
 */
describe.skipIf(!executablePath).each(["local", "remote"] as const)(
  "network guard over TLS with a %s browser (real Chromium, loopback only)",
  (source) => {
    let remote: RemoteBrowser | undefined;
    let page: FixtureSite;
    let target: FixtureSite;
    let renderer: PuppeteerRenderer;
    let stun: Socket;
    let stunPackets = 0;

    const resolve: HostResolver = async (hostname) => {
      if (hostname === "page.test") return ["127.0.0.1"];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    };
    const optionsFor = (url: string, extra: Record<string, unknown> = {}): CaptureOptions => ({
      ...captureOptionsSchema.parse({ url: "https://page.test/", timeout: 15_000, ...extra }),
      url,
    });
    const outcome = (url: string, extra?: Record<string, unknown>) =>
      renderer.render(optionsFor(url, extra)).then(
        () => "rendered",
        (error: unknown) => (CaptureError.is(error) ? error.code : String(error)),
      );
    const pageUrl = (path: string) => `https://page.test:${page.port}${path}`;
    const targetOrigin = () => `https://127.0.0.1:${target.port}`;

    beforeAll(async () => {
      const certificate = await createTestCertificate(["page.test"]);
      [page, target] = await Promise.all([
        startFixtureSite({ tls: certificate }),
        startFixtureSite({ tls: certificate }),
      ]);
      if (source === "remote") remote = await startRemoteBrowser();
      renderer = createPuppeteerRenderer({
        ...(remote ? { browser: { kind: "remote", url: remote.url } } : { executablePath }),
        network: policyFromAllowlist(["page.test"]),
        resolveHost: resolve,
        trustedCertificates: [certificate.spki],
      });
      stun = createSocket("udp4").on("message", () => stunPackets++);
      await new Promise<void>((done) => stun.bind(0, "127.0.0.1", done));
    });
    afterAll(async () => {
      await renderer?.close();
      stun?.close();
      await Promise.all([page?.close(), target?.close(), remote?.close()]);
    });

    it("captures the allowed https site, its own sub-requests included", async () => {
      const embeds = pageUrl(`/embeds?target=${encodeURIComponent(pageUrl(""))}`);
      expect(await outcome(embeds)).toBe("rendered");
      for (const path of ["/embeds", "/image.png", "/script.js", "/frame", "/fetch"]) {
        expect(page.requestCount(path), path).toBe(1);
      }
    });

    it("refuses an https page's image, script, iframe and fetch to a private address", async () => {
      const embeds = pageUrl(`/embeds?target=${encodeURIComponent(targetOrigin())}`);
      expect(await outcome(embeds)).toBe("rendered");
      expect(target.connections()).toBe(0);
    });

    it("refuses an https page's redirect to a private address", async () => {
      const redirect = pageUrl(`/redirect?to=${encodeURIComponent(`${targetOrigin()}/secret`)}`);
      expect(await outcome(redirect)).toBe("TARGET_NOT_ALLOWED");
      expect(page.requestCount("/redirect")).toBe(1);
      expect(target.connections()).toBe(0);
    });

    it.each([
      ["loopback", () => `${targetOrigin()}/`],
      ["IPv6 loopback", () => `https://[::1]:${target.port}/`],
      ["cloud metadata", () => "https://169.254.169.254/"],
      ["private 10/8", () => "https://10.0.0.1/"],
    ])("refuses an https page on %s, and the target is never reached", async (_name, url) => {
      expect(await outcome(url())).toBe("TARGET_NOT_ALLOWED");
      expect(target.connections()).toBe(0);
    });

    it("lets a wss connection to the allowed site through (not with a remote browser), and refuses one to a private address", async () => {
      const allowed = pageUrl(
        `/socket?to=${encodeURIComponent(`wss://page.test:${page.port}/ws`)}`,
      );
      expect(await outcome(allowed, { waitForSelector: "#done" })).toBe("rendered");
      // A WebSocket cannot be relayed: a remote browser's goes to the dead end, and fails.
      expect(page.upgradeCount("/ws")).toBe(source === "local" ? 1 : 0);

      const refused = pageUrl(
        `/socket?to=${encodeURIComponent(`wss://127.0.0.1:${target.port}/ws`)}`,
      );
      expect(await outcome(refused, { waitForSelector: "#done" })).toBe("rendered");
      expect(target.upgradeCount("/ws")).toBe(0);
      expect(target.connections()).toBe(0);
    });

    it("lets no service worker's fetch and no preconnect reach a private address", async () => {
      const worker = pageUrl(`/service-worker?target=${encodeURIComponent(targetOrigin())}`);
      expect(await outcome(worker, { waitForSelector: "#done" })).toBe("rendered");
      // A launched browser's worker is real (its script passed the guard); its fetches do not.
      if (source === "local") expect(page.requestCount("/sw.js")).toBeGreaterThan(0);
      const preconnect = pageUrl(`/preconnect?target=${encodeURIComponent(targetOrigin())}`);
      expect(await outcome(preconnect, { waitForSelector: "#done" })).toBe("rendered");
      expect(target.connections()).toBe(0);
    });

    it("sends no WebRTC UDP around the guard, where a browser without the policy does", async () => {
      const stunAddress = `127.0.0.1:${(stun.address() as { port: number }).port}`;
      const webrtc = pageUrl(`/webrtc?stun=${stunAddress}`);
      expect(await outcome(webrtc, { waitForSelector: "#done" })).toBe("rendered");
      expect(stunPackets).toBe(0);

      // The same page in a browser without the policy (and without the guard) sends its STUN
      // request straight to the loopback port: what the policy stops. For a remote browser, that
      // is the remote browser itself, used plainly (what its flags allow, unlike ours).
      const { args, ...launch } = browserLaunchOptions(executablePath ?? "");
      const plain = remote
        ? await puppeteer.connect({ browserURL: remote.url, acceptInsecureCerts: true })
        : await puppeteer.launch({
            ...launch,
            args: args.filter((arg) => !arg.includes("webrtc")),
            acceptInsecureCerts: true,
          });
      const context = await plain.createBrowserContext();
      try {
        const tab = await context.newPage();
        await tab.goto(page.url(`/webrtc?stun=${stunAddress}`));
        await tab.waitForSelector("#done", { timeout: 10_000 });
      } finally {
        await context.close();
        await (remote ? plain.disconnect() : plain.close());
      }
      expect(stunPackets).toBeGreaterThan(0);
    });
  },
);
