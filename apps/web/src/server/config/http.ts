/** @module The production server (`pnpm start`); `next dev` and serverless hosts have their own. */
import { z } from "zod";
import { positiveInt } from "./parsers";

export const httpSettings = {
  title: "Production server",
  about: "Read by `pnpm start` (and the shutdown grace by `pnpm worker` too).",
  variables: z.object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000).meta({
      description: "port of the production server",
    }),
    SHOTCACHE_HOST: z.string().min(1).default("127.0.0.1").meta({
      description: "address it listens on (`0.0.0.0` for every interface)",
    }),
    // The default holds a GET with every option at its limit (`css` and `js` of 10 000 characters
    // each, URL-encoded) and refuses a 100 KB query.
    SHOTCACHE_MAX_HEADER_BYTES: positiveInt
      .min(16 * 1024)
      .max(1024 * 1024)
      .default(96 * 1024)
      .meta({ description: "largest request line plus headers; larger requests get 431" }),
    SHOTCACHE_HEADERS_TIMEOUT_MS: positiveInt.default(20_000).meta({
      description:
        "longest wait for a request's headers (slow clients get 408); at most the request timeout",
    }),
    SHOTCACHE_REQUEST_TIMEOUT_MS: positiveInt.default(60_000).meta({
      description: "longest wait for a whole request, body included",
    }),
    SHOTCACHE_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000).meta({
      description:
        "idle keep-alive connections are kept this long: longer than the balancer's own (AWS ALB 60 s; raise it for longer)",
    }),
    SHOTCACHE_SHUTDOWN_GRACE_MS: positiveInt.default(25_000).meta({
      description:
        "on SIGTERM/SIGINT, how long requests in flight (renders included) may take; keep it under the orchestrator's kill timeout (Kubernetes: 30 s)",
    }),
  }),
};

export function httpConfigOf(variables: z.output<typeof httpSettings.variables>) {
  return {
    port: variables.PORT,
    host: variables.SHOTCACHE_HOST,
    /** As the API server's `limits` take them. */
    limits: {
      maxHeaderBytes: variables.SHOTCACHE_MAX_HEADER_BYTES,
      headersTimeoutMs: variables.SHOTCACHE_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: variables.SHOTCACHE_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: variables.SHOTCACHE_KEEP_ALIVE_TIMEOUT_MS,
    },
    shutdownGraceMs: variables.SHOTCACHE_SHUTDOWN_GRACE_MS,
  };
}

export type HttpConfig = ReturnType<typeof httpConfigOf>;
