import {
  ALLOW_ALL,
  createPuppeteerRenderer,
  findBrowserExecutable,
  type NetworkPolicy,
  type PuppeteerRenderer,
} from "@shotcache/renderer";
import type { ServerEnv } from "./env";

/** What captures, and the webhooks watches call, may reach. */
export const networkPolicyOf = (env: ServerEnv): NetworkPolicy =>
  env.SHOTCACHE_ALLOW_PRIVATE_NETWORKS ? ALLOW_ALL : env.SHOTCACHE_ALLOWED_TARGETS;

/**
 * The browser pool and its network guard, as configured: the server's own (`SHOTCACHE_RENDER=
 * local`) or a render worker's (`pnpm worker`).
 */
export async function browserRendererOf(
  env: ServerEnv,
): Promise<{ renderer: PuppeteerRenderer; executablePath: string }> {
  const executablePath = await findBrowserExecutable({
    CHROME_PATH: env.CHROME_PATH,
    PUPPETEER_EXECUTABLE_PATH: env.PUPPETEER_EXECUTABLE_PATH,
  });
  const renderer = createPuppeteerRenderer({
    executablePath,
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
  return { renderer, executablePath };
}
