import {
  captureOptionsObjectSchema,
  IMAGE_FORMATS,
  LATENCY_BOUNDS_MS,
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

export async function pageSetup(): Promise<PageSetup> {
  const { context } = await services();
  const { url: _url, ...options } = captureOptionsObjectSchema.parse({ url: "https://a.test/" });
  // Every option with a default has a plain value (lists have none).
  const defaults = Object.fromEntries(
    Object.entries(options).filter(([, value]) => typeof value !== "object"),
  ) as OptionDefaults;
  const { access } = context;
  return {
    defaults,
    choices: { format: IMAGE_FORMATS, waitUntil: WAIT_UNTIL_EVENTS },
    signing: Boolean(context.signingSecret),
    keys: access.keys.length === 0 ? "none" : access.captureRequiresKey ? "all" : "admin",
    latencyCapMs: LATENCY_BOUNDS_MS.at(-1) ?? 0,
  };
}
