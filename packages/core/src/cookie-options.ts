/**
 * @module `cookies`: what a logged-in page, or one behind a consent or region cookie, needs. They
 * are bounded, refused for any site but the page's own, and kept out of sight: the cache key holds
 * them only through its hash, and nothing logs, inspects or counts options.
 */
import { getDomain } from "tldts";
import { z } from "zod";

export const MAX_COOKIES = 20;
/** A cookie's name and value together, as browsers bound them. */
const MAX_COOKIE_CHARACTERS = 4096;

const cookieObject = z
  .strictObject({
    name: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, "must be a cookie name"),
    // RFC 6265's cookie-octets, and the space and comma that browsers take as well.
    value: z.string().regex(/^[\x20-\x3a\x3c-\x7e]*$/, "may hold no `;` and no control character"),
    /** A host of the page's own site (`shop.example.com` for `www.example.com`). @default the page's host */
    domain: z
      .string()
      .max(253)
      .regex(/^\.?[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, "must be a host name")
      .transform((domain) => domain.replace(/^\./, "").toLowerCase())
      .optional(),
    /** @default "/" */
    path: z
      .string()
      .max(1024)
      .regex(/^\/[^;\s]*$/, "must be a path, from /")
      .optional(),
    /** @default true on an https page */
    secure: z.boolean().optional(),
    httpOnly: z.boolean().optional(),
    sameSite: z.enum(["Strict", "Lax", "None"]).optional(),
  })
  .refine(
    (cookie) => cookie.name.length + cookie.value.length <= MAX_COOKIE_CHARACTERS,
    `name and value may hold ${MAX_COOKIE_CHARACTERS} characters together`,
  );

/** `name=value`, as REST takes a cookie (`cookies=session=abc`, repeated for each). */
const cookieText = z
  .string()
  .transform((text, context) => {
    const equals = text.indexOf("=");
    if (equals < 1) {
      context.addIssue({ code: "custom", message: "must be `name=value`" });
      return z.NEVER;
    }
    return { name: text.slice(0, equals), value: text.slice(equals + 1) };
  })
  .pipe(cookieObject);

export const cookiesSchema = z
  .array(z.union([cookieObject, cookieText]))
  .min(1)
  .max(MAX_COOKIES, `at most ${MAX_COOKIES} cookies`);

export type CaptureCookie = z.output<typeof cookieObject>;
/**
 * A cookie as it is set: every attribute stated but its domain, which is absent for a cookie of
 * the page's own host alone (host-only, as `__Host-` cookies must be).
 */
export type SetCookie = Required<Omit<CaptureCookie, "domain">> & { domain?: string };

/**
 * The site of a host: its registrable domain (`example.co.uk` for `www.example.co.uk`, by the
 * Public Suffix List); an address, or a name with no such domain (`localhost`), is its own site.
 */
const siteOf = (host: string) => getDomain(host, { allowPrivateDomains: true }) ?? host;

/**
 * Whether a cookie's domain belongs to the page's own site. A cookie for another site is refused
 * rather than set: it would go with requests to that site, which the caller did not ask to visit.
 */
export const isSameSite = (domain: string, pageHost: string) => siteOf(domain) === siteOf(pageHost);

/**
 * The cookies as they are set and keyed: each with its domain, path and security stated, in one
 * order, so the same cookies given in another order or form are the same image and key.
 */
export function canonicalCookies(cookies: CaptureCookie[], pageUrl: string): SetCookie[] {
  const secure = new URL(pageUrl).protocol === "https:";
  return cookies
    .map((cookie) => ({
      name: cookie.name,
      value: cookie.value,
      ...(cookie.domain === undefined ? {} : { domain: cookie.domain }),
      path: cookie.path ?? "/",
      secure: cookie.secure ?? secure,
      httpOnly: cookie.httpOnly ?? false,
      sameSite: cookie.sameSite ?? "Lax",
    }))
    .sort((a, b) => compareText(identityOf(a), identityOf(b)));
}

/** What makes a cookie itself: two with the same name, domain and path are one (the last wins). */
const identityOf = (cookie: { name: string; domain?: string; path?: string }) =>
  `${cookie.domain ?? ""} ${cookie.path ?? "/"} ${cookie.name}`;

/** By code units, not by locale: every node must order them, and so key them, alike. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What is wrong with a capture's cookies for its page: each problem with the place it concerns
 * (index and attribute), for the options' refinement to report.
 */
export function cookieProblems(
  cookies: CaptureCookie[],
  pageUrl: string,
): { path: (string | number)[]; message: string }[] {
  const page = URL.canParse(pageUrl) ? new URL(pageUrl) : undefined;
  if (!page) return [];
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  for (const [index, cookie] of cookies.entries()) {
    if (cookie.domain && !isSameSite(cookie.domain, page.hostname)) {
      problems.push({ path: [index, "domain"], message: "is not of the page's own site" });
    }
    if (cookie.sameSite === "None" && !(cookie.secure ?? page.protocol === "https:")) {
      problems.push({
        path: [index, "sameSite"],
        message: "None needs secure (and an https page)",
      });
    }
    const identity = identityOf(cookie);
    if (seen.has(identity)) {
      problems.push({
        path: [index, "name"],
        message: "is given twice for the same domain and path",
      });
    }
    seen.add(identity);
  }
  return problems;
}
