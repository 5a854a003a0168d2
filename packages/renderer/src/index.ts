export { isBlankImage } from "./blank-image";
export { toCaptureError } from "./browser-errors";
export { browserLaunchOptions } from "./browser-process";
export type { BrowserSource } from "./browser-source";
export { BrowserNotFoundError, findBrowserExecutable, isHeadlessShell } from "./find-browser";
export { type FontCoverage, fontCoverage, missingFontPackages } from "./font-coverage";
export { DENIED_HEADER, type Denial, type GuardProxy, startGuardProxy } from "./guard-proxy";
export {
  ALLOW_ALL,
  assertTargetAllowed,
  type HostResolver,
  isAddressAllowed,
  isPublicAddress,
  type NetworkPolicy,
  PUBLIC_ONLY,
  policyFromAllowlist,
  resolveTarget,
  systemResolver,
} from "./network-guard";
export {
  createPuppeteerRenderer,
  defaultRenderConcurrency,
  type PuppeteerRenderer,
  type PuppeteerRendererOptions,
} from "./puppeteer-renderer";
export type { RenderTimings } from "./render-timings";
export { createWebhookSender } from "./webhook-sender";
