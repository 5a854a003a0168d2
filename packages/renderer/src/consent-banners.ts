/// <reference lib="dom" />
// Functions passed to page.evaluate run in the page, where the DOM exists.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Page } from "puppeteer";

// Consent banners are dismissed by DuckDuckGo's autoconsent: its rules for the common consent
// platforms (OneTrust, Cookiebot, Didomi, Sourcepoint, TrustArc and hundreds of sites) ship in the
// package, so nothing is fetched at run time. Its page script finds a banner, answers it with
// "reject" (hiding it first), and reports to us through a binding; we give it its rules, run the
// checks it asks us to evaluate, and wait until it is done. Whatever it makes the page load goes
// through the network guard like everything else.

/**
 * The page script and the rules, read on first use. They are found at run time from this module's
 * place, by a resolver that bundlers leave alone: a host that bundles this module (apps/web, for
 * its server and for Next's route handlers) has the package as a dependency of its own, so it
 * resolves from the bundle too.
 */
let loaded: { pageScript: string; rules: unknown } | undefined;
function autoconsent() {
  if (!loaded) {
    const resolvePackage = createRequire(import.meta.url).resolve;
    const dist = dirname(resolvePackage("@duckduckgo/autoconsent"));
    loaded = {
      pageScript: readFileSync(join(dist, "autoconsent.playwright.js"), "utf8"),
      rules: {
        autoconsent: [],
        compact: JSON.parse(readFileSync(join(dist, "..", "rules", "compact-rules.json"), "utf8")),
      },
    };
  }
  return loaded;
}

/** What the page script is told: answer "reject", hide the banner meanwhile, look a few times. */
const CONFIG = {
  enabled: true,
  autoAction: "optOut",
  disabledCmps: [],
  enablePrehide: true,
  enableCosmeticRules: true,
  enableGeneratedRules: true,
  detectRetries: 4,
  isMainWorld: false,
  prehideTimeout: 2_000,
  enableHeuristicDetection: true,
  enablePopupMutationObserver: false,
  visualTest: false,
  logs: {
    lifecycle: false,
    rulesteps: false,
    detectionsteps: false,
    evals: false,
    errors: false,
    messages: false,
    waits: false,
  },
  performanceLoggingEnabled: false,
  heuristicPopupSearchTimeout: 1_000,
  heuristicMode: "reject",
};
/** States after which the page script does nothing more. */
const FINAL_STATES = new Set([
  "nothingDetected",
  "optOutSucceeded",
  "optOutFailed",
  "optInSucceeded",
  "optInFailed",
  "done",
]);

interface PageMessage {
  type: string;
  url?: string;
  id?: string;
  code?: string;
  state?: { lifecycle?: string };
}

/**
 * Runs in the page before autoconsent's script: keeps a copy of the style autoconsent hides the
 * banners it knows with while it works (its "prehide"), which it takes away when it is done.
 */
const KEEP_PREHIDE_STYLE = `(() => {
  const keep = () => {
    const style = document.getElementById("autoconsent-prehide");
    if (style && style.textContent) window.__shotcachePrehide = style.textContent;
  };
  new MutationObserver(keep).observe(document, { childList: true, subtree: true, characterData: true });
})();`;

export interface ConsentDismissal {
  /** Settles once the page script is done with the main frame (a banner answered, or none). */
  settled: Promise<void>;
  /**
   * Hides again whatever autoconsent hid while it worked: a banner whose "reject" did nothing (a
   * broken site) is still on the page, and is hidden as a banner no rule answers would be.
   */
  hideLeftovers(): Promise<void>;
}

/** Arms `page` (before its navigation) to dismiss consent banners. */
export async function dismissConsentBanners(page: Page): Promise<ConsentDismissal> {
  let settle = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const reply = (message: unknown) =>
    page
      .evaluate(
        (answer) =>
          (window as unknown as Record<string, (m: unknown) => void>).autoconsentReceiveMessage?.(
            answer,
          ),
        message,
      )
      .catch(() => {}); // the page may be gone, or navigating
  await page.exposeFunction("autoconsentSendMessage", async (message: PageMessage) => {
    switch (message.type) {
      case "init":
        // Replies reach the main frame only: a frame's own script is left uninitialised.
        if (message.url !== page.mainFrame().url()) break;
        await reply({ type: "initResp", config: CONFIG, rules: autoconsent().rules });
        break;
      case "eval": {
        const result = await page.evaluate(message.code ?? "false").catch(() => false);
        await reply({ type: "evalResp", id: message.id, result });
        break;
      }
      case "autoconsentDone":
      case "autoconsentError":
        settle();
        break;
      case "report":
        if (FINAL_STATES.has(message.state?.lifecycle ?? "")) settle();
        break;
    }
  });
  await page.evaluateOnNewDocument(KEEP_PREHIDE_STYLE);
  await page.evaluateOnNewDocument(autoconsent().pageScript);
  const hideLeftovers = () =>
    page
      .evaluate(() => {
        const css = (window as unknown as { __shotcachePrehide?: string }).__shotcachePrehide;
        if (!css) return;
        const style = document.createElement("style");
        style.textContent = css;
        document.head.append(style);
      })
      .catch(() => {}); // a page that cannot take a style sheet is shot as it is
  return { settled, hideLeftovers };
}
