/** @module Where the browser comes from (`SHOTCACHE_BROWSER`), and the renderer over it. */
import type { BrowserSourceKind } from "@shotcache/api";
import {
  type BrowserSource,
  createPuppeteerRenderer,
  findBrowserExecutable,
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
        source: { kind: "launch", executablePath },
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
): Promise<{ renderer: PuppeteerRenderer; browser: ChosenBrowser }> {
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
  return { renderer, browser };
}
