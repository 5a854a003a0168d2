import type { CaptureResult } from "@shotcache/core";

/** A page's link-preview facts as a render stored them (the renderer's `format=metadata`). */
export interface PageMetadata {
  url: string;
  finalUrl: string;
  statusCode: number | null;
  title: string | null;
  description: string | null;
  lang: string | null;
  canonical: string | null;
  image: string | null;
  icon: string | null;
  themeColor: string | null;
}

/** What the metadata endpoints answer: the stored facts, and when the page was read. */
export type MetadataAnswer = PageMetadata & { capturedAt: string };

export function metadataAnswer(result: CaptureResult): MetadataAnswer {
  const metadata = JSON.parse(new TextDecoder().decode(result.bytes)) as PageMetadata;
  return { ...metadata, capturedAt: new Date(result.capturedAt).toISOString() };
}
