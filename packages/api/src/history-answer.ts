/** @module The history of a variant as REST and tRPC answer it. */
import {
  CaptureError,
  type CaptureOptions,
  type HistoryService,
  queryPairs,
  type VersionReport,
} from "@shotcache/core";

/** The query that names `options`' variant, its masks included (they pick the ratios). */
function variantQuery(options: CaptureOptions): URLSearchParams {
  const { refresh: _refresh, noCache: _noCache, ...named } = options;
  return new URLSearchParams(queryPairs(named));
}

/** The versions, each with the URL (on `origin`) that serves its image. */
export function historyAnswer(versions: VersionReport[], options: CaptureOptions, origin: string) {
  const base = `${origin}/api/v1/history/image?${variantQuery(options)}`;
  return {
    versions: versions.map((version) => ({
      etag: version.etag,
      capturedAt: new Date(version.capturedAt).toISOString(),
      changeRatio: version.changeRatio,
      image: `${base}&etag=${encodeURIComponent(version.etag)}`,
    })),
  };
}

/** The history service, or the coded error of a server that keeps no versions. */
export function historyOf(context: { history?: HistoryService }): HistoryService {
  if (context.history) return context.history;
  throw new CaptureError("VERSION_NOT_FOUND", "This server keeps no versions.", { field: "url" });
}
