#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and runs berthd in the foreground on
# /run/berth/berth.sock with a busybox image ready to use.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

SOCK=/run/berth/berth.sock
mkdir -p /run/berth
node packages/engine/dist/berthd.js -H "unix://$SOCK" "$@" &
BERTHD=$!
trap 'kill -TERM $BERTHD 2>/dev/null; wait $BERTHD' INT TERM

for _ in $(seq 1 100); do
  [ -S "$SOCK" ] && break
  kill -0 $BERTHD 2>/dev/null || { wait $BERTHD; exit $?; }
  sleep 0.1
done
DOCKER_HOST="unix://$SOCK" bash scripts/base-images.sh --busybox-only >/dev/null

cat <<TXT

berthd is running on unix://$SOCK (Ctrl-C stops it; containers keep running).
In another terminal:

  export DOCKER_HOST=unix://$SOCK
  docker run --rm busybox echo hi

TXT
wait $BERTHD
