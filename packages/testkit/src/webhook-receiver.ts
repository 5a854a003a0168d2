import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST a webhook receiver was sent, with the signature headers shotcache sends. */
export interface WebhookDelivery<T = unknown> {
  path: string;
  timestamp: string;
  signature: string;
  body: string;
  json: T;
}

export interface WebhookReceiver<T> {
  /** `http://127.0.0.1:PORT`: a webhook is this plus any path. */
  origin: string;
  /** What it was sent, in order. */
  deliveries: WebhookDelivery<T>[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that keeps every JSON delivery and answers 204. */
export async function startWebhookReceiver<T = unknown>(): Promise<WebhookReceiver<T>> {
  const deliveries: WebhookDelivery<T>[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      deliveries.push({
        path: request.url ?? "",
        timestamp: String(request.headers["x-shotcache-timestamp"]),
        signature: String(request.headers["x-shotcache-signature"]),
        body,
        json: JSON.parse(body),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
