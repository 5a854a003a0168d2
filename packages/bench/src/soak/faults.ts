import { setTimeout as sleep } from "node:timers/promises";
import { descendantsOf, type RedisServer, RespConnection } from "@shotcache/testkit";

/** One fault injected, for the report. */
export interface InjectedFault {
  /** Seconds since the soak began. */
  atSeconds: number;
  fault: string;
}

export interface FaultOptions {
  /** The production server's PID: its Chromium processes are below it. */
  serverPid: number;
  redis: RedisServer;
  /** Seconds between faults. */
  everySeconds: number;
  startedAt: number;
  until: number;
}

/** Kills the server's Chromium processes of one kind: the browser itself has no `--type=`. */
function killChromium(serverPid: number, kind: "browser" | "page"): string {
  const killed = descendantsOf(serverPid).filter(
    (info) =>
      /chrom(e|ium)/i.test(info.commandLine) &&
      (kind === "page"
        ? info.commandLine.includes("--type=renderer")
        : !info.commandLine.includes("--type=")),
  );
  for (const { pid } of killed) process.kill(pid, "SIGKILL");
  return `SIGKILL to ${killed.length} ${kind} process(es)`;
}

const FAULTS: [name: string, inject: (options: FaultOptions) => Promise<string>][] = [
  ["kill the browser", async ({ serverPid }) => killChromium(serverPid, "browser")],
  [
    "pause Redis",
    async ({ redis }) => {
      const connection = new RespConnection(redis.port);
      try {
        await connection.send([["DEBUG", "SLEEP", "3"]]);
      } finally {
        connection.close();
      }
      return "DEBUG SLEEP 3";
    },
  ],
  ["kill page processes", async ({ serverPid }) => killChromium(serverPid, "page")],
  [
    "restart Redis",
    async ({ redis }) => {
      await redis.stop();
      await sleep(2_000);
      await redis.restart();
      return "stopped for 2 s, started again empty";
    },
  ],
];

/** Injects a fault every `everySeconds`, in turn, until `until`; resolves to what it did. */
export async function injectFaults(options: FaultOptions): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (let turn = 0; ; turn++) {
    await sleep(options.everySeconds * 1000);
    if (Date.now() >= options.until - options.everySeconds * 500) return injected;
    const [name, inject] = FAULTS[turn % FAULTS.length] as (typeof FAULTS)[number];
    const atSeconds = Math.round((Date.now() - options.startedAt) / 1000);
    const what = await inject(options).catch((error: Error) => `failed: ${error.message}`);
    injected.push({ atSeconds, fault: `${name}: ${what}` });
    console.log(`  ${atSeconds} s: ${name} (${what})`);
  }
}
