export { createDelivery, type Deliver, type DeliveryOptions } from "./delivery";
export { createWatchService, type WatchServiceOptions } from "./watch-service";
