import { checkSignature } from "@shotcache/core/signing";
import { describe, expect, it } from "vitest";
import { signedScreenshotUrl } from "./sign";

const SECRET = "s".repeat(40);
const NOW = Date.UTC(2026, 0, 1);

/** Checks a signed URL the way the server does: signature and expiry out, the rest signed. */
function verdictOf(url: string, nowSeconds = NOW / 1000) {
  const params = new URL(url).searchParams;
  const signature = params.get("signature") ?? "";
  const expires = params.get("expires");
  params.delete("signature");
  params.delete("expires");
  return checkSignature(
    [...params],
    SECRET,
    signature,
    expires === null ? undefined : Number(expires),
    nowSeconds,
  );
}

describe("signedScreenshotUrl", () => {
  it("makes a URL of the screenshot endpoint that the server's check accepts", () => {
    const url = signedScreenshotUrl(
      "https://shots.test/",
      { url: "https://a.test/", width: 800 },
      SECRET,
    );
    expect(url.startsWith("https://shots.test/api/v1/screenshot?")).toBe(true);
    expect(new URL(url).searchParams.get("width")).toBe("800");
    expect(verdictOf(url)).toBe("valid");
  });

  it("refuses to put cookies in a public URL", () => {
    const input = { url: "https://example.com/", cookies: ["session=s3cret"] };
    expect(() => signedScreenshotUrl("https://shots.example", input, "k".repeat(32))).toThrow(
      /may not carry cookies/,
    );
  });

  it("signs the expiry, which the server then enforces", () => {
    const url = signedScreenshotUrl("https://shots.test", { url: "https://a.test/" }, SECRET, {
      expiresInSeconds: 60,
      now: NOW,
    });
    expect(new URL(url).searchParams.get("expires")).toBe(String(NOW / 1000 + 60));
    expect(verdictOf(url)).toBe("valid");
    expect(verdictOf(url, NOW / 1000 + 61)).toBe("expired");
    expect(verdictOf(url.replace(/expires=\d+/, `expires=${NOW / 1000 + 600}`))).toBe("invalid");
  });

  it("is refused under another secret", () => {
    const url = signedScreenshotUrl(
      "https://shots.test",
      { url: "https://a.test/" },
      "t".repeat(40),
    );
    expect(verdictOf(url)).toBe("invalid");
  });
});
