/** @module Where the browser comes from (`SHOTCACHE_BROWSER`), and the renderer over it. */
import type { BrowserSourceKind } from "@shotcache/api";
import {
  type BrowserSource,
  createPuppeteerRenderer,
  type FontCoverage,
  findBrowserExecutable,
  fontCoverage,
  missingFontPackages,
  type PuppeteerRenderer,
} from "@shotcache/renderer";
import { type BrowserConfig, type Config, ConfigError } from "./config";
import { logger } from "./logger";
import { mayUseServerless, SERVERLESS_PACKAGE, serverlessChromium } from "./serverless-chromium";

/** The browser as configured: how to reach it, its kind, and how to name it in logs. */
export interface ChosenBrowser {
  source: BrowserSource;
  kind: BrowserSourceKind;
  /** Never holds the authorization, nor a token the endpoint's URL carries. */
  description: string;
}

/** `wss://host:port`: where a remote browser is, without the path or query a token may ride in. */
function endpointOf(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}

/**
 * Turns the configuration into a browser source. `serverless` extracts @sparticuz/chromium's
 * Chromium (to /tmp, about 2 s the first time on a cold instance) and fails by the package's name
 * when it is not installed. Unset, on a serverless host with that package, it is chosen by
 * itself, and the choice is logged.
 */
export async function chooseBrowser(config: BrowserConfig): Promise<ChosenBrowser> {
  let kind: BrowserSourceKind = config.source ?? "local";
  const chromium = mayUseServerless(config.source, config.serverlessHost)
    ? await serverlessChromium()
    : undefined;
  if (!config.source && config.serverlessHost) {
    if (chromium) kind = "serverless";
    logger.info(
      { host: config.serverlessHost, browser: kind },
      chromium
        ? `SHOTCACHE_BROWSER unset on a serverless host with ${SERVERLESS_PACKAGE} installed: using serverless`
        : `SHOTCACHE_BROWSER unset on a serverless host without ${SERVERLESS_PACKAGE}: using local`,
    );
  }
  switch (kind) {
    case "remote": {
      const url = config.remoteUrl ?? "";
      const source: BrowserSource = {
        kind: "remote",
        url,
        authorization: config.remoteAuthorization,
      };
      return { source, kind, description: `remote (${endpointOf(url)})` };
    }
    case "serverless": {
      if (!chromium) {
        throw new ConfigError(
          `SHOTCACHE_BROWSER=serverless needs the package ${SERVERLESS_PACKAGE}, which is not ` +
            `installed: add it to apps/web (\`pnpm add ${SERVERLESS_PACKAGE}\`), or choose ` +
            "SHOTCACHE_BROWSER=local or remote.",
        );
      }
      const { executablePath, args } = chromium;
      return {
        // The package's Chromium is a headless shell, though its file is called `chromium`.
        source: { kind: "launch", executablePath, args, headlessShell: true },
        kind,
        description: `serverless (${SERVERLESS_PACKAGE} at ${executablePath})`,
      };
    }
    case "local": {
      const executablePath = await findBrowserExecutable(config.executablePaths);
      return {
        source: { kind: "launch", executablePath, sandbox: config.sandbox },
        kind,
        description: `local (${executablePath})`,
      };
    }
  }
}

/**
 * The browser pool and its network guard, as configured: the server's own (`SHOTCACHE_RENDER=
 * local`) or a render worker's (`pnpm worker`).
 */
export async function browserRendererOf(
  config: Config,
): Promise<{ renderer: PuppeteerRenderer; browser: ChosenBrowser; fonts?: FontCoverage }> {
  const { render, network } = config;
  const browser = await chooseBrowser(config.browser);
  const renderer = createPuppeteerRenderer({
    browser: browser.source,
    network: network.policy,
    trustedCertificates: network.trustedCertificates,
    navigationTimeoutMs: render.navigationTimeoutMs,
    maxRenderMs: render.maxRenderMs,
    concurrency: render.concurrency,
    maxQueued: render.maxQueued,
    readyContexts: render.readyContexts,
    fullPageMaxHeight: render.fullPageMaxHeight,
    recycleAfter: render.recycleAfter,
    adFilterLists: render.adFilterLists,
  });
  return { renderer, browser, fonts: await checkFonts(browser) };
}

/**
 * The fonts of a browser launched on this machine, with a warning naming the packages to install
 * where CJK text or emoji would come out as empty boxes. Undefined for a browser elsewhere:
 * a remote one has its host's fonts, and the serverless package brings its own.
 */
async function checkFonts(browser: ChosenBrowser): Promise<FontCoverage | undefined> {
  if (browser.kind !== "local") return undefined;
  const coverage = await fontCoverage();
  const missing = missingFontPackages(coverage);
  if (missing.length > 0) {
    const lacking = [coverage.cjk || "CJK text", coverage.emoji || "colour emoji"].filter(
      (what) => what !== true,
    );
    logger.warn(
      { fonts: coverage },
      `no font for ${lacking.join(" or ")}: such pages render as empty boxes; ` +
        `install with \`apt-get install ${missing.join(" ")}\``,
    );
  }
  return coverage;
}
