import { BatchLimitError, CaptureError, WatchLimitError } from "@shotcache/core";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { type AccessScope, checkAccess, REFUSAL_MESSAGES } from "./access";
import type { ApiContext } from "./context";
import { type ApiErrorCode, ERROR_KINDS } from "./error-codes";
import { type FieldError, fieldErrorsFrom, fieldErrorsOfCapture } from "./field-errors";

/** Per-request context: the host's services plus what the fetch adapter gives us. */
export interface TrpcContext extends ApiContext, RequestContext {
  /** Response headers a procedure may set (ETag, Cache-Control, X-Cache…). */
  resHeaders: Headers;
  /** Several procedures share one HTTP response: per-call headers would be wrong. */
  isBatchCall: boolean;
  /** The request's `Authorization` header. */
  authorization: string | null;
  /** The request's `If-None-Match` header: a capture it matches is answered 304, bodiless. */
  ifNoneMatch: string | null;
  /** The caller's address, for per-address rate limits. */
  clientAddress: string;
  /** The server's origin as the caller reached it (see `publicOriginOf`). */
  origin: string;
}

function stableCode(error: TRPCError): ApiErrorCode {
  if (error.cause instanceof ZodError) return "INVALID_INPUT";
  if (CaptureError.is(error.cause)) return error.cause.code;
  if (error.cause instanceof WatchLimitError) return "WATCH_LIMIT_REACHED";
  if (error.cause instanceof BatchLimitError) return "SATURATED";
  if (error.code === "INTERNAL_SERVER_ERROR") return "INTERNAL";
  if (error.code === "NOT_FOUND") return "NOT_FOUND";
  if (error.code === "METHOD_NOT_SUPPORTED") return "METHOD_NOT_ALLOWED";
  if (error.code === "UNAUTHORIZED") return "UNAUTHORIZED";
  if (error.code === "FORBIDDEN") return "FORBIDDEN";
  if (error.code === "TOO_MANY_REQUESTS") return "RATE_LIMITED";
  if (error.code === "PAYLOAD_TOO_LARGE") return "PAYLOAD_TOO_LARGE";
  if (error.code === "UNSUPPORTED_MEDIA_TYPE") return "UNSUPPORTED_MEDIA_TYPE";
  return "INVALID_INPUT";
}

function fieldErrorsOf(error: TRPCError): FieldError[] {
  if (error.cause instanceof ZodError) return fieldErrorsFrom(error.cause);
  return CaptureError.is(error.cause) ? fieldErrorsOfCapture(error.cause) : [];
}

/**
 * The context as the router's type names it: nothing of the server. The router's type is what
 * the SDK publishes, and a context type there would bring every server type along (prom-client's,
 * the store's, zod's); procedures get the real `TrpcContext` from the first middleware below.
 */
export interface RequestContext {
  readonly shotcacheRequest: true;
}

const t = initTRPC.context<RequestContext>().create({
  errorFormatter({ shape, error }) {
    const code = stableCode(error);
    return {
      ...shape,
      // Internal failures keep their details on the server.
      message: code === "INTERNAL" ? ERROR_KINDS.INTERNAL.title : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        /** Stable shotcache error code, the same as REST's problem `code`. */
        errorCode: code,
        fieldErrors: fieldErrorsOf(error),
      },
    };
  },
});

export const createRouter = t.router;

/**
 * Turns a coded capture failure into the matching tRPC error; anything else stays internal.
 * Hands procedures the context the handler made, with its type (see `RequestContext`).
 */
const captureErrors = t.middleware(async ({ ctx: request, next }) => {
  const ctx = request as unknown as TrpcContext;
  const result = await next({ ctx });
  if (!result.ok && CaptureError.is(result.error.cause)) {
    const cause = result.error.cause;
    if (cause.retryAfterSeconds && !ctx.isBatchCall) {
      ctx.resHeaders.set("retry-after", String(cause.retryAfterSeconds));
    }
    throw new TRPCError({ code: ERROR_KINDS[cause.code].trpcCode, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(captureErrors);

/** A procedure that needs an API key with `scope` whenever keys are configured. */
function guarded(scope: AccessScope) {
  return publicProcedure.use(({ ctx, next }) => {
    const access = checkAccess(ctx.access, ctx.authorization, scope);
    if (access !== "granted") {
      throw new TRPCError({
        code: access === "missing" ? "UNAUTHORIZED" : "FORBIDDEN",
        message: REFUSAL_MESSAGES[access](scope),
      });
    }
    return next();
  });
}

/** Captures: open unless the server requires a key for them. */
export const captureProcedure = guarded("capture");
/** Statistics and cache inspection. */
export const readProcedure = guarded("read");
/** Purges, and watches (which keep renders going). */
export const purgeProcedure = guarded("purge");
/** Signed public URLs. */
export const signProcedure = guarded("sign");
