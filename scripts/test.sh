#!/usr/bin/env bash
# `npm test`: installs what is missing, builds, and runs every test of every package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The Debian base the Apache build example runs on (debootstrap once, then cached).
bash scripts/base-images.sh --cache-only
mkdir -p .test-results
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json || status=$?
node scripts/test-summary.mjs .test-results/vitest.json
exit $status
