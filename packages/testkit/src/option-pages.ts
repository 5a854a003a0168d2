/**
 * The fixture pages of the capture options: boxes, banners, ads and motion at known places, so
 * a test can tell from the pixels whether an option took effect.
 */

/**
 * A page for the capture options, with boxes at known places: `#box` red 200×100 at (40, 40),
 * `.ad` blue 100×100 at (300, 40), white background (black in dark mode), text in the system
 * font, and `#late`, added 300 ms after load.
 */
export const OPTIONS_PAGE = `<!doctype html>
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
export const EXTRAS_PAGE = `<!doctype html>
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
 * viewport, with its "Reject All" button, which removes it; `stuck`: a button that does nothing
 * (a broken site), so the banner stays after "reject" was clicked.
 */
export const consentPage = (stuck: boolean) => `<!doctype html>
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
        ${stuck ? "" : `onclick="document.getElementById('onetrust-consent-sdk').remove()"`}>Reject All</button>
    </div>
  </div>
</body></html>`;

/**
 * A page with ads as publishers place them, under a Content-Security-Policy that allows only its
 * own style sheet: an AdSense slot (red, 300×100 at the top left) with its loader script, a
 * Google Publisher Tag slot (green, 300×100 below it), an ad frame (`/ad-frame`) and, 300 ms
 * after load, an `.ad-slot` (blue, 300×100 at (400, 0)). The slots show unless hidden.
 */
export const ADS_PAGE = `<!doctype html>
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
export const ANIMATED_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>animated</title>
<style>
  html, body { margin: 0; background: #fff; }
  @keyframes slide { from { left: 0; } to { left: 600px; } }
  #mover { position: absolute; top: 0; left: 0; width: 100px; height: 100px; background: #f00;
           animation: slide 0.7s linear infinite; }
</style></head>
<body><div id="mover"></div></body></html>`;

/** A page `height` px tall whose lazy image at the bottom loads only when scrolled into view. */
export function tallPage(height: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>tall</title>
<style>html, body { margin: 0; background: #fff; }</style></head>
<body><div style="height:${height - 50}px; background: linear-gradient(#fff, #ccc)"></div>
<img loading="lazy" src="/pixel.png?lazy" width="50" height="50" alt="" style="display:block">
</body></html>`;
}
