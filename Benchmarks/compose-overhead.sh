#!/usr/bin/env bash
# What the compose target costs over the local one on the same backup, and how much of that
# is the harness's own work on top of Docker's. Per round, on one RefStore backup:
#   local:   restore-drill run Scenarios/demo-local.yml
#   compose: restore-drill run Scenarios/sovecom-monthly.yml (same checks, api + storefront)
#   docker:  the same engine operations by hand: compose up --wait of the database, port,
#            cp of the dump, an exec, up --wait of the app services, down -v
# and reports the medians per step. Needs an engine and the images (scripts/docker-engine.sh
# start, scripts/build-images.sh); this script starts neither.
#
# Usage: Benchmarks/compose-overhead.sh [--size tiny|small|medium|large] [--rounds N]
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

size=small
rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=${2:?--size needs tiny, small, medium or large}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    *) echo "usage: Benchmarks/compose-overhead.sh [--size tiny|small|medium|large] [--rounds N]" >&2; exit 2 ;;
  esac
done
docker info >/dev/null 2>&1 || { echo "compose-overhead: no Docker engine answers (scripts/docker-engine.sh start, then export its DOCKER_HOST)" >&2; exit 2; }

source scripts/lib/production.sh
swift build -c release >/dev/null
bin=.build/release
production_locate_pgbin
work=$(mktemp -d /tmp/compose-overhead.XXXXXX)
hand_project=""
# A failed by-hand command exits through here: its project must not outlive the benchmark.
trap 'production_stop; [ -z "$hand_project" ] || docker compose -f docker-compose.drill.yml -p "$hand_project" down --volumes --remove-orphans >/dev/null 2>&1; rm -rf "$work"' EXIT
mkdir -p "$work/backup" "$work/reports"
production_start
production_demo_backup "$bin" "$size" "$work/backup" >/dev/null 2>&1
production_stop
# demo-local.yml reads ../.demo; point a copy of it at this run's backup.
sed "s|\.\./\.demo/|$work/backup/|g; s|\.\./\.build/debug/refstore|$PWD/$bin/refstore|" Scenarios/demo-local.yml >"$work/local.yml"

by_hand() {  # prints seconds per operation, tab-separated
  local project=bench-by-hand-$1 t0 t1 t2 t3 t4 t5 t6
  hand_project=$project
  DRILL_DB_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export DRILL_DB_PASSWORD DRILL_DB_USER=refstore DRILL_DB_NAME=refstore
  local compose=(docker compose -f docker-compose.drill.yml -p "$project")
  t0=$(date +%s.%N)
  "${compose[@]}" up --detach --wait postgres >/dev/null 2>&1
  "${compose[@]}" port postgres 5432 >/dev/null
  t1=$(date +%s.%N)
  "${compose[@]}" exec -T postgres mkdir -p /tmp/backup
  "${compose[@]}" cp "$work/backup/refstore.dump" postgres:/tmp/backup/refstore.dump >/dev/null 2>&1
  t2=$(date +%s.%N)
  "${compose[@]}" exec -T postgres true
  t3=$(date +%s.%N)
  "${compose[@]}" exec -T postgres pg_restore --no-owner --no-privileges -U refstore -d refstore --jobs "$(nproc)" /tmp/backup/refstore.dump
  t4=$(date +%s.%N)
  "${compose[@]}" up --detach --wait api storefront >/dev/null 2>&1 || true  # no key: the apps refuse; only the engine's time counts
  t5=$(date +%s.%N)
  "${compose[@]}" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1
  t6=$(date +%s.%N)
  hand_project=""
  awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" -v g="$t6" 'BEGIN { print b-a, c-b, d-c, e-d, g-f }' 
}

for round in $(seq 1 "$rounds"); do
  "$bin/restore-drill" run "$work/local.yml" --report-dir "$work/reports/local-$round" >/dev/null || true
  SOVECOM_BACKUPS="$work/backup" "$bin/restore-drill" run Scenarios/sovecom-monthly.yml --report-dir "$work/reports/compose-$round" >/dev/null || true
  by_hand "$round" >"$work/reports/by-hand-$round.tsv"
done

python3 - "$work/reports" "$rounds" "$size" <<'PY'
import json, glob, os, statistics, sys
folder, rounds, size = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(kind):
    records = []
    for r in range(1, rounds + 1):
        [path] = glob.glob(os.path.join(folder, f"{kind}-{r}", "*.json"))
        records.append(json.load(open(path)))
    return records
def step(record, name):
    if name == "teardown": return record["teardown"]["duration_seconds"]
    if name == "checks":  # they run side by side: the phase is what the RTO holds beyond the steps
        return record["rto"]["measured_seconds"] - sum(step(record, s) for s in ("target", "restore", "master_key", "app"))
    return next((s.get("duration_seconds") or 0) for s in record["steps"] if s["id"] == name)
local, compose = load("local"), load("compose")
for kind, records in (("local", local), ("compose", compose)):
    verdicts = {r["verdict"] for r in records}
    if verdicts != {"pass"}: sys.exit(f"compose-overhead: a {kind} drill did not pass: {verdicts}")
med = lambda values: statistics.median(values)
print(f"RefStore size {size}, {rounds} rounds, medians in seconds")
print(f"{'step':<12}{'local':>9}{'compose':>9}{'extra':>9}")
for name in ("target", "restore", "master_key", "app", "checks", "teardown"):
    l, c = med([step(r, name) for r in local]), med([step(r, name) for r in compose])
    print(f"{name:<12}{l:>9.2f}{c:>9.2f}{c - l:>+9.2f}")
rto = lambda r: r["rto"]["measured_seconds"]
print(f"{'RTO':<12}{med([rto(r) for r in local]):>9.2f}{med([rto(r) for r in compose]):>9.2f}{med([rto(r) for r in compose]) - med([rto(r) for r in local]):>+9.2f}")
rows = [list(map(float, open(p).read().split())) for p in sorted(glob.glob(os.path.join(folder, "by-hand-*.tsv")))]
up, cp, exec_, restore, down = (med(col) for col in zip(*rows))
print()
print("By hand (docker compose alone), medians in seconds:")
print(f"  up --wait postgres + port {up:.2f}; cp of the dump {cp:.2f}; one exec {exec_:.2f}; pg_restore by exec {restore:.2f}; down -v {down:.2f}")
target, teardown = med([step(r, "target") for r in compose]), med([step(r, "teardown") for r in compose])
print(f"Harness on top of Docker: target step {target:.2f} vs up+port {up:.2f} ({target - up:+.2f}); "
      f"teardown step {teardown:.2f} vs down -v {down:.2f} ({teardown - down:+.2f})")
PY
