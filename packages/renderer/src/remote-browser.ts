import puppeteer, { type Browser } from "puppeteer";

/** Longest wait for a remote browser to answer: an endpoint that cannot be reached never hangs. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest a single DevTools call may take; renders have shorter deadlines of their own. */
const PROTOCOL_TIMEOUT_MS = 120_000;

/** A browser elsewhere, reached over the DevTools protocol (browserless, a Chrome on another host). */
export interface RemoteBrowserEndpoint {
  /** A `ws://`/`wss://` DevTools endpoint, or an `http(s)://host:port` whose `/json/version` names it. */
  url: string;
  /** Sent as the connection's `Authorization` header (Cloudflare's `Bearer …`). */
  authorization?: string;
}

const headersOf = (endpoint: RemoteBrowserEndpoint): Record<string, string> =>
  endpoint.authorization ? { authorization: endpoint.authorization } : {};

/**
 * The WebSocket endpoint of `endpoint`: itself when it is one, else the one its `/json/version`
 * names, asked with the same credentials (the URL's query, and the Authorization header).
 */
async function webSocketEndpointOf(
  endpoint: RemoteBrowserEndpoint,
  signal: AbortSignal,
): Promise<string> {
  const url = new URL(endpoint.url);
  if (url.protocol === "ws:" || url.protocol === "wss:") return endpoint.url;
  const version = new URL("/json/version", url);
  version.search = url.search;
  const answer = await fetch(version, { headers: headersOf(endpoint), signal });
  if (!answer.ok) throw new Error(`${version.host}/json/version answered ${answer.status}`);
  const { webSocketDebuggerUrl } = (await answer.json()) as { webSocketDebuggerUrl?: string };
  if (!webSocketDebuggerUrl) throw new Error(`${version.host}/json/version names no endpoint`);
  // Some hosts name their own address as they see it; the credentials are kept either way.
  const socket = new URL(webSocketDebuggerUrl);
  if (!socket.search) socket.search = url.search;
  return socket.toString();
}

/**
 * Connects to a remote browser, giving up after `CONNECT_TIMEOUT_MS`. A connection that arrives
 * after the caller gave up is closed at once, never left open.
 */
export async function connectRemoteBrowser(endpoint: RemoteBrowserEndpoint): Promise<Browser> {
  const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  const connecting = webSocketEndpointOf(endpoint, signal).then((browserWSEndpoint) =>
    puppeteer.connect({
      browserWSEndpoint,
      headers: headersOf(endpoint),
      protocolTimeout: PROTOCOL_TIMEOUT_MS,
    }),
  );
  const timedOut = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(new Error(`no answer from the remote browser in ${CONNECT_TIMEOUT_MS} ms`));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
  try {
    return await Promise.race([connecting, timedOut]);
  } catch (error) {
    void connecting.then((late) => late.disconnect()).catch(() => {});
    throw error;
  }
}
