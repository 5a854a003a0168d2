/**
 * @module Puppeteer's list of devices as core keeps it (`core/src/device-presets.json`), so that
 * core, which imports no browser package, knows the names and screens its options accept.
 * `pnpm --filter @shotcache/renderer devices` writes the file; a test fails when it has drifted
 * from the Puppeteer this package uses.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DevicePreset } from "@shotcache/core";
import { KnownDevices } from "puppeteer";

export const PRESETS_FILE = join(
  import.meta.dirname,
  "..",
  "..",
  "core",
  "src",
  "device-presets.json",
);

/** Every device Puppeteer knows, in its order, as core's presets. */
export function puppeteerDevicePresets(): DevicePreset[] {
  return Object.entries(KnownDevices).map(([name, { userAgent, viewport }]) => ({
    name,
    userAgent,
    width: viewport.width,
    height: viewport.height,
    scale: viewport.deviceScaleFactor ?? 1,
    mobile: viewport.isMobile ?? false,
    touch: viewport.hasTouch ?? false,
    landscape: viewport.isLandscape ?? false,
  }));
}

if (process.argv[2] === "write") {
  writeFileSync(PRESETS_FILE, `${JSON.stringify(puppeteerDevicePresets(), null, 2)}\n`);
  console.log(`wrote ${PRESETS_FILE}`);
}
