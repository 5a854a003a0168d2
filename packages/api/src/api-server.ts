import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ApiContext } from "./context";
import { nodeTrpcHandler } from "./node-trpc";
import { nodeHandler } from "./rest/node-adapter";
import { problem } from "./rest/problem";
import { handleUnknownApiPath, REST_PREFIX_ROUTES, REST_ROUTES } from "./rest/routes";
import type { RestResponse } from "./rest/types";

/** Limits of the HTTP server itself, before any handler runs. */
export interface HttpLimits {
  /** Largest request line plus headers, in bytes; past it: 431 with a problem document. */
  maxHeaderBytes: number;
  /** Longest wait for a request's headers (slow clients), in ms. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, body included, in ms. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept, in ms: longer than any balancer's own. */
  keepAliveTimeoutMs: number;
}

export interface ApiServerOptions {
  context: ApiContext;
  /** Everything that is not the API: the pages (Next.js's request handler). */
  fallback: (request: IncomingMessage, response: ServerResponse) => unknown;
  limits: HttpLimits;
}

export interface ApiServer {
  server: Server;
  /** Listens; resolves to the port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /**
   * Takes no new work: while the requests in flight finish, new ones are refused with 503
   * `SHUTTING_DOWN` (and their connections closed) and health answers 503 `draining`, so a
   * balancer stops sending. Then the server closes. Resolves to true when every request in
   * flight finished within `graceMs`; past it, the connections still open are cut.
   */
  drain(graceMs: number): Promise<boolean>;
}

const TRPC_PATH = "/api/trpc";
const HEALTH_PATH = "/api/health";

const pathOf = (url = "/") => {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
};

/** A problem document as raw HTTP/1.1, for errors found before there is a request object. */
function rawAnswer(answer: RestResponse): string {
  const body = String(answer.body ?? "");
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
  ];
  return `${head.join("\r\n")}\r\n\r\n${body}`;
}

/** What Node's parser found wrong with a request, as the problem the caller gets. */
function clientErrorAnswer(code: string | undefined, limits: HttpLimits): RestResponse {
  if (code === "HPE_HEADER_OVERFLOW") {
    return problem(
      "HEADERS_TOO_LARGE",
      `The request line and headers may hold at most ${limits.maxHeaderBytes} bytes; send long options in a POST body.`,
    );
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return problem("REQUEST_TIMEOUT", "The request did not arrive in time.");
  }
  return problem("INVALID_INPUT", "The request is not valid HTTP/1.1.");
}

/**
 * The production HTTP server: the REST endpoints on the `node:http` fast path, tRPC through its
 * Fetch adapter, and everything else handed to `fallback`, all on one server with one context.
 */
export function createApiServer({ context, fallback, limits }: ApiServerOptions): ApiServer {
  let draining = false;
  const served: ApiContext = { ...context, draining: () => draining };
  const restMounts = new Map(
    Object.entries(REST_ROUTES).map(([path, handler]) => [path, nodeHandler(handler, served)]),
  );
  const prefixMounts = Object.entries(REST_PREFIX_ROUTES).map(
    ([prefix, handler]) => [prefix, nodeHandler(handler, served)] as const,
  );
  const unknownApiPath = nodeHandler(handleUnknownApiPath, served);
  const trpc = nodeTrpcHandler(served);
  const shuttingDown = nodeHandler(
    async () =>
      problem("SHUTTING_DOWN", "This server is shutting down; send the request again.", {
        headers: { "retry-after": "1" },
      }),
    served,
  );

  const inFlight = new Set<ServerResponse>();
  let onDrained: (() => void) | undefined;
  /** One listener for every response, not a closure made per request. */
  function onResponseClosed(this: ServerResponse) {
    inFlight.delete(this);
    if (!draining) return;
    // A connection whose answer just ended is idle: close it rather than keep it alive.
    server.closeIdleConnections();
    if (inFlight.size === 0) onDrained?.();
  }
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes }, (request, response) => {
    inFlight.add(response);
    response.on("close", onResponseClosed);
    const path = pathOf(request.url);
    if (draining) {
      response.setHeader("connection", "close");
      if (path !== HEALTH_PATH) return shuttingDown(request, response);
    }
    if (path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`)) return trpc(request, response);
    const rest =
      restMounts.get(path) ?? prefixMounts.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (rest) return rest(request, response);
    if (path.startsWith("/api/")) return unknownApiPath(request, response);
    return fallback(request, response);
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;

  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    // Answer only where no response of ours has begun on this connection (as Node itself does).
    const current = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (!socket.writable || error.code === "ECONNRESET" || current?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = clientErrorAnswer(error.code, limits);
    context.logger?.info({ status: answer.status, reason: error.code }, "request refused");
    socket.end(rawAnswer(answer));
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async drain(graceMs) {
      draining = true;
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader("connection", "close");
      }
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const finished = await new Promise<boolean>((resolve) => {
        onDrained = () => resolve(true);
        timer = setTimeout(() => resolve(false), graceMs);
        if (inFlight.size === 0) resolve(true);
      });
      clearTimeout(timer);
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      return finished;
    },
  };
}
