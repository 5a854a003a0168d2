import { type ChildProcess, execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port";
import { launchRedisServer, scanKeys, stopProcess } from "./redis-server";
import { RespConnection } from "./resp-connection";

const run = promisify(execFile);

export interface RedisCluster {
  /** The masters' ports. */
  ports: number[];
  /** `127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`, as `REDIS_CLUSTER_NODES` takes it. */
  nodes: string;
  /** Every key matching `pattern`, on every master. */
  keys(pattern: string): Promise<string[]>;
  /** How many of `keys` each master holds, by port. */
  keysPerMaster(pattern: string): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

async function clusterState(port: number): Promise<string> {
  const connection = new RespConnection(port);
  try {
    const [info] = await connection.send([["cluster", "info"]]);
    return /cluster_state:(\w+)/.exec(String(info))?.[1] ?? "";
  } finally {
    connection.close();
  }
}

/**
 * A private Redis Cluster of three masters (no replicas) on free loopback ports, nothing kept
 * on disk but the nodes' own cluster files in a temporary folder: `redis-server
 * --cluster-enabled yes` three times, then `redis-cli --cluster create`.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const folder = mkdtempSync(join(tmpdir(), "shotcache-redis-cluster-"));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      children.push(
        await launchRedisServer(port, [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(folder, `nodes-${port}.conf`),
          "--dir",
          folder,
        ]),
      );
    }
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((port) => `127.0.0.1:${port}`),
      "--cluster-yes",
    ]);
    const deadline = Date.now() + 15_000;
    while ((await Promise.all(ports.map(clusterState))).some((state) => state !== "ok")) {
      if (Date.now() > deadline) throw new Error("the Redis Cluster did not become ready");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    ports,
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(","),
    keys: async (pattern) =>
      (await Promise.all(ports.map((port) => scanKeys({ port }, pattern)))).flat(),
    async keysPerMaster(pattern) {
      const counts = await Promise.all(ports.map((port) => scanKeys({ port }, pattern)));
      return new Map(ports.map((port, index) => [port, counts[index]?.length ?? 0]));
    },
    stop,
  };
}
