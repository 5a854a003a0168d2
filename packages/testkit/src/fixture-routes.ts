import type { ServerResponse } from "node:http";
import { preconnectPage, SERVICE_WORKER_SCRIPT, serviceWorkerPage } from "./escape-pages";
import {
  ADS_PAGE,
  ANIMATED_PAGE,
  consentPage,
  EXTRAS_PAGE,
  OPTIONS_PAGE,
  tallPage,
} from "./option-pages";
import { changingPage, NOISE_PAGE, PIXEL_PNG, REMEMBER_PAGE, STABLE_PAGE } from "./plain-pages";
import { DONE_SCRIPT, embedsPage, socketPage, webrtcPage } from "./probe-pages";
import { type Scene, scenePage } from "./scene-page";
import { METADATA_PAGE, SCRIPTS_PAGE, VISITOR_PAGE } from "./visitor-pages";

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * Answers one request of the fixture site (its paths are listed on startFixtureSite). `load` is
 * how many requests have reached this path, this one included: `/changing` draws its colour from it;
 * `scene` is what `/scene` shows now.
 */
export function answerFixtureRequest(
  url: URL,
  load: number,
  response: ServerResponse,
  scene: Scene,
) {
  const path = url.pathname;
  const param = (name: string) => url.searchParams.get(name) ?? "";

  if (path === "/" || path === "/stable") return send(response, 200, STABLE_PAGE);
  if (path === "/changing") return send(response, 200, changingPage(load));
  if (path === "/options") return send(response, 200, OPTIONS_PAGE);
  if (path === "/extras") return send(response, 200, EXTRAS_PAGE);
  if (path === "/consent") return send(response, 200, consentPage(url.searchParams.has("stuck")));
  if (path === "/ads") return send(response, 200, ADS_PAGE);
  if (path === "/animated") return send(response, 200, ANIMATED_PAGE);
  if (path === "/noise") return send(response, 200, NOISE_PAGE);
  if (path === "/visitor") return send(response, 200, VISITOR_PAGE);
  if (path === "/scripts") return send(response, 200, SCRIPTS_PAGE);
  if (path === "/scene") return send(response, 200, scenePage(scene));
  if (path === "/metadata") return send(response, 200, METADATA_PAGE);
  if (path === "/visitor-report") {
    response.writeHead(204);
    return response.end();
  }
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
}
