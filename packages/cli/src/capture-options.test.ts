import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { captureInputOf, withCaptureOptions } from "./capture-options";

/** The flags commander reads for `args`, as the capture command gets them. */
function flagsOf(args: string[]): Record<string, unknown> {
  const command = withCaptureOptions(new Command("capture").exitOverride());
  command.parse(args, { from: "user" });
  return command.opts();
}

describe("capture flags", () => {
  it("give only the options asked for, named and typed as the SDK takes them", () => {
    expect(captureInputOf("https://example.com/", flagsOf([]))).toEqual({
      url: "https://example.com/",
    });
    expect(
      captureInputOf(
        "https://example.com/",
        flagsOf([
          "--width",
          "800",
          "--full-page",
          "--format",
          "webp",
          "--wait-for-selector",
          "#ready",
          "--hide",
          ".ad",
          ".banner",
          "--stale-while-revalidate",
          "60",
          "--no-store",
          "--image-width",
          "320",
          "--block-resources",
          "image",
          "font",
          "--media-type",
          "print",
          "--ignore",
          "#clock",
          "--ignore-region",
          "0,0,10,10",
          "--change-threshold",
          "0.1",
        ]),
      ),
    ).toEqual({
      url: "https://example.com/",
      width: 800,
      fullPage: true,
      format: "webp",
      waitForSelector: "#ready",
      hideSelectors: [".ad", ".banner"],
      staleWhileRevalidate: 60,
      noCache: true,
      imageWidth: 320,
      blockResources: ["image", "font"],
      mediaType: "print",
      ignoreSelectors: ["#clock"],
      ignoreRegions: ["0,0,10,10"],
      changeThreshold: 0.1,
    });
  });

  it("pass a number that is not one through as text, for the server to name the field", () => {
    expect(captureInputOf("https://example.com/", flagsOf(["--width", "wide"]))).toEqual({
      url: "https://example.com/",
      width: "wide",
    });
  });
});
