// Puppeteer's list of devices (a module of data alone, no browser code): the names its users
// already know. Read here, in the domain, so that the one options schema can refuse an unknown
// name and the renderer can emulate a known one from the same list.
import { KnownDevices } from "puppeteer-core/internal/common/Device.js";

/** A device to emulate: its viewport, pixel ratio, mobile and touch, and its browser's User-Agent. */
export interface DevicePreset {
  name: string;
  userAgent: string;
  width: number;
  height: number;
  scale: number;
  mobile: boolean;
  touch: boolean;
  landscape: boolean;
}

const PRESETS = new Map<string, DevicePreset>(
  Object.entries(KnownDevices).map(([name, { userAgent, viewport }]) => [
    name,
    {
      name,
      userAgent,
      width: viewport.width,
      height: viewport.height,
      scale: viewport.deviceScaleFactor ?? 1,
      mobile: viewport.isMobile ?? false,
      touch: viewport.hasTouch ?? false,
      landscape: viewport.isLandscape ?? false,
    },
  ]),
);

/** Every device preset, in Puppeteer's order. */
export const DEVICE_PRESETS: readonly DevicePreset[] = [...PRESETS.values()];

/** The preset of a device name (as Puppeteer spells it), if there is one. */
export const devicePreset = (name: string): DevicePreset | undefined => PRESETS.get(name);
