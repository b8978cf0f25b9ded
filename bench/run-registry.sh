#!/usr/bin/env bash
# The registry benchmark (`bash bench/run-registry.sh`, or `bash bench/run.sh --suite registry`):
# installs what it needs, then runs bench/registry.mjs, which starts Berth's registry and a
# peer CNCF distribution registry in a scratch dir, measures both through the same clients
# (curl, skopeo, Node) and stops them again. Options are passed through (see --help), e.g.
#   bash bench/run-registry.sh --only distribution --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "bench: $*"; }

for arg in "$@"; do
  case "$arg" in -h|--help) exec node bench/registry.mjs --help ;; esac
done

only=""
keep=0
custom_bin=0
prev=""
for arg in "$@"; do
  case "$arg" in
    --only=*) only=${arg#--only=} ;;
    --keep-workdir) keep=1 ;;
    --berth-registry|--berth-registry=*) custom_bin=1 ;;
  esac
  [ "$prev" = --only ] && only=$arg
  prev=$arg
done

apt_updated=0
ensure_pkg() { # ensure_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "bench: $1 is missing; install the Debian package $2 (as root)" >&2; exit 1; }
  say "installing $2 (for $1)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; then
    [ "$apt_updated" = 1 ] && { echo "bench: apt-get install $2 failed" >&2; exit 1; }
    apt-get update -q >/dev/null
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
  fi
}

ensure_pkg curl curl
ensure_pkg skopeo skopeo
if [ "$only" != berth ]; then
  # The measurement peer only: Debian's docker-registry (CNCF distribution 2.8). It is never
  # a dependency of Berth, and its packaged service is not used (registry.mjs runs its own).
  ensure_pkg docker-registry docker-registry
fi
if [ "$only" != distribution ] && [ "$custom_bin" = 0 ] && [ ! -f packages/registry/dist/berth-registry.js ]; then
  say "the Berth registry is not built yet; building @berth/registry"
  npx --no-install turbo run build --filter=@berth/registry
fi

# Scratch dir for both registries and the test data. registry.mjs stops the registries and
# removes it; this trap only acts if registry.mjs itself was killed before it could.
work=$(mktemp -d /tmp/berth-bench-registry.XXXXXX)
cleanup() {
  [ -d "$work" ] || return 0
  local f pid
  for f in "$work"/berth/registry.pid "$work"/distribution/registry.pid; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping leftover registry pid $pid ($f)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

node bench/registry.mjs --workdir "$work" "$@"
