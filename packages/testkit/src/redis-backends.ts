import { type RedisServer, startRedisServer } from "./redis-server";
import { RespConnection } from "./resp-connection";
import { startUpstashBridge, type UpstashBridge } from "./upstash-bridge";

/** A private redis-server, the Upstash REST bridge in front of it, and a raw connection to it. */
export interface RedisBackends {
  server: RedisServer;
  bridge: UpstashBridge;
  /** For reading and writing Redis directly, around the clients under test. */
  raw: RespConnection;
  close(): Promise<void>;
}

export async function startRedisBackends(): Promise<RedisBackends> {
  const server = await startRedisServer();
  const bridge = await startUpstashBridge({ redisPort: server.port });
  const raw = new RespConnection(server.port);
  return {
    server,
    bridge,
    raw,
    async close() {
      raw.close();
      await bridge.close();
      await server.stop();
    },
  };
}
