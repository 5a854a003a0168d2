/**
 * Where a render's time went, in ms, step by step: what a profile of the render path would show,
 * kept by every render for measurements (`pnpm bench`) and for whoever watches the renderer.
 */
export interface RenderTimings {
  /** Waiting for a browser and a context: nothing when one was made ready ahead. */
  ready: number;
  /** Setting the page up before navigation: screen, interception, banners, CSP. */
  setup: number;
  /** From navigation to the page's `waitUntil` event. */
  navigation: number;
  /** Waits, actions and injections, then fonts and images settling. */
  settle: number;
  /** Chromium's screenshot or PDF: a fresh frame drawn and read back, then encoded. */
  shot: number;
  /** The blank check, and resizing or encoding where the format needs it. */
  check: number;
}

export type RenderPhase = keyof RenderTimings;

/** Adds the time since the last step ended to each step as it ends. */
export class RenderClock {
  readonly timings: RenderTimings = {
    ready: 0,
    setup: 0,
    navigation: 0,
    settle: 0,
    shot: 0,
    check: 0,
  };
  #last = performance.now();

  end(phase: RenderPhase): void {
    const now = performance.now();
    this.timings[phase] += now - this.#last;
    this.#last = now;
  }
}
