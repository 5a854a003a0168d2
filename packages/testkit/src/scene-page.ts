/** @module A page whose parts a test changes between renders, at one URL: for the change measure. */

export interface Scene {
  /** The text of `#clock`, a 200×40 box 20 px from the viewport's top right corner. */
  clock: string;
  /** A block from the top left corner, the full viewport's height, this share of its width. */
  blockShare: number;
  blockColor: string;
}

export const DEFAULT_SCENE: Scene = { clock: "10:00:00", blockShare: 0.5, blockColor: "#3366cc" };

export const scenePage = (scene: Scene) => `<!doctype html><html><head><style>
html, body { margin: 0; height: 100%; background: #fff; overflow: hidden; }
#block { position: absolute; left: 0; top: 0; width: ${scene.blockShare * 100}vw; height: 100vh;
  background: ${scene.blockColor}; }
#clock { position: absolute; right: 20px; top: 20px; width: 200px; height: 40px;
  font: 32px/40px monospace; color: #000; }
</style></head><body><div id="block"></div><div id="clock">${scene.clock}</div></body></html>`;
