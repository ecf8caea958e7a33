#!/usr/bin/env bash
# What the upgrade gate's own reads cost: Scenarios/sovecom-upgrade-local.yml on RefStore's
# shop at one size (release build), each step's time read from the gate's JSON report. The
# gate reads every table's exact row count, the money totals, the latest invoices, the schema
# and the migrations table three times beside the scenario's checks: in `baseline`, and after
# each of the two migration runs (the `migrate` step less the runs themselves), then once more
# under the new version. The share is those reads over the forward RTO.
#
# Usage: Benchmarks/upgrade-gate-cost.sh [--size large] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "upgrade-gate-cost: $*" >&2; }

size=large
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs one of tiny, small, medium, large}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) say "unknown option $1 (see --help)"; exit 2 ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { say "--rounds must be a positive integer, not '$rounds'"; exit 2; }
command -v jq >/dev/null || { say "needs jq to read the gate's JSON report (apt-get install jq)"; exit 2; }

source scripts/lib/production.sh
scripts/install-deps.sh >&2
swift build -c release >&2
bin=$PWD/.build/release
production_locate_pgbin

work=$(mktemp -d /tmp/restore-drill-gate-XXXXXX)
cleanup() { production_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "[$size] seeding a throwaway production of RefStore 1.0.0, then dump"
production_start >"$work/seed.log" 2>&1
production_demo_backup "$bin" "$size" "$work" >>"$work/seed.log" 2>&1
production_stop
# The shipped gate, pointed at this backup and this build.
sed -e "s|\.\./\.demo/|$work/|g" -e "s|\.\./\.build/debug/|$bin/|g" -e "s|dir: \.\./reports|dir: $work/reports|" \
  Scenarios/sovecom-upgrade-local.yml >"$work/gate.yml"

step() { jq -r --arg id "$2" '.steps[] | select(.id == $id) | .duration_seconds' "$1"; }
printf '%-7s %-6s %8s %9s %10s %9s %9s %9s %9s %8s\n' size round "RTO s" "restore s" "baseline s" "runs s" "reads s" "new app s" "checks s" share
shares=()
for round in $(seq 1 "$rounds"); do
  "$bin/restore-drill" run "$work/gate.yml" >"$work/gate.log" 2>&1 || true
  report=$(ls -t "$work"/reports/sovecom-upgrade-local-*.json 2>/dev/null | head -n 1 || true)
  [ -n "$report" ] || { say "the gate wrote no report:"; tail -n 20 "$work/gate.log" >&2; exit 2; }
  [ "$(jq -r '.verdict' "$report")" = pass ] || { say "the gate did not pass: $(jq -r '.summary' "$report")"; exit 2; }
  rto=$(jq -r '.rto.measured_seconds' "$report")
  restore=$(step "$report" restore)
  baseline=$(step "$report" baseline)
  migrate=$(step "$report" migrate)
  runs=$(jq -r '.upgrade.first_run_seconds + .upgrade.second_run_seconds' "$report")
  upgraded=$(step "$report" upgraded_app)
  checks=$(jq -r '[.checks[].duration_seconds] | max' "$report")
  reads=$(awk -v b="$baseline" -v m="$migrate" -v r="$runs" 'BEGIN { printf "%.3f", b + (m - r) }')
  share=$(awk -v x="$reads" -v t="$rto" 'BEGIN { printf "%.1f", 100 * x / t }')
  shares+=("$share")
  printf '%-7s %-6s %8.2f %9.2f %10.3f %9.2f %9.3f %9.2f %9.3f %7s%%\n' "$size" "$round" "$rto" "$restore" "$baseline" "$runs" "$reads" "$upgraded" "$checks" "$share"
  rm -f "$work"/reports/*
done
median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "the gate's baseline and idempotence reads / forward RTO at $size: median ${median}% over $rounds round(s)"
