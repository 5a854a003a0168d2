export { toCaptureError } from "./browser-errors";
export { BrowserNotFoundError, findBrowserExecutable } from "./find-browser";
export {
  assertTargetAllowed,
  type HostResolver,
  isPublicAddress,
  systemResolver,
} from "./network-guard";
export {
  createPuppeteerRenderer,
  type PuppeteerRenderer,
  type PuppeteerRendererOptions,
} from "./puppeteer-renderer";
