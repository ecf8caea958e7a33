#!/usr/bin/env bash
# What the schema fingerprint and the freshness query cost a drill, as a share of its check
# phase: drills of RefStore's shop at one size with the demo's data checks plus freshness,
# volume and schema, the phase's wall time (RTO − target − restore) and each part read from
# the drill's JSON report. The fingerprint is read once before the checks (`schema.read_seconds`);
# the checks run side by side, so the share adds their durations: an upper bound.
#
# Usage: Benchmarks/history-checks-cost.sh [--size large] [--jobs N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "history-checks-cost: $*" >&2; }

size=large
jobs=$(nproc)
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs one of tiny, small, medium, large}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
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

work=$(mktemp -d /tmp/restore-drill-history-XXXXXX)
cleanup() { production_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$work/history.yml" <<SCENARIO
version: 1
name: history-checks-cost
objectives: { tier: baseline }
environment:
  kind: local
  database: { name: refstore, user: refstore }
backup:
  dump: refstore.dump
  jobs: $jobs
  manifest: refstore.manifest.json
checks:
  - row_counts: { tables: [customers, products, orders, order_lines, invoices], expect: manifest }
  - money:
      columns: [orders.total_cents, order_lines.unit_price_cents, invoices.total_cents]
      currency_column: orders.currency
      totals: manifest
  - invoice_sequence: { table: invoices, column: number, series: series, latest: manifest }
  - sql: { name: every order has an invoice, query: "SELECT count(*) FROM orders o LEFT JOIN invoices i ON i.order_id = o.id WHERE i.id IS NULL", expect: "= 0" }
  - sequences: {}
  - freshness: { columns: [orders.created_at], tolerance: 24h }
  - volume: { tables: [customers, orders, invoices], money: [orders.total_cents] }
  - schema: {}
report:
  dir: reports
  formats: [json]
SCENARIO

say "[$size] seeding a throwaway production, then dump"
production_start >"$work/seed.log" 2>&1
DRILL_CANARY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DRILL_CANARY
production_seed_and_dump "$bin" "$size" "$work/history.yml" "$work/refstore.dump" "$work/refstore.manifest.json" >>"$work/seed.log" 2>&1
production_stop

duration() { jq -r --arg kind "$2" '.checks[] | select(.kind == $kind) | .duration_seconds' "$1"; }
printf '%-7s %-6s %9s %9s %12s %11s %9s %9s %8s\n' size round "restore s" "phase s" "fingerprint" "freshness" "schema" "volume" share
shares=()
# The reports stay between rounds: the volume check compares from the second round on.
for round in $(seq 1 "$rounds"); do
  before=$(compgen -G "$work/reports/history-checks-cost-*.json" | wc -l || true)
  "$bin/restore-drill" run "$work/history.yml" >"$work/drill.log" 2>&1 || true
  report=$(ls -t "$work"/reports/history-checks-cost-*.json 2>/dev/null | head -n 1 || true)
  after=$(compgen -G "$work/reports/history-checks-cost-*.json" | wc -l || true)
  [ -n "$report" ] && [ "$after" -gt "$before" ] || { say "the drill wrote no report:"; tail -n 20 "$work/drill.log" >&2; exit 2; }
  verdict=$(jq -r '.verdict' "$report")
  [ "$verdict" = pass ] || { say "the drill did not pass: $(jq -r '.summary' "$report")"; exit 2; }
  restore=$(jq -r '.steps[] | select(.id == "restore") | .duration_seconds' "$report")
  target=$(jq -r '.steps[] | select(.id == "target") | .duration_seconds' "$report")
  rto=$(jq -r '.rto.measured_seconds' "$report")
  fingerprint=$(jq -r '.schema.read_seconds' "$report")
  freshness=$(duration "$report" freshness)
  schema=$(duration "$report" schema)
  volume=$(duration "$report" volume)
  phase=$(awk -v r="$rto" -v t="$target" -v s="$restore" 'BEGIN { printf "%.3f", r - t - s }')
  share=$(awk -v f="$fingerprint" -v n="$freshness" -v s="$schema" -v p="$phase" 'BEGIN { printf "%.1f", 100 * (f + n + s) / p }')
  shares+=("$share")
  printf '%-7s %-6s %9.2f %9.2f %12.3f %11.3f %9.3f %9.3f %7s%%\n' "$size" "$round" "$restore" "$phase" "$fingerprint" "$freshness" "$schema" "$volume" "$share"
done
median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "fingerprint + freshness + schema / check phase at $size: median ${median}% over $rounds round(s), pg_restore jobs $jobs"
