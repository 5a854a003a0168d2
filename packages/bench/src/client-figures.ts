import { createShotcacheClient } from "@shotcache/sdk";
import { residentBytes, startChild } from "./child";
import type { Recorder } from "./recorder";

/**
 * The SDK's bandwidth polling an unchanged capture (ETag) beside plain requests, and the
 * memory-store host's resident memory after many distinct entries, beside its cap.
 */
export async function clientFigures({ report }: Recorder): Promise<void> {
  const capBytes = 64 * 1024 * 1024;
  const host = await startChild("bench-host.ts", [String(capBytes)]);
  try {
    const origin = `http://127.0.0.1:${host.ready}`;
    const input = { url: "https://bench.test/unchanged" };
    let plainBytes = 0;
    for (let i = 0; i < 100; i++) {
      const response = await fetch(
        `${origin}/api/v1/screenshot?url=${encodeURIComponent(input.url)}`,
      );
      plainBytes += (await response.arrayBuffer()).byteLength;
    }
    let sdkBytes = 0;
    const counting: typeof fetch = async (request, init) => {
      const response = await fetch(request, init);
      sdkBytes += (await response.clone().arrayBuffer()).byteLength;
      return response;
    };
    const client = createShotcacheClient({ baseUrl: origin, fetch: counting });
    for (let i = 0; i < 100; i++) await client.capture(input);
    report({
      figure: "client bandwidth, 100 polls of an unchanged capture",
      ours: `${(sdkBytes / 1024).toFixed(0)} KB (SDK, ETag)`,
      baseline: `${(plainBytes / 1024).toFixed(0)} KB (no ETag)`,
      ratio: sdkBytes / plainBytes,
      target: "≤ 0.01 × baseline",
      met: sdkBytes / plainBytes <= 0.01,
    });

    for (let i = 0; i < 2_000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          fetch(
            `${origin}/api/v1/screenshot?url=${encodeURIComponent(`https://bench.test/${i + j}`)}`,
          ).then((response) => response.arrayBuffer()),
        ),
      );
    }
    const rss = await residentBytes(host.process.pid ?? 0);
    const limit = capBytes + 150 * 1024 * 1024;
    report({
      figure: "memory: RSS after 2,000 distinct 50 KB entries",
      ours: `${(rss / 2 ** 20).toFixed(0)} MiB`,
      baseline: `64 MiB cap + 150 MiB`,
      ratio: rss / limit,
      target: "≤ 1 × (cap + 150 MiB)",
      met: rss <= limit,
    });
  } finally {
    await host.stop();
  }
}
