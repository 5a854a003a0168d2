import type { CdnPurger } from "@shotcache/core";
import { expectAnswer } from "./answer-check";

/**
 * Any cache that purges one exact URL at a time (nginx with ngx_cache_purge on a prefix location,
 * Squid): `PURGE <prefix><path>?<query>` for each public URL answered for what was purged
 * (deploy/nginx/shotcache.conf). A 404 means the cache did not hold it: nothing to drop.
 */
export function createUrlPurger(prefix: string): CdnPurger {
  const base = prefix.replace(/\/$/, "");
  return {
    name: `url:${new URL(base).host}`,
    byUrl: true,
    async purge({ urls }, signal) {
      // Each URL on its own: one the cache refuses does not keep the others from being purged.
      const outcomes = await Promise.allSettled(
        urls
          .filter((url) => URL.canParse(url))
          .map(async (url) => {
            const { pathname, search } = new URL(url);
            const target = `${base}${pathname}${search}`;
            const response = await fetch(target, { method: "PURGE", signal });
            await expectAnswer(response, (answer) => answer.ok || answer.status === 404);
          }),
      );
      const failed = outcomes.find((outcome) => outcome.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
