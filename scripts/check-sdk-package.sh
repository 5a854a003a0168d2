#!/usr/bin/env bash
# Proves the SDK stands alone as published: packs it, installs the tarball into a scratch project
# outside the workspace (no @shotcache/* server package there), type-checks a sample that relies on
# the inferred input and output types, runs every entry on Node 24 and Node 22, and checks what
# publishing needs (not private, at least 0.1.0, declarations under 72 KB, a main entry with no
# `node:` import, `npm publish --dry-run` clean).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d "${TMPDIR:-/tmp}/shotcache-sdk-package-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

(cd packages/sdk && pnpm pack --pack-destination "$scratch" >/dev/null)
cp packages/sdk/package-check/{package.json,tsconfig.json,sample.ts,runtime-check.mjs,published-facts.mjs} \
  "$scratch"
cd "$scratch"
npm install --no-audit --no-fund --prefer-offline --loglevel=error ./shotcache-sdk-*.tgz typescript@5.9.3
npx tsc -p .
node published-facts.mjs
npm publish --dry-run --loglevel=warn ./shotcache-sdk-*.tgz
# At run time, on this Node and on the oldest one the SDK supports (engines: >=22; the npm
# package "node" carries its binary).
node runtime-check.mjs
EXPECTED_NODE_MAJOR=22 npx --yes --prefer-offline -p node@22 node runtime-check.mjs
echo "The packed SDK installs, type-checks and runs outside the workspace."
