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
      await Promise.all(
        urls.map(async (url) => {
          const { pathname, search } = new URL(url);
          const response = await fetch(`${base}${pathname}${search}`, { method: "PURGE", signal });
          await expectAnswer(response, (answer) => answer.ok || answer.status === 404);
        }),
      );
    },
  };
}
