/** @module Every group of settings, in the order the configuration page lists them. */
import type { z } from "zod";
import { accessSettings } from "./access";
import { browserSettings } from "./browser";
import { cacheSettings } from "./cache";
import { cdnSettings } from "./cdn";
import { httpSettings } from "./http";
import { networkSettings } from "./network";
import { renderSettings } from "./render";
import { storeSettings } from "./store";
import { watchesSettings } from "./watches";

export const SETTINGS_GROUPS = [
  storeSettings,
  cacheSettings,
  accessSettings,
  networkSettings,
  renderSettings,
  browserSettings,
  watchesSettings,
  cdnSettings,
  httpSettings,
] as const;

/** Every variable the server reads, validated together. */
export const allVariables = storeSettings.variables
  .extend(cacheSettings.variables.shape)
  .extend(accessSettings.variables.shape)
  .extend(networkSettings.variables.shape)
  .extend(renderSettings.variables.shape)
  .extend(browserSettings.variables.shape)
  .extend(watchesSettings.variables.shape)
  .extend(cdnSettings.variables.shape)
  .extend(httpSettings.variables.shape);

export type Variables = z.output<typeof allVariables>;
