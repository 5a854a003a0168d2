import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import {
  type HostResolver,
  type NetworkPolicy,
  resolveTarget,
  systemResolver,
  type TargetDecision,
} from "./network-guard";

/** A request the proxy could not pass on: refused by the policy, or its host unreachable. */
export interface Denial {
  host: string;
  code: "TARGET_NOT_ALLOWED" | "TARGET_UNREACHABLE";
}

export interface GuardProxy {
  /** `http://127.0.0.1:PORT`, for Chromium's proxy settings. */
  url: string;
  /** Requests not passed on so far, in order. */
  readonly denials: readonly Denial[];
  close(): Promise<void>;
}

/** Marks the proxy's own refusals, so the renderer can tell them from a page's 403. */
export const DENIED_HEADER = "x-shotcache-denied";

/** Headers that concern only the hop between Chromium and the proxy. */
const HOP_HEADERS = new Set([
  "proxy-connection",
  "proxy-authorization",
  "connection",
  "keep-alive",
]);

/**
 * The network guard for everything a page does: Chromium sends every request through this proxy
 * (`--proxy-bypass-list=<-loopback>` keeps even localhost on it), which resolves the host itself,
 * checks every address against the policy, and connects to the very address it checked. So
 * redirects, sub-requests (images, scripts, iframes, fetch) and DNS rebinding are all covered.
 * Plain http arrives as absolute-form requests; https as CONNECT tunnels, checked the same way.
 */
export async function startGuardProxy(options: {
  policy: NetworkPolicy;
  resolve?: HostResolver;
}): Promise<GuardProxy> {
  const resolve = options.resolve ?? systemResolver;
  const denials: Denial[] = [];
  /** Open tunnels, which the HTTP server no longer tracks once CONNECT hands them over. */
  const tunnels = new Set<Socket>();

  async function decide(host: string): Promise<TargetDecision> {
    const decision = await resolveTarget(host, options.policy, resolve);
    if (!decision.allowed) denials.push({ host, code: decision.code });
    return decision;
  }

  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(request.url ?? "");
      if (target.protocol !== "http:") throw new Error("not http");
    } catch {
      response.writeHead(400, { [DENIED_HEADER]: "bad-request" }).end();
      return;
    }
    const decision = await decide(target.hostname);
    if (!decision.allowed) {
      response.writeHead(403, { [DENIED_HEADER]: decision.code }).end();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !HOP_HEADERS.has(name)),
    );
    const upstream = httpRequest({
      host: decision.address,
      port: Number(target.port || 80),
      method: request.method,
      path: `${target.pathname}${target.search}`,
      headers: { ...headers, host: target.host },
      setHost: false,
    });
    upstream.on("response", (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", () => {
      denials.push({ host: target.hostname, code: "TARGET_UNREACHABLE" });
      if (response.headersSent) response.destroy();
      else response.writeHead(502, { [DENIED_HEADER]: "TARGET_UNREACHABLE" }).end();
    });
    request.pipe(upstream);
  }

  async function tunnel(request: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(request.url ?? "");
    const decision = match?.[1] ? await decide(match[1]) : undefined;
    if (!match || !decision?.allowed) {
      client.end(`HTTP/1.1 403 Forbidden\r\n${DENIED_HEADER}: refused\r\n\r\n`);
      return;
    }
    tunnels.add(client);
    client.once("close", () => tunnels.delete(client));
    const upstream = connect(Number(match[2]), decision.address, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      if (upstream.connecting) {
        denials.push({ host: match[1] ?? "", code: "TARGET_UNREACHABLE" });
        client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      } else {
        client.destroy();
      }
    });
    client.on("error", () => upstream.destroy());
  }

  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  server.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
    tunnel(request, client, head).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    denials,
    close: () =>
      new Promise((resolve) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
