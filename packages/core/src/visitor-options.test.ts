import { describe, expect, it } from "vitest";
import { cacheKeyFor } from "./cache-key";
import { captureOptionsSchema } from "./options";

const URL = "https://example.com/";
const parse = (input: Record<string, unknown>) =>
  captureOptionsSchema.parse({ url: URL, ...input });
/** The field the first problem names, or "accepted". */
const refusedField = (input: Record<string, unknown>) => {
  const parsed = captureOptionsSchema.safeParse({ url: URL, ...input });
  return parsed.success ? "accepted" : parsed.error.issues[0]?.path.join(".");
};

describe("the visitor's options", () => {
  it("write each setting one way, so two spellings are one key", () => {
    expect(parse({ timezone: "asia/tokyo" }).timezone).toBe("Asia/Tokyo");
    expect(parse({ locale: "de-de" }).locale).toBe("de-DE");
    expect(parse({ geolocation: "35.5,139.25" }).geolocation).toEqual({
      latitude: 35.5,
      longitude: 139.25,
    });
    expect(parse({ geolocation: "-33.9,18.4,50" }).geolocation).toEqual({
      latitude: -33.9,
      longitude: 18.4,
      accuracy: 50,
    });
    const key = (input: Record<string, unknown>) => cacheKeyFor(parse(input)).key;
    expect(key({ timezone: "asia/tokyo" })).toBe(key({ timezone: "Asia/Tokyo" }));
    expect(key({ geolocation: "1,2" })).toBe(key({ geolocation: { longitude: 2, latitude: 1 } }));
  });

  it("enter the key only when set, so the keys of earlier captures stay", () => {
    const plain = cacheKeyFor(parse({})).key;
    for (const input of [{ timezone: "UTC" }, { locale: "fr" }, { geolocation: "0,0" }]) {
      expect(cacheKeyFor(parse(input)).key).not.toBe(plain);
    }
    expect(cacheKeyFor(parse({ timezone: undefined })).key).toBe(plain);
  });

  it.each([
    [{ timezone: "Mars/Olympus_Mons" }, "timezone"],
    [{ timezone: "" }, "timezone"],
    [{ locale: "not a locale!" }, "locale"],
    [{ locale: "x" }, "locale"],
    [{ geolocation: "91,0" }, "geolocation.latitude"],
    [{ geolocation: "0,-181" }, "geolocation.longitude"],
    [{ geolocation: { latitude: 0, longitude: 0, accuracy: -1 } }, "geolocation.accuracy"],
    [{ geolocation: "north pole" }, "geolocation"],
  ])("refuses %j, naming %s", (input, field) => {
    expect(refusedField(input)).toBe(field);
  });
});
