import { createHash, X509Certificate } from "node:crypto";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import type { HTTPRequest, Page } from "puppeteer";
import { DENIED_HEADER, type Denial } from "./guard-proxy";
import { type HostResolver, type NetworkPolicy, resolveTarget } from "./network-guard";

/**
 * The network guard for a browser that is not ours (`remote`): its network is someone else's, so
 * nothing may be fetched there. Every request a page makes is paused over DevTools (the `Fetch`
 * domain, through Puppeteer's request interception), performed here by this process through the
 * same checks as the guard proxy (the host resolved here, every address checked, the checked
 * address dialled, each redirect hop paused and checked again), and answered to the browser.
 * Whatever cannot be paused this way (WebSockets, workers' own requests, preconnects, WebRTC
 * over TCP) goes to the context's proxy, a dead end: it fails instead of leaving the browser.
 */
export interface RequestRelay {
  /** Requests refused or unreachable so far, in order (as the guard proxy reports them). */
  readonly denials: readonly Denial[];
  /** Performs a paused request through the guard and answers it; `headers` replace its own. */
  relay(request: HTTPRequest, headers?: Record<string, string>): Promise<void>;
  /** Ends every request under way. */
  close(): void;
}

export interface RequestRelayOptions {
  policy: NetworkPolicy;
  resolve: HostResolver;
  /** Base64 SHA-256 digests of public keys trusted beyond the system's (as the local browser). */
  trustedCertificates?: readonly string[];
  /** Largest body relayed; a larger one fails the request. @default 32 MiB */
  maxBytes?: number;
  /** Longest one request may take. @default 30000 */
  timeoutMs?: number;
}

/**
 * The proxy for a remote browser's contexts: loopback port 1 (tcpmux, a privileged port nothing
 * listens on), with `<-loopback>` in the bypass list so that even loopback goes to it. Whatever
 * is not relayed fails there, on the browser's host, with ERR_PROXY_CONNECTION_FAILED.
 */
export const DEAD_END_PROXY = "http://127.0.0.1:1";

/** Headers that concern only one hop, or that the browser computes from the body itself. */
const HOP_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

const spkiDigest = (certificate: Buffer) =>
  createHash("sha256")
    .update(new X509Certificate(certificate).publicKey.export({ type: "spki", format: "der" }))
    .digest("base64");

class RelayDenied extends Error {
  constructor(readonly code: Denial["code"]) {
    super(code);
  }
}

export function createRequestRelay(options: RequestRelayOptions): RequestRelay {
  const denials: Denial[] = [];
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const trusted = new Set(options.trustedCertificates ?? []);
  const underWay = new Set<ClientRequest>();
  let closed = false;

  /** Sends the request to the checked address and reads the whole answer, bounded. */
  function perform(
    url: URL,
    address: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ answer: IncomingMessage; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const https = url.protocol === "https:";
      const outgoing = (https ? httpsRequest : httpRequest)({
        host: address,
        port: Number(url.port || (https ? 443 : 80)),
        method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
        setHost: false,
        agent: false, // a connection of this render's own, closed with it
        timeout: timeoutMs,
        ...(https
          ? {
              servername: url.hostname.replace(/^\[(.*)\]$/, "$1"),
              // Checked below, where a trusted key may stand in for the chain.
              rejectUnauthorized: trusted.size === 0,
            }
          : {}),
      });
      underWay.add(outgoing);
      outgoing.once("close", () => underWay.delete(outgoing));
      outgoing.once("timeout", () => outgoing.destroy(new Error("timed out")));
      outgoing.once("error", () => reject(new RelayDenied("TARGET_UNREACHABLE")));
      if (https && trusted.size > 0) {
        outgoing.once("socket", (socket) => {
          socket.once("secureConnect", () => {
            const tls = socket as TLSSocket;
            const peer = tls.getPeerCertificate();
            if (!tls.authorized && !(peer.raw && trusted.has(spkiDigest(peer.raw)))) {
              outgoing.destroy(new Error("untrusted certificate"));
            }
          });
        });
      }
      outgoing.once("response", (answer) => {
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) outgoing.destroy(new Error("too large"));
          else chunks.push(chunk);
        });
        answer.once("end", () => resolve({ answer, body: Buffer.concat(chunks) }));
        answer.once("error", () => reject(new RelayDenied("TARGET_UNREACHABLE")));
      });
      outgoing.end(body);
    });
  }

  async function relay(request: HTTPRequest, replaced?: Record<string, string>): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url());
    } catch {
      return request.abort("addressunreachable");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return request.abort("accessdenied");
    }
    try {
      const decision = await resolveTarget(url.hostname, options.policy, options.resolve);
      if (!decision.allowed) throw new RelayDenied(decision.code);
      if (closed) return request.abort("aborted");
      const headers = Object.fromEntries(
        Object.entries(replaced ?? request.headers()).filter(
          // Asked for as is: the browser gets the bytes the site sent, with their own type.
          ([name]) =>
            !HOP_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== "accept-encoding",
        ),
      );
      // Puppeteer leaves large bodies out of the paused request: they are asked for then.
      const sent = request.hasPostData()
        ? (request.postData() ?? (await request.fetchPostData()))
        : undefined;
      const { answer, body } = await perform(
        url,
        decision.address,
        request.method(),
        headers,
        sent,
      );
      const { [DENIED_HEADER]: _forged, ...passed } = answer.headers;
      for (const name of HOP_HEADERS) delete passed[name];
      await request.respond({ status: answer.statusCode ?? 502, headers: passed, body });
    } catch (error) {
      if (closed) return request.abort("aborted");
      const code = error instanceof RelayDenied ? error.code : "TARGET_UNREACHABLE";
      denials.push({ host: url.hostname, code });
      const status = code === "TARGET_NOT_ALLOWED" ? 403 : 502;
      await request.respond({ status, headers: { [DENIED_HEADER]: code }, body: "" });
    }
  }

  return {
    denials,
    relay: (request, headers) => relay(request, headers).catch(() => {}), // the page may be gone
    close() {
      closed = true;
      for (const outgoing of underWay) outgoing.destroy();
    },
  };
}

/**
 * What a remote browser's page could otherwise do around the relay: a service worker would answer
 * the page's requests itself (its own are not paused here), and WebRTC sends UDP straight to any
 * address (a local browser is launched with a policy against it; a remote one's flags are not
 * ours). So the page's requests bypass service workers, and WebRTC is gone from every document.
 */
export async function keepInsideRelay(page: Page): Promise<void> {
  await page.setBypassServiceWorker(true);
  await page.evaluateOnNewDocument(() => {
    for (const name of [
      "RTCPeerConnection",
      "webkitRTCPeerConnection",
      "RTCDataChannel",
      "RTCRtpSender",
      "RTCRtpReceiver",
    ]) {
      Object.defineProperty(globalThis, name, { value: undefined, configurable: false });
    }
  });
}
