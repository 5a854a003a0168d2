import type { CdnPurger } from "@shotcache/core";
import { createCloudflarePurger } from "./cloudflare-purger";
import { createFastlyPurger } from "./fastly-purger";
import { createUrlPurger } from "./url-purger";
import { createXkeyPurger } from "./xkey-purger";

/** What the API purgers need beside their entry: a token, and their API's address if moved. */
export interface PurgerSettings {
  cloudflare?: { token?: string; apiUrl?: string };
  fastly?: { token?: string; apiUrl?: string };
}

function httpUrl(target: string): string {
  const url = new URL(target);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("needs an http or https URL");
  }
  return url.href;
}

function identifier(target: string): string {
  if (!/^[\w-]{1,64}$/.test(target)) throw new Error("needs an identifier (letters, digits, -)");
  return target;
}

function token(value: string | undefined, variable: string): string {
  if (!value) throw new Error(`needs ${variable}`);
  return value;
}

/** Each kind of `SHOTCACHE_CDN_PURGE` entry (`kind:target`), and how to make its purger. */
const KINDS: Record<string, (target: string, settings: PurgerSettings) => CdnPurger> = {
  xkey: (target) => createXkeyPurger(httpUrl(target)),
  url: (target) => createUrlPurger(httpUrl(target)),
  cloudflare: (target, { cloudflare }) =>
    createCloudflarePurger({
      zoneId: identifier(target),
      token: token(cloudflare?.token, "SHOTCACHE_CLOUDFLARE_API_TOKEN"),
      apiUrl: cloudflare?.apiUrl,
    }),
  fastly: (target, { fastly }) =>
    createFastlyPurger({
      serviceId: identifier(target),
      token: token(fastly?.token, "SHOTCACHE_FASTLY_API_TOKEN"),
      apiUrl: fastly?.apiUrl,
    }),
};

/**
 * The purgers a `SHOTCACHE_CDN_PURGE` value (a comma-separated list of `kind:target`) names;
 * throws, naming the entry, on a bad one.
 */
export function purgersFromConfig(text: string, settings: PurgerSettings = {}): CdnPurger[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(":");
      const create = KINDS[colon === -1 ? entry : entry.slice(0, colon)];
      if (!create) {
        throw new Error(`"${entry}": the kinds are ${Object.keys(KINDS).join(", ")}`);
      }
      try {
        return create(entry.slice(colon + 1), settings);
      } catch (error) {
        throw new Error(`"${entry}": ${(error as Error).message}`);
      }
    });
}
