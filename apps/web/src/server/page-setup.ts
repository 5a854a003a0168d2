import {
  BLOCKABLE_RESOURCES,
  CAPTURE_FORMATS,
  captureOptionsObjectSchema,
  DEVICE_PRESETS,
  LATENCY_BOUNDS_MS,
  MEDIA_TYPES,
  PAPER_SIZES,
  WAIT_UNTIL_EVENTS,
} from "@shotcache/core";
import type { CaptureInput } from "@shotcache/sdk";
import type { OptionDefaults } from "../ui/capture-form";
import { services } from "./services";

/** What the pages need to know about this server; never a secret. */
export interface PageSetup {
  /** The option defaults the server applies. */
  defaults: OptionDefaults;
  /** The values of the options that take one of a list. */
  choices: Partial<Record<keyof CaptureInput, readonly string[]>>;
  /** Whether the server can sign public URLs. */
  signing: boolean;
  /** Which calls need an API key: none, purge/stats/inspect/sign (`admin`), or all of them. */
  keys: "none" | "admin" | "all";
  /** The last bound of the latency histogram: quantiles past it are reported as null. */
  latencyCapMs: number;
}

/** The defaults the schema applies: every option with one has a plain value (lists have none). */
const { url: _url, ...parsedDefaults } = captureOptionsObjectSchema.parse({
  url: "https://a.test/",
});
const DEFAULTS = Object.fromEntries(
  Object.entries(parsedDefaults).filter(([, value]) => typeof value !== "object"),
) as OptionDefaults;

export async function pageSetup(): Promise<PageSetup> {
  const { context } = await services();
  const { access } = context;
  return {
    defaults: DEFAULTS,
    choices: {
      // The playground shows what it captured; metadata is JSON, with an endpoint of its own.
      format: CAPTURE_FORMATS.filter((format) => format !== "metadata"),
      waitUntil: WAIT_UNTIL_EVENTS,
      mediaType: MEDIA_TYPES,
      // Optional choices start empty: none chosen.
      device: ["", ...DEVICE_PRESETS.map((device) => device.name)],
      paperSize: ["", ...PAPER_SIZES],
      blockResources: BLOCKABLE_RESOURCES,
    },
    signing: Boolean(context.signingSecret),
    keys: access.keys.length === 0 ? "none" : access.captureRequiresKey ? "all" : "admin",
    latencyCapMs: LATENCY_BOUNDS_MS.at(-1) ?? 0,
  };
}
