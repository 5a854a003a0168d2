import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FixtureSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Absolute URL of a fixture path, e.g. `site.url("/stable")`. */
  url(path: string): string;
  /** How many requests reached `path` (query string ignored). */
  requestCount(path: string): number;
  close(): Promise<void>;
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

/** A page whose colour changes on every load, so each render gives different bytes. */
function changingPage(load: number): string {
  const hue = (load * 47) % 360;
  return `<!doctype html><html><head><meta charset="utf-8"><title>changing ${load}</title></head>
<body style="margin:0; height:100vh; background: hsl(${hue} 70% 50%)"></body></html>`;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * The local web site that tests capture, on 127.0.0.1 and a free port:
 * - `/stable` (and `/`): identical pixels on every load;
 * - `/changing`: a different colour on every load;
 * - `/status/<code>`: answers with that HTTP status.
 */
export async function startFixtureSite(): Promise<FixtureSite> {
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://fixture").pathname;
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);

    if (path === "/" || path === "/stable") return send(response, 200, STABLE_PAGE);
    if (path === "/changing") return send(response, 200, changingPage(count));
    const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
    if (status) return send(response, Number(status), `<h1>${status}</h1>`);
    return send(response, 404, "<h1>not found</h1>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => new URL(path, origin).href,
    requestCount: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
