import type { CdnPurger } from "@shotcache/core";
import { expectAnswer } from "./answer-check";

/**
 * Varnish with vmod-xkey (or any cache that purges by surrogate key the same way): one
 * `PURGE <url>` with the tags, space-separated, in `xkey-purge` (deploy/varnish/shotcache.vcl).
 */
export function createXkeyPurger(url: string): CdnPurger {
  return {
    name: `xkey:${new URL(url).host}`,
    async purge({ tags }, signal) {
      const response = await fetch(url, {
        method: "PURGE",
        headers: { "xkey-purge": tags.join(" ") },
        signal,
      });
      await expectAnswer(response);
    },
  };
}
