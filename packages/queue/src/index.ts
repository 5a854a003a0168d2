export {
  createQueueRenderer,
  type QueueLoad,
  type QueueRenderer,
  type QueueRendererOptions,
} from "./queue-renderer";
export { type RenderWorker, type RenderWorkerOptions, startRenderWorker } from "./render-worker";
