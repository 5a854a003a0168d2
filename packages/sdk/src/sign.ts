/**
 * `@shotcache/sdk/sign`: makes signed public screenshot URLs, for an `<img src>` with no API key in
 * the page. Server-side only: it needs the signing secret.
 */
import {
  EXPIRES_PARAM,
  queryPairs,
  SIGNATURE_PARAM,
  type SignableInput,
  signCapture,
} from "@shotcache/core/signing";

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
  const expires =
    options.expiresInSeconds === undefined
      ? undefined
      : Math.floor((options.now ?? Date.now()) / 1000) + options.expiresInSeconds;
  const params = new URLSearchParams(queryPairs(input));
  if (expires !== undefined) params.set(EXPIRES_PARAM, String(expires));
  params.set(SIGNATURE_PARAM, signCapture(input, secret, expires));
  return `${baseUrl.replace(/\/$/, "")}/api/v1/screenshot?${params}`;
}
