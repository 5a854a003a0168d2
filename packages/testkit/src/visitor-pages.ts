/** @module Pages that show what a page sees of its visitor, and text in scripts that need fonts. */
import { DONE_SCRIPT } from "./probe-pages";

/**
 * Reports, as the query of a request to `/visitor-report`, what the page sees: its time zone,
 * a date's local hour, its languages, the `Accept-Language` its own requests carry (the site
 * records that), and the position it is given, if any (or why not). Marks `#done` once reported.
 */
export const VISITOR_PAGE = `<!doctype html><html><body>
<h1>visitor</h1>
<script>${DONE_SCRIPT}
const report = (position) => {
  const facts = new URLSearchParams({
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    hourAtEpoch: String(new Date(0).getHours()),
    language: navigator.language,
    languages: navigator.languages.join(","),
    position,
  });
  fetch("/visitor-report?" + facts).finally(() => done("reported"));
};
if (new URLSearchParams(location.search).has("position")) {
  navigator.geolocation.getCurrentPosition(
    ({ coords }) => report([coords.latitude, coords.longitude, coords.accuracy].join(",")),
    (error) => report("refused:" + error.code),
    { timeout: 3000 },
  );
} else {
  report("not asked");
}
</script></body></html>`;

/**
 * Two CJK characters, a Hangul syllable and an emoji, each alone in a white 100×100 box at a known
 * place (x = 0, 100, 200, 300; y = 0), black on white: with the fonts, two glyphs that differ and
 * an emoji in colour; without them, the same empty box twice and a black outline or none.
 */
export const SCRIPTS_PAGE = `<!doctype html><html><head><style>
html, body { margin: 0; background: #fff; }
span { position: absolute; top: 0; width: 100px; height: 100px; font-size: 72px;
  line-height: 100px; text-align: center; color: #000; }
</style></head><body>
<span style="left:0">永</span><span style="left:100px">愛</span>
<span style="left:200px">한</span><span style="left:300px">😀</span>
</body></html>`;

/**
 * A page with every tag a link preview reads, its URLs relative (the metadata must make them
 * absolute), three icons of which the 192 px one is the best, and tags that lose to better ones
 * (Twitter's title, the plain description).
 */
export const METADATA_PAGE = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Plain title</title>
<meta property="og:title" content="Open Graph title">
<meta name="twitter:title" content="Twitter title">
<meta name="description" content="Plain description">
<meta property="og:description" content="Open Graph description">
<meta property="og:image" content="/images/card.png">
<meta name="theme-color" content="#0a7">
<link rel="canonical" href="/metadata">
<link rel="icon" href="/icons/16.png" sizes="16x16">
<link rel="apple-touch-icon" href="/icons/192.png" sizes="192x192">
<link rel="icon" href="/icons/32.png" sizes="32x32">
</head><body><h1>metadata</h1></body></html>`;
