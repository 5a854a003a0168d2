#!/usr/bin/env bash
# The whole test suite, once the system packages it needs are found: lint, types, build, the packed
# SDK in a scratch project, unit and integration tests (vitest), browser tests (Playwright). Every
# browser the tests start keeps its folders under one temporary directory of this run, so
# afterwards we can prove that none was left running or left files behind.
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."

# Stops first, with the packages to install, where a system package the tests need is missing:
# rather than tests that skip or fail one by one, far into the run.
bash scripts/system-packages.sh --check

run_tmp="$(mktemp -d "${TMPDIR:-/tmp}/shotcache-test-XXXXXX")"
trap 'rm -rf "$run_tmp"' EXIT

pnpm lint
pnpm typecheck
pnpm build
bash scripts/check-sdk-package.sh
TMPDIR="$run_tmp" pnpm exec vitest run \
  --reporter=default --reporter=json --outputFile.json="$run_tmp/vitest.json"
TMPDIR="$run_tmp" PLAYWRIGHT_JSON_OUTPUT_NAME="$run_tmp/playwright.json" \
  pnpm test:e2e --reporter=list,json

# A browser closes asynchronously after its owner: give stragglers a moment before judging.
for _ in $(seq 1 50); do
  pgrep -f -- "$run_tmp" >/dev/null || break
  sleep 0.1
done
# The image's stand-ins (container-sandbox.ts) run in sandboxes of their own, outside TMPDIR.
sandboxes="$(pgrep -af -- "[t]ini -- .*/deploy/docker/entrypoint[.]sh" || true)"
processes="$(pgrep -af -- "$run_tmp" || true)${sandboxes:+$'\n'}$sandboxes"
folders="$(find "$run_tmp" -name 'shotcache-chromium-*' -o -name 'org.chromium.Chromium.*' \
  -o -name 'com.google.Chrome.*' -o -name 'puppeteer_dev_chrome_profile-*' \
  -o -name 'playwright_chromiumdev_profile-*')"
if [[ -n "$processes" || -n "$folders" ]]; then
  echo "Browser leftovers after the tests:" >&2
  [[ -n "$processes" ]] && echo "processes:"$'\n'"$processes" >&2
  [[ -n "$folders" ]] && echo "folders:"$'\n'"$folders" >&2
  exit 1
fi
echo "No browser process or folder left behind."

# One closing line for both runners, in the plain "N passed, N failed, N skipped" form.
node -e '
  const [vitest, playwright] = process.argv.slice(1).map((file) => require(file));
  const passed = vitest.numPassedTests + playwright.stats.expected + playwright.stats.flaky;
  const failed = vitest.numFailedTests + playwright.stats.unexpected;
  const skipped = vitest.numPendingTests + vitest.numTodoTests + playwright.stats.skipped;
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$run_tmp/vitest.json" "$run_tmp/playwright.json"
