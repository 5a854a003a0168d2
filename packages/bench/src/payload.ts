import type { Renderer } from "@shotcache/core";

/** The cached image of the hit benchmarks: 120 KB of seeded noise (it does not compress). */
export function payload(bytes = 120 * 1024, seed = 7): Uint8Array {
  const data = new Uint8Array(bytes);
  let state = seed;
  for (let index = 0; index < bytes; index++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    data[index] = state >>> 24;
  }
  return data;
}

/**
 * A renderer that returns stored bytes instead of opening a page: for figures that measure the
 * cache and the HTTP path, where a browser would only add noise. Each URL gets its own bytes.
 */
export function stubRenderer(size = 120 * 1024): Renderer & { renders: number } {
  const renderer = {
    renders: 0,
    async render(options: { url: string }) {
      renderer.renders++;
      let seed = 0;
      for (const char of options.url) seed = (seed * 31 + char.charCodeAt(0)) >>> 0;
      return { bytes: payload(size, seed), contentType: "image/png" };
    },
    async close() {},
  };
  return renderer;
}
