#!/usr/bin/env bash
# The demo drill, end to end, on this machine (no Docker):
#   1. install what is missing and build;
#   2. start a throwaway "production" PostgreSQL and fill it with RefStore's shop data;
#      with a drill account whose TOTP secret is sealed under a fresh master key;
#   3. take the dump and its manifest in one snapshot (restore-drill manifest --exec), and
#      keep the master key off-host style: encrypted with age to a fresh identity;
#   4. stop "production", then run the drill: Scenarios/demo-local.yml (restore, decrypt and
#      install the key, boot `refstore serve`, log in with TOTP, check the data);
#   5. sign the reports with a demo key (made once, kept in .demo-signing/, or yours from
#      RESTORE_DRILL_SIGNING_KEY_FILE), check them with verify-report and show the history.
# With --compose, step 4 runs Scenarios/sovecom-monthly.yml instead: the same drill in a
# throwaway docker compose project (an engine is started and the images built if needed).
# With --upgrade, step 4 is the upgrade gate, Scenarios/sovecom-upgrade-local.yml: RefStore
# 1.0.0 to 2.0.0 rehearsed on the restored copy, and the way back; with --compose as well,
# Scenarios/sovecom-upgrade.yml (also PostgreSQL 15 to 17).
# With --shape ecommus, step 4 runs Scenarios/ecommus-monthly.yml (four services side by side,
# the plugin list recorded in the manifest), or with --upgrade ecommus-upgrade-local.yml (and
# its in-place rollback); with --shape nestfleet, Scenarios/nestfleet-monthly.yml (an API that
# migrates itself as it starts); with --shape storeit, Scenarios/storeit-monthly.yml (a store
# in one SQLite file, snapstore playing it: its "production" file seeded instead of a
# PostgreSQL, the backup taken with `restore-drill manifest --sqlite --backup-to`), or with
# --upgrade storeit-upgrade-local.yml (the snapshot upgrade and the .pre-upgrade way back).
# All of them run on the local target.
# Usage: scripts/demo.sh [--size tiny|small|medium|large] [--compose] [--upgrade] [--shape sovecom|ecommus|nestfleet|storeit]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
size=small
compose=false
upgrade=false
shape=sovecom
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=${2:?--size needs tiny, small, medium or large}; shift 2 ;;
    --compose) compose=true; shift ;;
    --upgrade) upgrade=true; shift ;;
    --shape) shape=${2:?--shape needs sovecom, ecommus, nestfleet or storeit}; shift 2 ;;
    *) echo "demo: unknown option $1 (use --size tiny|small|medium|large, --compose, --upgrade, --shape sovecom|ecommus|nestfleet|storeit)" >&2; exit 2 ;;
  esac
done
case "$shape" in
  sovecom) manifest_scenario=Scenarios/demo-local.yml ;;
  ecommus) manifest_scenario=Scenarios/ecommus-monthly.yml ;;
  nestfleet) manifest_scenario=Scenarios/nestfleet-monthly.yml ;;
  storeit) manifest_scenario=Scenarios/storeit-monthly.yml ;;
  *) echo "demo: unknown shape $shape (use sovecom, ecommus, nestfleet or storeit)" >&2; exit 2 ;;
esac
if [ "$shape" != sovecom ] && $compose; then
  echo "demo: --shape $shape runs on the local target; drop --compose" >&2; exit 2
fi
if [ "$shape" = nestfleet ] && $upgrade; then
  echo "demo: NestFleet's upgrade is its own start-up migration: run --shape nestfleet without --upgrade" >&2; exit 2
fi
source scripts/lib/production.sh

scripts/install-deps.sh
swift build
bin=.build/debug

demo=.demo
rm -rf "$demo" && mkdir -p "$demo"
if [ "$shape" = storeit ]; then
  # StoreIT's production is a file: seeded by snapstore, backed up from the manifest's own snapshot.
  case "$size" in tiny) orders=1000 ;; small) orders=10000 ;; medium) orders=100000 ;; large) orders=1000000 ;;
    *) echo "demo: unknown size $size" >&2; exit 2 ;; esac
  mkdir -p "$demo/production"
  "$bin/snapstore" seed --db "$demo/production/storeit.db" --orders "$orders"
  "$bin/restore-drill" manifest --sqlite "$demo/production/storeit.db" --scenario "$manifest_scenario" \
    --backup-to "$demo/storeit.db" --out "$demo/storeit.manifest.json"
else
  production_locate_pgbin
  trap production_stop EXIT
  production_start
  production_demo_backup "$bin" "$size" "$demo" "$manifest_scenario"
  production_stop
  trap - EXIT
fi

# One demo key for every demo run, so the reports folder holds one chain by one signer.
if [ -z "${RESTORE_DRILL_SIGNING_KEY_FILE:-}${RESTORE_DRILL_SIGNING_KEY:-}" ]; then
  mkdir -p .demo-signing && chmod 700 .demo-signing
  [ -f .demo-signing/drill-signing.pem ] || "$bin/restore-drill" keygen --out .demo-signing/drill-signing.pem >/dev/null
  export RESTORE_DRILL_SIGNING_KEY_FILE="$PWD/.demo-signing/drill-signing.pem"
fi

echo
status=0
if $compose; then
  stop_engine=false
  scripts/docker-engine.sh status >/dev/null 2>&1 || stop_engine=true
  engine=$(scripts/docker-engine.sh start)
  export "${engine?}"
  if $stop_engine; then trap 'scripts/docker-engine.sh stop >/dev/null 2>&1' EXIT; fi
  scripts/build-images.sh
  scenario=Scenarios/sovecom-monthly.yml
  if $upgrade; then scenario=Scenarios/sovecom-upgrade.yml; fi
  SOVECOM_BACKUPS="$PWD/$demo" "$bin/restore-drill" run "$scenario" || status=$?
elif [ "$shape" = ecommus ]; then
  scenario=Scenarios/ecommus-monthly.yml
  if $upgrade; then scenario=Scenarios/ecommus-upgrade-local.yml; fi
  "$bin/restore-drill" run "$scenario" || status=$?
elif [ "$shape" = nestfleet ]; then
  "$bin/restore-drill" run Scenarios/nestfleet-monthly.yml || status=$?
elif [ "$shape" = storeit ]; then
  scenario=Scenarios/storeit-monthly.yml
  if $upgrade; then scenario=Scenarios/storeit-upgrade-local.yml; fi
  "$bin/restore-drill" run "$scenario" || status=$?
elif $upgrade; then
  "$bin/restore-drill" run Scenarios/sovecom-upgrade-local.yml || status=$?
else
  "$bin/restore-drill" run Scenarios/demo-local.yml || status=$?
fi

# The evidence trail: every record signed and chained, and how the drills have gone so far.
echo
public_key=${RESTORE_DRILL_SIGNING_KEY_FILE%.pem}.pub.pem
if [ -f "$public_key" ]; then
  "$bin/restore-drill" verify-report reports --public-key "$public_key" | tail -n 2 || { [ "$status" -ne 0 ] || status=1; }
fi
"$bin/restore-drill" history reports --out reports || true
exit "$status"
