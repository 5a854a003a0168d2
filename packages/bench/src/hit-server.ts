/**
 * One HTTP server for the cache-hit figures, in its own process:
 *   bare                   node:http answering the payload from memory (the floor)
 *   bare-redis URL         the same, plus one Redis GET of the payload per request
 *   shotcache memory       shotcache's REST handler on node:http, memory store, warm
 *   shotcache redis URL    the same with the Redis store
 * Prints `READY <port>` once it listens.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { handleScreenshot, nodeHandler, OPEN_ACCESS } from "@shotcache/api";
import { createCaptureService } from "@shotcache/core";
import { createMemoryStore, createRedisStore } from "@shotcache/store";
import { Redis } from "ioredis";
import { payload, stubRenderer } from "./payload";

const [mode, variant, redisUrl] = process.argv.slice(2);

async function listener(): Promise<RequestListener> {
  const bytes = payload();
  const headers = { "content-type": "image/png", "content-length": String(bytes.byteLength) };
  if (mode === "bare") {
    return (_request, response) => response.writeHead(200, headers).end(bytes);
  }
  if (mode === "bare-redis") {
    const redis = new Redis(variant ?? "");
    await redis.set("bench:payload", Buffer.from(bytes));
    return (_request, response) => {
      redis.getBuffer("bench:payload").then((value) => response.writeHead(200, headers).end(value));
    };
  }
  const store =
    variant === "redis"
      ? createRedisStore({ url: redisUrl ?? "", prefix: "bench:" })
      : createMemoryStore();
  const captureService = createCaptureService({ store, renderer: stubRenderer() });
  return nodeHandler(handleScreenshot, {
    captureService,
    storeKind: store.kind,
    access: OPEN_ACCESS,
  });
}

const server = createServer(await listener());
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});
process.once("SIGTERM", () => process.exit(0));
