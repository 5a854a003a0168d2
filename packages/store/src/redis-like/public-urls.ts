import { PUBLIC_URLS_KEPT, type PublicUrlStore } from "@shotcache/core";
import type { RedisDriver } from "./driver";
import type { RedisKeys } from "./layout";

/** The public URLs answered per URL, as `<variant key> <public URL>` members of a sorted set. */
export function createRedisPublicUrls(
  driver: RedisDriver,
  keys: RedisKeys["publicUrls"],
): PublicUrlStore {
  return {
    async rememberPublicUrl(key, urlKey, url, keepSeconds) {
      await driver.runScript(
        "rememberPublicUrl",
        [keys.answered(urlKey)],
        [`${key} ${url}`, Date.now(), PUBLIC_URLS_KEPT, Math.max(1, Math.ceil(keepSeconds))],
      );
    },

    async takePublicUrls(urlKey, key) {
      const members = (await driver.runScript(
        "takePublicUrls",
        [keys.answered(urlKey)],
        [key === undefined ? "" : `${key} `],
      )) as string[];
      return members.map((member) => member.slice(member.indexOf(" ") + 1));
    },
  };
}
