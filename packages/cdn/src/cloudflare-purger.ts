import type { CdnPurger } from "@shotcache/core";
import { expectAnswer } from "./answer-check";

/** Cloudflare's API, overridable for a proxy in front of it (or a test). */
export const CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4";
/** Most URLs (`files`) one purge request may name. */
const FILES_PER_REQUEST = 30;

/**
 * Cloudflare: `POST /zones/<zone id>/purge_cache` with an API token (Cache Purge permission),
 * purging by cache tag (`{"tags": […]}`); when Cloudflare refuses that, by the public URLs
 * answered for what was purged (`{"files": […]}`, 30 a request).
 */
export function createCloudflarePurger(options: {
  zoneId: string;
  token: string;
  apiUrl?: string;
}): CdnPurger {
  const endpoint = `${(options.apiUrl ?? CLOUDFLARE_API_URL).replace(/\/$/, "")}/zones/${encodeURIComponent(options.zoneId)}/purge_cache`;
  const post = async (body: object, signal: AbortSignal) => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    // Cloudflare says `success: false`, with its errors, whatever the status.
    const text = await expectAnswer(response, () => true);
    let answer: { success?: boolean; errors?: { message?: string }[] } = {};
    try {
      answer = JSON.parse(text);
    } catch {
      // not JSON: reported below
    }
    if (!response.ok || answer.success !== true) {
      const reason = answer.errors?.map((error) => error.message).join("; ") || text.slice(0, 200);
      throw new Error(`Cloudflare answered ${response.status}: ${reason}`);
    }
  };
  return {
    name: `cloudflare:${options.zoneId}`,
    byUrl: true,
    async purge({ tags, urls }, signal) {
      try {
        await post({ tags }, signal);
      } catch (byTag) {
        if (urls.length === 0 || signal.aborted) throw byTag;
        for (let start = 0; start < urls.length; start += FILES_PER_REQUEST) {
          await post({ files: urls.slice(start, start + FILES_PER_REQUEST) }, signal);
        }
      }
    },
  };
}
