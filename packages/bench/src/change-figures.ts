/**
 * @module The cost of the visual change measure: two page-like images compared, on this thread
 * and in the worker pool, beside decoding them alone (what any pixel comparison must pay); and
 * what the event loop feels of it either way.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { captureOptionsSchema, createCaptureService } from "@shotcache/core";
import { ALLOW_ALL, createPuppeteerRenderer, findBrowserExecutable } from "@shotcache/renderer";
import { createMemoryStore } from "@shotcache/store";
import type { FixtureSite } from "@shotcache/testkit";
import { createChangeMeter, measureChange } from "@shotcache/visual-change";
import sharp from "sharp";
import { inTurns, median, timed } from "./measure";
import type { Recorder } from "./recorder";

const RUNS = 15;

/**
 * A page-like PNG: a header, lines of text and coloured blocks down its height; `variant` moves
 * the blocks' colours, as a rotating banner would.
 */
async function pageImage(width: number, height: number, variant: number): Promise<Uint8Array> {
  const parts = [`<rect width="${width}" height="64" fill="#1f2937"/>`];
  for (let y = 100; y < height - 40; y += 28) {
    const words = 8 + ((y / 28) % 5);
    parts.push(
      `<text x="40" y="${y}" font-family="sans-serif" font-size="16" fill="#111">${"Lorem ipsum dolor sit amet ".repeat(words).slice(0, 120)}</text>`,
    );
    if ((y - 100) % (28 * 25) === 0) {
      const hue = (y + variant * 90) % 360;
      parts.push(
        `<rect x="${width - 360}" y="${y}" width="320" height="200" fill="hsl(${hue},60%,50%)"/>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${parts.join("")}</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** The median of RUNS runs of `task`, in ms, and the longest event-loop stall they caused. */
async function cost(task: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await timed(task));
  stalls.disable();
  return { ms: median(times), stallMs: stalls.max / 1e6 };
}

/**
 * REFRESH renders of a page that changes at every render, through the capture service: with
 * versions kept and each change measured after its answer (in the worker, beside the next
 * render), and with none; in turns, the median of each side.
 */
async function refreshLatency(site: FixtureSite) {
  const executablePath = await findBrowserExecutable(process.env);
  const renderer = createPuppeteerRenderer({ executablePath, network: ALLOW_ALL });
  const meter = createChangeMeter();
  const services = {
    on: createCaptureService({ store: createMemoryStore(), renderer, changeMeter: meter }),
    off: createCaptureService({ store: createMemoryStore(), renderer, historyVersions: 0 }),
  };
  let colour = 0;
  const refresh = (service: (typeof services)["on"], page: string) => {
    site.setScene({ blockColor: colour++ % 2 === 0 ? "#3366cc" : "#cc3333" });
    const options = captureOptionsSchema.parse({ url: site.url(page), refresh: true });
    return timed(() => service.capture(options));
  };
  try {
    for (let i = 0; i < 3; i++) {
      await refresh(services.on, "/scene?history=on");
      await refresh(services.off, "/scene?history=off");
    }
    const { a: on, b: off } = await inTurns(
      20,
      () => refresh(services.on, "/scene?history=on"),
      () => refresh(services.off, "/scene?history=off"),
    );
    await services.on.idle();
    return { on: median(on), off: median(off) };
  } finally {
    await meter.close();
    await renderer.close();
  }
}

export async function changeFigures({ report, notes }: Recorder, site: FixtureSite): Promise<void> {
  const latency = await refreshLatency(site);
  report({
    figure: "REFRESH latency, a page that changes at every render, versions kept and measured",
    ours: `${latency.on.toFixed(0)} ms (history on: each change measured after its answer)`,
    baseline: `${latency.off.toFixed(0)} ms (SHOTCACHE_HISTORY_VERSIONS=0)`,
    ratio: latency.on / latency.off,
    target: "≤ 1.1 × off",
    met: latency.on / latency.off <= 1.1,
  });
  const meter = createChangeMeter();
  try {
    for (const [width, height, target] of [
      [1280, 720, 30],
      [1280, 8000, undefined],
    ] as const) {
      const [before, after] = await Promise.all([0, 1].map((v) => pageImage(width, height, v)));
      const input = { before: before as Uint8Array, after: after as Uint8Array };
      await meter.compare(input); // the thread started, the worker's code loaded
      const decode = await cost(() =>
        Promise.all([before, after].map((image) => sharp(image).ensureAlpha().raw().toBuffer())),
      );
      const here = await cost(() => measureChange(input));
      const pooled = await cost(() => meter.compare(input));
      const { ratio } = await measureChange(input);
      report({
        figure: `change measure, two ${width}×${height} PNGs (change ${(ratio * 100).toFixed(1)}%)`,
        ours: `${pooled.ms.toFixed(1)} ms in the worker (loop stalled ≤ ${pooled.stallMs.toFixed(0)} ms); ${here.ms.toFixed(1)} ms on the main thread (stalled ≤ ${here.stallMs.toFixed(0)} ms)`,
        baseline: `${decode.ms.toFixed(1)} ms decoding both alone`,
        ratio: pooled.ms / decode.ms,
        target: target ? `≤ ${target} ms` : "—",
        met: target ? pooled.ms <= target : undefined,
      });
    }
  } finally {
    await meter.close();
  }
  notes.push(
    "Change measure: page-like PNGs drawn by sharp (text lines and coloured blocks whose colours differ between the two); the median of 15 runs each. The worker's figure includes handing the images to the thread and the answer back; the stall is the event loop's longest delay meanwhile (monitorEventLoopDelay), which decoding on the main thread still causes in part, since sharp decodes off the loop but pixelmatch runs on it.",
  );
}
