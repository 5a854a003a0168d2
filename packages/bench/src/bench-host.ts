/**
 * shotcache's API on node:http (REST and tRPC), memory store, stubbed renderer: the host of the
 * client-bandwidth and memory figures. Argument: the memory store's byte cap. Prints `READY <port>`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleScreenshot, handleTrpcRequest, nodeHandler, OPEN_ACCESS } from "@shotcache/api";
import { createCaptureService } from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { stubRenderer } from "./payload";

const maxBytes = Number(process.argv[2] ?? 256 * 1024 * 1024);
const store = createMemoryStore({ maxBytes });
const context = {
  captureService: createCaptureService({ store, renderer: stubRenderer(50 * 1024) }),
  storeKind: store.kind,
  access: OPEN_ACCESS,
};
const rest = nodeHandler(handleScreenshot, context);

const server = createServer(async (request, response) => {
  if (!request.url?.startsWith("/api/trpc")) return rest(request, response);
  // tRPC speaks Fetch: build the Request, write the Response back.
  const fetchResponse = await handleTrpcRequest(
    new Request(`http://127.0.0.1${request.url}`, {
      method: request.method,
      headers: request.headers as Record<string, string>,
    }),
    context,
  );
  response.writeHead(fetchResponse.status, Object.fromEntries(fetchResponse.headers));
  response.end(Buffer.from(await fetchResponse.arrayBuffer()));
});
server.listen(0, "127.0.0.1", () => {
  console.log(`READY ${(server.address() as AddressInfo).port}`);
});
process.once("SIGTERM", () => process.exit(0));
