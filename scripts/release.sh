#!/usr/bin/env bash
# `pnpm release`: the publishable packages (@shotcache/sdk, @shotcache/cli) built, packed by
# Changesets exactly as they would be published (workspace ranges resolved), and each tarball put
# through `npm publish --dry-run`. `pnpm release --publish` then publishes those same tarballs with
# `changeset publish` (an npm login or token, and provenance where the CI supports it, are the
# publisher's). Versions and changelogs come first, from `pnpm changeset` and `pnpm version-packages`.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

publish=false
case "${1:-}" in
  "") ;;
  --publish) publish=true ;;
  *) echo "usage: pnpm release [--publish]" >&2; exit 2 ;;
esac

pack_dir="$(mktemp -d "${TMPDIR:-/tmp}/shotcache-release-XXXXXX")"
trap 'rm -rf "$pack_dir"' EXIT

turbo run build --filter=@shotcache/sdk --filter=@shotcache/cli
# The plan lists what the registry does not have yet; nothing new is nothing to do.
changeset pack --out-dir "$pack_dir"
shopt -s nullglob
tarballs=("$pack_dir"/packages/*.tgz)
if [[ ${#tarballs[@]} -eq 0 ]]; then
  echo "Every publishable version is on the registry already: nothing to release."
  exit 0
fi
for tarball in "${tarballs[@]}"; do
  npm publish --dry-run "$tarball"
done

if [[ "$publish" == true ]]; then
  changeset publish --from-pack-dir "$pack_dir"
else
  echo "Dry run: ${#tarballs[@]} packages would be published. 'pnpm release --publish' publishes them."
fi
