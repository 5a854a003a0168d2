#!/usr/bin/env bash
# Proves the SDK stands alone as published: packs it, installs the tarball into a scratch project
# outside the workspace (no @shotcache/* server package there), type-checks a sample that relies on
# the inferred input and output types, and imports every entry at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d "${TMPDIR:-/tmp}/shotcache-sdk-package-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

(cd packages/sdk && pnpm pack --pack-destination "$scratch" >/dev/null)
cp packages/sdk/package-check/{package.json,tsconfig.json,sample.ts} "$scratch"
cd "$scratch"
npm install --no-audit --no-fund --prefer-offline --loglevel=error ./shotcache-sdk-*.tgz typescript@5.9.3
npx tsc -p .
node --input-type=module -e '
  const entries = ["@shotcache/sdk", "@shotcache/sdk/node", "@shotcache/sdk/sign"];
  for (const entry of entries) await import(entry);
'
echo "The packed SDK installs, type-checks and loads outside the workspace."
