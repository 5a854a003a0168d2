import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { answerFixtureRequest } from "./fixture-routes";
import { DEFAULT_SCENE, type Scene } from "./scene-page";

export interface FixtureSite {
  /** `http://127.0.0.1:PORT`, or `https://` when served over TLS. */
  origin: string;
  port: number;
  /** Absolute URL of a fixture path, e.g. `site.url("/stable")`. */
  url(path: string): string;
  /** How many requests reached `path` (query string ignored). */
  requestCount(path: string): number;
  /** How many requests reached the site at all. */
  totalRequests(): number;
  /** Headers of the last request to `path`. */
  lastHeaders(path: string): IncomingHttpHeaders | undefined;
  /** Query of the last request to `path`. */
  lastQuery(path: string): URLSearchParams | undefined;
  /** How many connections reached the site, whether or not a request followed. */
  connections(): number;
  /** How many WebSocket upgrade requests reached `path` (each is refused once counted). */
  upgradeCount(path: string): number;
  /** Changes what `/scene` shows from the next load on (the URL stays the same). */
  setScene(scene: Partial<Scene>): void;
  close(): Promise<void>;
}

export interface FixtureSiteOptions {
  /** Serve over TLS with this key and certificate (see `createTestCertificate`). */
  tls?: { key: string; cert: string };
}

/**
 * The local web site that tests capture, on 127.0.0.1 and a free port:
 * - `/stable` (and `/`): identical pixels on every load; `/changing`: a new colour every load;
 * - `/options`, `/extras`, `/consent`, `/ads`, `/animated`, `/tall?height=N`: pages for the
 *   capture options;
 * - `/noise`: seeded noise filling the viewport (a screenshot that barely compresses);
 * - `/visitor` (`?position` to ask for one): reports its time zone, languages and position to
 *   `/visitor-report`, then marks `#done`; `/scripts`: CJK, Hangul and an emoji in boxes;
 * - `/metadata`: every tag a link preview reads, with relative URLs;
 * - `/scene`: a clock (`#clock`) and a coloured block, which `setScene` changes between loads;
 * - `/embeds?target=ORIGIN`: a page whose image, script, iframe and fetch go to ORIGIN (with
 *   `&hold=MS`, an image of its own holds its load event that long);
 * - `/redirect?to=URL`: a 302 to URL; `/slow?ms=N`: a page answered after N ms;
 * - `/status/<code>`: answers with that status; `/pixel.png`: a 1×1 PNG;
 * - `/remember`: green unless it finds a cookie or stored item of an earlier load (then red), and
 *   loads `/cached.png`, which a browser may cache for an hour;
 * - `/socket?to=URL`: opens a WebSocket to URL; `/webrtc?stun=HOST:PORT`: gathers WebRTC
 *   candidates against that STUN server; `/service-worker?target=ORIGIN`: a service worker that
 *   fetches ORIGIN; `/preconnect?target=ORIGIN`: preconnects to ORIGIN; each marks `#done`.
 * Every request, connection and WebSocket upgrade is counted, so a test can prove what was never
 * reached. With `tls`, the same site over https.
 */
export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const counts = new Map<string, number>();
  const upgrades = new Map<string, number>();
  const headers = new Map<string, IncomingHttpHeaders>();
  const queries = new Map<string, URLSearchParams>();
  let connections = 0;
  let scene = DEFAULT_SCENE;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    const path = url.pathname;
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    headers.set(path, request.headers);
    queries.set(path, url.searchParams);
    answerFixtureRequest(url, count, response, scene);
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createServer(handle);
  // Every TCP connection, counted before any TLS handshake or request.
  server.on("connection", () => connections++);
  server.on("upgrade", (request: IncomingMessage, socket) => {
    const path = new URL(request.url ?? "/", "http://fixture").pathname;
    upgrades.set(path, (upgrades.get(path) ?? 0) + 1);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path) => new URL(path, origin).href,
    requestCount: (path) => counts.get(path) ?? 0,
    totalRequests: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    lastHeaders: (path) => headers.get(path),
    lastQuery: (path) => queries.get(path),
    connections: () => connections,
    upgradeCount: (path) => upgrades.get(path) ?? 0,
    setScene: (change) => {
      scene = { ...scene, ...change };
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
