import { describe, expect, it } from "vitest";
import { watchRequestSchema } from "./watches";

describe("watch requests", () => {
  it("needs every at least the server's shortest interval, and no refresh or noCache", () => {
    const schema = watchRequestSchema(60);
    const errors = (input: object) =>
      schema.safeParse(input).error?.issues.map((issue) => issue.path.join("."));
    const base = { url: "https://a.test/", webhook: "https://hooks.test/" };
    expect(errors({ ...base, every: 30 })).toEqual(["every"]);
    expect(errors({ ...base, every: 60, refresh: true })).toEqual([""]);
    expect(errors({ ...base, every: 60, webhook: "ftp://x/" })).toEqual(["webhook"]);
    expect(errors({ ...base, every: 60, quality: 50 })).toEqual(["quality"]);
    expect(schema.parse({ ...base, every: 60 }).options).toMatchObject({ width: 1280 });
    // Kept, listed and named in signed URLs: a watch takes no cookies, and no markup.
    expect(errors({ ...base, every: 60, cookies: ["session=1"] })).toEqual([""]);
    expect(errors({ ...base, every: 60, html: "<p>x</p>" })).toEqual([""]);
  });
});
