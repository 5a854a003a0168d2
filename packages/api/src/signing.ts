import { createHmac, timingSafeEqual } from "node:crypto";
import { type CaptureOptions, canonicalizeUrl } from "@shotcache/core";

/** Query parameters of a signed URL, beside the capture options. */
export const SIGNATURE_PARAM = "signature";
export const EXPIRES_PARAM = "expires";

/**
 * What a signature covers: every option (cache controls included, so a signed URL cannot be
 * turned into a `noCache` flood), with the URL in canonical form and keys sorted, and the expiry.
 */
function signedPayload(options: CaptureOptions, expires: number | undefined): string {
  const entries = Object.entries({ ...options, url: canonicalizeUrl(options.url) })
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${JSON.stringify(entries)}|${expires ?? ""}`;
}

const hmac = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("base64url");

/** The signature of a public URL for `options`, valid until `expires` (epoch seconds), if given. */
export function signCapture(options: CaptureOptions, secret: string, expires?: number): string {
  return hmac(secret, signedPayload(options, expires));
}

export type SignatureCheck = "valid" | "invalid" | "expired";

/** Checks a signature in constant time; an expired one is refused even when it matches. */
export function checkSignature(
  options: CaptureOptions,
  secret: string,
  signature: string,
  expires: number | undefined,
  nowSeconds = Date.now() / 1000,
): SignatureCheck {
  const expected = Buffer.from(signCapture(options, secret, expires));
  const given = Buffer.from(signature);
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  if (!matches) return "invalid";
  return expires !== undefined && expires < nowSeconds ? "expired" : "valid";
}
