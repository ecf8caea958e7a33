#!/usr/bin/env bash
# What a SQLite store's drill costs (Scenarios/storeit-monthly.yml, release build), and how
# much of it is SQLite's own judgement of the copy: snapstore's store seeded at one size, the
# backup and manifest taken with `restore-drill manifest --sqlite --backup-to`, then the drill
# run N times. Each step's time comes from the drill's JSON report. The share is the restore
# step (copy, re-hash of the copy, integrity_check, foreign_key_check) over the RTO.
#
# Usage: Benchmarks/sqlite-drill-cost.sh [--orders N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
say() { echo "sqlite-drill-cost: $*" >&2; }

orders=1000000
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --orders) orders=${2:?--orders needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) say "unknown option $1 (see --help)"; exit 2 ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ && $orders =~ ^[1-9][0-9]*$ ]] || { say "--orders and --rounds take positive integers"; exit 2; }
command -v jq >/dev/null || { say "needs jq to read the drill's JSON report (apt-get install jq)"; exit 2; }

scripts/install-deps.sh >&2
swift build -c release >&2
bin=$PWD/.build/release

work=$(mktemp -d /tmp/restore-drill-sqlite-XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "seeding a store of $orders orders, then its backup and manifest from one snapshot"
"$bin/snapstore" seed --db "$work/production.db" --orders "$orders" >&2
sed -e "s|\.\./\.demo/|$work/|g" -e "s|\.\./\.build/debug/|$bin/|g" -e "s|dir: \.\./reports|dir: $work/reports|" \
  Scenarios/storeit-monthly.yml >"$work/drill.yml"
manifest_start=$(date +%s.%N)
"$bin/restore-drill" manifest --sqlite "$work/production.db" --scenario "$work/drill.yml" \
  --backup-to "$work/storeit.db" --out "$work/storeit.manifest.json" 2>"$work/manifest.log"
manifest_seconds=$(awk -v s="$manifest_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
size=$(stat -c %s "$work/storeit.db")
say "backup: $((size / 1048576)) MiB; manifest and backup took ${manifest_seconds}s"

step() { jq -r --arg id "$2" '.steps[] | select(.id == $id) | .duration_seconds' "$1"; }
printf '%-6s %8s %10s %8s %9s %9s %8s\n' round "RTO s" "restore s" "app s" "checks s" "RSS MiB" share
shares=()
for round in $(seq 1 "$rounds"); do
  "$bin/restore-drill" run "$work/drill.yml" >"$work/drill.log" 2>&1 || true
  report=$(ls -t "$work"/reports/storeit-monthly-*.json 2>/dev/null | head -n 1 || true)
  [ -n "$report" ] || { say "the drill wrote no report:"; tail -n 20 "$work/drill.log" >&2; exit 2; }
  [ "$(jq -r '.verdict' "$report")" = pass ] || { say "the drill did not pass: $(jq -r '.summary' "$report")"; exit 2; }
  rto=$(jq -r '.rto.measured_seconds' "$report")
  restore=$(step "$report" restore)
  app=$(step "$report" app)
  checks=$(jq -r '[.checks[].duration_seconds] | max' "$report")
  rss=$(jq -r '.environment.harness_peak_memory_bytes / 1048576' "$report")
  share=$(awk -v x="$restore" -v t="$rto" 'BEGIN { printf "%.1f", 100 * x / t }')
  shares+=("$share")
  printf '%-6s %8.2f %10.2f %8.2f %9.3f %9.1f %7s%%\n' "$round" "$rto" "$restore" "$app" "$checks" "$rss" "$share"
  rm -f "$work"/reports/*
done
median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "the restore step (copy, re-hash, integrity_check, foreign_key_check) / RTO at $orders orders ($((size / 1048576)) MiB): median ${median}% over $rounds round(s)"
