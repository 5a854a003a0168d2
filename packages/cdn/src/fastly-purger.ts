import type { CdnPurger } from "@shotcache/core";
import { expectAnswer } from "./answer-check";

/** Fastly's API, overridable for a proxy in front of it (or a test). */
export const FASTLY_API_URL = "https://api.fastly.com";

/**
 * Fastly: one batch purge by surrogate key, `POST /service/<service id>/purge` with
 * `{"surrogate_keys": […]}` and the API token in `Fastly-Key` (purge_select scope).
 */
export function createFastlyPurger(options: {
  serviceId: string;
  token: string;
  apiUrl?: string;
}): CdnPurger {
  const endpoint = `${(options.apiUrl ?? FASTLY_API_URL).replace(/\/$/, "")}/service/${encodeURIComponent(options.serviceId)}/purge`;
  return {
    name: `fastly:${options.serviceId}`,
    async purge({ tags }, signal) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "fastly-key": options.token,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify({ surrogate_keys: tags }),
        signal,
      });
      await expectAnswer(response);
    },
  };
}
