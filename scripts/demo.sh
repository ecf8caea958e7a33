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

scripts/install-deps.sh
swift build
bin=.build/debug

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || { echo "demo: no PostgreSQL server found under /usr/lib/postgresql" >&2; exit 2; }

demo=.demo
rm -rf "$demo" && mkdir -p "$demo"
production=$(mktemp -d /tmp/refstore-production-XXXXXX)
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres: "$production"
stop_production() {
  as_server "$pgbin/pg_ctl" -D "$production/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$production"
}
trap stop_production EXIT

# "Production": a password only this script knows, a socket only this machine sees.
password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
umask 077
printf '%s' "$password" > "$production/pw"
[ "$(id -u)" -eq 0 ] && chown postgres: "$production/pw"
as_server "$pgbin/initdb" -D "$production/data" -U refstore --pwfile="$production/pw" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
rm -f "$production/pw"
as_server "$pgbin/pg_ctl" -D "$production/data" -l "$production/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$production' -c port=5433" start >/dev/null
umask 022

export PGHOST="$production" PGPORT=5433 PGUSER=refstore PGPASSWORD="$password" PGDATABASE=refstore
"$pgbin/createdb" refstore
# The canary: a value written to production and never anywhere else; the drill proves it came back.
DRILL_CANARY=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export DRILL_CANARY
"$bin/refstore" migrate
"$bin/refstore" seed --size "$size"
"$bin/restore-drill" manifest --scenario Scenarios/demo-local.yml \
  --exec "'$pgbin/pg_dump' -Fc --no-owner --no-privileges --snapshot={snapshot} -f '$demo/refstore.dump'" \
  --dump "$demo/refstore.dump" --out "$demo/refstore.manifest.json"
stop_production
trap - EXIT
unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE

echo
"$bin/restore-drill" run Scenarios/demo-local.yml
