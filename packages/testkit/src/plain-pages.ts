/**
 * The fixture pages whose bytes or pixels tests compare from one render to the next: stable,
 * changing, noise; and a page that tells whether a render remembered an earlier one.
 */

/** A page that renders the same pixels every time: flat colours, no fonts, no animation. */
export const STABLE_PAGE = `<!doctype html>
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

/** Seeded noise on a canvas filling the viewport: a screenshot that barely compresses. */
export const NOISE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>noise</title>
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
export const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
  "base64",
);

/**
 * A page whose colour changes on every load, so each render gives different bytes; a dark band
 * keeps it from being one colour (which the renderer reports as blank, never cached).
 */
export function changingPage(load: number): string {
  const hue = (load * 47) % 360;
  return `<!doctype html><html><head><meta charset="utf-8"><title>changing ${load}</title></head>
<body style="margin:0; height:100vh; background: hsl(${hue} 70% 50%)">
<div style="position:absolute; left:0; right:0; top:40px; height:80px; background:#111827"></div>
</body></html>`;
}

/**
 * A page that remembers being seen: it gets a cookie from its answer (which the next request for
 * it sends back) and sets one of its own, stores an item in localStorage and loads `/cached.png`,
 * an image the browser may keep for an hour. It paints its background green when it finds nothing
 * from an earlier load, red when it finds its script's cookie or the stored item.
 */
export const REMEMBER_PAGE = `<!doctype html>
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
