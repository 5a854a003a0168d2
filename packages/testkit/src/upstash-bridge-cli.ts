/**
 * Runs the Upstash REST bridge by hand, to use the app in Upstash mode locally:
 *   pnpm --filter @shotcache/testkit upstash-bridge
 * Forwards to the redis-server on REDIS_PORT, or starts a private one; listens on BRIDGE_PORT
 * (default 8079) and accepts UPSTASH_REDIS_REST_TOKEN (default "local-bridge-token").
 */
import { startRedisServer } from "./redis-server";
import { startUpstashBridge } from "./upstash-bridge";

const ownRedis = process.env.REDIS_PORT ? undefined : await startRedisServer();
const redisPort = Number(process.env.REDIS_PORT ?? ownRedis?.port);
const bridge = await startUpstashBridge({
  redisPort,
  port: Number(process.env.BRIDGE_PORT ?? 8079),
  token: process.env.UPSTASH_REDIS_REST_TOKEN ?? "local-bridge-token",
});

console.log(`Upstash REST bridge → redis-server on 127.0.0.1:${redisPort}. Start the app with:`);
console.log(
  `  UPSTASH_REDIS_REST_URL=${bridge.url} UPSTASH_REDIS_REST_TOKEN=${bridge.token} pnpm start`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await bridge.close();
    await ownRedis?.stop();
    process.exit(0);
  });
}
