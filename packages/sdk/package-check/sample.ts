// Type-checked in a scratch project against the packed SDK (scripts/check-sdk-package.sh): the
// inputs and outputs must be inferred from the package alone. Each @ts-expect-error fails the
// check if the types ever degrade to `any`.
import { createShotcacheClient, isShotcacheError, type ShotcacheErrorCode } from "@shotcache/sdk";
import { createFileETagCache } from "@shotcache/sdk/node";
import { signedScreenshotUrl } from "@shotcache/sdk/sign";

const shot = createShotcacheClient({
  baseUrl: "http://127.0.0.1:3000",
  cache: createFileETagCache(".shotcache"),
});
const capture = await shot.capture({ url: "https://example.com", width: 800, format: "webp" });
const bytes: Uint8Array = capture.bytes;
const status: "HIT" | "MISS" | "STALE" | "BYPASS" | "REFRESH" = capture.cache.status;
const age: number = capture.cache.ageSeconds;
const fromClientCache: boolean = capture.cache.fromClientCache;
console.log(bytes.byteLength, status, age, fromClientCache);

// @ts-expect-error: width is a number
await shot.capture({ url: "https://example.com", width: "wide" });
// @ts-expect-error: formats are a closed set
await shot.capture({ url: "https://example.com", format: "gif" });
// @ts-expect-error: status is a closed set
const unknownStatus: typeof status = capture.cache.status === "HIT" ? "WARM" : status;

const { hits, misses }: { hits: number; misses: number } = await shot.stats({ hours: 24 });
try {
  await shot.purge({ url: "https://example.com" });
} catch (error) {
  if (isShotcacheError(error)) {
    const code: ShotcacheErrorCode = error.code;
    console.log(code, error.status, error.fieldErrors);
  }
}
const batch = await shot.batch({ captures: [{ url: "https://example.com", width: 800 }] });
for await (const result of batch) {
  const state: "queued" | "done" | "failed" | "cancelled" = result.status;
  if (result.status === "done") console.log((await shot.batchImage(result)).bytes.byteLength);
  console.log(state, result.error?.code);
}
// @ts-expect-error: a batch's captures take no markup
await shot.batch({ captures: [{ url: "https://example.com", html: "<p>" }] });
const { progress } = await shot.openBatch(batch.id).status();
console.log(progress.done, progress.total);
const src: string = signedScreenshotUrl("https://shots.example", { url: "https://a.test" }, "s");
console.log(hits, misses, unknownStatus, src);
