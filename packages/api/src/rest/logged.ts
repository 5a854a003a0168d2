import { logRequest, requestIdFrom } from "../request-log";
import { problem } from "./problem";
import type { MountContext, RestHandler, RestRequest, RestResponse } from "./types";

/**
 * Runs a REST handler as every mount does: a failure escaping it (a bug: handlers answer their
 * own) becomes a 500 problem that keeps its details on the server, the response gets an
 * `X-Request-Id`, and the request one log line.
 */
export async function answerLogged<Context extends MountContext>(
  handler: RestHandler<Context>,
  request: RestRequest,
  context: Context,
): Promise<RestResponse> {
  const started = performance.now();
  let answer: RestResponse;
  try {
    answer = await handler(request, context);
  } catch (error) {
    context.onUnexpectedError?.(error);
    answer = problem("INTERNAL", "The request failed unexpectedly.");
  }
  const requestId = requestIdFrom(request.header("x-request-id"));
  answer.headers["x-request-id"] = requestId;
  logRequest(context.logger, {
    requestId,
    method: request.method,
    path: request.path,
    status: answer.status,
    ms: performance.now() - started,
    cache: answer.headers["x-cache"],
    client: request.clientAddress(),
  });
  return answer;
}
