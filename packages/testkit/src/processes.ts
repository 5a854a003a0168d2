import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  parentPid: number;
  commandLine: string;
  zombie: boolean;
  /** The real user ID it runs as. */
  uid: number;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state, ppid, …
    const [state, parentPid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return { pid, parentPid: Number(parentPid), commandLine, zombie: state === "Z", uid };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Processes read from /proc (Linux only): live ones, and zombies too if asked. */
function listProcesses(zombies: boolean): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined && (zombies || !info.zombie));
}

/**
 * Every live process below `rootPid`, `rootPid` excluded; with `zombies`, those not yet reaped
 * by their parent too.
 */
export function descendantsOf(rootPid: number, { zombies = false } = {}): ProcessInfo[] {
  const all = listProcesses(zombies);
  const found: ProcessInfo[] = [];
  const parents = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.parentPid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Whether process `pid` is still alive (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  const info = readProcess(pid);
  return info !== undefined && !info.zombie;
}

/**
 * The processes of `pids` still alive after up to `timeoutMs`: a killed process takes a moment to
 * die (every thread must stop), so a check right after its parent exits would race it.
 */
export async function survivorsAfter(pids: number[], timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}
