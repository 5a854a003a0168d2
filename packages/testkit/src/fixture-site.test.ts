import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FixtureSite, startFixtureSite } from "./fixture-site";

describe("fixture site", () => {
  let site: FixtureSite;
  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site.close());

  it("listens on loopback only", () => {
    expect(site.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves a stable page, a changing page and any status, counting requests", async () => {
    const text = async (path: string) => (await fetch(site.url(path))).text();
    expect(await text("/stable")).toBe(await text("/stable"));
    expect(await text("/changing")).not.toBe(await text("/changing"));
    expect((await fetch(site.url("/status/503"))).status).toBe(503);
    expect(site.requestCount("/stable")).toBe(2);
    expect(site.requestCount("/changing")).toBe(2);
    expect(site.requestCount("/never")).toBe(0);
  });
});
