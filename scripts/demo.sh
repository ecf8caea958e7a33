#!/usr/bin/env bash
# The demo drill, end to end, on this machine (no Docker):
#   1. install what is missing and build;
#   2. start a throwaway "production" PostgreSQL and fill it with RefStore's shop data;
#   3. take the dump and its manifest in one snapshot (restore-drill manifest --exec);
#   4. stop "production", then run the drill: Scenarios/demo-local.yml.
# Usage: scripts/demo.sh [--size tiny|small|medium|large]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
size=small
[ "${1:-}" = "--size" ] && size=${2:?--size needs tiny, small, medium or large}
source scripts/lib/production.sh

scripts/install-deps.sh
swift build
bin=.build/debug
production_locate_pgbin

demo=.demo
rm -rf "$demo" && mkdir -p "$demo"
trap production_stop EXIT
production_start
# The canary: a value written to production and never anywhere else; the drill proves it came back.
DRILL_CANARY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DRILL_CANARY
production_seed_and_dump "$bin" "$size" Scenarios/demo-local.yml "$demo/refstore.dump" "$demo/refstore.manifest.json"
production_stop
trap - EXIT

echo
"$bin/restore-drill" run Scenarios/demo-local.yml
