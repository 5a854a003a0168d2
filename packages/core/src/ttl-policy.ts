export interface TtlRule {
  /** Tested against the URL's path. */
  pathPattern: RegExp;
  ttlSeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Built-in rules, first match wins: live content changes fast, reference pages rarely. */
export const DEFAULT_TTL_RULES: readonly TtlRule[] = [
  {
    pathPattern: /(^|\/)(dashboards?|admin|realtime|feeds?|live|streams?)(\/|$)/i,
    ttlSeconds: MINUTE,
  },
  { pathPattern: /^\/(docs|blog|about|pricing)(\/|$)/i, ttlSeconds: 24 * HOUR },
  { pathPattern: /(\/|\.html)$/i, ttlSeconds: HOUR },
];

export const DEFAULT_TTL_SECONDS = 15 * MINUTE;

export interface TtlPolicy {
  rules: readonly TtlRule[];
  defaultTtlSeconds: number;
}

export const DEFAULT_TTL_POLICY: TtlPolicy = {
  rules: DEFAULT_TTL_RULES,
  defaultTtlSeconds: DEFAULT_TTL_SECONDS,
};

/** The first rule whose pattern matches the path of `url`, if any. */
export function matchingTtlRule(url: string, policy: TtlPolicy): TtlRule | undefined {
  const path = new URL(url).pathname;
  return policy.rules.find((candidate) => candidate.pathPattern.test(path));
}

/** How long a screenshot of `url` stays fresh, by the first rule whose pattern matches its path. */
export function ttlFor(url: string, policy: TtlPolicy = DEFAULT_TTL_POLICY): number {
  return matchingTtlRule(url, policy)?.ttlSeconds ?? policy.defaultTtlSeconds;
}
