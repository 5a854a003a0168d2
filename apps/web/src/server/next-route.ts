/**
 * @module How the Next.js route handlers answer: the REST handlers and tRPC, each answer followed
 * by the work it left behind, run through `after()`.
 */
import { type ApiContext, fetchHandler, handleTrpcRequest, type RestHandler } from "@shotcache/api";
import { after } from "next/server";
import { flushLogs } from "./logger";
import { apiContext, services } from "./services";

/**
 * Has the host wait, once the answer is out, for the work the capture service does beside it:
 * background refreshes, store writes nobody waited for, CDN purge retries, statistics. On a
 * serverless host the instance may be frozen (or never woken again) once a request and its
 * `after()` work are done; only through `after()` may that work outlive the answer. Elsewhere
 * (`next start`, `next dev`) it costs little: a settled promise and a log line.
 */
function afterResponse(response: Response): void {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  after(async () => {
    const started = performance.now();
    const { context, logger } = await services();
    await context.captureService.idle();
    const ms = Math.round(performance.now() - started);
    logger.info({ requestId, ms }, "after-response work done");
    flushLogs();
  });
}

/** A REST handler as a Next.js route handler. */
export function restRoute(
  handler: RestHandler<ApiContext>,
): (request: Request) => Promise<Response> {
  const answer = fetchHandler(handler, apiContext);
  return async (request) => {
    const response = await answer(request);
    afterResponse(response);
    return response;
  };
}

/** tRPC as a Next.js route handler. */
export async function trpcRoute(request: Request): Promise<Response> {
  const response = await handleTrpcRequest(request, await apiContext());
  afterResponse(response);
  return response;
}
