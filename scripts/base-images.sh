#!/usr/bin/env bash
# Creates Berth's base images without any outside registry and imports them into the daemon
# at $DOCKER_HOST (any Docker-API daemon: berthd or dockerd) with the docker CLI:
#
#   busybox:latest   from Debian's busybox-static (every applet symlinked into /bin)
#   debian:bookworm  from `debootstrap --variant=minbase`, tarball cached in /var/cache/berth
#
# Usage: scripts/base-images.sh [--busybox-only] [--cache-only] [--host unix:///path.sock]
# --cache-only makes the cached debian tarball and stops (no daemon needed).
# Idempotent: an image that already exists in the daemon is left alone.
set -euo pipefail

CACHE_DIR=${BERTH_CACHE_DIR:-/var/cache/berth}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_TARBALL="$CACHE_DIR/debian-bookworm-minbase.tar"

host=${DOCKER_HOST:-unix:///run/berth/berth.sock}
busybox_only=0
cache_only=0

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --busybox-only) busybox_only=1 ;;
    --cache-only) cache_only=1 ;;
    --host) [ $# -ge 2 ] || { echo "base-images: --host needs a URL" >&2; exit 2; }; host=$2; shift ;;
    --host=*) host=${1#--host=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "base-images: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
export DOCKER_HOST=$host

say() { echo "base-images: $*"; }
die() { echo "base-images: error: $*" >&2; exit 1; }

# The project's docker CLI is /usr/local/bin/docker (v28); Debian's docker.io, when present
# as a benchmark peer, puts an older client in /usr/bin, so prefer the former explicitly.
if [ -n "${DOCKER:-}" ]; then docker_bin=$DOCKER
elif [ -x /usr/local/bin/docker ]; then docker_bin=/usr/local/bin/docker
else docker_bin=$(command -v docker) || die "the docker CLI is not installed (expected /usr/local/bin/docker)"
fi
dk() { "$docker_bin" "$@"; }

# ---- Debian packages -------------------------------------------------------------------

apt_updated=0
ensure_pkg() { # ensure_pkg PACKAGE — install with apt-get if missing (apt-get update once)
  local pkg=$1
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "package $pkg is missing; install it as root: apt-get install -y $pkg"
  say "installing Debian package $pkg"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null; then
    [ "$apt_updated" = 1 ] && die "apt-get install $pkg failed"
    say "apt-get update (package $pkg not found in the local lists)"
    apt-get update -q >/dev/null
    apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null || die "apt-get install $pkg failed"
  fi
}

# ---- scratch space, cleaned up on exit -------------------------------------------------

work=""
cleanup() {
  [ -n "$work" ] && [ -d "$work" ] || return 0
  # debootstrap can leave proc/sys mounted inside its target when it fails: unmount first.
  local m
  for m in $(awk -v w="$work" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$CACHE_DIR"
# Scratch lives beside the cache so the final tarball is a same-filesystem rename.
work=$(mktemp -d "$CACHE_DIR/.work.XXXXXX")

image_exists() { dk image inspect "$1" >/dev/null 2>&1; }

# tar_rootfs DIR OUT — a tarball of DIR's contents, owned by root, without /dev, /proc, /sys
# contents (the runtime mounts those).
tar_rootfs() {
  tar --numeric-owner -C "$1" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$2" .
}

# ---- busybox ---------------------------------------------------------------------------

make_busybox() {
  if image_exists busybox:latest; then
    say "busybox:latest already present on $DOCKER_HOST, skipping"
    return 0
  fi
  ensure_pkg busybox-static
  local src=/bin/busybox
  [ -x "$src" ] || src=$(dpkg -L busybox-static | grep -m1 '/busybox$')
  local root="$work/busybox"
  say "building busybox rootfs from $src ($("$src" 2>&1 | head -1 | awk '{print $1, $2}'))"
  mkdir -p "$root"/{bin,etc,root,home,var,tmp,dev,proc,sys}
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  cp "$src" "$root/bin/busybox"
  chmod 755 "$root/bin/busybox"
  local applet n=0
  for applet in $("$src" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$root/bin/$applet"
    n=$((n + 1))
  done
  cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat > "$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
  say "linked $n applets into /bin"
  tar_rootfs "$root" "$work/busybox.tar"
  say "importing busybox:latest ($(du -h "$work/busybox.tar" | cut -f1)) into $DOCKER_HOST"
  dk import -c 'CMD ["sh"]' "$work/busybox.tar" busybox:latest
  rm -rf "$root" "$work/busybox.tar"
}

# ---- debian:bookworm -------------------------------------------------------------------

make_debian() {
  if image_exists debian:bookworm; then
    say "debian:bookworm already present on $DOCKER_HOST, skipping"
    return 0
  fi
  cache_debian
  say "importing debian:bookworm into $DOCKER_HOST"
  dk import -c 'CMD ["bash"]' "$DEBIAN_TARBALL" debian:bookworm
}

cache_debian() {
  if [ -s "$DEBIAN_TARBALL" ]; then
    say "using cached rootfs $DEBIAN_TARBALL (delete it to re-run debootstrap)"
  else
    ensure_pkg debootstrap
    local root="$work/debian"
    say "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (about a minute)"
    debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" > "$work/debootstrap.log" 2>&1 || {
      tail -20 "$work/debootstrap.log" >&2
      die "debootstrap failed (full log above was $work/debootstrap.log)"
    }
    # Leave apt's downloaded lists and packages out of the image, as official images do.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
    tar_rootfs "$root" "$work/debian.tar"
    mv "$work/debian.tar" "$DEBIAN_TARBALL"
    rm -rf "$root"
    say "cached rootfs as $DEBIAN_TARBALL ($(du -h "$DEBIAN_TARBALL" | cut -f1))"
  fi
}

# ---- main ------------------------------------------------------------------------------

if [ "$cache_only" = 1 ]; then
  cache_debian
  exit 0
fi

dk version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "no Docker-API daemon answers at $DOCKER_HOST (start berthd, or pass --host unix:///path.sock)"
say "daemon at $DOCKER_HOST: $(dk version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"

make_busybox
[ "$busybox_only" = 1 ] || make_debian
say "done"
