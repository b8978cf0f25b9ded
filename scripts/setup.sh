#!/usr/bin/env bash
# Installs what Berth needs on a fresh Debian machine (run as root), then builds it.
# Used by `npm start` and `npm test`; safe to run again (it skips what is there).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(runc conmon containernetworking-plugins iptables aardvark-dns busybox-static tini skopeo postgresql openssl curl docker-registry chromium firefox-esr)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "berth: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  echo "berth: installing pnpm"
  npm install -g pnpm@12 >/dev/null 2>&1
fi

pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
