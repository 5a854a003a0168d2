import type { Capture } from "@shotcache/sdk";
import { formatPercent, formatTime } from "./format";

/**
 * Whether the image changed since the variant's previous version, and by how much once measured
 * (`X-Content-Changed`, `X-Content-Change-Ratio`).
 */
function changeText({ changed, changeRatio }: Capture["cache"]): string {
  if (changed === null) return "— (no version before)";
  const ratio = changeRatio === null ? "" : `, ${formatPercent(changeRatio)}`;
  return `${changed ? "yes" : "no"}${ratio}`;
}

/** Everything the server said about how a capture was answered. */
export function CaptureFacts({ capture, elapsedMs }: { capture: Capture; elapsedMs: number }) {
  const { cache } = capture;
  return (
    <dl className="facts">
      <dt>X-Cache</dt>
      <dd data-testid="x-cache">{cache.status}</dd>
      {cache.reason && (
        <>
          <dt>Reason</dt>
          <dd data-testid="reason">{cache.reason}</dd>
        </>
      )}
      <dt>Age</dt>
      <dd data-testid="age">{cache.ageSeconds} s</dd>
      <dt>TTL</dt>
      <dd data-testid="ttl">{cache.ttlSeconds} s</dd>
      <dt>Changed</dt>
      <dd data-testid="changed">{changeText(cache)}</dd>
      <dt>Bytes from</dt>
      <dd data-testid="bytes-from">
        {cache.fromClientCache ? "this browser (304)" : "the server"}
      </dd>
      <dt>Size</dt>
      <dd data-testid="size">{capture.bytes.byteLength.toLocaleString("en")} bytes</dd>
      <dt>ETag</dt>
      <dd data-testid="etag">{capture.etag}</dd>
      <dt>Captured</dt>
      <dd data-testid="captured-at">{formatTime(cache.capturedAt)}</dd>
      <dt>Render time</dt>
      <dd data-testid="render-time">
        {cache.renderMs === null ? "— (from the cache)" : `${cache.renderMs} ms`}
      </dd>
      <dt>Elapsed</dt>
      <dd data-testid="elapsed">{elapsedMs} ms</dd>
      <dt>Key</dt>
      <dd className="mono" data-testid="key">
        {cache.key}
      </dd>
    </dl>
  );
}
