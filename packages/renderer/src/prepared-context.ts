/**
 * @module A browser context made for one capture, with its guard and its first page: prepared
 * ahead of a render where possible (opening a page starts a renderer process, the costliest
 * step), closed after it, never reused.
 */
import { captureOptionsObjectSchema } from "@shotcache/core";
import type { Browser, BrowserContext, Page } from "puppeteer";
import { type GuardProxy, startGuardProxy } from "./guard-proxy";
import type { HostResolver, NetworkPolicy } from "./network-guard";
import { type ScreenOptions, setScreen } from "./render-page";
import {
  createRequestRelay,
  DEAD_END_PROXY,
  keepInsideRelay,
  type RequestRelay,
} from "./request-relay";

export interface PreparedContext {
  /** A guard proxy of its own for a browser we launched; a request relay for a remote one. */
  guard: GuardProxy | RequestRelay;
  /** The relay, when the page's requests are performed here rather than by its browser. */
  relay: RequestRelay | undefined;
  context: BrowserContext;
  page: Page;
  /** Settles when the page's process stops (crashed, killed), whenever that is. */
  crashed: Promise<void>;
  /** Whether it already has: a page kept ready may die before any render takes it. */
  hasCrashed: boolean;
}

/** What every context's guard is made with. */
export interface GuardSettings {
  policy: NetworkPolicy;
  resolveHost: HostResolver;
  trustedCertificates?: readonly string[];
  /** Longest single request a relay performs. */
  requestTimeoutMs: number;
}

/** The screen of a capture that asks for none: contexts prepared ahead are set to it. */
export const USUAL_SCREEN: ScreenOptions = captureOptionsObjectSchema.omit({ url: true }).parse({});

/**
 * A guard, a context that sends everything through it, and the context's first page, set to
 * `screen`. A remote browser's context gets a relay for a guard: its proxy is a dead end, so
 * whatever the relay does not perform fails on the browser's host.
 */
export async function prepareContext(
  browser: Browser,
  remote: boolean,
  guards: GuardSettings,
  screen: ScreenOptions = USUAL_SCREEN,
): Promise<PreparedContext> {
  const relay = remote
    ? createRequestRelay({
        policy: guards.policy,
        resolve: guards.resolveHost,
        trustedCertificates: guards.trustedCertificates,
        timeoutMs: guards.requestTimeoutMs,
      })
    : undefined;
  const guard =
    relay ?? (await startGuardProxy({ policy: guards.policy, resolve: guards.resolveHost }));
  let context: BrowserContext | undefined;
  try {
    context = await browser.createBrowserContext({
      proxyServer: relay ? DEAD_END_PROXY : (guard as GuardProxy).url,
      // Chromium skips proxies for localhost by default; `<-loopback>` removes that exception.
      proxyBypassList: ["<-loopback>"],
      downloadBehavior: { policy: "deny" },
    });
    const page = await context.newPage();
    if (relay) await keepInsideRelay(page);
    await setScreen(page, screen);
    const prepared: PreparedContext = {
      guard,
      relay,
      context,
      page,
      hasCrashed: false,
      crashed: new Promise((resolve) =>
        page.once("error", () => {
          prepared.hasCrashed = true;
          resolve();
        }),
      ),
    };
    return prepared;
  } catch (error) {
    await context?.close().catch(() => {});
    await guard.close();
    throw error;
  }
}

/** Closes the context, then its guard. */
export async function disposeContext(prepared: PreparedContext): Promise<void> {
  await prepared.context.close().catch(() => {});
  await prepared.guard.close();
}

/** Whether a context kept ready can still take a render (its page may have died meanwhile). */
export const isUsable = (prepared: PreparedContext): boolean =>
  !prepared.page.isClosed() && !prepared.hasCrashed;
