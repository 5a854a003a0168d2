export { createWatchService, type WatchServiceOptions } from "./watch-service";
