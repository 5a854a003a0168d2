#!/usr/bin/env bash
# The whole test suite: lint, types, build, unit and integration tests (vitest), browser tests
# (Playwright). Every browser the tests start keeps its folders under one temporary directory of
# this run, so afterwards we can prove that none was left running or left files behind.
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."

run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/shotcache-test-XXXXXX")"
trap 'rm -rf "$run_tmp"' EXIT

pnpm lint
pnpm typecheck
pnpm build
TMPDIR="$run_tmp" pnpm exec vitest run
TMPDIR="$run_tmp" pnpm test:e2e

# A browser closes asynchronously after its owner: give stragglers a moment before judging.
for _ in $(seq 1 50); do
  pgrep -f -- "$run_tmp" >/dev/null || break
  sleep 0.1
done
processes="$(pgrep -af -- "$run_tmp" || true)"
folders="$(find "$run_tmp" -name 'shotcache-chromium-*' -o -name 'puppeteer_dev_chrome_profile-*' -o -name 'org.chromium.*')"
if [[ -n "$processes" || -n "$folders" ]]; then
  echo "Browser leftovers after the tests:" >&2
  [[ -n "$processes" ]] && echo "processes:"$'\n'"$processes" >&2
  [[ -n "$folders" ]] && echo "folders:"$'\n'"$folders" >&2
  exit 1
fi
echo "No browser process or folder left behind."
