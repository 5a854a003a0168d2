/** @module Watches: pages re-captured on a schedule, with a webhook when they change. */
import { MAX_WATCH_EVERY_SECONDS } from "@shotcache/core";
import { z } from "zod";
import { positiveInt } from "./parsers";

export const watchesSettings = {
  title: "Watches",
  about: "Watches deliver signed webhooks: without `SHOTCACHE_WEBHOOK_SECRET` there are none.",
  variables: z.object({
    SHOTCACHE_WATCH_MIN_SECONDS: positiveInt.max(MAX_WATCH_EVERY_SECONDS).default(60).meta({
      description: "shortest interval a watch may ask for",
    }),
    SHOTCACHE_WATCH_MAX: positiveInt.max(100_000).default(1_000).meta({
      description: "most watches kept",
    }),
    SHOTCACHE_PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .transform((url) => new URL(url).origin)
      .optional()
      .meta({
        description:
          "the server's public origin (`https://shots.example`), for the image URLs watches send (else the origin a watch was made through)",
      }),
  }),
};

export function watchesConfigOf(variables: z.output<typeof watchesSettings.variables>) {
  return {
    minEverySeconds: variables.SHOTCACHE_WATCH_MIN_SECONDS,
    maxWatches: variables.SHOTCACHE_WATCH_MAX,
    publicOrigin: variables.SHOTCACHE_PUBLIC_URL,
  };
}

export type WatchesConfig = ReturnType<typeof watchesConfigOf>;
