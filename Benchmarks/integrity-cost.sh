#!/usr/bin/env bash
# What the integrity check (amcheck over every table and B-tree index, heapallindexed) costs
# as a share of the restore it follows: drills of RefStore's shop at one size with that check
# alone, its duration and the restore step's read from each drill's JSON report.
#
# Usage: Benchmarks/integrity-cost.sh [--size large] [--jobs N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "integrity-cost: $*" >&2; }

size=large
jobs=$(nproc)
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs one of tiny, small, medium, large}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) say "unknown option $1 (see --help)"; exit 2 ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { say "--jobs must be a positive integer, not '$jobs'"; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { say "--rounds must be a positive integer, not '$rounds'"; exit 2; }
command -v jq >/dev/null || { say "needs jq to read the drill's JSON report (apt-get install jq)"; exit 2; }

source scripts/lib/production.sh
scripts/install-deps.sh >&2
swift build -c release >&2
bin=.build/release
production_locate_pgbin

work=$(mktemp -d /tmp/restore-drill-integrity-XXXXXX)
cleanup() { production_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$work/integrity.yml" <<SCENARIO
version: 1
name: integrity-cost
objectives: { tier: baseline }
environment:
  kind: local
  database: { name: refstore, user: refstore }
backup:
  dump: refstore.dump
  jobs: $jobs
checks:
  - integrity: { budget: 1h }
report:
  dir: reports
  formats: [json]
SCENARIO

say "[$size] seeding a throwaway production, then dump"
production_start >"$work/seed.log" 2>&1
DRILL_CANARY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DRILL_CANARY
production_seed_and_dump "$bin" "$size" "$work/integrity.yml" "$work/refstore.dump" "$work/refstore.manifest.json" >>"$work/seed.log" 2>&1
production_stop

printf '%-7s %-6s %10s %12s %8s  %s\n' size round "restore s" "integrity s" share verdict
shares=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/reports"
  "$bin/restore-drill" run "$work/integrity.yml" >"$work/drill.log" 2>&1 || true
  report=$(compgen -G "$work/reports/integrity-cost-*.json" | head -n 1 || true)
  [ -n "$report" ] || { say "the drill wrote no report:"; tail -n 20 "$work/drill.log" >&2; exit 2; }
  restore=$(jq -r '.steps[] | select(.id == "restore") | .duration_seconds' "$report")
  integrity=$(jq -r '.checks[0].duration_seconds' "$report")
  verdict=$(jq -r '.checks[0].verdict' "$report")
  [ "$verdict" = pass ] || { say "the integrity check did not pass: $(jq -r '.checks[0].message' "$report")"; exit 2; }
  share=$(awk -v i="$integrity" -v r="$restore" 'BEGIN { printf "%.1f", 100 * i / r }')
  shares+=("$share")
  printf '%-7s %-6s %10.2f %12.2f %7s%%  %s\n' "$size" "$round" "$restore" "$integrity" "$share" "$verdict"
done
median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "integrity check / restore at $size: median ${median}% over $rounds round(s), pg_restore jobs $jobs"
