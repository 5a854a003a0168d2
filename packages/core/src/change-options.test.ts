import { describe, expect, it } from "vitest";
import { cacheKeyFor } from "./cache-key";
import { captureOptionsSchema } from "./options";
import { captureInputFromQuery } from "./query-input";
import { queryPairs } from "./query-pairs";

const URL = "https://example.com/";
const fromQuery = (query: string) =>
  captureOptionsSchema.safeParse(captureInputFromQuery(new URLSearchParams(`url=${URL}&${query}`)));
const problemsOf = (query: string) => {
  const result = fromQuery(query);
  return result.success ? [] : result.error.issues.map(({ path }) => path.join("."));
};

describe("change analysis options", () => {
  it("read masks and a threshold from a query, regions as x,y,width,height", () => {
    const result = fromQuery(
      "ignoreSelectors=%23clock&ignoreSelectors=.ad&ignoreRegions=0,0,100,50&ignoreRegions=10,20000,5,5&changeThreshold=0.1",
    );
    expect(result.success && result.data).toMatchObject({
      ignoreSelectors: ["#clock", ".ad"],
      ignoreRegions: [
        { x: 0, y: 0, width: 100, height: 50 },
        { x: 10, y: 20_000, width: 5, height: 5 },
      ],
      changeThreshold: 0.1,
    });
  });

  it("travel in a query as they are read from one (signed URLs, the SDK)", () => {
    const options = captureOptionsSchema.parse({
      url: URL,
      ignoreSelectors: ["#clock", ".ad"],
      ignoreRegions: [
        { x: 0, y: 0, width: 10, height: 10 },
        { x: 5, y: 6, width: 7, height: 8 },
      ],
      changeThreshold: 0.05,
    });
    const { ignoreSelectors, ignoreRegions, changeThreshold } = options;
    const query = new URLSearchParams(
      queryPairs({ url: URL, ignoreSelectors, ignoreRegions, changeThreshold }),
    );
    expect(captureOptionsSchema.parse(captureInputFromQuery(query))).toEqual(options);
  });

  it("refuse a ratio outside 0–1, a malformed region, and more than 20 selectors or regions", () => {
    expect(problemsOf("changeThreshold=1.5")).toEqual(["changeThreshold"]);
    expect(problemsOf("changeThreshold=-0.1")).toEqual(["changeThreshold"]);
    expect(problemsOf("ignoreRegions=1,2,3")[0]).toMatch(/^ignoreRegions\.0/);
    expect(problemsOf("ignoreRegions=0,0,0,10")[0]).toMatch(/^ignoreRegions\.0/);
    const selectors = Array.from({ length: 21 }, (_, i) => `ignoreSelectors=.s${i}`).join("&");
    expect(problemsOf(selectors)).toEqual(["ignoreSelectors"]);
    const regions = Array.from({ length: 21 }, () => "ignoreRegions=0,0,1,1").join("&");
    expect(problemsOf(regions)).toEqual(["ignoreRegions"]);
  });

  it("leave the cache key alone: callers who mask differently share one render", () => {
    const plain = captureOptionsSchema.parse({ url: URL });
    const masked = captureOptionsSchema.parse({
      url: URL,
      ignoreSelectors: ["#clock"],
      ignoreRegions: [{ x: 0, y: 0, width: 10, height: 10 }],
      changeThreshold: 0.2,
    });
    expect(cacheKeyFor(masked)).toEqual(cacheKeyFor(plain));
  });
});
