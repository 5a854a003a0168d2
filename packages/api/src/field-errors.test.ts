import { captureOptionsSchema } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { fieldErrorsFrom } from "./field-errors";

const errorsOf = (input: Record<string, unknown>) => {
  const parsed = captureOptionsSchema.safeParse({ url: "https://a.test", ...input });
  if (parsed.success) throw new Error("accepted");
  return fieldErrorsFrom(parsed.error);
};

describe("field errors", () => {
  it.each([
    [{ headers: "no colon" }, { field: "headers.0", message: "must be `Name: value`" }],
    [{ headers: ["X-Ok: 1", ": v"] }, { field: "headers.1", message: "must be `Name: value`" }],
    [{ headers: "Bad Name: 2" }, { field: "headers.Bad Name", message: "must be a header name" }],
    [{ clip: "1,2" }, { field: "clip", message: "must be x,y,width,height in CSS pixels" }],
    [{ geolocation: "91,0" }, { field: "geolocation.latitude" }],
  ])("say what is wrong with a field of several forms: %j", (input, expected) => {
    expect(errorsOf(input)).toEqual([expect.objectContaining(expected)]);
  });

  it("keeps a union's own message where no single form fits", () => {
    expect(errorsOf({ clip: true })).toEqual([{ field: "clip", message: "Invalid input" }]);
  });

  it("names an unknown option as its own field", () => {
    expect(errorsOf({ colour: "red" })).toEqual([
      { field: "colour", message: "is not a known option" },
    ]);
  });
});
