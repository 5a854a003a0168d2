/// <reference lib="dom" />
// Functions passed to page.evaluate run in the page, where the DOM exists.
import { FiltersEngine, Request } from "@ghostery/adblocker";
import type { HTTPRequest, Page } from "puppeteer";
import { AD_FILTERS } from "./ad-filters";

// `blockAds` matches with Ghostery's adblocker engine (the one its browser extension runs), on
// filters in the Adblock Plus syntax: ours (ad-filters.ts) and any the operator adds. Matching
// only ever stops a request or hides an element: no rule makes the browser fetch anything (no
// scriptlets, no redirect resources), so the network guard stays the last word on what is reached.

/** The most class names and ids of a page looked up for hiding rules: bounds a huge page's cost. */
const MAX_DOM_NAMES = 5_000;

export interface AdBlocker {
  /** Whether a request of the page is for an ad or a tracker (never the page's own document). */
  blocks(request: HTTPRequest, pageUrl: string): boolean;
  /** Hides the ad slots of the page as it is now. */
  hideSlots(page: Page): Promise<void>;
}

/**
 * The filters of ad-filters.ts and `extraLists` (filter list texts), parsed on first use: a
 * long list such as EasyList takes a moment, which a server that never blocks ads never spends.
 */
export function createAdBlocker(extraLists: readonly string[] = []): AdBlocker {
  let engine: FiltersEngine | undefined;
  const filters = () => {
    engine ??= FiltersEngine.parse([AD_FILTERS, ...extraLists].join("\n"), {
      loadNetworkFilters: true,
      loadCosmeticFilters: true,
      loadGenericCosmeticsFilters: true,
    });
    return engine;
  };

  return {
    blocks(request, pageUrl) {
      if (request.isNavigationRequest() && request.frame()?.parentFrame() === null) return false;
      const details = Request.fromRawDetails({
        url: request.url(),
        sourceUrl: request.frame()?.url() || pageUrl,
        type: request.resourceType(),
      });
      return filters().match(details).match;
    },

    async hideSlots(page) {
      // Generic rules on a class name or id apply only when the page has it: these are looked up.
      const names = await page.evaluate((max: number) => {
        const classes = new Set<string>();
        const ids = new Set<string>();
        const hrefs = new Set<string>();
        for (const element of document.querySelectorAll("[class], [id], a[href]")) {
          for (const name of element.classList) if (classes.size < max) classes.add(name);
          if (element.id && ids.size < max) ids.add(element.id);
          const href = element.getAttribute("href");
          if (element.tagName === "A" && href && hrefs.size < max) hrefs.add(href);
        }
        return { classes: [...classes], ids: [...ids], hrefs: [...hrefs] };
      }, MAX_DOM_NAMES);
      const { url, hostname, domain } = Request.fromRawDetails({ url: page.url() });
      const { styles } = filters().getCosmeticsFilters({
        url,
        hostname,
        domain,
        ...names,
        getBaseRules: true,
        getRulesFromDOM: true,
        getRulesFromHostname: true,
        getInjectionRules: false,
        getExtendedRules: false,
      });
      if (styles) await page.addStyleTag({ content: styles });
    },
  };
}
