/** @module Signed URLs as requests bring them: their signature and expiry, and their check. */
import {
  checkSignature,
  EXPIRES_PARAM,
  SIGNATURE_PARAM,
  type SignedPurpose,
} from "@shotcache/core";
import type { ApiContext } from "../context";
import { problem } from "./problem";
import type { RestRequest, RestResponse } from "./types";

/**
 * A signed URL's signature and expiry, taken out of its query; the rest are the options, and
 * `query` their text. An unsigned query is used as it came, without a copy.
 */
export function splitSignature(request: RestRequest) {
  const { searchParams } = request.url;
  if (!searchParams.has(SIGNATURE_PARAM) && !searchParams.has(EXPIRES_PARAM)) {
    return { params: searchParams, query: request.search, signature: null, expires: null };
  }
  const params = new URLSearchParams(searchParams);
  const signature = params.get(SIGNATURE_PARAM);
  const expires = params.get(EXPIRES_PARAM);
  params.delete(SIGNATURE_PARAM);
  params.delete(EXPIRES_PARAM);
  return { params, query: `?${params}`, signature, expires };
}

/**
 * A problem when a signed URL does not hold (for `purpose`, if not a screenshot); undefined when
 * it does.
 */
export function refusedSignature(
  params: URLSearchParams,
  context: ApiContext,
  signature: string,
  expires: string | null,
  purpose?: SignedPurpose,
): RestResponse | undefined {
  const expiry = expires === null ? undefined : Number(expires);
  const verdict =
    context.signingSecret && (expires === null || /^\d+$/.test(expires))
      ? checkSignature([...params], context.signingSecret, signature, expiry, undefined, purpose)
      : "invalid";
  if (verdict === "valid") return undefined;
  return verdict === "expired"
    ? problem("SIGNATURE_EXPIRED", "This signed URL has expired.")
    : problem("SIGNATURE_INVALID", "The signature does not match these options.");
}
