/**
 * @module The image's runtime without the image: no container engine runs here, so a container
 * of it is stood in for by the kernel features a container is made of. Needs root (to make the
 * namespaces and mounts, then drop to the image's user), util-linux's `unshare` and `setpriv`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exitOf, keptOutput, killWithNamespace } from "./child-process";
import type { ImageFacts } from "./dockerfile";
import { freePort } from "./free-port";
import { descendantsOf, type ProcessInfo } from "./processes";
import { waitUntilAnswering } from "./web-app";

/** Where the image keeps the application (its `COPY … /app`). */
const IMAGE_APP_DIR = "/app";
/** The PATH of the Node base image. */
const IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Where this process's Node binary is copied inside the sandbox (see SANDBOX_SCRIPT). */
const SANDBOX_NODE_DIR = "/tmp/.node";
const SHM_SIZE = "64m";

/**
 * Run by `unshare` as root in the new mount and PID namespaces, then replaced by the image's
 * init, as the image's user. Mounts are private to the namespace: the machine's own are untouched
 * (`remount,bind,ro` changes this namespace's mount, not the filesystem).
 * - /tmp: a fresh tmpfs, the one writable place (`docker run --read-only --tmpfs /tmp`);
 * - /dev/shm: 64 MB, Docker's default size;
 * - an application under /tmp (a checkout there) stays in sight, read-only: it is bound back in
 *   place from the working folder, which still holds the folder the new /tmp hides (hence
 *   --no-canonicalize: the path `.` would name the new, empty one);
 * - this process's Node is copied to /tmp: the image has its own Node, but this one may sit in a
 *   folder the image's user cannot enter (root's home);
 * - the root filesystem is then read-only, and a write as the user is tried to prove it;
 * - the user: not root, no supplementary groups, no capabilities (bounding set empty, as with
 *   `cap_drop: ALL`) and no way to gain any (`no-new-privs`, as `allowPrivilegeEscalation: false`).
 */
const SANDBOX_SCRIPT = `set -eu
node_binary=$1 uid=$2 gid=$3 app_root=$4 workdir=$5
shift 5
as_user="--reuid $uid --regid $gid --clear-groups --bounding-set=-all --inh-caps=-all --no-new-privs"
cd "$app_root"
mount --make-rprivate /
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777,size=${SHM_SIZE} tmpfs /dev/shm
case "$app_root" in
  /tmp/*)
    mkdir -p "$app_root"
    mount --no-canonicalize --bind . "$app_root"
    mount -o remount,bind,ro "$app_root"
    ;;
esac
mkdir -m 755 ${SANDBOX_NODE_DIR}
cp "$node_binary" ${SANDBOX_NODE_DIR}/node
chmod 755 ${SANDBOX_NODE_DIR}/node
mount -o remount,bind,ro /
if setpriv $as_user touch "$workdir/.sandbox-write-probe" 2>/dev/null; then
  echo "sandbox: the root filesystem is writable" >&2
  exit 97
fi
cd "$workdir"
exec setpriv $as_user "$@"
`;

export interface ContainerSandboxOptions {
  image: ImageFacts;
  /** The folder on this machine that stands for the image's `/app`: the built repository. */
  appRoot: string;
  /** Variables set on top of the image's `ENV` (PORT is set to a free port). */
  env?: Record<string, string>;
  /** In place of the image's `CMD`, as `docker run IMAGE worker` gives one. */
  command?: string[];
  /**
   * Ready once this line is printed (a render worker serves no HTTP); by default, once
   * `/api/health` answers.
   */
  readyLine?: string;
  /** Longest wait for it to be ready. @default 60000 */
  readyTimeoutMs?: number;
}

export interface ContainerSandbox {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The sandbox's PID 1, the image's init, as this machine numbers it. */
  initPid: number;
  /** Every process in the sandbox, PID 1 included, zombies too. */
  processes(): ProcessInfo[];
  /** Output printed so far. */
  output(): string;
  /** SIGTERM to PID 1, as `docker stop` sends it; resolves to the sandbox's exit code. */
  stop(): Promise<number | string | null>;
  /** Ends the sandbox at once (its PID 1 killed takes every process in it along). */
  kill(): Promise<void>;
}

async function waitForLine(
  output: () => string,
  line: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(line)) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`no ${line} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Throws, saying why, where a sandbox cannot be made here: not root, or a tool missing. */
export function checkContainerSandbox(image: ImageFacts): void {
  if (process.getuid?.() !== 0) throw new Error("not root: namespaces cannot be made");
  const init = image.entrypoint[0] ?? "";
  const tools = 'for tool in unshare setpriv; do command -v "$tool" >/dev/null; done';
  execFileSync("sh", ["-c", `${tools} && test -x "${init}"`]);
}

/** A path of the image as it is on this machine: `/app/…` is under `appRoot`. */
function onThisMachine(path: string, appRoot: string): string {
  return path === IMAGE_APP_DIR || path.startsWith(`${IMAGE_APP_DIR}/`)
    ? join(appRoot, path.slice(IMAGE_APP_DIR.length))
    : path;
}

/**
 * Runs the image's `ENTRYPOINT` and `CMD` the way a container engine would, with its `ENV`,
 * `WORKDIR` and `USER`, in new PID and mount namespaces; resolves once `/api/health` answers.
 */
export async function startContainerSandbox(
  options: ContainerSandboxOptions,
): Promise<ContainerSandbox> {
  const { image, appRoot } = options;
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const command = [...image.entrypoint, ...(options.command ?? image.command)].map((part) =>
    onThisMachine(part, appRoot),
  );
  // The container's environment is the image's alone: nothing of this process's leaks in.
  const env: Record<string, string> = {
    ...Object.fromEntries(image.environment),
    PATH: `${SANDBOX_NODE_DIR}:${IMAGE_PATH}`,
    ...options.env,
    PORT: String(port),
  };
  const child: ChildProcess = spawn(
    "unshare",
    [
      "--mount",
      "--pid",
      "--fork",
      "--mount-proc",
      "sh",
      "-c",
      SANDBOX_SCRIPT,
      "sandbox",
      process.execPath,
      String(image.user.uid),
      String(image.user.gid),
      appRoot,
      onThisMachine(image.workdir, appRoot),
      ...command,
    ],
    // Cast: Next.js's types declare NODE_ENV always set, as the image's ENV sets it.
    { env: env as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output = keptOutput(child);
  const exited = exitOf(child);
  // Its PID 1 first: setpriv clears the parent-death signal unshare's --kill-child would set.
  const kill = () => killWithNamespace(child);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  try {
    if (options.readyLine) await waitForLine(output, options.readyLine, child, timeoutMs);
    else await waitUntilAnswering(origin, child, timeoutMs);
  } catch (error) {
    await kill();
    throw new Error(`${(error as Error).message}\n${output()}`);
  }
  const sandboxPid = child.pid ?? 0;
  const init = descendantsOf(sandboxPid).find(({ parentPid }) => parentPid === sandboxPid);
  if (!init) throw new Error("the sandbox has no PID 1");
  return {
    origin,
    initPid: init.pid,
    processes: () => descendantsOf(sandboxPid, { zombies: true }),
    output,
    stop() {
      try {
        process.kill(init.pid, "SIGTERM");
      } catch {
        // already gone: its exit code tells
      }
      return exited;
    },
    kill,
  };
}
