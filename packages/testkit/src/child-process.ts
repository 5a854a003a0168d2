/** @module What the test helpers need of the processes they start. */
import type { ChildProcess } from "node:child_process";
import { descendantsOf } from "./processes";

/** What `child` prints on stdout and stderr, its last `maxChars`, as it comes. */
export function keptOutput(child: ChildProcess, maxChars = 256 * 1024): () => string {
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-maxChars);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => output;
}

/** Settles with `child`'s exit code, or the signal that ended it. */
export function exitOf(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? child.signalCode);
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
}

/**
 * Kills a child that runs `unshare --pid --fork …`: its namespace's PID 1 first, whose end takes
 * every process of the namespace along (whatever their process groups or users: a parent-death
 * signal would not reach past a change of user), then the child; settles once it has exited.
 */
export async function killWithNamespace(child: ChildProcess): Promise<void> {
  const exited = exitOf(child);
  const pid = child.pid ?? 0;
  const namespaceInit = descendantsOf(pid).filter(({ parentPid }) => parentPid === pid);
  for (const target of [...namespaceInit.map((each) => each.pid), pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // gone already
    }
  }
  await exited;
}
