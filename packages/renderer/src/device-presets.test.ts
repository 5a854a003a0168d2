import { DEVICE_PRESETS } from "@shotcache/core";
import { describe, expect, it } from "vitest";
import { puppeteerDevicePresets } from "../scripts/device-presets";

describe("core's device presets", () => {
  it("are Puppeteer's devices (else: pnpm --filter @shotcache/renderer devices)", () => {
    expect(DEVICE_PRESETS).toEqual(puppeteerDevicePresets());
  });
});
