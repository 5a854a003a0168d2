export {
  type BatchServiceOptions,
  createBatchService,
  UnsignedWebhookError,
} from "./batch-service";
