import { Cluster, Redis, type RedisOptions } from "ioredis";

/** Where Redis is: one server (`url`), or a Redis Cluster reached through any of its nodes. */
export interface RedisConnection {
  /**
   * `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). With `clusterNodes`, it only
   * gives the credentials and whether to use TLS.
   */
  url?: string;
  /** `host:port` of cluster nodes; the client finds the others and which node holds each slot. */
  clusterNodes?: readonly string[];
}

/** A node of `host:port`, as ioredis takes it. */
function nodeOf(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  return { host: text.slice(0, at).replace(/^\[(.*)\]$/, "$1"), port: Number(text.slice(at + 1)) };
}

/** Credentials and TLS of a `redis://` URL, for cluster nodes. */
function credentialsOf(url: string | undefined): RedisOptions {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * An ioredis client for `connection`: the most used Node client, whose `Cluster` follows slot
 * moves and redirections, so every command and script (whose keys share one hash tag, so one
 * slot) works the same on one node or on a cluster.
 */
export function connectRedis(
  connection: RedisConnection,
  options: Pick<RedisOptions, "commandTimeout" | "maxRetriesPerRequest" | "scripts">,
): Redis | Cluster {
  const client = connection.clusterNodes?.length
    ? new Cluster(connection.clusterNodes.map(nodeOf), {
        scripts: options.scripts,
        redisOptions: {
          ...credentialsOf(connection.url),
          commandTimeout: options.commandTimeout,
          maxRetriesPerRequest: options.maxRetriesPerRequest,
        },
      })
    : new Redis(connection.url ?? "redis://127.0.0.1:6379", options);
  // Failures reach callers through their commands; without a listener ioredis logs each one.
  client.on("error", () => {});
  return client;
}
