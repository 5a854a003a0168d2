/**
 * Cache hits with the images in an S3-compatible bucket (Swift, one node on loopback): sent by the
 * server (from its copy, or read from the bucket) and answered as redirects to presigned URLs,
 * each beside the same hit with the image in Redis: what keeping images out of Redis costs a hit.
 */
import { type FixtureSite, startRedisServer, startSwift, startWebApp } from "@shotcache/testkit";
import { hitRow } from "./hit-figures";
import type { Recorder } from "./recorder";
import { compareLoads } from "./side-by-side";
import { buildWorkspace, WEB_APP_DIR } from "./workspace";

export const OBJECT_METHOD_NOTE =
  "Bucket hits: the bucket is OpenStack Swift 2.30 (s3api) on this machine, one proxy worker, " +
  "Python; a hosted S3 answers from elsewhere, further and wider. The first row holds copies of " +
  "served images in the process (SHOTCACHE_LOCAL_CACHE_MAX_BYTES: an object never changes), the " +
  "second reads the bucket on every hit, as an instance without a copy does. Redirect rows count " +
  "the 302 answers (a HEAD of the object and a presigned URL, both reused for two minutes), not " +
  "the client's fetch that follows.";

export async function objectFigures({ report, notes }: Recorder, site: FixtureSite) {
  buildWorkspace();
  const [redis, swift] = await Promise.all([startRedisServer(), startSwift()]);
  await swift.createBucket("bench");
  const base = {
    SHOTCACHE_ALLOW_PRIVATE_NETWORKS: "true",
    SHOTCACHE_RATE_LIMIT_PER_MINUTE: "0",
    REDIS_URL: redis.url,
  };
  const bucket = (prefix: string) => ({
    ...base,
    SHOTCACHE_KEY_PREFIX: `${prefix}:`,
    SHOTCACHE_OBJECT_STORE: `s3://bench/${prefix}`,
    SHOTCACHE_S3_ENDPOINT: swift.endpoint,
    AWS_ACCESS_KEY_ID: swift.accessKeyId,
    AWS_SECRET_ACCESS_KEY: swift.secretAccessKey,
  });
  const start = (env: Record<string, string>) =>
    startWebApp({ appDir: WEB_APP_DIR, env, keepOutput: false });
  const apps = await Promise.all([
    start(base),
    start(bucket("streamed")),
    start({ ...bucket("uncopied"), SHOTCACHE_LOCAL_CACHE_MAX_BYTES: "0" }),
    start({ ...bucket("redirected"), SHOTCACHE_OBJECT_REDIRECT: "true" }),
  ]);
  const [inRedis, streamed, uncopied, redirected] = apps;
  const page = site.url("/noise");
  const rest = `/api/v1/screenshot?url=${encodeURIComponent(page)}&width=200&height=200`;
  try {
    if (!inRedis || !streamed || !uncopied || !redirected) throw new Error("an app did not start");
    const size = (await (await fetch(`${inRedis.origin}${rest}`)).arrayBuffer()).byteLength;
    const kb = Math.round(size / 1024);
    const baseline = `${inRedis.origin}${rest}`;
    const name = "the same hit, image in Redis";
    const rows = [
      [streamed, `cache hit, ${kb} KB PNG, Redis store, image in the bucket`],
      [uncopied, `cache hit, ${kb} KB PNG, Redis store, image in the bucket, no local copies`],
      [redirected, `cache hit, ${kb} KB PNG, Redis store, image in the bucket, 302 to it`],
    ] as const;
    for (const [app, figure] of rows) {
      const measured = await compareLoads(`${app.origin}${rest}`, baseline);
      report(hitRow(notes, figure, measured, undefined, name));
    }
    notes.push(OBJECT_METHOD_NOTE);
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([redis.stop(), swift.stop()]);
  }
}
