import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { preconnectPage, SERVICE_WORKER_SCRIPT, serviceWorkerPage } from "./escape-pages";

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
  /** How many connections reached the site, whether or not a request followed. */
  connections(): number;
  /** How many WebSocket upgrade requests reached `path` (each is refused once counted). */
  upgradeCount(path: string): number;
  close(): Promise<void>;
}

export interface FixtureSiteOptions {
  /** Serve over TLS with this key and certificate (see `createTestCertificate`). */
  tls?: { key: string; cert: string };
}

/** A page that renders the same pixels every time: flat colours, no fonts, no animation. */
const STABLE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>stable</title>
<style>
  html, body { margin: 0; height: 100%; background: #1e3a8a; }
  .band { position: absolute; left: 0; right: 0; height: 120px; }
</style></head>
<body>
  <div class="band" style="top: 80px; background: #f59e0b"></div>
  <div class="band" style="top: 280px; background: #10b981"></div>
  <div style="position:absolute; left:40px; top:440px; width:200px; height:200px; background:#ef4444"></div>
</body></html>`;

/**
 * A page for the capture options, with boxes at known places: `#box` red 200×100 at (40, 40),
 * `.ad` blue 100×100 at (300, 40), white background (black in dark mode), text in the system
 * font, and `#late`, added 300 ms after load.
 */
const OPTIONS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>options</title>
<style>
  html, body { margin: 0; background: #fff; }
  @media (prefers-color-scheme: dark) { html, body { background: #000; } }
  #box { position: absolute; left: 40px; top: 40px; width: 200px; height: 100px; background: #f00; }
  .ad { position: absolute; left: 300px; top: 40px; width: 100px; height: 100px; background: #00f; }
  p { position: absolute; left: 40px; top: 200px; font: 16px sans-serif; margin: 0; }
</style></head>
<body>
  <div id="box"></div><div class="ad"></div><p>shotcache fixture</p>
  <script>
    setTimeout(() => {
      const late = document.createElement("div");
      late.id = "late";
      document.body.append(late);
    }, 300);
  </script>
</body></html>`;

/**
 * A page for the later options: no background at all (transparent where the shot omits it),
 * `#box` red 200×100 at (40, 40) and blue in print, `#button` red 100×100 at (300, 40) that turns
 * green when clicked, `#hover` red 100×100 at (450, 40) that turns yellow under the pointer, and
 * an image (`/pixel.png?extras`).
 */
const EXTRAS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>extras</title>
<style>
  html, body { margin: 0; }
  #box { position: absolute; left: 40px; top: 40px; width: 200px; height: 100px; background: #f00; }
  @media print { #box { background: #00f; } }
  #button { position: absolute; left: 300px; top: 40px; width: 100px; height: 100px; border: 0;
    padding: 0; background: #f00; }
  #button.clicked { background: #0f0; }
  #hover { position: absolute; left: 450px; top: 40px; width: 100px; height: 100px; background: #f00; }
  #hover:hover { background: #ff0; }
  img { position: absolute; left: 0; top: 200px; }
</style></head>
<body>
  <div id="box"></div>
  <button id="button" onclick="this.classList.add('clicked')"></button>
  <div id="hover"></div>
  <img src="/pixel.png?extras" width="10" height="10" alt="">
</body></html>`;

/**
 * A page with a consent banner as OneTrust draws it: blue, 200 px tall at the bottom of the
 * viewport, with its "Reject All" button, which removes it.
 */
const CONSENT_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>consent</title>
<style>
  html, body { margin: 0; background: #fff; }
  #onetrust-banner-sdk { position: fixed; left: 0; right: 0; bottom: 0; height: 200px;
    background: #00f; }
</style></head>
<body>
  <div id="onetrust-consent-sdk">
    <div id="onetrust-banner-sdk" role="dialog">
      <button id="onetrust-accept-btn-handler">Accept All</button>
      <button id="onetrust-reject-all-handler"
        onclick="document.getElementById('onetrust-consent-sdk').remove()">Reject All</button>
    </div>
  </div>
</body></html>`;

/**
 * A page with ads as publishers place them, under a Content-Security-Policy that allows only its
 * own style sheet: an AdSense slot (red, 300×100 at the top left) with its loader script, a
 * Google Publisher Tag slot (green, 300×100 below it), an ad frame (`/ad-frame`) and, 300 ms
 * after load, an `.ad-slot` (blue, 300×100 at (400, 0)). The slots show unless hidden.
 */
const ADS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>ads</title>
<meta http-equiv="Content-Security-Policy" content="style-src 'nonce-fixture'">
<style nonce="fixture">
  html, body { margin: 0; background: #fff; }
  .adsbygoogle, [id^="div-gpt-ad"], .ad-slot { display: block; width: 300px; height: 100px; }
  .adsbygoogle { background: #f00; }
  [id^="div-gpt-ad"] { background: #0f0; }
  .ad-slot { position: absolute; left: 400px; top: 0; background: #00f; }
  iframe { border: 0; }
</style></head>
<body>
  <ins class="adsbygoogle" data-ad-client="ca-pub-0"></ins>
  <div id="div-gpt-ad-1234-0"></div>
  <p>The article.</p>
  <iframe src="/ad-frame" width="300" height="50"></iframe>
  <script async src="/pagead/js/adsbygoogle.js"></script>
  <script>
    addEventListener("load", () => setTimeout(() => {
      const late = document.createElement("div");
      late.className = "ad-slot";
      document.body.append(late);
    }, 300));
  </script>
</body></html>`;

/** A box that slides across forever, unless animations are stopped: it starts at the left. */
const ANIMATED_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>animated</title>
<style>
  html, body { margin: 0; background: #fff; }
  @keyframes slide { from { left: 0; } to { left: 600px; } }
  #mover { position: absolute; top: 0; left: 0; width: 100px; height: 100px; background: #f00;
           animation: slide 0.7s linear infinite; }
</style></head>
<body><div id="mover"></div></body></html>`;

/** A page `height` px tall whose lazy image at the bottom loads only when scrolled into view. */
function tallPage(height: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>tall</title>
<style>html, body { margin: 0; background: #fff; }</style></head>
<body><div style="height:${height - 50}px; background: linear-gradient(#fff, #ccc)"></div>
<img loading="lazy" src="/pixel.png?lazy" width="50" height="50" alt="" style="display:block">
</body></html>`;
}

/** A page that reaches out to `target` (an origin) with an image, a script, an iframe and fetch. */
function embedsPage(target: string, holdMs: number): string {
  // A slow image of the page's own holds its load event that long.
  const hold = holdMs > 0 ? `<img src="/slow?ms=${holdMs}" width="1" height="1" alt="">` : "";
  return `<!doctype html><html><head><meta charset="utf-8"><title>embeds</title>
<script src="${target}/script.js"></script></head>
<body style="margin:0; background:#fff">${hold}
<img src="${target}/image.png" width="10" height="10" alt="">
<iframe src="${target}/frame" width="10" height="10"></iframe>
<script>fetch("${target}/fetch").catch(() => {});</script>
<div style="width:100px; height:100px; background:#0a0"></div></body></html>`;
}

/** Marks the page done with `state` in `#done`, for a render that waits for that selector. */
const DONE_SCRIPT = `const done = (state) => {
  if (document.getElementById("done")) return;
  const mark = document.createElement("div");
  mark.id = "done";
  mark.textContent = state;
  document.body.append(mark);
};`;

/** A page that opens a WebSocket to `to`, and is done once it opened or failed. */
function socketPage(to: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>socket</title></head>
<body style="margin:0; background:#0a0"><script>${DONE_SCRIPT}
try {
  const socket = new WebSocket(${JSON.stringify(to)});
  socket.onopen = () => done("open");
  socket.onerror = () => done("error");
} catch (error) {
  done("refused");
}
</script></body></html>`;
}

/**
 * A page that gathers WebRTC candidates against the STUN server `stun` (`host:port`, UDP), and
 * is done with their types (or `none`) once gathering ends, 3 s at most.
 */
function webrtcPage(stun: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>webrtc</title></head>
<body style="margin:0; background:#00a"><script>${DONE_SCRIPT}
const types = [];
const finish = () => done(types.join(",") || "none");
try {
  // Where WebRTC was taken away, a page may still look for it in a fresh frame's window.
  const Connection = window.RTCPeerConnection ??
    document.body.appendChild(document.createElement("iframe")).contentWindow.RTCPeerConnection;
  const connection = new Connection({ iceServers: [{ urls: ${JSON.stringify(`stun:${stun}`)} }] });
  connection.createDataChannel("probe");
  connection.onicecandidate = (event) => (event.candidate ? types.push(event.candidate.type) : finish());
  connection.createOffer().then((offer) => connection.setLocalDescription(offer)).catch(finish);
  setTimeout(finish, 3000);
} catch {
  done("unavailable");
}
</script></body></html>`;
}

/** Seeded noise on a canvas filling the viewport: a screenshot that barely compresses. */
const NOISE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>noise</title>
<style>html, body { margin: 0; } canvas { display: block; }</style></head>
<body><canvas></canvas><script>
  const canvas = document.querySelector("canvas");
  canvas.width = innerWidth; canvas.height = innerHeight;
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  let state = 7;
  for (let i = 0; i < image.data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    image.data[i] = i % 4 === 3 ? 255 : state >>> 24;
  }
  context.putImageData(image, 0, 0);
</script></body></html>`;

/** A 1×1 opaque PNG. */
const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
  "base64",
);

/**
 * A page whose colour changes on every load, so each render gives different bytes; a dark band
 * keeps it from being one colour (which the renderer reports as blank, never cached).
 */
function changingPage(load: number): string {
  const hue = (load * 47) % 360;
  return `<!doctype html><html><head><meta charset="utf-8"><title>changing ${load}</title></head>
<body style="margin:0; height:100vh; background: hsl(${hue} 70% 50%)">
<div style="position:absolute; left:0; right:0; top:40px; height:80px; background:#111827"></div>
</body></html>`;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * A page that remembers being seen: it gets a cookie from its answer (which the next request for
 * it sends back) and sets one of its own, stores an item in localStorage and loads `/cached.png`,
 * an image the browser may keep for an hour. It paints its background green when it finds nothing
 * from an earlier load, red when it finds its script's cookie or the stored item.
 */
const REMEMBER_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>remember</title>
<style>html, body { margin: 0; height: 100%; }</style></head>
<body>
<img src="/cached.png" width="1" height="1" alt="">
<script>
  // The answer's own cookie is this load's: only the script's cookie tells of an earlier one.
  const remembered = document.cookie.includes("scripted=") || localStorage.getItem("seen") !== null;
  document.cookie = "scripted=1; max-age=3600; path=/";
  localStorage.setItem("seen", "1");
  document.body.style.background = remembered ? "#ff0000" : "#008000";
</script>
</body></html>`;

/**
 * The local web site that tests capture, on 127.0.0.1 and a free port:
 * - `/stable` (and `/`): identical pixels on every load; `/changing`: a new colour every load;
 * - `/options`, `/extras`, `/consent`, `/ads`, `/animated`, `/tall?height=N`: pages for the
 *   capture options;
 * - `/noise`: seeded noise filling the viewport (a screenshot that barely compresses);
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
  let connections = 0;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    const path = url.pathname;
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    headers.set(path, request.headers);
    const param = (name: string) => url.searchParams.get(name) ?? "";

    if (path === "/" || path === "/stable") return send(response, 200, STABLE_PAGE);
    if (path === "/changing") return send(response, 200, changingPage(count));
    if (path === "/options") return send(response, 200, OPTIONS_PAGE);
    if (path === "/extras") return send(response, 200, EXTRAS_PAGE);
    if (path === "/consent") return send(response, 200, CONSENT_PAGE);
    if (path === "/ads") return send(response, 200, ADS_PAGE);
    if (path === "/animated") return send(response, 200, ANIMATED_PAGE);
    if (path === "/noise") return send(response, 200, NOISE_PAGE);
    if (path === "/tall") return send(response, 200, tallPage(Number(param("height")) || 3000));
    if (path === "/embeds") {
      return send(response, 200, embedsPage(param("target"), Number(param("hold")) || 0));
    }
    if (path === "/socket") return send(response, 200, socketPage(param("to")));
    if (path === "/webrtc") return send(response, 200, webrtcPage(param("stun")));
    if (path === "/service-worker") {
      return send(response, 200, serviceWorkerPage(DONE_SCRIPT, param("target")));
    }
    if (path === "/sw.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      return response.end(SERVICE_WORKER_SCRIPT);
    }
    if (path === "/preconnect")
      return send(response, 200, preconnectPage(DONE_SCRIPT, param("target")));
    if (path === "/remember") {
      response.setHeader("set-cookie", "answered=1; Max-Age=3600; Path=/");
      return send(response, 200, REMEMBER_PAGE);
    }
    if (path === "/cached.png") {
      response.writeHead(200, { "content-type": "image/png", "cache-control": "max-age=3600" });
      return response.end(PIXEL_PNG);
    }
    if (path === "/pixel.png") {
      response.writeHead(200, { "content-type": "image/png" });
      return response.end(PIXEL_PNG);
    }
    if (path === "/redirect") {
      response.writeHead(302, { location: param("to") });
      return response.end();
    }
    if (path === "/slow") {
      const timer = setTimeout(() => send(response, 200, STABLE_PAGE), Number(param("ms")) || 1000);
      response.once("close", () => clearTimeout(timer));
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
    if (status) return send(response, Number(status), `<h1>${status}</h1>`);
    return send(response, 404, "<h1>not found</h1>");
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
    connections: () => connections,
    upgradeCount: (path) => upgrades.get(path) ?? 0,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
