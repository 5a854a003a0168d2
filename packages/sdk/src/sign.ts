/**
 * `@shotcache/sdk/sign`: makes signed public screenshot URLs, for an `<img src>` with no API key in
 * the page. Server-side only: it needs the signing secret.
 */
import { type SignableInput, signCapture, signedScreenshotPath } from "@shotcache/core/signing";

/** The bare signature, for building the query yourself. */
export { type SignableInput, signCapture };

/**
 * A signed URL of `/api/v1/screenshot` for `input`, valid for `expiresInSeconds` if given, that
 * any browser or CDN may fetch without an API key.
 */
export function signedScreenshotUrl(
  baseUrl: string,
  input: SignableInput,
  secret: string,
  options: { expiresInSeconds?: number; now?: number } = {},
): string {
  return baseUrl.replace(/\/$/, "") + signedScreenshotPath(input, secret, options).path;
}
