/**
 * @module The devices captures may emulate: Puppeteer's list, the names its users already know,
 * kept as data in core (device-presets.json, written from Puppeteer by the renderer's `devices`
 * script and checked against it by a test), so that the one options schema can refuse an unknown
 * name and the renderer can emulate a known one from the same list without core importing a
 * browser package.
 */
import presets from "./device-presets.json" with { type: "json" };

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

/** Every device preset, in Puppeteer's order. */
export const DEVICE_PRESETS: readonly DevicePreset[] = presets;

const BY_NAME = new Map(DEVICE_PRESETS.map((preset) => [preset.name, preset]));

/** The preset of a device name (as Puppeteer spells it), if there is one. */
export const devicePreset = (name: string): DevicePreset | undefined => BY_NAME.get(name);
