import type { z } from "zod";
import { type ApiErrorCode, ERROR_KINDS } from "../error-codes";
import { type FieldError, fieldErrorsFrom } from "../field-errors";
import type { RestResponse } from "./types";

/** An RFC 9457 problem document with shotcache's stable `code` and per-field `errors`. */
export function problem(
  code: ApiErrorCode,
  detail: string,
  options: {
    errors?: FieldError[];
    headers?: Record<string, string>;
    /** Extension members of the document (RFC 9457 §3.2), such as the `scope` a key lacks. */
    members?: Record<string, string>;
  } = {},
): RestResponse {
  const { status, title } = ERROR_KINDS[code];
  const document = {
    type: `urn:shotcache:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title,
    status,
    code,
    detail,
    ...(options.errors?.length ? { errors: options.errors } : {}),
    ...options.members,
  };
  return {
    status,
    headers: {
      "content-type": "application/problem+json",
      "cache-control": "no-store",
      ...options.headers,
    },
    body: JSON.stringify(document),
  };
}

/** A 400 `INVALID_INPUT` naming each field the schema refused. */
export const invalidInput = (detail: string, error: z.ZodError): RestResponse =>
  problem("INVALID_INPUT", detail, { errors: fieldErrorsFrom(error) });
