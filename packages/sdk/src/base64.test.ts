import { describe, expect, it } from "vitest";
import { bytesFromBase64 } from "./base64";

describe("bytesFromBase64", () => {
  it("decodes every byte value exactly", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(bytesFromBase64(Buffer.from(bytes).toString("base64"))).toEqual(bytes);
  });
});
