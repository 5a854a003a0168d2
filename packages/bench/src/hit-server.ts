/**
 * A baseline HTTP server for the cache-hit figures, in its own process, answering the bytes of
 * FILE (what the production server answers for the same request) as fast as Node can:
 *   bare FILE              node:http answering the bytes from memory (the floor)
 *   bare-redis URL FILE    the same, plus one Redis GET of the bytes per request
 * Prints `READY <port>` once it listens.
 */
import { readFileSync } from "node:fs";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

const [mode, ...args] = process.argv.slice(2);

async function listener(): Promise<RequestListener> {
  const file = mode === "bare-redis" ? args[1] : args[0];
  const bytes = readFileSync(file ?? "");
  const headers = { "content-type": "image/png", "content-length": String(bytes.byteLength) };
  if (mode === "bare") {
    return (_request, response) => response.writeHead(200, headers).end(bytes);
  }
  const redis = new Redis(args[0] ?? "");
  await redis.set("bench:payload", bytes);
  return (_request, response) => {
    redis.getBuffer("bench:payload").then((value) => response.writeHead(200, headers).end(value));
  };
}

const server = createServer(await listener());
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});
process.once("SIGTERM", () => process.exit(0));
