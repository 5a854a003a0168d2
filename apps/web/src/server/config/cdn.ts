/** @module CDNs in front of public images, which every purge reaches too. */
import { purgersFromConfig } from "@shotcache/cdn";
import { z } from "zod";

const apiUrl = z.url({ protocol: /^https?$/ }).optional();
const token = z.string().min(1).optional();

export const cdnSettings = {
  title: "CDN",
  about: "See [the CDN](cdn.md) for what each purger sends and the CDN configurations we test.",
  variables: z.object({
    SHOTCACHE_CDN_PURGE: z.string().default("").meta({
      description:
        "CDNs every purge also purges, comma-separated: `xkey:<url>`, `url:<prefix>`, `cloudflare:<zone id>`, `fastly:<service id>`",
    }),
    SHOTCACHE_CLOUDFLARE_API_TOKEN: token.meta({
      description: "API token (Cache Purge) of the `cloudflare:` purger",
    }),
    SHOTCACHE_FASTLY_API_TOKEN: token.meta({
      description: "API token (purge_select) of the `fastly:` purger",
    }),
    SHOTCACHE_CLOUDFLARE_API_URL: apiUrl.meta({
      description: "where Cloudflare's API is reached, for a proxy in front of it",
      shownDefault: "Cloudflare's",
    }),
    SHOTCACHE_FASTLY_API_URL: apiUrl.meta({
      description: "where Fastly's API is reached, for a proxy in front of it",
      shownDefault: "Fastly's",
    }),
  }),
};

/** The purgers configured; throws, naming the entry, on one it cannot build. */
export function cdnConfigOf(variables: z.output<typeof cdnSettings.variables>) {
  return {
    purgers: purgersFromConfig(variables.SHOTCACHE_CDN_PURGE, {
      cloudflare: {
        token: variables.SHOTCACHE_CLOUDFLARE_API_TOKEN,
        apiUrl: variables.SHOTCACHE_CLOUDFLARE_API_URL,
      },
      fastly: {
        token: variables.SHOTCACHE_FASTLY_API_TOKEN,
        apiUrl: variables.SHOTCACHE_FASTLY_API_URL,
      },
    }),
  };
}

export type CdnConfig = ReturnType<typeof cdnConfigOf>;
