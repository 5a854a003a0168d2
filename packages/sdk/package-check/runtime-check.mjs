// Run by scripts/check-sdk-package.sh under each supported Node: the installed SDK loads, signs,
// and turns a refused connection into a ShotcacheError (loopback only: a port just freed).
import { createServer } from "node:net";
import { createShotcacheClient, isShotcacheError } from "@shotcache/sdk";
import { createFileETagCache } from "@shotcache/sdk/node";
import { signedScreenshotUrl } from "@shotcache/sdk/sign";

// Asked to run on one Node major: a Node that did not install must not pass for it.
const expected = process.env.EXPECTED_NODE_MAJOR;
if (expected && process.versions.node.split(".")[0] !== expected) {
  throw new Error(`expected Node ${expected}, running ${process.version}`);
}

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const client = createShotcacheClient({
  baseUrl: `http://127.0.0.1:${port}`,
  retry: false,
  cache: createFileETagCache(".etag-cache"),
});
try {
  await client.health();
  throw new Error("health() answered from a closed port");
} catch (error) {
  if (!isShotcacheError(error) || error.code !== "NETWORK_ERROR") throw error;
}
const signed = new URL(signedScreenshotUrl("http://h", { url: "https://a.test/" }, "s".repeat(32)));
if (!signed.searchParams.get("signature")) throw new Error("no signature in a signed URL");
console.log(`Node ${process.version}: the SDK loads, signs and reports a refused connection.`);
