import { describe, expect, it } from "vitest";
import { curlCommand, screenshotQuery, sdkSnippet } from "./snippets";

const INPUT = { url: "https://example.com/?q=it's", width: 800, hideSelectors: [".a", ".b"] };

describe("the same request, as text", () => {
  it("repeats a list option in the query", () => {
    const params = new URLSearchParams(screenshotQuery(INPUT));
    expect(params.get("url")).toBe(INPUT.url);
    expect(params.get("width")).toBe("800");
    expect(params.getAll("hideSelectors")).toEqual([".a", ".b"]);
  });

  it("quotes the URL for the shell and names the file by format", () => {
    const command = curlCommand("http://127.0.0.1:3000", { ...INPUT, format: "webp" }, false);
    expect(command).toMatch(/^curl -sS -D - -o shot\.webp 'http:\/\/127\.0\.0\.1:3000\/api\/v1/);
    // The query is percent-encoded, so the one quoted word holds no quote of its own.
    expect(command).toContain("it%27s");
    expect(command.match(/'/g)).toHaveLength(2);
    expect(command).not.toContain("Authorization");
  });

  it("reads the API key from the environment, never from the page", () => {
    expect(curlCommand("http://h", INPUT, true)).toContain(
      `-H "Authorization: Bearer $SHOTCACHE_API_KEY"`,
    );
    expect(sdkSnippet("http://h", INPUT, true)).toContain("apiKey: process.env.SHOTCACHE_API_KEY");
  });

  it("writes the SDK call with the same options", () => {
    expect(sdkSnippet("http://127.0.0.1:3000", INPUT, false)).toBe(
      [
        'import { createShotcacheClient } from "@shotcache/sdk";',
        "",
        'const shotcache = createShotcacheClient({ baseUrl: "http://127.0.0.1:3000" });',
        `const shot = await shotcache.capture({ url: "https://example.com/?q=it's", width: 800, hideSelectors: [".a",".b"] });`,
        "console.log(shot.cache.status, shot.etag, shot.bytes.byteLength);",
      ].join("\n"),
    );
  });
});
