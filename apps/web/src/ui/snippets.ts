import type { CaptureInput } from "@shotcache/sdk";

/**
 * The query of `/api/v1/screenshot` for `input`: a list option is its parameter repeated (as
 * core's `queryPairs` does on the server, whose module is not for the browser: it needs
 * node:crypto).
 */
export function screenshotQuery(input: CaptureInput): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  return params.toString();
}

/** `text` as one POSIX shell word. */
const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The same capture as a curl command that saves the image and prints the response headers;
 * with `needsKey`, it sends the key from `$SHOTCACHE_API_KEY` (never a key in the page).
 */
export function curlCommand(origin: string, input: CaptureInput, needsKey: boolean): string {
  const url = `${origin}/api/v1/screenshot?${screenshotQuery(input)}`;
  const auth = needsKey ? ` -H "Authorization: Bearer $SHOTCACHE_API_KEY"` : "";
  return `curl -sS -D - -o shot.${input.format ?? "png"}${auth} ${shellQuoted(url)}`;
}

/** The same capture with the SDK, as a module a user can paste. */
export function sdkSnippet(origin: string, input: CaptureInput, needsKey: boolean): string {
  const fields = Object.entries(input)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  const apiKey = needsKey ? ", apiKey: process.env.SHOTCACHE_API_KEY" : "";
  return [
    'import { createShotcacheClient } from "@shotcache/sdk";',
    "",
    `const shotcache = createShotcacheClient({ baseUrl: ${JSON.stringify(origin)}${apiKey} });`,
    `const shot = await shotcache.capture({ ${fields.join(", ")} });`,
    "console.log(shot.cache.status, shot.etag, shot.bytes.byteLength);",
  ].join("\n");
}
