#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and runs the platform in the foreground:
#   berthd          on unix:///run/berth/berth.sock, with a busybox image ready to use
#   berth-registry  on 127.0.0.1:5000, blobs and metadata under /var/lib/berth/registry
#   berth-console   on http://127.0.0.1:8080, data under /var/lib/berth/console, the local berthd as a host
# Extra arguments go to berthd. Ctrl-C stops both (containers keep running).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

SOCK=/run/berth/berth.sock
REGISTRY_LISTEN=${BERTH_REGISTRY_LISTEN:-127.0.0.1:5000}
REGISTRY_STORAGE=${BERTH_REGISTRY_STORAGE:-/var/lib/berth/registry}
CONSOLE_LISTEN=${BERTH_CONSOLE_LISTEN:-127.0.0.1:8080}
CONSOLE_DATA=${BERTH_CONSOLE_DATA:-/var/lib/berth/console}
mkdir -p /run/berth

pids=()
stop_all() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

node packages/engine/dist/berthd.js -H "unix://$SOCK" "$@" &
BERTHD=$!
pids+=("$BERTHD")
node packages/registry/dist/berth-registry.js serve --listen "$REGISTRY_LISTEN" --storage "$REGISTRY_STORAGE" &
REGISTRY=$!
pids+=("$REGISTRY")

# Both must come up; if either exits first, stop the other and report its status.
registry_url="http://$REGISTRY_LISTEN"
for _ in $(seq 1 200); do
  if [ -S "$SOCK" ] && curl -fsS -o /dev/null "$registry_url/v2/" 2>/dev/null; then break; fi
  for pid in "$BERTHD" "$REGISTRY"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      status=0
      wait "$pid" || status=$?
      echo "berth: $([ "$pid" = "$BERTHD" ] && echo berthd || echo berth-registry) exited with status $status during start" >&2
      stop_all
      exit "$status"
    fi
  done
  sleep 0.1
done
DOCKER_HOST="unix://$SOCK" bash scripts/base-images.sh --busybox-only >/dev/null
# The console prints its one-time setup token at its first start (no users yet).
node apps/web/dist/berth-console.js --listen "$CONSOLE_LISTEN" --data-dir "$CONSOLE_DATA" --engine "unix://$SOCK" &
pids+=("$!")

cat <<TXT

berthd is running on unix://$SOCK (Ctrl-C stops it; containers keep running).
berth-registry is serving $registry_url (storage in $REGISTRY_STORAGE).
berth-console is serving http://$CONSOLE_LISTEN (data in $CONSOLE_DATA).
In another terminal:

  export DOCKER_HOST=unix://$SOCK
  docker run --rm busybox echo hi
  packages/cli/bin/berth ps -a      # the berth CLI

TXT
status=0
wait -n "${pids[@]}" || status=$?
stop_all
exit "$status"
