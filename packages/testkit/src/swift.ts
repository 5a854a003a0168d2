/**
 * @module OpenStack Swift, one node on loopback, with its S3 API (`s3api`): a real
 * S3-compatible object store for tests, from Debian's packages, started by the test like
 * redis-server. Swift reads `/etc/swift/swift.conf` and knows no other place for it, so its
 * servers run in mount and PID namespaces of their own, where a folder of the test is
 * `/etc/swift`: nothing of the machine's changes, and stopping it ends every process of it. Its token cache is a memcached of its own (tempauth, which
 * checks S3 signatures here, needs one). Needs root, for the namespace.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { keptOutput, killWithNamespace } from "./child-process";
import { freePort } from "./free-port";

export interface Swift {
  /** The S3 endpoint, `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** S3 credentials of its one user (tempauth's `test:tester`). */
  accessKeyId: string;
  secretAccessKey: string;
  /** An AWS SDK client of it, as a test reads and changes its buckets around the code under test. */
  s3: S3Client;
  /** Makes a bucket. */
  createBucket(name: string): Promise<void>;
  /** The keys of a bucket's objects (under `prefix`, when given). */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  /** Stops every server of it; its data goes with its folder. */
  stop(): Promise<void>;
  /** Stops it, keeping its data, to be started again by `restart` (a store that went away). */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

const SERVERS = ["account", "container", "object"] as const;
const PACKAGES = "swift swift-proxy swift-object swift-container swift-account memcached";

/**
 * The proxy server's path; throws, saying how to install them, where Swift, memcached or the
 * rights it needs are missing.
 */
export function findSwift(): string {
  if (process.getuid?.() !== 0) throw new Error("not root: Swift's namespace cannot be made");
  const tools = "swift-proxy-server swift-ring-builder memcached unshare";
  try {
    execFileSync("sh", ["-c", `for tool in ${tools}; do command -v "$tool" >/dev/null; done`]);
  } catch {
    throw new Error(`Swift or memcached not found (Debian: apt-get install ${PACKAGES})`);
  }
  return "swift-proxy-server";
}

const serverConf = (name: string, port: number, devices: string) => `[DEFAULT]
devices = ${devices}
mount_check = false
bind_ip = 127.0.0.1
bind_port = ${port}
swift_dir = /etc/swift
workers = 0
[pipeline:main]
pipeline = ${name}-server
[app:${name}-server]
use = egg:swift#${name}
`;

const proxyConf = (port: number, memcachedPort: number) => `[DEFAULT]
bind_ip = 127.0.0.1
bind_port = ${port}
swift_dir = /etc/swift
workers = 0
[pipeline:main]
pipeline = catch_errors gatekeeper proxy-logging cache s3api tempauth proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${memcachedPort}
[filter:s3api]
use = egg:swift#s3api
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
`;

/** Starts the servers in their namespace: the proxy in front, the rest behind it. */
const RUN_SCRIPT = `set -eu
mount --make-rprivate /
mount --bind "$1" /etc/swift
for server in account container object; do
  swift-$server-server /etc/swift/$server-server.conf &
done
exec swift-proxy-server /etc/swift/proxy-server.conf
`;

/** Swift on free loopback ports, rings built for one device in a folder of its own. */
export async function startSwift(): Promise<Swift> {
  findSwift();
  const dir = mkdtempSync(join(tmpdir(), "shotcache-swift-"));
  const etc = join(dir, "etc");
  const devices = join(dir, "node");
  mkdirSync(etc);
  mkdirSync(join(devices, "d1"), { recursive: true });
  writeFileSync(
    join(etc, "swift.conf"),
    "[swift-hash]\nswift_hash_path_suffix = shotcache-test\n[storage-policy:0]\nname = gold\ndefault = yes\n",
  );
  const [proxyPort, memcachedPort, ...serverPorts] = await Promise.all(
    [0, 1, 2, 3, 4].map(() => freePort()),
  );
  for (const [index, name] of SERVERS.entries()) {
    const port = serverPorts[index] ?? 0;
    const builder = join(etc, `${name}.builder`);
    execFileSync("swift-ring-builder", [builder, "create", "1", "1", "1"], { stdio: "ignore" });
    execFileSync("swift-ring-builder", [builder, "add", `r1z1-127.0.0.1:${port}/d1`, "1"], {
      stdio: "ignore",
    });
    execFileSync("swift-ring-builder", [builder, "rebalance"], { stdio: "ignore" });
    writeFileSync(join(etc, `${name}-server.conf`), serverConf(name, port, devices));
  }
  writeFileSync(join(etc, "proxy-server.conf"), proxyConf(proxyPort ?? 0, memcachedPort ?? 0));

  const endpoint = `http://127.0.0.1:${proxyPort}`;
  let processes: { child: ChildProcess; output: () => string }[] = [];
  const launch = (command: string, args: string[]) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    processes.push({ child, output: keptOutput(child, 64 * 1024) });
  };
  async function start() {
    launch("memcached", ["-u", "root", "-l", "127.0.0.1", "-p", String(memcachedPort), "-U", "0"]);
    launch("unshare", [
      "--mount",
      "--pid",
      "--fork",
      "--mount-proc",
      "sh",
      "-c",
      RUN_SCRIPT,
      "swift",
      etc,
    ]);
    // Ready once the proxy answers and every server behind it takes requests (any answer).
    const listening = async (url: string) =>
      (await fetch(url).catch(() => undefined)) !== undefined;
    const backends = serverPorts.map((port) => `http://127.0.0.1:${port}/`);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const proxy = await fetch(`${endpoint}/info`).catch(() => undefined);
      if (proxy?.ok && (await Promise.all(backends.map(listening))).every(Boolean)) return;
      await sleep(100);
    }
    const output = processes.map((each) => each.output()).join("\n");
    await pause();
    throw new Error(`Swift did not start:\n${output}`);
  }
  /** The servers leave their process group (they call setsid): their namespace takes them. */
  async function pause() {
    await Promise.all(processes.map(({ child }) => killWithNamespace(child)));
    processes = [];
  }
  await start();
  const credentials = { accessKeyId: "test:tester", secretAccessKey: "testing" };
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials,
    // Swift 2.30 refuses the aws-chunked bodies that carry checksums by default.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  return {
    endpoint,
    ...credentials,
    s3,
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async keys(bucket, prefix) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    },
    pause,
    restart: start,
    async stop() {
      s3.destroy();
      await pause();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
