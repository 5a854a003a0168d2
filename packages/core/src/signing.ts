import { createHmac, timingSafeEqual } from "node:crypto";
import { queryPairs, type SignableInput } from "./query-pairs";

/** Query parameters of a signed URL, beside the capture options. */
export const SIGNATURE_PARAM = "signature";
export const EXPIRES_PARAM = "expires";

/** Bumped if what a signature covers ever changes, so old and new can never be confused. */
const SIGNATURE_VERSION = "v1";

export { queryPairs, type SignableInput };

/**
 * What a signed URL grants beyond a screenshot: `diff`, the diff of two versions (a screenshot's
 * signature must not open the older versions of its page, nor the other way round).
 */
export type SignedPurpose = "diff";

/**
 * What a signature covers: exactly the parameters the signer sent (not the options after
 * defaults, so adding an option or changing a default never breaks an issued URL, and every
 * spelling is its own signature), sorted, and the expiry; and what it is for, unless a screenshot
 * (whose payload stays as first issued).
 */
function signedPayload(
  pairs: readonly [string, string][],
  expires: number | undefined,
  purpose?: SignedPurpose,
): string {
  const sorted = [...pairs].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const parts = [SIGNATURE_VERSION, JSON.stringify(sorted), expires ?? ""];
  return (purpose ? [purpose, ...parts] : parts).join("|");
}

/** When a signed URL expires (epoch seconds): `expiresInSeconds` from `now`, if given. */
const expiryOf = (options: { expiresInSeconds?: number; now?: number }) =>
  options.expiresInSeconds === undefined
    ? undefined
    : Math.floor((options.now ?? Date.now()) / 1000) + options.expiresInSeconds;

const hmac = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("base64url");

/**
 * The signature of a public URL for `input` (the options as you will put them in the query),
 * valid until `expires` (epoch seconds), if given. Sign on your server, never in a page.
 */
export function signCapture(input: SignableInput, secret: string, expires?: number): string {
  return hmac(secret, signedPayload(queryPairs(input), expires));
}

/**
 * A signed `/api/v1/screenshot` URL for `input`, path and query, valid for `expiresInSeconds` from
 * `now` (epoch ms) if given, else for ever; with its expiry in epoch seconds.
 */
export function signedScreenshotPath(
  input: SignableInput,
  secret: string,
  options: { expiresInSeconds?: number; now?: number } = {},
): { path: string; expires: number | undefined } {
  // A public URL is seen by whoever holds it, and by every cache and log on its way.
  if (input.cookies !== undefined) throw new TypeError("A signed URL may not carry cookies.");
  const expires = expiryOf(options);
  const params = new URLSearchParams(queryPairs(input));
  if (expires !== undefined) params.set(EXPIRES_PARAM, String(expires));
  params.set(SIGNATURE_PARAM, signCapture(input, secret, expires));
  return { path: `/api/v1/screenshot?${params}`, expires };
}

/**
 * The path that serves a capture's image: signed (a public URL, valid for `expiresInSeconds`) when
 * the server signs, else the API's own, which asks for a key where keys are required.
 */
export function screenshotPathOf(
  input: SignableInput,
  secret: string | undefined,
  options: { expiresInSeconds?: number; now?: number } = {},
): string {
  if (secret) return signedScreenshotPath(input, secret, options).path;
  return `/api/v1/screenshot?${new URLSearchParams(queryPairs(input))}`;
}

/**
 * A signed `/api/v1/diff` URL of the versions `from` and `to` of the variant `input` names (and
 * `baseline`, the watch whose baseline `from` is), path and query, valid for `expiresInSeconds`
 * from `now` (epoch ms) if given, else for ever.
 */
export function signedDiffPath(
  input: SignableInput,
  versions: Record<"from" | "to", string> & { baseline?: string },
  secret: string,
  options: { expiresInSeconds?: number; now?: number } = {},
): string {
  if (input.cookies !== undefined) throw new TypeError("A signed URL may not carry cookies.");
  const expires = expiryOf(options);
  const pairs: [string, string][] = [...queryPairs(input), ...Object.entries(versions)];
  const params = new URLSearchParams(pairs);
  if (expires !== undefined) params.set(EXPIRES_PARAM, String(expires));
  params.set(SIGNATURE_PARAM, hmac(secret, signedPayload(pairs, expires, "diff")));
  return `/api/v1/diff?${params}`;
}

/** Headers of a signed webhook delivery, inbound or outbound. */
export const TIMESTAMP_HEADER = "x-shotcache-timestamp";
export const SIGNATURE_HEADER = "x-shotcache-signature";

/**
 * The signature of a webhook delivery, inbound (the invalidation webhook) or outbound (a watch):
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, timestamp in epoch seconds.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type SignatureCheck = "valid" | "invalid" | "expired";

/**
 * Checks a signature over the query `pairs` (for `purpose`, if not a screenshot) in constant time;
 * an expired one is refused.
 */
export function checkSignature(
  pairs: readonly [string, string][],
  secret: string,
  signature: string,
  expires: number | undefined,
  nowSeconds = Date.now() / 1000,
  purpose?: SignedPurpose,
): SignatureCheck {
  const expected = Buffer.from(hmac(secret, signedPayload(pairs, expires, purpose)));
  const given = Buffer.from(signature);
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  if (!matches) return "invalid";
  return expires !== undefined && expires < nowSeconds ? "expired" : "valid";
}
