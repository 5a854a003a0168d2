import type { CdnPurger } from "@shotcache/core";
import { createXkeyPurger } from "./xkey-purger";

/** The purgers `SHOTCACHE_CDN_PURGE` names: a comma-separated list of `kind:target`. */
const KINDS: Record<string, (target: string) => CdnPurger> = {
  xkey: (target) => {
    const url = new URL(target);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`xkey needs an http or https URL, not ${target}`);
    }
    return createXkeyPurger(url.href);
  },
};

/** The purgers a `SHOTCACHE_CDN_PURGE` value names; throws, naming the entry, on a bad one. */
export function purgersFromConfig(text: string): CdnPurger[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(":");
      const kind = colon === -1 ? entry : entry.slice(0, colon);
      const create = KINDS[kind];
      if (!create) {
        throw new Error(`"${entry}": the kinds are ${Object.keys(KINDS).join(", ")}`);
      }
      try {
        return create(entry.slice(colon + 1));
      } catch (error) {
        throw new Error(`"${entry}": ${(error as Error).message}`);
      }
    });
}
