/** @module Where the browser comes from (`SHOTCACHE_BROWSER`), and the renderer over it. */
import type { BrowserSourceKind } from "@shotcache/api";
import {
  ALLOW_ALL,
  type BrowserSource,
  createPuppeteerRenderer,
  findBrowserExecutable,
  type NetworkPolicy,
  type PuppeteerRenderer,
} from "@shotcache/renderer";
import { ConfigError, type ServerEnv } from "./env";
import { logger } from "./logger";
import { mayUseServerless, SERVERLESS_PACKAGE, serverlessChromium } from "./serverless-chromium";

/** What captures, and the webhooks watches call, may reach. */
export const networkPolicyOf = (env: ServerEnv): NetworkPolicy =>
  env.SHOTCACHE_ALLOW_PRIVATE_NETWORKS ? ALLOW_ALL : env.SHOTCACHE_ALLOWED_TARGETS;

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
export async function chooseBrowser(env: ServerEnv): Promise<ChosenBrowser> {
  let kind: BrowserSourceKind = env.SHOTCACHE_BROWSER ?? "local";
  const chromium = mayUseServerless(env.SHOTCACHE_BROWSER, env.serverlessHost)
    ? await serverlessChromium()
    : undefined;
  if (!env.SHOTCACHE_BROWSER && env.serverlessHost) {
    if (chromium) kind = "serverless";
    logger.info(
      { host: env.serverlessHost, browser: kind },
      chromium
        ? `SHOTCACHE_BROWSER unset on a serverless host with ${SERVERLESS_PACKAGE} installed: using serverless`
        : `SHOTCACHE_BROWSER unset on a serverless host without ${SERVERLESS_PACKAGE}: using local`,
    );
  }
  switch (kind) {
    case "remote": {
      const url = env.SHOTCACHE_BROWSER_URL ?? "";
      const source: BrowserSource = {
        kind: "remote",
        url,
        authorization: env.SHOTCACHE_BROWSER_AUTHORIZATION,
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
      const executablePath = await findBrowserExecutable({
        CHROME_PATH: env.CHROME_PATH,
        PUPPETEER_EXECUTABLE_PATH: env.PUPPETEER_EXECUTABLE_PATH,
      });
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
  env: ServerEnv,
): Promise<{ renderer: PuppeteerRenderer; browser: ChosenBrowser }> {
  const browser = await chooseBrowser(env);
  const renderer = createPuppeteerRenderer({
    browser: browser.source,
    network: networkPolicyOf(env),
    navigationTimeoutMs: env.SHOTCACHE_NAVIGATION_TIMEOUT_MS,
    maxRenderMs: env.SHOTCACHE_MAX_RENDER_MS,
    concurrency: env.SHOTCACHE_RENDER_CONCURRENCY,
    maxQueued: env.SHOTCACHE_RENDER_QUEUE,
    readyContexts: env.SHOTCACHE_READY_CONTEXTS,
    fullPageMaxHeight: env.SHOTCACHE_FULL_PAGE_MAX_HEIGHT,
    recycleAfter: env.SHOTCACHE_RECYCLE_AFTER,
    trustedCertificates: env.SHOTCACHE_TRUSTED_CERTIFICATES,
    adFilterLists: env.SHOTCACHE_AD_FILTER_LISTS,
  });
  return { renderer, browser };
}
