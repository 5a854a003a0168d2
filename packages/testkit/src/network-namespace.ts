import { execFile, type SpawnOptions, spawn } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A test host of our own: a network namespace with its own loopback, joined to this machine by a
 * veth pair on a /30 of our choosing. Traffic goes only between the two ends; nothing else is
 * routed. Needs root and iproute2.
 */
export interface NetworkNamespace {
  name: string;
  /** Its address, as this machine reaches it. */
  address: string;
  /** Starts a command inside it. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ReturnType<typeof spawn>;
  /** Removes it, with its end of the pair (and so ours). */
  close(): Promise<void>;
}

/** Creates a namespace; throws (naming what failed) where namespaces cannot be made. */
export async function startNetworkNamespace(): Promise<NetworkNamespace> {
  const id = process.pid % 10_000;
  const name = `shotcache-test-${id}`;
  // 10.200.0.0/16 cut into /30s, one per test process: an address pair no one else uses here.
  const slot = process.pid % 16_000;
  const prefix = `10.200.${Math.floor(slot / 64)}`;
  const first = (slot % 64) * 4;
  const hostAddress = `${prefix}.${first + 1}`;
  const address = `${prefix}.${first + 2}`;
  const ip = (...args: string[]) => run("ip", args);
  const inside = (...args: string[]) => ip("netns", "exec", name, "ip", ...args);
  const hostEnd = `sch${id}`;
  const nsEnd = `scn${id}`;
  await ip("netns", "add", name);
  try {
    await ip("link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
    await ip("link", "set", nsEnd, "netns", name);
    await ip("addr", "add", `${hostAddress}/30`, "dev", hostEnd);
    await ip("link", "set", hostEnd, "up");
    await inside("addr", "add", `${address}/30`, "dev", nsEnd);
    await inside("link", "set", nsEnd, "up");
    await inside("link", "set", "lo", "up");
  } catch (error) {
    await ip("link", "del", hostEnd).catch(() => {});
    await ip("netns", "del", name).catch(() => {});
    throw error;
  }
  return {
    name,
    address,
    spawn: (command, args, options = {}) =>
      spawn("ip", ["netns", "exec", name, command, ...args], options),
    close: async () => {
      await ip("netns", "del", name).catch(() => {});
      await ip("link", "del", hostEnd).catch(() => {}); // gone with the namespace, normally
    },
  };
}
