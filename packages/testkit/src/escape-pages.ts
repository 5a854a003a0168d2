/**
 * Fixture pages that reach for a target in ways a browser's request interception does not see:
 * a service worker's own requests, and connections opened ahead (preconnect, DNS prefetch).
 * Each marks `#done` (by the script the caller passes) once it has tried.
 */

/** A page that registers `/sw.js`, whose install and fetch handlers fetch `target`. */
export function serviceWorkerPage(doneScript: string, target: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>service worker</title></head>
<body><script>${doneScript}
navigator.serviceWorker
  .register("/sw.js?target=" + encodeURIComponent(${JSON.stringify(target)}))
  .then(() => navigator.serviceWorker.ready)
  .then(() => done("registered"), () => done("refused"));
setTimeout(() => done("timeout"), 3000);
</script></body></html>`;
}

/** The worker: fetches the target when installed, and answers every fetch from the target. */
export const SERVICE_WORKER_SCRIPT = `const target = new URL(location).searchParams.get("target");
self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(fetch(target + "/sw-install").catch(() => {}));
});
self.addEventListener("activate", (event) => event.waitUntil(clients.claim()));
self.addEventListener("fetch", (event) =>
  event.respondWith(fetch(target + "/sw-fetch").catch(() => new Response("refused"))),
);`;

/** A page that asks the browser to connect to `target` ahead of any request. */
export function preconnectPage(doneScript: string, target: string): string {
  const href = JSON.stringify(target);
  return `<!doctype html><html><head><meta charset="utf-8"><title>preconnect</title>
<link rel="preconnect" href=${href}><link rel="dns-prefetch" href=${href}></head>
<body><script>${doneScript}
setTimeout(() => done("waited"), 1000);
</script></body></html>`;
}
