import {
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
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

/** Marks the proxy's own refusals; stripped from upstream answers so no site can fake one. */
export const DENIED_HEADER = "x-shotcache-denied";

/** Headers that concern only the hop between Chromium and the proxy. */
const HOP_HEADERS = new Set([
  "proxy-connection",
  "proxy-authorization",
  "connection",
  "keep-alive",
]);

/** Ties two sockets' lives together: when either ends or fails, the other is destroyed. */
function bind(a: Socket, b: Socket): void {
  for (const [one, other] of [
    [a, b],
    [b, a],
  ] as const) {
    one.on("error", () => other.destroy());
    one.once("close", () => other.destroy());
  }
}

/**
 * The network guard for everything a page does: Chromium sends every request through this proxy
 * (`<-loopback>` in the bypass list keeps even localhost on it), which resolves the host itself,
 * checks every address against the policy, and connects to the very address it checked. So
 * redirects, sub-requests (images, scripts, iframes, fetch, websockets) and DNS rebinding are all
 * covered. Plain http arrives as absolute-form requests; https and wss as CONNECT tunnels.
 */
export async function startGuardProxy(options: {
  policy: NetworkPolicy;
  resolve?: HostResolver;
}): Promise<GuardProxy> {
  const resolve = options.resolve ?? systemResolver;
  const denials: Denial[] = [];
  /** Every socket opened to or by the proxy, so close() ends them all, tunnels included. */
  const sockets = new Set<Socket>();
  let closing = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

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
    // Set when Chromium leaves first (a page closed or crashed, a navigation cancelled): the
    // upstream error that follows is ours, not the host's, and is no reason to call it unreachable.
    let abandoned = false;
    let upstream: ClientRequest | undefined;
    response.once("close", () => {
      abandoned = !response.writableFinished;
      upstream?.destroy();
    });
    const decision = await decide(target.hostname);
    if (closing || abandoned) return void response.destroy();
    if (!decision.allowed) {
      response.writeHead(403, { [DENIED_HEADER]: decision.code }).end();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !HOP_HEADERS.has(name)),
    );
    upstream = httpRequest({
      host: decision.address,
      port: Number(target.port || 80),
      method: request.method,
      path: `${target.pathname}${target.search}`,
      headers: { ...headers, host: target.host },
      setHost: false,
      agent: false, // a connection of this render's own, closed with it
    });
    upstream.on("socket", track);
    upstream.on("response", (answer) => {
      const { [DENIED_HEADER]: _forged, ...passed } = answer.headers;
      response.writeHead(answer.statusCode ?? 502, passed);
      answer.pipe(response);
    });
    upstream.on("error", () => {
      if (abandoned) return;
      denials.push({ host: target.hostname, code: "TARGET_UNREACHABLE" });
      if (response.headersSent) response.destroy();
      else response.writeHead(502, { [DENIED_HEADER]: "TARGET_UNREACHABLE" }).end();
    });
    request.pipe(upstream);
  }

  async function tunnel(request: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(request.url ?? "");
    const decision = match?.[1] ? await decide(match[1]) : undefined;
    if (closing || client.destroyed) return void client.destroy();
    if (!match || !decision?.allowed) {
      client.end(`HTTP/1.1 403 Forbidden\r\n${DENIED_HEADER}: refused\r\n\r\n`);
      return;
    }
    const upstream = connect(Number(match[2]), decision.address);
    track(upstream);
    upstream.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      bind(client, upstream);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once("error", () => {
      if (!upstream.connecting) return; // after connecting, bind() handles it
      denials.push({ host: match[1] ?? "", code: "TARGET_UNREACHABLE" });
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
    });
  }

  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  server.on("connection", track);
  server.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
    // Node hands the socket over without an error listener: one must exist before any await,
    // or a reset during the lookup would be an uncaught error.
    client.on("error", () => client.destroy());
    tunnel(request, client, head).catch(() => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    denials,
    close: () =>
      new Promise((resolve) => {
        closing = true;
        for (const socket of sockets) socket.destroy();
        // Its port is released a turn of the event loop after 'close': resolve once it is.
        server.close(() => setTimeout(resolve, 0));
      }),
  };
}
