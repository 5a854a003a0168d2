import { describe, expect, it } from "vitest";
import { DEFAULT_TTL_SECONDS, ttlFor } from "./ttl-policy";

describe("default TTL policy", () => {
  it.each([
    ["https://a.test/dashboard", 60],
    ["https://a.test/app/dashboards/42", 60],
    ["https://a.test/admin/users", 60],
    ["https://a.test/live", 60],
    ["https://a.test/news/feed", 60],
    ["https://a.test/realtime/", 60],
    ["https://a.test/stream/7", 60],
    ["https://a.test/docs/getting-started", 86_400],
    ["https://a.test/blog/", 86_400],
    ["https://a.test/about", 86_400],
    ["https://a.test/pricing", 86_400],
    ["https://a.test/", 3_600],
    ["https://a.test/products/", 3_600],
    ["https://a.test/page.html", 3_600],
    ["https://a.test/products/42", DEFAULT_TTL_SECONDS],
    ["https://a.test/livestock", DEFAULT_TTL_SECONDS],
    ["https://a.test/documents/x", DEFAULT_TTL_SECONDS],
  ])("%s → %i s", (url, seconds) => {
    expect(ttlFor(url)).toBe(seconds);
  });

  it("uses the first matching rule of a custom policy, else its default", () => {
    const policy = {
      rules: [
        { pathPattern: /^\/img\//, ttlSeconds: 5 },
        { pathPattern: /img/, ttlSeconds: 9 },
      ],
      defaultTtlSeconds: 30,
    };
    expect(ttlFor("https://a.test/img/1", policy)).toBe(5);
    expect(ttlFor("https://a.test/x/img", policy)).toBe(9);
    expect(ttlFor("https://a.test/other", policy)).toBe(30);
  });
});
