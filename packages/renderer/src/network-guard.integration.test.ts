import { CaptureError, type CaptureOptions, captureOptionsSchema } from "@shotcache/core";
import {
  availableOrSkip,
  type FixtureSite,
  type RemoteBrowser,
  startFixtureSite,
  startRemoteBrowser,
} from "@shotcache/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowserExecutable } from "./find-browser";
import { type HostResolver, policyFromAllowlist } from "./network-guard";
import {
  createPuppeteerRenderer,
  type PuppeteerRenderer,
  type PuppeteerRendererOptions,
} from "./puppeteer-renderer";

const executablePath = await availableOrSkip("Chromium", () => findBrowserExecutable(process.env));

/**
 * The guard end to end, with loopback only. `page.test` (allowlisted) is the site being captured,
 * served on 127.0.0.1; the "private" target is a second site on 127.0.0.1, which the policy does
 * not allow. Names resolve through a stub, so no DNS is asked; private and metadata addresses
 * outside loopback are refused before anything is dialled, and the test checks that too.
 *
 * The same verdicts hold for a browser we launched (its requests pass our guard proxy) and for a
 * remote one (a Chromium with a DevTools port, as an operator runs it: its requests are relayed
 * through this process, see request-relay.ts).
 */
describe.skipIf(!executablePath).each(["local", "remote"] as const)(
  "network guard with a %s browser (real Chromium, loopback only)",
  (source) => {
    let remote: RemoteBrowser | undefined;
    const rendererWith = (options: PuppeteerRendererOptions) =>
      createPuppeteerRenderer({
        ...options,
        ...(remote ? { browser: { kind: "remote", url: remote.url } } : { executablePath }),
      });
    let page: FixtureSite;
    let target: FixtureSite;
    let renderer: PuppeteerRenderer;
    let flips = 0;

    const resolve: HostResolver = async (hostname) => {
      switch (hostname) {
        case "page.test":
        case "localhost":
          return ["127.0.0.1"];
        case "rebind.test":
          return ["10.0.0.1"];
        case "mixed.test":
          return ["127.0.0.2", "127.0.0.1"];
        case "flip.test":
          // DNS rebinding: the first answer is allowed (127.0.0.2/32 is allowlisted below, and
          // nothing listens there), every later one is the private target.
          return ++flips === 1 ? ["127.0.0.2"] : ["127.0.0.1"];
        default:
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: "ENOTFOUND",
          });
      }
    };

    const optionsFor = (url: string, extra: Partial<CaptureOptions> = {}): CaptureOptions => ({
      ...captureOptionsSchema.parse({ url: "http://page.test/", timeout: 10_000 }),
      ...extra,
      url,
    });
    const outcome = (url: string, extra?: Partial<CaptureOptions>, using = renderer) =>
      using.render(optionsFor(url, extra)).then(
        () => "rendered",
        (error: unknown) => (CaptureError.is(error) ? error.code : String(error)),
      );

    beforeAll(async () => {
      [page, target] = await Promise.all([startFixtureSite(), startFixtureSite()]);
      if (source === "remote") remote = await startRemoteBrowser();
      renderer = rendererWith({
        network: policyFromAllowlist(["page.test", "127.0.0.2/32"]),
        resolveHost: resolve,
      });
    });
    afterAll(async () => {
      await renderer?.close();
      await Promise.all([page?.close(), target?.close(), remote?.close()]);
    });

    it("lets the allowed site through the guard", async () => {
      expect(await outcome(`http://page.test:${page.port}/stable`)).toBe("rendered");
      expect(page.requestCount("/stable")).toBe(1);
    });

    const vectors: [string, (port: number) => string][] = [
      ["loopback", (p) => `http://127.0.0.1:${p}/`],
      ["localhost", (p) => `http://localhost:${p}/`],
      ["IPv6 loopback", (p) => `http://[::1]:${p}/`],
      ["decimal IPv4", (p) => `http://2130706433:${p}/`],
      ["hexadecimal IPv4", (p) => `http://0x7f000001:${p}/`],
      ["octal IPv4", (p) => `http://0177.0.0.1:${p}/`],
      ["short IPv4", (p) => `http://127.1:${p}/`],
      ["IPv4-mapped IPv6", (p) => `http://[::ffff:127.0.0.1]:${p}/`],
      ["IPv4-mapped IPv6, hex", (p) => `http://[::ffff:7f00:1]:${p}/`],
      ["IPv4-compatible IPv6", (p) => `http://[::127.0.0.1]:${p}/`],
      ["unspecified", (p) => `http://0.0.0.0:${p}/`],
      ["cloud metadata", () => "http://169.254.169.254/latest/meta-data/"],
      ["cloud metadata, IPv6", () => "http://[fd00:ec2::254]/"],
      ["private 10/8", () => "http://10.0.0.1/"],
      ["private 172.16/12", () => "http://172.16.0.1/"],
      ["private 192.168/16", () => "http://192.168.0.1/"],
      ["CGNAT", () => "http://100.64.0.1/"],
      ["link-local IPv6", () => "http://[fe80::1]/"],
      ["unique-local IPv6", () => "http://[fc00::1]/"],
      ["multicast", () => "http://224.0.0.1/"],
      ["a name resolving to a private address", (p) => `http://rebind.test:${p}/`],
      ["a name with one private address among others", (p) => `http://mixed.test:${p}/`],
      ["DNS rebinding between check and connection", (p) => `http://flip.test:${p}/`],
    ];

    it.each(vectors)("refuses %s, and the target is never reached", async (_name, url) => {
      const before = target.totalRequests();
      expect(await outcome(url(target.port))).toBe("TARGET_NOT_ALLOWED");
      expect(target.totalRequests()).toBe(before);
    });

    it("reports an allowed host that refuses connections as unreachable", async () => {
      const closed = await startFixtureSite();
      await closed.close(); // its port now refuses connections
      expect(await outcome(`http://page.test:${closed.port}/`)).toBe("TARGET_UNREACHABLE");
      expect(await outcome("http://nowhere.test/")).toBe("TARGET_UNREACHABLE");
    });

    it("reports a page that ran out of time as a timeout, whatever its images' hosts did", async () => {
      const hurried = rendererWith({
        network: policyFromAllowlist(["page.test"]),
        resolveHost: resolve,
        navigationTimeoutMs: 1_500,
      });
      try {
        const target = encodeURIComponent("http://nowhere.test");
        const url = `http://page.test:${page.port}/embeds?target=${target}&hold=5000`;
        expect(await outcome(url, {}, hurried)).toBe("RENDER_TIMEOUT");
      } finally {
        await hurried.close();
      }
    });

    it("refuses a redirect to a private address", async () => {
      const redirect = `http://page.test:${page.port}/redirect?to=${encodeURIComponent(
        `http://127.0.0.1:${target.port}/secret`,
      )}`;
      expect(await outcome(redirect)).toBe("TARGET_NOT_ALLOWED");
      expect(page.requestCount("/redirect")).toBe(1);
      expect(target.requestCount("/secret")).toBe(0);
    });

    it.each([
      ["", {}],
      [", with the ad and consent rules at work", { blockAds: true, blockCookieBanners: true }],
    ])(
      "blocks the page's own image, script, iframe and fetch to a private address%s",
      async (_, extra) => {
        const embeds = `http://page.test:${page.port}/embeds?target=${encodeURIComponent(
          `http://127.0.0.1:${target.port}`,
        )}`;
        // The page itself is allowed and renders; only what it reaches for is refused.
        expect(await outcome(embeds, extra)).toBe("rendered");
        for (const path of ["/image.png", "/script.js", "/frame", "/fetch"]) {
          expect(target.requestCount(path), path).toBe(0);
        }
      },
    );

    it.each([
      "file:///etc/passwd",
      "data:text/html,<h1>hi</h1>",
      "javascript:alert(1)",
      "view-source:http://page.test/",
      "chrome://version",
    ])("refuses the %s scheme", async (url) => {
      expect(await outcome(url)).toBe("TARGET_NOT_ALLOWED");
      expect(captureOptionsSchema.safeParse({ url }).success).toBe(false);
    });
  },
);
