import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { freePort } from "./free-port";
import { RespConnection } from "./resp-connection";

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT` */
  url: string;
  process: ChildProcess;
  /** Stops the server (by PID) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>;
}

/** Throws, saying how to install it, when there is no redis-server on PATH. */
export function findRedisServer(): string {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return "redis-server";
  } catch {
    throw new Error("redis-server not found on PATH (Debian/Ubuntu: apt-get install redis-server)");
  }
}

/** A redis-server on 127.0.0.1:`port`, keeping nothing on disk; resolves once it is ready. */
export function launchRedisServer(port: number, extraArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        child.stdout?.resume(); // keep draining so the server never blocks on a full pipe
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.resume();
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * A private redis-server for tests: 127.0.0.1, a free port, no persistence, and `extraArgs`
 * (`--enable-debug-command local`, say). Tests never touch a Redis the machine may already run.
 */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  let child = await launchRedisServer(port, extraArgs);
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    process: child,
    stop: () => stopProcess(child),
    async restart() {
      await stopProcess(child);
      child = await launchRedisServer(port, extraArgs);
      server.process = child;
    },
  };
  return server;
}

/** Every key matching `pattern`, found with SCAN as a careful operator would (never KEYS). */
export async function scanKeys(server: { port: number }, pattern: string): Promise<string[]> {
  const connection = new RespConnection(server.port);
  try {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [reply] = await connection.send([["scan", cursor, "match", pattern, "count", "100"]]);
      const [next, keys] = reply as [Buffer, Buffer[]];
      cursor = next.toString();
      found.push(...keys.map(String));
    } while (cursor !== "0");
    return found;
  } finally {
    connection.close();
  }
}
