import { describe, expect, it } from "vitest";
import { ALL_FIELDS, fieldOfError, initialValues, inputFrom } from "./capture-form";

const DEFAULTS = { width: 1280, height: 720, format: "png", fullPage: false, darkMode: false };

describe("the playground form", () => {
  it("starts from the server's defaults, with every option present", () => {
    const values = initialValues(DEFAULTS);
    expect(values).toMatchObject({ url: "", width: "1280", format: "png", fullPage: false });
    expect(values.quality).toBe("");
    expect(Object.keys(values).sort()).toEqual(
      ["url", ...ALL_FIELDS.map((field) => field.name)].sort(),
    );
  });

  it("sends only the URL and what differs from a default", () => {
    const values = {
      ...initialValues(DEFAULTS),
      url: "  https://example.com/a  ",
      width: "800",
      height: "720",
      darkMode: true,
      hideSelectors: " .ad \n\n#nag\n",
      css: "body { color: red }",
    };
    expect(inputFrom(values, DEFAULTS)).toEqual({
      url: "https://example.com/a",
      width: 800,
      darkMode: true,
      hideSelectors: [".ad", "#nag"],
      css: "body { color: red }",
    });
  });

  it("sends a number it cannot read as typed, so the server names the field", () => {
    const values = { ...initialValues(DEFAULTS), url: "https://example.com", width: "wide" };
    expect(inputFrom(values, DEFAULTS)).toEqual({ url: "https://example.com", width: "wide" });
  });

  it("sends a region as its text form, and a set of choices as a list; empty ones not at all", () => {
    const base = { ...initialValues(DEFAULTS), url: "https://example.com" };
    expect(
      inputFrom({ ...base, clip: "10,10,50,40", blockResources: "image\nfont" }, DEFAULTS),
    ).toEqual({
      url: "https://example.com",
      clip: "10,10,50,40",
      blockResources: ["image", "font"],
    });
    expect(inputFrom({ ...base, clip: ",,,", blockResources: "" }, DEFAULTS)).toEqual({
      url: "https://example.com",
    });
  });

  it("finds the option a server field error names", () => {
    expect(fieldOfError("width")).toBe("width");
    expect(fieldOfError("hideSelectors.2")).toBe("hideSelectors");
    expect(fieldOfError("options.url")).toBe("url");
  });
});
