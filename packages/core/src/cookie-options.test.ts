import { describe, expect, it } from "vitest";
import { cacheKeyFor } from "./cache-key";
import { captureOptionsSchema } from "./options";

const parse = (input: Record<string, unknown>, url = "https://www.example.co.uk/account") =>
  captureOptionsSchema.parse({ url, ...input });
const refused = (input: Record<string, unknown>, url?: string) => {
  const parsed = captureOptionsSchema.safeParse({
    url: url ?? "https://www.example.co.uk/",
    ...input,
  });
  return parsed.success ? "accepted" : parsed.error.issues.map((issue) => issue.path.join("."));
};

describe("cookies", () => {
  it("take `name=value` (REST) or objects, each stated whole: host-only, /, Secure on https", () => {
    expect(parse({ cookies: ["session=a=b", "consent=no"] }).cookies).toEqual([
      {
        name: "consent",
        value: "no",
        path: "/",
        secure: true,
        httpOnly: false,
        sameSite: "Lax",
      },
      {
        name: "session",
        value: "a=b",
        path: "/",
        secure: true,
        httpOnly: false,
        sameSite: "Lax",
      },
    ]);
    const [own] =
      parse({
        cookies: [
          { name: "id", value: "1", domain: ".Shop.Example.co.uk", path: "/cart", httpOnly: true },
        ],
      }).cookies ?? [];
    expect(own).toMatchObject({ domain: "shop.example.co.uk", path: "/cart", httpOnly: true });
    // No domain given: a cookie of the page's host alone (host-only), as `__Host-` ones must be.
    const [hostOnly] = parse({ cookies: ["id=1"] }, "http://127.0.0.1:8080/").cookies ?? [];
    expect(hostOnly).toMatchObject({ secure: false });
    expect(hostOnly).not.toHaveProperty("domain");
  });

  it("are one key whatever their order or form, another key than none, and in it by hash only", () => {
    const key = (input: Record<string, unknown>) => cacheKeyFor(parse(input)).key;
    expect(key({ cookies: ["a=1", "b=2"] })).toBe(
      key({ cookies: [{ name: "b", value: "2" }, "a=1"] }),
    );
    expect(key({ cookies: ["a=1"] })).not.toBe(key({}));
    expect(key({ cookies: ["a=1"] })).not.toBe(key({ cookies: ["a=2"] }));
    expect(key({ cookies: ["secret=hunter2"] })).not.toContain("hunter2");
  });

  it.each([
    [{ cookies: Array.from({ length: 21 }, (_, index) => `c${index}=1`) }, ["cookies"]],
    [{ cookies: [`big=${"x".repeat(4096)}`] }, ["cookies.0"]],
    [{ cookies: ["no-equals"] }, ["cookies.0"]],
    [{ cookies: ["=value"] }, ["cookies.0"]],
    [{ cookies: ["a=b;c=d"] }, ["cookies.0"]],
    [{ cookies: [{ name: "a", value: "1", domain: "evil.test" }] }, ["cookies.0.domain"]],
    [{ cookies: [{ name: "a", value: "1", domain: "co.uk" }] }, ["cookies.0.domain"]],
    [{ cookies: [{ name: "a", value: "1", path: "cart" }] }, ["cookies.0.path"]],
    [{ cookies: ["a=1", "a=2"] }, ["cookies.1.name"]],
    [
      { cookies: [{ name: "a", value: "1", sameSite: "None", secure: false }] },
      ["cookies.0.sameSite"],
    ],
    [
      {
        html: "<p>x</p>",
        url: undefined,
        cookies: [{ name: "a", value: "1", domain: "example.co.uk" }],
      },
      ["cookies.0.domain"],
    ],
  ])("refuses %j, naming the field", (input, fields) => {
    const named = refused(input);
    expect(named).not.toBe("accepted");
    for (const field of fields)
      expect((named as string[]).some((path) => path.startsWith(field))).toBe(true);
  });

  it("refuses a cookie for another host where the page is at an address", () => {
    const cookie = { name: "a", value: "1", domain: "localhost" };
    expect(refused({ cookies: [cookie] }, "http://127.0.0.1:8080/")).toEqual(["cookies.0.domain"]);
  });
});
