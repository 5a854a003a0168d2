import { describe, expect, it } from "vitest";
import { captureOptionsSchema } from "./options";
import { captureInputFromQuery } from "./query-input";
import { queryPairs } from "./query-pairs";

const fromQuery = (query: string) => captureInputFromQuery(new URLSearchParams(query));

describe("capture input from a query string", () => {
  it("reads numbers and booleans of the fields that take them", () => {
    expect(fromQuery("url=https://a.test&width=800&scale=1.5&fullPage=true&format=jpeg")).toEqual({
      url: "https://a.test",
      width: 800,
      scale: 1.5,
      fullPage: true,
      format: "jpeg",
    });
    expect(fromQuery("fullPage=0").fullPage).toBe(false);
  });

  it("leaves text that is not a number as text, so the schema names the field", () => {
    const input = fromQuery("url=https://a.test&height=abc");
    expect(input.height).toBe("abc");
    const result = captureOptionsSchema.safeParse(input);
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual(["height"]);
  });

  it("collects list options, one value per repetition", () => {
    expect(fromQuery("hideSelectors=.ad").hideSelectors).toEqual([".ad"]);
    expect(fromQuery("hideSelectors=.ad&hideSelectors=%23cookie, .popup").hideSelectors).toEqual([
      ".ad",
      "#cookie, .popup",
    ]);
  });

  it("keeps numeric-looking text for text fields", () => {
    expect(fromQuery("format=1").format).toBe("1");
  });

  it("turns a repeated parameter into an array, which the schema refuses", () => {
    const input = fromQuery("url=https://a.test&url=https://b.test");
    expect(input.url).toEqual(["https://a.test", "https://b.test"]);
    expect(captureOptionsSchema.safeParse(input).success).toBe(false);
  });

  it("round-trips a clip and headers through the query pairs a signer or the SDK sends", () => {
    const options = captureOptionsSchema.parse({
      url: "https://a.test",
      clip: { x: 1, y: 2, width: 30, height: 40 },
      headers: { "X-Tenant": "acme", "Accept-Language": "de-CH" },
    });
    const query = new URLSearchParams(
      queryPairs({ url: options.url, clip: options.clip, headers: options.headers }),
    );
    expect(query.getAll("clip")).toEqual(["1,2,30,40"]);
    expect(query.getAll("headers")).toEqual(["accept-language: de-CH", "x-tenant: acme"]);
    const again = captureOptionsSchema.parse(captureInputFromQuery(query));
    expect([again.clip, again.headers]).toEqual([options.clip, options.headers]);
    // One header alone is one parameter, read all the same.
    expect(
      captureOptionsSchema.parse(fromQuery("url=https://a.test&headers=X-One:%201")).headers,
    ).toEqual({ "x-one": "1" });
  });

  it("round-trips the visitor's settings through the query pairs", () => {
    const options = captureOptionsSchema.parse({
      url: "https://a.test",
      timezone: "Asia/Tokyo",
      locale: "de-DE",
      geolocation: { latitude: 35.5, longitude: -0.25, accuracy: 10 },
      cookies: ["session=a=b", { name: "consent", value: "no" }],
    });
    const { url, timezone, locale, geolocation, cookies } = options;
    const query = new URLSearchParams(queryPairs({ url, timezone, locale, geolocation, cookies }));
    expect(query.get("geolocation")).toBe("35.5,-0.25,10");
    const tiny = queryPairs({ url, geolocation: { latitude: 1e-7, longitude: 0 } });
    expect(tiny).toContainEqual(["geolocation", "0.0000001,0"]);
    expect(query.getAll("cookies")).toEqual(["consent=no", "session=a=b"]);
    const again = captureOptionsSchema.parse(captureInputFromQuery(query));
    expect([again.timezone, again.locale, again.geolocation, again.cookies]).toEqual([
      timezone,
      locale,
      geolocation,
      cookies,
    ]);
  });
});
