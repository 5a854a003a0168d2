// Run by scripts/check-sdk-package.sh on the installed tarball: what a publishable SDK must be.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join("node_modules", "@shotcache", "sdk");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const failures = [];

if (manifest.private) failures.push("package.json says private");
const [major, minor] = manifest.version.split(".").map(Number);
if (major === 0 && minor < 1) failures.push(`version ${manifest.version} is below 0.1.0`);
for (const field of ["license", "repository", "keywords", "engines"])
  if (!manifest[field]) failures.push(`package.json has no ${field}`);

const dist = join(root, "dist");
const declarationBytes = readdirSync(dist)
  .filter((name) => name.endsWith(".d.ts"))
  .reduce((sum, name) => sum + statSync(join(dist, name)).size, 0);
// The router's types are spelled out once per procedure that takes capture options (capture,
// sign, metadata, watches, history.list, history.diff, batch.create), and each procedure repeats
// the error shape: the bound keeps that from growing unnoticed. It was 48 KB until the history
// procedures came (56 KB with them); the batch procedures took it to 64 KB, and the SDK's
// client.batch() to 66 KB.
if (declarationBytes >= 72 * 1024)
  failures.push(`declarations are ${declarationBytes} bytes, not under 72 KB`);

// The main entry runs in browsers and edge runtimes: nothing it loads may import from `node:`.
const seen = new Set();
const pending = [join(root, manifest.exports["."].default)];
while (pending.length > 0) {
  const file = pending.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const [, specifier] of source.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
    if (specifier.startsWith("node:")) failures.push(`${file} imports ${specifier}`);
    else if (specifier.startsWith(".")) pending.push(join(dirname(file), specifier));
  }
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(
  `@shotcache/sdk@${manifest.version}: public, declarations ${declarationBytes} bytes, main entry free of node: (${seen.size} modules)`,
);
