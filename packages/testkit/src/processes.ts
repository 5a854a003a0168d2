import { readdirSync, readFileSync } from "node:fs";

interface ProcessInfo {
  pid: number;
  parentPid: number;
  commandLine: string;
  zombie: boolean;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state, ppid, …
    const [state, parentPid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { pid, parentPid: Number(parentPid), commandLine, zombie: state === "Z" };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Live (non-zombie) processes, read from /proc (Linux only). */
export function listProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined && !info.zombie);
}

/** Every live process below `rootPid`, `rootPid` excluded. */
export function descendantsOf(rootPid: number): ProcessInfo[] {
  const all = listProcesses();
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
