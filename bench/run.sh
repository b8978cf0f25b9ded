#!/usr/bin/env bash
# `npm run bench`: installs what the bench needs, then runs bench/engine.mjs, which starts
# berthd and a peer dockerd in a scratch dir, measures both through the same docker CLI and
# stops them again. Options are passed through (see `bash bench/run.sh --help`), e.g.
#   bash bench/run.sh --only dockerd --runs 10
# `--suite registry` runs the registry benchmark instead (bench/run-registry.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "bench: $*"; }

suite=engine
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=${2:-}; shift $(( $# > 1 ? 2 : 1 )) ;;
    --suite=*) suite=${1#--suite=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- ${args[@]+"${args[@]}"}
case "$suite" in
  engine) ;;
  registry) exec bash bench/run-registry.sh "$@" ;;
  *) echo "bench: --suite takes engine (the default) or registry, not \"$suite\"" >&2; exit 1 ;;
esac

for arg in "$@"; do
  case "$arg" in -h|--help) exec node bench/engine.mjs --help ;; esac
done
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it starts container daemons)" >&2; exit 1; }

# Which daemons this run needs (engine.mjs validates the options properly).
only=""
cases=""  # empty: the default list, which has the push/pull cases
keep=0
custom_berthd=0
custom_registry=0
prev=""
for arg in "$@"; do
  case "$arg" in
    --only=*) only=${arg#--only=} ;;
    --cases=*) cases=${arg#--cases=} ;;
    --keep-workdir) keep=1 ;;
    --berthd|--berthd=*) custom_berthd=1 ;;
    --berth-registry|--berth-registry=*) custom_registry=1 ;;
  esac
  [ "$prev" = --only ] && only=$arg
  [ "$prev" = --cases ] && cases=$arg
  prev=$arg
done

apt_updated=0
ensure_pkg() { # ensure_pkg COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  say "installing $2 (for $1)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null; then
    [ "$apt_updated" = 1 ] && { echo "bench: apt-get install $2 failed" >&2; exit 1; }
    apt-get update -q >/dev/null
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
  fi
}

ensure_pkg ip iproute2
ensure_pkg runc runc
[ -x /usr/local/bin/docker ] || ensure_pkg docker docker.io
if [ "$only" != berthd ]; then
  # The measurement peer only: Debian's docker.io (dockerd 20.10 + containerd). It is never a
  # dependency of Berth, and its packaged service is not started (engine.mjs runs its own).
  ensure_pkg dockerd docker.io
fi
if [ "$only" != dockerd ]; then
  ensure_pkg conmon conmon
  if [ "$custom_berthd" = 0 ] && [ ! -f packages/engine/dist/berthd.js ]; then
    say "berthd is not built yet; building @berth/engine"
    npx --no-install turbo run build --filter=@berth/engine
  fi
fi
# The port-1g case fetches through the published ports with curl.
case "${cases:-default}" in
  default|*port-1g*) ensure_pkg curl curl ;;
esac
# The push/pull cases push to and pull from a Berth registry the bench starts on loopback.
case "${cases:-default}" in
  default|*push*|*pull*)
    if [ "$custom_registry" = 0 ] && [ ! -f packages/registry/dist/berth-registry.js ]; then
      say "the Berth registry is not built yet; building @berth/registry"
      npx --no-install turbo run build --filter=@berth/registry
    fi ;;
esac

# Scratch dir for both daemons. engine.mjs stops the daemons and removes it; this trap only
# acts if engine.mjs itself was killed before it could.
work=$(mktemp -d /tmp/berth-bench.XXXXXX)
cleanup() {
  [ -d "$work" ] || return 0
  local f pid m
  for f in "$work"/dockerd/dockerd.pid "$work"/berthd/berthd.pid "$work"/registry/berth/registry.pid; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      say "stopping leftover daemon pid $pid ($f)"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for m in $(awk -v w="$work" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if [ -s "$work/bridge" ]; then ip link del "$(cat "$work/bridge")" 2>/dev/null || true; fi
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

node bench/engine.mjs --workdir "$work" "$@"
