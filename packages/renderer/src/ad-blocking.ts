/// <reference lib="dom" />
// Functions passed to page.evaluate run in the page, where the DOM exists.
import { FiltersEngine, Request, type RequestType } from "@ghostery/adblocker";
import type { Frame, HTTPRequest, Page } from "puppeteer";
import { AD_FILTERS } from "./ad-filters";

// `blockAds` matches with Ghostery's adblocker engine (the one its browser extension runs), on
// filters in the Adblock Plus syntax: ours (ad-filters.ts) and any the operator adds. It only
// stops requests and hides elements: no scriptlets, no redirect resources, no extended selectors.
// What a hiding rule's CSS may still load (a `:style()` rule's `url()`) goes through the network
// guard like every other request.

/** The most class names, ids and links of a page looked up for hiding rules: bounds a huge page. */
const MAX_DOM_NAMES = 5_000;

/** The platform `!#if` blocks of operator lists are evaluated for. */
const ENV = new Map([["env_chromium", true]]);

export interface AdBlocker {
  /** Whether a request of the page is for an ad or a tracker (never the page's own document). */
  blocks(request: HTTPRequest, pageUrl: string): boolean;
  /**
   * Hides the ad slots of the page as it is now; again later, for what appeared since (`again`
   * leaves out the rules that do not depend on the page, added the first time).
   */
  hideSlots(page: Page, again?: boolean): Promise<void>;
}

/** The URL of the document a frame's requests come from: its own, or its parent's if blank. */
function documentUrlOf(frame: Frame | null | undefined): string | undefined {
  for (let at = frame; at; at = at.parentFrame()) {
    const url = at.url();
    if (url && !url.startsWith("about:")) return url;
  }
  return undefined;
}

/**
 * The filters of ad-filters.ts and `extraLists` (filter list texts). Operator lists are parsed
 * here, at start: a list such as EasyList takes a moment, which must not stall a render (or, with
 * renders in the server's process, its requests). Ours alone is parsed on first use.
 */
export function createAdBlocker(extraLists: readonly string[] = []): AdBlocker {
  let engine: FiltersEngine | undefined;
  const filters = () => {
    if (!engine) {
      engine = FiltersEngine.parse([AD_FILTERS, ...extraLists].join("\n"), {
        loadNetworkFilters: true,
        loadCosmeticFilters: true,
        loadPreprocessors: true,
      });
      engine.updateEnv(ENV);
    }
    return engine;
  };
  if (extraLists.length > 0) filters();

  return {
    blocks(request, pageUrl) {
      const frame = request.frame();
      const navigation = request.isNavigationRequest();
      if (navigation && frame?.parentFrame() === null) return false; // the page itself
      // A frame's own navigation is a sub-frame request, made by the document around it.
      const details = Request.fromRawDetails({
        url: request.url(),
        sourceUrl: documentUrlOf(navigation ? frame?.parentFrame() : frame) ?? pageUrl,
        type: navigation ? "sub_frame" : (request.resourceType() as RequestType),
      });
      try {
        return filters().match(details).match;
      } catch {
        return false; // a request the engine cannot read is let through, never left hanging
      }
    },

    async hideSlots(page, again = false) {
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
        getBaseRules: !again,
        getRulesFromDOM: true,
        getRulesFromHostname: !again,
        getInjectionRules: false,
        getExtendedRules: false,
      });
      if (!styles) return;
      // A constructed style sheet: the page's Content-Security-Policy has no say over it, and it
      // needs no <head> (an SVG document has none).
      await page.evaluate((css: string) => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }, styles);
    },
  };
}
