#!/usr/bin/env bash
# The system packages the tests need, as Debian and Ubuntu name them: one list that `pnpm test`
# checks (scripts/test.sh) and CI installs (.ci/run), so the two cannot drift.
#   --check    prints which are missing and the one command that installs them; fails if any is
#   --install  installs the missing ones with apt-get (through sudo when not root)
set -euo pipefail

# Each package beside how to find it installed: by what the tests use of it (a command, or a file,
# which may be a glob), so a browser or server installed some other way counts as well.
REQUIREMENTS=(
  # Chromium's headless shell renders; the whole browser runs the Playwright tests.
  "chromium                       command chromium"
  "chromium-headless-shell        file /usr/lib/chromium/chromium-headless-shell"
  # redis-server: the Redis store and queue tests start their own.
  "redis-server                   command redis-server"
  # Varnish with vmod-xkey and nginx with its cache-purge module: the CDNs the purge tests run
  # behind.
  "varnish                        command varnishd"
  "varnish-modules                file /usr/lib/*/varnish/vmods/libvmod_xkey.so"
  "nginx-light                    command nginx"
  "libnginx-mod-http-cache-purge  file /usr/lib/nginx/modules/ngx_http_cache_purge_module.so"
  # curl runs the playground's copied command.
  "curl                           command curl"
  # iproute2: the remote-browser test puts its browser on a test host of its own (ip netns).
  "iproute2                       command ip"
  # tini: the image's init, PID 1 of the test that stands in for a container of it.
  "tini                           command tini"
  # OpenStack Swift with its S3 API, and memcached for its tokens: the S3-compatible object store
  # the object-store tests run against (testkit's swift.ts).
  "swift-proxy                    command swift-proxy-server"
  "swift-account                  command swift-account-server"
  "swift-container                command swift-container-server"
  "swift-object                   command swift-object-server"
  "memcached                      command memcached"
  # CJK and emoji fonts, so pages in those scripts render as text rather than as empty boxes.
  "fonts-noto-cjk                 file /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
  "fonts-noto-color-emoji         file /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
)

# Fills `missing` with the packages not found, and `reasons` with what was looked for.
find_missing() {
  missing=()
  reasons=()
  local requirement package kind target
  for requirement in "${REQUIREMENTS[@]}"; do
    read -r package kind target <<<"$requirement"
    case "$kind" in
      command) command -v "$target" >/dev/null && continue ;;
      file) compgen -G "$target" >/dev/null && continue ;;
    esac
    missing+=("$package")
    reasons+=("no $kind $target")
  done
}

# $EUID, not `id -u`: the check runs even where PATH finds no tool at all.
as_root=()
[[ "$EUID" -eq 0 ]] || as_root=(sudo)

report_missing() {
  echo "Missing system packages that the tests need:"
  local index
  for index in "${!missing[@]}"; do
    printf '  %-30s (%s)\n' "${missing[$index]}" "${reasons[$index]}"
  done
  echo "Install them with:"
  echo "  ${as_root[*]}${as_root[*]:+ }apt-get install -y ${missing[*]}"
}

# Succeeds when nothing is missing; otherwise says what is, and how to install it.
check() {
  find_missing
  if [[ ${#missing[@]} -gt 0 ]]; then
    report_missing >&2
    return 1
  fi
  echo "System packages: all ${#REQUIREMENTS[@]} that the tests need are installed."
}

install_missing() {
  find_missing
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "Installing ${missing[*]} from Debian"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    hash -r
  fi
  # Checked again: a package that installed without what the tests use would fail them later.
  check
}

case "${1:-}" in
  --check) check ;;
  --install) install_missing ;;
  *)
    echo "usage: $0 --check | --install" >&2
    exit 2
    ;;
esac
