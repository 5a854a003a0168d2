import {
  type CaptureOptions,
  type CaptureServiceOptions,
  contentTypeOf,
  createCaptureService,
  type RenderedImage,
  type Renderer,
} from "@shotcache/core";
import { createMemoryStore } from "@shotcache/store";
import { type AccessPolicy, OPEN_ACCESS } from "../src/access";
import type { ApiContext } from "../src/context";

/**
 * A renderer that draws nothing: its "image" is the options as text, so equal options give equal
 * bytes. Lets the API's own logic be tested in milliseconds; the real browser path is tested
 * end to end in apps/web.
 */
export interface TextRenderer extends Renderer {
  renders: number;
  /** When set, the next renders reject with it. */
  failWith: Error | undefined;
}

export function createTextRenderer(): TextRenderer {
  const renderer: TextRenderer = {
    renders: 0,
    failWith: undefined,
    async render(options: CaptureOptions): Promise<RenderedImage> {
      renderer.renders++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (renderer.failWith) throw renderer.failWith;
      return {
        bytes: new TextEncoder().encode(JSON.stringify(options)),
        contentType: contentTypeOf(options.format),
      };
    },
    async close() {},
  };
  return renderer;
}

/** An API context over a real memory store and the text renderer. */
export function createTestContext(
  overrides: Partial<CaptureServiceOptions> = {},
  access: AccessPolicy = OPEN_ACCESS,
) {
  const renderer = createTextRenderer();
  const store = overrides.store ?? createMemoryStore();
  const unexpected: unknown[] = [];
  const context: ApiContext = {
    captureService: createCaptureService({ store, renderer, ...overrides }),
    storeKind: store.kind,
    access,
    onUnexpectedError: (error) => unexpected.push(error),
  };
  return { context, renderer, store, unexpected };
}
