/** @module How long images stay valid: TTL rules, the adaptive TTL, early refresh. */
import {
  DEFAULT_ADAPTIVE_TTL,
  DEFAULT_HISTORY_VERSIONS,
  DEFAULT_TTL_RULES,
  DEFAULT_TTL_SECONDS,
  MAX_HISTORY_VERSIONS,
  MAX_TTL_SECONDS,
  type TtlRule,
} from "@shotcache/core";
import { z } from "zod";
import { booleanText, nonNegativeInt, positiveInt } from "./parsers";

const ttlSeconds = positiveInt.max(MAX_TTL_SECONDS);

/** `SHOTCACHE_TTL_RULES`: a JSON list of `{ "pattern": "<regex on the path>", "ttl": seconds }`. */
const ttlRulesText = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "is not valid JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.strictObject({
        pattern: z.string().refine((source) => {
          try {
            new RegExp(source);
            return true;
          } catch {
            return false;
          }
        }, "is not a valid regular expression"),
        ttl: z.int().min(0).max(MAX_TTL_SECONDS),
      }),
    ),
  )
  .transform((rules): TtlRule[] =>
    rules.map((rule) => ({ pathPattern: new RegExp(rule.pattern), ttlSeconds: rule.ttl })),
  );

export const cacheSettings = {
  title: "Caching",
  variables: z.object({
    SHOTCACHE_TTL_RULES: ttlRulesText.default([]).meta({
      description:
        'JSON list of `{"pattern": "<regex on the path>", "ttl": seconds}`, tried before the built-in rules',
      shownDefault: "`[]`",
    }),
    SHOTCACHE_DEFAULT_TTL_SECONDS: ttlSeconds.default(DEFAULT_TTL_SECONDS).meta({
      description: "TTL when no rule matches (and the adaptive TTL has no history yet)",
    }),
    SHOTCACHE_MAX_TTL_SECONDS: ttlSeconds.default(7 * 24 * 60 * 60).meta({
      description: "upper bound on any TTL, a caller's included",
    }),
    SHOTCACHE_ADAPTIVE_TTL: booleanText.default(true).meta({
      description:
        "where no `ttl` and no rule sets it, the TTL follows the page's changes (half the expected time between them; see [Caching](caching.md)); `false` keeps the default TTL",
    }),
    SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS: ttlSeconds
      .default(DEFAULT_ADAPTIVE_TTL.minSeconds)
      .meta({ description: "shortest adaptive TTL" }),
    SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS: ttlSeconds.default(DEFAULT_ADAPTIVE_TTL.maxSeconds).meta({
      description: "longest adaptive TTL (and never past `SHOTCACHE_MAX_TTL_SECONDS`)",
    }),
    SHOTCACHE_XFETCH_BETA: z.coerce.number().positive().max(10).default(1).meta({
      description: "how early a popular image is refreshed before it expires: above 1, earlier",
    }),
    SHOTCACHE_HISTORY_VERSIONS: nonNegativeInt
      .max(MAX_HISTORY_VERSIONS)
      .refine((versions) => versions !== 1, "must be 0 (none) or at least 2: a change needs two")
      .default(DEFAULT_HISTORY_VERSIONS)
      .meta({
        description: `versions kept of each variant (its last distinct images, and how much each changed; kept through a purge, 30 days past the latest render), 2 to ${MAX_HISTORY_VERSIONS}; \`0\` keeps none and measures no change`,
      }),
  }),
};

export function cacheConfigOf(variables: z.output<typeof cacheSettings.variables>) {
  return {
    /** The capture service's caching policy, as `createCaptureService` takes it. */
    policy: {
      ttlPolicy: {
        rules: [...variables.SHOTCACHE_TTL_RULES, ...DEFAULT_TTL_RULES],
        defaultTtlSeconds: variables.SHOTCACHE_DEFAULT_TTL_SECONDS,
      },
      maxTtlSeconds: variables.SHOTCACHE_MAX_TTL_SECONDS,
      adaptiveTtl: variables.SHOTCACHE_ADAPTIVE_TTL
        ? {
            minSeconds: variables.SHOTCACHE_ADAPTIVE_TTL_MIN_SECONDS,
            maxSeconds: variables.SHOTCACHE_ADAPTIVE_TTL_MAX_SECONDS,
          }
        : undefined,
    },
    xfetchBeta: variables.SHOTCACHE_XFETCH_BETA,
    historyVersions: variables.SHOTCACHE_HISTORY_VERSIONS,
  };
}

export type CacheConfig = ReturnType<typeof cacheConfigOf>;
