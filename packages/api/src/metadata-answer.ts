import type { CaptureResult, PageMetadata } from "@shotcache/core";

/** What the metadata endpoints answer: the stored facts, and when the page was read. */
export type MetadataAnswer = PageMetadata & { capturedAt: string };

export function metadataAnswer(result: CaptureResult): MetadataAnswer {
  const metadata = JSON.parse(new TextDecoder().decode(result.bytes)) as PageMetadata;
  return { ...metadata, capturedAt: new Date(result.capturedAt).toISOString() };
}
