export { availableOrSkip } from "./available-or-skip";
export { type ByteCountingRelay, startByteCountingRelay } from "./byte-counting-relay";
export {
  type ContainerSandbox,
  type ContainerSandboxOptions,
  checkContainerSandbox,
  startContainerSandbox,
} from "./container-sandbox";
export { type ImageFacts, type Instruction, imageFactsOf, instructionsOf } from "./dockerfile";
export { type FixtureSite, type FixtureSiteOptions, startFixtureSite } from "./fixture-site";
export { freePort } from "./free-port";
export { boundsOfColour, pixelAt } from "./image-pixels";
export { type NetworkNamespace, startNetworkNamespace } from "./network-namespace";
export { findNginx, type Nginx, startNginx } from "./nginx";
export { descendantsOf, isAlive, type ProcessInfo, survivorsAfter } from "./processes";
export { clearOfWindowEdge } from "./rate-limit-window";
export { type RedisBackends, startRedisBackends } from "./redis-backends";
export { type RedisCluster, startRedisCluster } from "./redis-cluster";
export { findRedisServer, type RedisServer, scanKeys, startRedisServer } from "./redis-server";
export {
  type RemoteBrowser,
  type RemoteBrowserOptions,
  startRemoteBrowser,
} from "./remote-browser";
export { RespConnection, type RespReply } from "./resp-connection";
export { type ScriptGlyphs, scriptGlyphsOf } from "./script-glyphs";
export { findSwift, type Swift, startSwift } from "./swift";
export { createTestCertificate, type TestCertificate } from "./test-certificate";
export {
  startUpstashBridge,
  type UpstashBridge,
  type UpstashBridgeOptions,
} from "./upstash-bridge";
export { findVarnish, startVarnish, type Varnish } from "./varnish";
export {
  type RenderWorkerProcess,
  type StartWebAppOptions,
  startRenderWorkerProcess,
  startWebApp,
  type WebApp,
} from "./web-app";
export {
  startWebhookReceiver,
  type WebhookDelivery,
  type WebhookReceiver,
} from "./webhook-receiver";
