export type { BrowserConfig } from "./browser";
export { declareProduction, environment } from "./environment";
export { type Config, ConfigError, loadConfig } from "./load-config";
export type { StoreConfig } from "./store";
